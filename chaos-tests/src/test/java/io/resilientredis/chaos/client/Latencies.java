package io.resilientredis.chaos.client;

import java.util.Arrays;

/** Percentiles of measured call durations, for the [measure] lines the tests print. */
record Latencies(long p50Nanos, long p99Nanos, long maxNanos) {

    static Latencies of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latencies(percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    double p50Millis() {
        return p50Nanos / 1e6;
    }

    double p99Millis() {
        return p99Nanos / 1e6;
    }

    double maxMillis() {
        return maxNanos / 1e6;
    }
}
