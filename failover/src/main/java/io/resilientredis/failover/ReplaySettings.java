package io.resilientredis.failover;

import io.resilientredis.failover.internal.Arguments;
import java.time.Duration;

/**
 * Immutable settings of the replayer that drains the spill store: batch size, a rate limit that
 * keeps a long backlog from flooding a recovering Redis, and how often progress is reported.
 */
public final class ReplaySettings {

    private static final ReplaySettings DEFAULTS = builder().build();

    private final int batchSize;
    private final long maxBatchBytes;
    private final int maxWritesPerSecond;
    private final Duration batchTimeout;
    private final Duration progressInterval;
    private final Duration inDoubtWindow;

    private ReplaySettings(Builder b) {
        this.inDoubtWindow = b.inDoubtWindow;
        this.batchSize = b.batchSize;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxWritesPerSecond = b.maxWritesPerSecond;
        this.batchTimeout = b.batchTimeout;
        this.progressInterval = b.progressInterval;
    }

    /** @return the defaults: batches of 2,000 writes or 1 MiB, at most 50,000 writes/s, progress every 5 s */
    public static ReplaySettings defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return writes per pipelined batch */
    public int batchSize() {
        return batchSize;
    }

    /** @return payload bytes per batch, at most (a single larger write still goes alone) */
    public long maxBatchBytes() {
        return maxBatchBytes;
    }

    /** @return the replay rate limit in writes per second; 0 means none */
    public int maxWritesPerSecond() {
        return maxWritesPerSecond;
    }

    /** @return how long one batch may take before it counts as failed */
    public Duration batchTimeout() {
        return batchTimeout;
    }

    /** @return how often replay progress is logged and reported */
    public Duration progressInterval() {
        return progressInterval;
    }

    /**
     * @return how long a spilled write whose outcome is unknown on an endpoint (a timeout after it
     *         was sent, or no replica confirmation) waits for that endpoint before it is replayed on
     *         another one, where it could then be applied a second time
     */
    public Duration inDoubtWindow() {
        return inDoubtWindow;
    }

    /** Builds {@link ReplaySettings}. */
    public static final class Builder {
        private int batchSize = 2000;
        private long maxBatchBytes = 1 << 20;
        private int maxWritesPerSecond = 50_000;
        private Duration batchTimeout = Duration.ofSeconds(10);
        private Duration progressInterval = Duration.ofSeconds(5);
        private Duration inDoubtWindow = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * A write that failed on an endpoint after it was sent may have been applied there; its
         * exactly-once marker exists only in that deployment. Such a write is replayed on that
         * endpoint (as soon as it is healthy, even before traffic fails back to it), and waits for
         * it up to this long; after that it is replayed on the active endpoint and reported with a
         * {@link FailoverEvent.Type#REPLAY_REROUTED} event, since it may then be applied in both
         * deployments. Writes behind it wait too, so that none overtakes it. Default 30 s.
         *
         * @param window how long to wait; zero replays such writes wherever writes go
         * @return this builder
         */
        public Builder inDoubtWindow(Duration window) {
            java.util.Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("inDoubtWindow must not be negative");
            }
            this.inDoubtWindow = window;
            return this;
        }

        /**
         * @param writes writes per pipelined batch (1 to 10,000)
         * @return this builder
         */
        public Builder batchSize(int writes) {
            if (writes < 1 || writes > 10_000) {
                throw new IllegalArgumentException("batchSize must be 1..10000, was " + writes);
            }
            this.batchSize = writes;
            return this;
        }

        /**
         * @param bytes payload bytes per batch, at most
         * @return this builder
         */
        public Builder maxBatchBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBatchBytes must be positive");
            }
            this.maxBatchBytes = bytes;
            return this;
        }

        /**
         * @param writes replay rate limit in writes per second; 0 for none
         * @return this builder
         */
        public Builder maxWritesPerSecond(int writes) {
            if (writes < 0) {
                throw new IllegalArgumentException("maxWritesPerSecond must not be negative");
            }
            this.maxWritesPerSecond = writes;
            return this;
        }

        /**
         * @param timeout bound on one batch
         * @return this builder
         */
        public Builder batchTimeout(Duration timeout) {
            this.batchTimeout = Arguments.positive(timeout, "batchTimeout");
            return this;
        }

        /**
         * @param interval how often progress is reported
         * @return this builder
         */
        public Builder progressInterval(Duration interval) {
            this.progressInterval = Arguments.positive(interval, "progressInterval");
            return this;
        }

        /** @return the immutable settings */
        public ReplaySettings build() {
            return new ReplaySettings(this);
        }
    }
}
