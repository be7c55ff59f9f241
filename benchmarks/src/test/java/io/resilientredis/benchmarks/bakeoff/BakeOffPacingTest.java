package io.resilientredis.benchmarks.bakeoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.drill.LatencyHistogram;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The bake-off writer's latency views, against an in-memory client: a call that blocks the writer
 * for 1.5 s is one slow call in the raw view, but every write due meanwhile waits in the corrected
 * one (coordinated-omission correction against the writer's schedule).
 */
class BakeOffPacingTest {

    @Test
    void aStalledWriterRaisesTheCorrectedP99AboveTheRawOne() throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        Contender stallsOnce = new Contender() {
            @Override
            public String name() {
                return "in-memory";
            }

            @Override
            public String configuration() {
                return "";
            }

            @Override
            public void rpush(String key, String value) {
                if (calls.incrementAndGet() == 50) {
                    // The stall on purpose: one call held for 1.5 s.
                    sleep(1_500);
                }
            }

            @Override
            public void close() {
            }
        };
        BakeOff bakeOff = new BakeOff(new BakeOff.Timing(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, 5_000));
        LatencyHistogram latency = new LatencyHistogram();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        Thread writer = new Thread(() -> bakeOff.write(stallsOnce, 0, new WriteLedger(1), stop, errors, attempts,
                new ConcurrentLinkedQueue<>(), latency, new ArrayList<>()), "bakeoff-pacing-test-writer");
        writer.start();
        sleep(2_500);
        stop.set(true);
        writer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(writer.isAlive()).isFalse();

        assertThat(errors.get()).isZero();
        // Raw: one slow call among hundreds of fast ones.
        assertThat(latency.rawMax()).isGreaterThanOrEqualTo(Duration.ofMillis(1_400));
        assertThat(latency.rawPercentile(99)).isLessThan(Duration.ofMillis(200));
        // Corrected: the ~300 writes due during the stall are counted, most waiting for hundreds of ms.
        assertThat(latency.count()).isGreaterThan(latency.rawCount() + 200);
        assertThat(latency.percentile(99)).isGreaterThan(Duration.ofMillis(1_000));
        assertThat(latency.percentile(99)).isGreaterThan(latency.rawPercentile(99));
    }

    private static void sleep(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }
}
