package io.resilientredis.chaos.drill;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram in microseconds: exact below 64 µs, then 32 buckets per power of two
 * (about 3% resolution) up to about 12 days. Safe for many recording threads at once; a percentile read
 * while threads record sees a consistent-enough snapshot for a progress line.
 */
public final class LatencyHistogram {

    private static final int LINEAR = 64;
    private static final int SUB_BUCKETS = 32;
    private static final int BUCKETS = LINEAR + 40 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong maxMicros = new AtomicLong();

    /** @param nanos one observed latency, in nanoseconds (negative values count as 0) */
    public void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        counts.incrementAndGet(index(micros));
        total.incrementAndGet();
        maxMicros.accumulateAndGet(micros, Math::max);
    }

    /** @return how many latencies were recorded */
    public long count() {
        return total.get();
    }

    /** @return the largest latency recorded (exact), or zero when none */
    public Duration max() {
        return Duration.ofNanos(maxMicros.get() * 1_000);
    }

    /**
     * @param percentile 0 to 100
     * @return the upper bound of the bucket holding that percentile (within about 3%), or zero when empty
     */
    public Duration percentile(double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be 0..100, was " + percentile);
        }
        long n = total.get();
        if (n == 0) {
            return Duration.ZERO;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Duration.ofNanos(Math.min(upperMicros(i), maxMicros.get()) * 1_000);
            }
        }
        return max();
    }

    static int index(long micros) {
        if (micros < LINEAR) {
            return (int) micros;
        }
        int msb = 63 - Long.numberOfLeadingZeros(micros);
        int shift = msb - 5;
        int sub = (int) (micros >>> shift);
        return Math.min(BUCKETS - 1, LINEAR + (shift - 1) * SUB_BUCKETS + (sub - SUB_BUCKETS));
    }

    static long upperMicros(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / SUB_BUCKETS + 1;
        int sub = (index - LINEAR) % SUB_BUCKETS + SUB_BUCKETS;
        return ((long) (sub + 1) << shift) - 1;
    }

    @Override
    public String toString() {
        return "LatencyHistogram{n=" + count() + ", p50=" + percentile(50).toNanos() / 1000 + "us, p99="
                + percentile(99).toNanos() / 1000 + "us, max=" + max().toNanos() / 1000 + "us}";
    }
}
