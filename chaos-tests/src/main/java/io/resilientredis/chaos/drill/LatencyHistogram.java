package io.resilientredis.chaos.drill;

import java.time.Duration;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Caller latency in microseconds (HdrHistogram, 3 significant digits, any range), kept twice:
 *
 * <ul>
 *   <li><b>corrected</b> ({@link #percentile}, {@link #max}, {@link #count}): from when the call was
 *       <em>due</em> on the pacer's schedule to when it returned, plus the calls the pacer never issued
 *       because the caller was blocked ({@link #recordMissed}). This is what a user of a service doing
 *       this work at this rate would wait: free of coordinated omission.</li>
 *   <li><b>raw</b> ({@link #rawPercentile}, {@link #rawMax}, {@link #rawCount}): from the actual send to the
 *       return, the calls issued only: what the client library itself takes per call.</li>
 * </ul>
 *
 * They differ only when a caller was held up past its next due time (a stall, a breaker opening). Safe
 * for many recording threads at once.
 */
public final class LatencyHistogram {

    private final Histogram corrected = new ConcurrentHistogram(3);
    private final Histogram raw = new ConcurrentHistogram(3);

    /**
     * Records a call that had no schedule (it counts the same in both views).
     *
     * @param nanos one observed latency, in nanoseconds (negative values count as 0)
     */
    public void recordNanos(long nanos) {
        long micros = micros(nanos);
        corrected.recordValue(micros);
        raw.recordValue(micros);
    }

    /**
     * Records a paced call.
     *
     * @param dueNanos when the pacer's schedule wanted the call to start ({@link System#nanoTime()})
     * @param startNanos when it was sent
     * @param endNanos when it returned
     */
    public void record(long dueNanos, long startNanos, long endNanos) {
        corrected.recordValue(micros(endNanos - Math.min(dueNanos, startNanos)));
        raw.recordValue(micros(endNanos - startNanos));
    }

    /**
     * Records, in the corrected view only, the calls a pacer skipped because its caller was blocked: one
     * was due every {@code intervalNanos} over the last {@code lagNanos}, and each would have waited at
     * least until now (HdrHistogram's expected-interval fill).
     *
     * @param lagNanos how far behind its schedule the pacer was when it skipped ahead
     * @param intervalNanos the pacer's interval between calls
     */
    public void recordMissed(long lagNanos, long intervalNanos) {
        long interval = Math.max(1, micros(intervalNanos));
        for (long v = micros(lagNanos); v > 0; v -= interval) {
            corrected.recordValue(v);
        }
    }

    /** @return how many latencies the corrected view holds (issued calls plus the skipped ones) */
    public long count() {
        return corrected.getTotalCount();
    }

    /** @return the largest corrected latency, or zero when none */
    public Duration max() {
        return duration(corrected.getMaxValue(), corrected);
    }

    /**
     * @param percentile 0 to 100
     * @return the corrected latency at that percentile (within 0.1%), or zero when empty
     */
    public Duration percentile(double percentile) {
        return at(corrected, percentile);
    }

    /** @return how many calls were issued and recorded */
    public long rawCount() {
        return raw.getTotalCount();
    }

    /** @return the largest raw latency (send to return), or zero when none */
    public Duration rawMax() {
        return duration(raw.getMaxValue(), raw);
    }

    /**
     * @param percentile 0 to 100
     * @return the raw latency (send to return) at that percentile (within 0.1%), or zero when empty
     */
    public Duration rawPercentile(double percentile) {
        return at(raw, percentile);
    }

    private static Duration at(Histogram h, double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be 0..100, was " + percentile);
        }
        return duration(h.getValueAtPercentile(percentile), h);
    }

    private static Duration duration(long micros, Histogram h) {
        return h.getTotalCount() == 0 ? Duration.ZERO : Duration.ofNanos(micros * 1_000);
    }

    private static long micros(long nanos) {
        return Math.max(0, nanos / 1_000);
    }

    @Override
    public String toString() {
        return "LatencyHistogram{n=" + count() + ", p50=" + percentile(50).toNanos() / 1000 + "us, p99="
                + percentile(99).toNanos() / 1000 + "us, max=" + max().toNanos() / 1000 + "us; raw n=" + rawCount()
                + ", p99=" + rawPercentile(99).toNanos() / 1000 + "us}";
    }
}
