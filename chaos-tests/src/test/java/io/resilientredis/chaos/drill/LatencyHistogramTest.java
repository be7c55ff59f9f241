package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreWithinThreePercentAndTheMaximumIsExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (long us = 1; us <= 100_000; us++) {
            h.recordNanos(us * 1_000);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat(h.max()).isEqualTo(Duration.ofMillis(100));
        assertThat(h.percentile(50).toNanos() / 1000.0).isBetween(50_000.0, 50_000 * 1.032);
        assertThat(h.percentile(99).toNanos() / 1000.0).isBetween(99_000.0, 99_000 * 1.032);
        assertThat(h.percentile(100)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void emptyIsZeroAndSmallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.percentile(99)).isZero();
        h.recordNanos(7_000);
        h.recordNanos(-5);
        assertThat(h.percentile(100)).isEqualTo(Duration.ofNanos(7_000));
        assertThat(h.percentile(1)).isZero();
    }

    @Test
    void bucketBoundsAreContiguousAndEveryValueFallsBelowItsBucketsUpperBound() {
        for (int i = 0; i < 1300; i++) {
            long upper = LatencyHistogram.upperMicros(i);
            assertThat(LatencyHistogram.index(upper)).as("bucket %d holds its upper bound", i).isEqualTo(i);
            assertThat(LatencyHistogram.index(upper + 1)).as("the next value opens bucket %d", i + 1).isEqualTo(i + 1);
        }
        for (int n = 0; n < 10_000; n++) {
            long us = ThreadLocalRandom.current().nextLong(1L << 36);
            int index = LatencyHistogram.index(us);
            assertThat(LatencyHistogram.upperMicros(index)).isGreaterThanOrEqualTo(us);
            assertThat(LatencyHistogram.upperMicros(index)).isLessThanOrEqualTo(Math.max(us, (long) (us * 1.032)));
        }
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
    }
}
