package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreWithinATenthOfAPercentAndTheMaximumIsKept() {
        LatencyHistogram h = new LatencyHistogram();
        for (long us = 1; us <= 100_000; us++) {
            h.recordNanos(us * 1_000);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat(h.rawCount()).isEqualTo(100_000);
        assertThat(h.max().toNanos() / 1000.0).isBetween(100_000.0, 100_000 * 1.001);
        assertThat(h.percentile(50).toNanos() / 1000.0).isBetween(50_000.0, 50_000 * 1.001);
        assertThat(h.percentile(99).toNanos() / 1000.0).isBetween(99_000.0, 99_000 * 1.001);
        assertThat(h.rawPercentile(99)).isEqualTo(h.percentile(99));
    }

    @Test
    void emptyIsZeroAndSmallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.percentile(99)).isZero();
        assertThat(h.rawMax()).isZero();
        h.recordNanos(7_000);
        h.recordNanos(-5);
        assertThat(h.percentile(100)).isEqualTo(Duration.ofNanos(7_000));
        assertThat(h.percentile(1)).isZero();
    }

    @Test
    void aLateStartCountsFromWhenTheCallWasDueOnlyInTheCorrectedView() {
        LatencyHistogram h = new LatencyHistogram();
        long due = 1_000_000_000L;
        h.record(due, due + 300_000_000L, due + 301_000_000L); // sent 300 ms late, took 1 ms
        assertThat(h.max()).isBetween(Duration.ofMillis(300), Duration.ofMillis(302));
        assertThat(h.rawMax()).isBetween(Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void callsAPacerSkippedAreCountedInTheCorrectedViewOnly() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 100; i++) {
            h.recordNanos(1_000_000);
        }
        h.recordMissed(2_000_000_000L, 20_000_000L); // 2 s behind a 20 ms schedule: 100 calls never made
        assertThat(h.rawCount()).isEqualTo(100);
        assertThat(h.count()).isEqualTo(200);
        assertThat(h.rawPercentile(99)).isLessThan(Duration.ofMillis(2));
        assertThat(h.percentile(99)).isGreaterThan(Duration.ofMillis(1900));
        assertThat(h.percentile(75)).isBetween(Duration.ofMillis(990), Duration.ofMillis(1010));
    }

    @Test
    void manyThreadsRecordWithoutLosingCounts() throws InterruptedException {
        LatencyHistogram h = new LatencyHistogram();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    h.recordNanos(ThreadLocalRandom.current().nextLong(1_000_000));
                }
            }, "resilient-redis-test-histogram-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(h.count()).isEqualTo(200_000);
        assertThat(h.rawCount()).isEqualTo(200_000);
    }
}
