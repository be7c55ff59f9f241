package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;

import static io.resilientredis.failover.spi.EngineFixture.APPLIER;
import static io.resilientredis.failover.spi.EngineFixture.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.resilientredis.failover.spill.SpillStoreConfig;
import io.resilientredis.failover.spill.SpillStoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spill store on a real 4 MiB tmpfs that fills up: spilling fails while the disk is full and
 * nothing accepted is lost; with Redis back, writes go directly although the store cannot delete
 * what it replayed; once space is freed, the store finishes its deletes and returns to normal by
 * itself.
 */
class SpillDiskFullTest {

    @RegisterExtension
    final EngineFixture fx = new EngineFixture();

    @TempDir
    Path tmp;

    private final FakeRedis redis = new FakeRedis("redis://fake:6379");
    private FailoverEngine<FakeRedis> engine;
    private Tmpfs disk;

    private static String value(int i) {
        return "w" + i + "|" + "v".repeat(100);
    }

    private WriteReceipt<String> write(int i) {
        try {
            return engine.write(append("w" + i, value(i))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFullDiskNeverJamsTheStoreAndItRecoversByItselfOnceThereIsRoom() throws Exception {
        disk = fx.closeAfter(Tmpfs.mount(tmp.resolve("disk"), "4m"));
        Path dir = disk.dir().resolve("spill");
        // 512 KiB held back now and freed later, as an operator would free space.
        Files.write(disk.dir().resolve("ballast"), new byte[512 * 1024]);
        engine = fx.start(fx.builder(redis)
                .spill(SpillStoreConfig.builder(dir).build(), APPLIER,
                        ReplaySettings.builder().batchSize(100).maxWritesPerSecond(0).build()));

        // Redis down: spill until the disk is full.
        redis.down();
        List<WriteReceipt<String>> accepted = new ArrayList<>();
        Set<String> refused = new HashSet<>();
        int i = 0;
        for (; i < 200_000 && refused.isEmpty(); i++) {
            try {
                WriteReceipt<String> r = write(i);
                assertThat(r.status()).isEqualTo(WriteStatus.SPILLED);
                accepted.add(r);
            } catch (SpillStoreException full) {
                assertThat(full).hasMessageContaining("SQLITE_FULL").hasMessageContaining("Fix:");
                refused.add(value(i));
            }
        }
        assertThat(refused).as("the 4 MiB disk filled up").isNotEmpty();
        // Fill the last free bytes too, so that even the deletes of the replay cannot commit.
        disk.fill("filler");
        for (int k = 0; k < 5; k++, i++) {
            int n = i;
            assertThatThrownBy(() -> write(n)).as("writes throw while the disk is full")
                    .isInstanceOf(SpillStoreException.class);
            refused.add(value(n));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.seen(FailoverEvent.Type.SPILL_DEGRADED));
        assertThat(engine.status().spill().degraded()).isTrue();
        assertThat(engine.status().spill().degradedReason()).contains("SQLITE_FULL");
        System.out.printf("[measure] 4 MiB tmpfs full after %d spilled writes; spill dir holds %d bytes%n",
                accepted.size(), size(dir));

        // Redis back: the backlog is applied, and new writes go directly, full disk or not.
        redis.up();
        for (WriteReceipt<String> r : accepted) {
            r.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        int first = i;
        await("direct writes with the disk still full").atMost(Duration.ofSeconds(10))
                .until(() -> write(first).status() == WriteStatus.WRITTEN);
        List<String> direct = new ArrayList<>(List.of(value(first)));
        for (i = first + 1; i < first + 50; i++) {
            assertThat(write(i).status()).isEqualTo(WriteStatus.WRITTEN);
            direct.add(value(i));
        }
        SpillStatus jammed = engine.status().spill();
        System.out.printf("[measure] with Redis back and the disk full: depth %d (replayed, deletes waiting),"
                + " degraded %s%n", jammed.depth(), jammed.degraded());

        // Space back: the store completes its deletes, empties, and is healthy again by itself.
        Files.delete(disk.dir().resolve("filler"));
        Files.delete(disk.dir().resolve("ballast"));
        await("the store recovered by itself").atMost(Duration.ofSeconds(20))
                .until(() -> !engine.status().spill().degraded() && engine.status().spill().depth() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.seen(FailoverEvent.Type.SPILL_RECOVERED));
        await("the emptied store gave its space back").atMost(Duration.ofSeconds(10))
                .until(() -> size(dir) < 256 * 1024);
        System.out.printf("[measure] after recovery the spill dir holds %d bytes%n", size(dir));

        // And it spills and replays normally again.
        redis.down();
        WriteReceipt<String> again = write(i);
        assertThat(again.status()).isEqualTo(WriteStatus.SPILLED);
        redis.up();
        again.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);
        String last = value(i);

        // Every accepted write applied once, in order; no refused write applied.
        List<String> expected = new ArrayList<>();
        accepted.forEach(r -> expected.add(value(Integer.parseInt(r.id().substring(1)))));
        expected.addAll(direct);
        expected.add(last);
        assertThat(redis.log).containsExactlyElementsOf(expected);
        assertThat(redis.log).doesNotContainAnyElementsOf(refused);
    }

    private static long size(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
