package io.resilientredis.chaos.spill;

import static io.resilientredis.chaos.spill.SpillChaos.get;
import static io.resilientredis.chaos.spill.SpillChaos.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.resilientredis.failover.ResilientRedisException;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.failover.spill.OverflowPolicy;
import io.resilientredis.failover.spill.SpillFullException;
import io.resilientredis.failover.spill.SpillStore;
import io.resilientredis.failover.spill.SpillStoreConfig;
import io.resilientredis.failover.spill.SpillStoreListener;
import io.resilientredis.failover.spill.SpillStoreLockedException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The spill store's guards seen through the client against a real Redis: one client per
 * directory, bounds that reject or make writes wait (never drop them), and a corrupt store that is
 * moved aside while the client keeps working.
 */
class SpillGuardsTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @AfterEach
    void heal() {
        chaos.get().resetAll();
    }

    private static RedisNode redis() {
        return chaos.get().topology().primary();
    }

    @Test
    void aSecondClientOnTheSameDirectoryFailsWithAClearErrorAndLeavesNoThreads() {
        try (ResilientRedis first = SpillChaos.client(chaos.get()).spill(spillDir).build()) {
            List<String> threadsBefore = SpillChaos.clientThreads();

            assertThatThrownBy(() -> SpillChaos.client(chaos.get()).spill(spillDir).build())
                    .isInstanceOf(SpillStoreLockedException.class)
                    .hasMessageContaining(spillDir.toString())
                    .hasMessageContaining("in use by pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("Fix:");
            // The failed build stopped what it had started; the first client is unaffected.
            await("threads of the failed client gone").atMost(Duration.ofSeconds(10))
                    .until(() -> threadsBefore.containsAll(SpillChaos.clientThreads()));
            assertThat(first.set("guard:lock", "still mine").status()).isEqualTo(WriteStatus.WRITTEN);
        }
        // Once the first client is closed, the directory is free.
        try (ResilientRedis second = SpillChaos.client(chaos.get()).spill(spillDir).build()) {
            assertThat(second.get("guard:lock")).isEqualTo("still mine");
        }
    }

    @Test
    void aFullStoreRejectsWithSpillFullExceptionAndKeepsWhatItHolds() throws Exception {
        SpillStoreConfig config = SpillStoreConfig.builder(spillDir).maxEntries(5).build();
        List<WriteReceipt<Long>> spilled = new ArrayList<>();
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(config).build()) {
            chaos.get().disableAll();
            for (int i = 0; i < 5; i++) {
                WriteReceipt<Long> r = client.rpush("guard:full", Integer.toString(i));
                assertThat(r.status()).isEqualTo(WriteStatus.SPILLED);
                spilled.add(r);
            }
            assertThatThrownBy(() -> client.rpush("guard:full", "5"))
                    .isInstanceOf(SpillFullException.class)
                    .hasMessageContaining("is full")
                    .hasMessageContaining("5 of max 5 entries")
                    .hasMessageContaining("Fix:")
                    .satisfies(e -> assertThat(((SpillFullException) e).maxEntries()).isEqualTo(5));
            // One catch covers every way a call can fail, a full spill store included.
            assertThatThrownBy(() -> client.rpush("guard:full", "5")).isInstanceOf(ResilientRedisException.class);
            assertThat(client.status().spill().depth()).isEqualTo(5);

            chaos.get().resetAll();
            SpillChaos.awaitAll(spilled.stream().map(WriteReceipt::applied).toList(), Duration.ofSeconds(30));
            assertThat(list(redis(), "guard:full")).containsExactly("0", "1", "2", "3", "4");
            await("direct writes again").atMost(Duration.ofSeconds(10))
                    .until(() -> client.rpush("guard:full", "after").status() == WriteStatus.WRITTEN);
            assertThat(list(redis(), "guard:full")).containsExactly("0", "1", "2", "3", "4", "after");
        }
    }

    @Test
    void theBlockingPolicyWaitsForRoomThenFails() {
        SpillStoreConfig config = SpillStoreConfig.builder(spillDir).maxEntries(3)
                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(1))).build();
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(config).build()) {
            chaos.get().disableAll();
            for (int i = 0; i < 3; i++) {
                assertThat(client.set("guard:block:" + i, "v").status()).isEqualTo(WriteStatus.SPILLED);
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.set("guard:block:3", "v"))
                    .isInstanceOf(SpillFullException.class)
                    .hasMessageContaining("BLOCK");
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[measure] a write into a full store under block(1 s) failed after %d ms%n", waitedMillis);
            // It waited for room (about the policy's timeout) rather than failing at once.
            assertThat(waitedMillis).isGreaterThanOrEqualTo(900);
            assertThat(client.status().spill().depth()).isEqualTo(3);
        }
    }

    @Test
    void aBlockedWriteGoesThroughWhenTheReplayMakesRoom() throws Exception {
        SpillStoreConfig config = SpillStoreConfig.builder(spillDir).maxEntries(2)
                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60))).build();
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(config).build()) {
            chaos.get().disableAll();
            assertThat(client.rpush("guard:room", "0").status()).isEqualTo(WriteStatus.SPILLED);
            assertThat(client.rpush("guard:room", "1").status()).isEqualTo(WriteStatus.SPILLED);
            CompletableFuture<WriteReceipt<Long>> blocked = CompletableFuture.supplyAsync(
                    () -> client.rpush("guard:room", "2"));
            await("the third write waits while the store is full").during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5)).until(() -> !blocked.isDone());

            chaos.get().resetAll();
            WriteReceipt<Long> receipt = blocked.get(60, TimeUnit.SECONDS);
            assertThat(receipt.status()).isEqualTo(WriteStatus.SPILLED);
            receipt.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(list(redis(), "guard:room")).containsExactly("0", "1", "2");
        }
    }

    @Test
    void aSynchronousWriteMayWaitForRoomAsLongAsTheBlockingPolicyAllows() throws Exception {
        // The synchronous API bounds every call; a write waiting for room under block(timeout) must
        // not be cut off by that bound (and then be applied after its caller was told it failed).
        SpillStoreConfig config = SpillStoreConfig.builder(spillDir).maxEntries(1)
                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60))).build();
        try (ResilientRedis client = SpillChaos.client(chaos.get()).retry(RetrySettings.none()).spill(config).build()) {
            chaos.get().disableAll();
            assertThat(client.rpush("guard:long", "0").status()).isEqualTo(WriteStatus.SPILLED);
            CompletableFuture<WriteReceipt<Long>> blocked = CompletableFuture.supplyAsync(
                    () -> client.rpush("guard:long", "1"));
            // Longer than the call bound of this client's timeouts and retries (about 12.7 s).
            await("the write still waits for room").during(Duration.ofSeconds(14))
                    .atMost(Duration.ofSeconds(20)).until(() -> !blocked.isDone());

            chaos.get().resetAll();
            WriteReceipt<Long> receipt = blocked.get(60, TimeUnit.SECONDS);
            assertThat(receipt.status()).isEqualTo(WriteStatus.SPILLED);
            receipt.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(list(redis(), "guard:long")).containsExactly("0", "1");
        }
    }

    @Test
    void aCorruptStoreIsMovedAsideAndReportedAndTheClientKeepsWorking() throws Exception {
        // A real store with a backlog, left behind by an earlier run...
        try (ResilientRedis before = SpillChaos.client(chaos.get()).spill(spillDir).build()) {
            before.maintenance(true);
            String big = "x".repeat(2000);
            for (int i = 0; i < 50; i++) {
                assertThat(before.set("guard:lost:" + i, big).status()).isEqualTo(WriteStatus.SPILLED);
            }
        }
        // ...whose file is then damaged in the middle (header and schema page intact).
        Path db = spillDir.resolve("spill.db");
        long size = Files.size(db);
        byte[] junk = new byte[4096];
        new Random(11).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(size / 2 / 4096 * 4096);
            f.write(junk);
        }
        byte[] damaged = Files.readAllBytes(db);

        List<Path> movedTo = new CopyOnWriteArrayList<>();
        SpillStoreListener listener = new SpillStoreListener() {
            @Override
            public void corruptStoreMovedAside(Path original, Path moved, Throwable cause) {
                movedTo.add(moved);
            }
        };
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger storeLog = (Logger) LoggerFactory.getLogger(SpillStore.class);
        log.start();
        storeLog.addAppender(log);
        try (ResilientRedis client = SpillChaos.client(chaos.get())
                .spill(SpillStoreConfig.builder(spillDir).listener(listener).build()).build()) {
            assertThat(movedTo).hasSize(1);
            assertThat(movedTo.get(0).getParent()).isEqualTo(db.getParent());
            assertThat(Files.readAllBytes(movedTo.get(0))).as("the corrupt file, kept").isEqualTo(damaged);
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("corrupt").contains(movedTo.get(0).toString()));
            assertThat(client.status().spill().depth()).isZero();

            // The client keeps working: direct writes, and a fresh store that spills and replays.
            assertThat(client.set("guard:fresh", "1").status()).isEqualTo(WriteStatus.WRITTEN);
            client.maintenance(true);
            WriteReceipt<Long> spilled = client.incrBy("guard:fresh:n", 3);
            assertThat(spilled.status()).isEqualTo(WriteStatus.SPILLED);
            client.maintenance(false);
            spilled.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(get(redis(), "guard:fresh:n")).isEqualTo("3");
            assertThat(get(redis(), "guard:lost:0")).as("entries of the moved file are not replayed").isNull();
        } finally {
            storeLog.detachAppender(log);
        }
    }
}
