package io.resilientredis.chaos.spill;

import static io.resilientredis.chaos.spill.SpillChaos.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code status().spill()} shows while a backlog matters (depth, bytes, oldest entry age,
 * replaying, replay rate), and the replay rate into a local Redis, measured with the default rate
 * limit and with none.
 */
class ReplayStatusTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @AfterEach
    void heal() {
        chaos.get().resetAll();
    }

    @Test
    void statusShowsDepthBytesAgeAndReplayRateWhileABacklogMatters() throws Exception {
        int writes = 3000;
        String value = "v".repeat(100);
        ReplaySettings slow = ReplaySettings.builder().maxWritesPerSecond(1500).batchSize(100).build();
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(spillDir).replay(slow).build()) {
            SpillStatus idle = client.status().spill();
            assertThat(idle.enabled()).isTrue();
            assertThat(idle.depth()).isZero();
            assertThat(idle.oldestEntryAge()).isEqualTo(Duration.ZERO);

            chaos.get().disableAll();
            List<CompletionStage<WriteReceipt<Void>>> receipts = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                receipts.add(client.async().set("st:" + i, value));
            }
            SpillChaos.awaitAll(receipts, Duration.ofSeconds(60));
            for (CompletionStage<WriteReceipt<Void>> r : receipts) {
                assertThat(r.toCompletableFuture().join().status()).isEqualTo(WriteStatus.SPILLED);
            }
            SpillStatus outage = client.status().spill();
            assertThat(outage.depth()).isEqualTo(writes);
            assertThat(outage.bytes()).isGreaterThanOrEqualTo((long) writes * value.length());
            assertThat(outage.replaying()).isFalse();
            assertThat(outage.replayRatePerSecond()).isZero();
            Duration firstAge = outage.oldestEntryAge();
            await("the oldest entry's age grows").atMost(Duration.ofSeconds(10))
                    .until(() -> client.status().spill().oldestEntryAge().compareTo(firstAge.plusMillis(300)) > 0);

            chaos.get().resetAll();
            AtomicReference<SpillStatus> during = new AtomicReference<>();
            await("status while replaying").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        SpillStatus s = client.status().spill();
                        during.set(s);
                        return s.replaying() && s.replayRatePerSecond() > 0 && s.depth() > 0 && s.depth() < writes;
                    });
            SpillStatus d = during.get();
            assertThat(d.bytes()).isLessThan(outage.bytes()).isPositive();
            assertThat(d.replayedTotal()).isPositive();
            assertThat(d.oldestEntryAge()).isPositive();
            System.out.printf("[measure] status while replaying (limit 1,500/s): depth %d, %d bytes, oldest %d ms,"
                            + " rate %.0f writes/s, %d replayed%n", d.depth(), d.bytes(), d.oldestEntryAge().toMillis(),
                    d.replayRatePerSecond(), d.replayedTotal());

            await("drained").atMost(Duration.ofSeconds(60)).until(() -> client.status().spill().depth() == 0);
            await("replay no longer reported as running").atMost(Duration.ofSeconds(10))
                    .until(() -> !client.status().spill().replaying());
            SpillStatus after = client.status().spill();
            assertThat(after.bytes()).isZero();
            assertThat(after.oldestEntryAge()).isEqualTo(Duration.ZERO);
            assertThat(after.replayedTotal()).isEqualTo(writes);
            assertThat(get(chaos.get().topology().primary(), "st:" + (writes - 1))).isEqualTo(value);
        }
    }

    @Test
    void replayRateOfFiftyThousandSpilledWritesWithTheDefaultLimitAndWithNone() throws Exception {
        // A first, smaller round warms the JIT up (its figure is the cold one), so the two that
        // follow compare the limits rather than compilation.
        drain("rr:warm:", 10_000, ReplaySettings.defaults(), "cold JVM, default limit");
        drain("rr:default:", 50_000, ReplaySettings.defaults(), "default limit 50,000/s");
        drain("rr:none:", 50_000, ReplaySettings.builder().maxWritesPerSecond(0).build(), "no limit");
    }

    /** Spills writes (half SET, half exactly-once INCRBY) in maintenance mode, then times the drain. */
    private void drain(String prefix, int writes, ReplaySettings settings, String label) throws Exception {
        Path dir = spillDir.resolve(prefix.replace(":", ""));
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(dir).replay(settings).build()) {
            client.maintenance(true);
            List<CompletionStage<? extends WriteReceipt<?>>> receipts = new ArrayList<>(writes);
            long spillStart = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                receipts.add(i % 2 == 0
                        ? client.async().set(prefix + "k:" + (i % 1000), Integer.toString(i))
                        : client.async().incrBy(prefix + "n", 1));
            }
            SpillChaos.awaitAll(receipts, Duration.ofSeconds(120));
            long spillNanos = System.nanoTime() - spillStart;
            assertThat(client.status().spill().depth()).isEqualTo(writes);

            double peakRate = 0;
            long start = System.nanoTime();
            client.maintenance(false);
            long deadline = start + TimeUnit.SECONDS.toNanos(120);
            while (client.status().spill().depth() > 0) {
                assertThat(System.nanoTime()).as("drained within 120 s").isLessThan(deadline);
                peakRate = Math.max(peakRate, client.status().spill().replayRatePerSecond());
                await().pollDelay(Duration.ofMillis(10)).until(() -> true); // a pause between polls
            }
            long nanos = System.nanoTime() - start;
            System.out.printf("[measure] replay (%s): %,d spilled writes drained into local Redis in %d ms = %,.0f"
                            + " writes/s (status peak %,.0f/s); spilling them took %d ms = %,.0f appends/s%n",
                    label, writes, nanos / 1_000_000, writes * 1e9 / nanos, peakRate, spillNanos / 1_000_000,
                    writes * 1e9 / spillNanos);
            assertThat(get(chaos.get().topology().primary(), prefix + "n")).isEqualTo(Integer.toString(writes / 2));
            assertThat(get(chaos.get().topology().primary(), prefix + "k:998")).isEqualTo(Integer.toString(writes - 2));
            assertThat(client.status().spill().replayedTotal()).isEqualTo(writes);
        }
    }
}
