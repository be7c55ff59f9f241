package io.resilientredis.client.queue;

import io.resilientredis.failover.internal.Arguments;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a job queue as this client uses it. Several clients may use the same
 * queue with different settings; each applies its own when it enqueues, takes or gives back.
 */
public final class QueueOptions {

    private static final QueueOptions DEFAULTS = builder().build();

    private final long maxLength;
    private final int maxPayloadBytes;
    private final Duration visibilityTimeout;
    private final int maxAttempts;
    private final Duration pollMinBackoff;
    private final Duration pollMaxBackoff;
    private final Duration workerTtl;

    private QueueOptions(Builder b) {
        this.maxLength = b.maxLength;
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.visibilityTimeout = b.visibilityTimeout;
        this.maxAttempts = b.maxAttempts;
        this.pollMinBackoff = b.pollMinBackoff;
        this.pollMaxBackoff = b.pollMaxBackoff;
        this.workerTtl = b.workerTtl;
    }

    /**
     * @return the defaults: no maximum length, payloads up to 1 MiB, visibility timeout 30 s,
     *         5 attempts, poll backoff 10 to 200 ms, worker registration TTL 15 s
     */
    public static QueueOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the maximum number of jobs (waiting, delayed, in flight), or 0 for none */
    public long maxLength() {
        return maxLength;
    }

    /** @return the largest payload accepted, in bytes */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** @return how long a taken job stays invisible before it goes back to the queue unacknowledged */
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /** @return deliveries a job gets before a nack or an expired visibility timeout dead-letters it */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the shortest pause between polls of an empty queue */
    public Duration pollMinBackoff() {
        return pollMinBackoff;
    }

    /** @return the longest pause between polls of an empty queue */
    public Duration pollMaxBackoff() {
        return pollMaxBackoff;
    }

    /** @return how long a worker's registration lives without a heartbeat (it beats every third of this) */
    public Duration workerTtl() {
        return workerTtl;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueueOptions q && maxLength == q.maxLength && maxPayloadBytes == q.maxPayloadBytes
                && maxAttempts == q.maxAttempts && visibilityTimeout.equals(q.visibilityTimeout)
                && pollMinBackoff.equals(q.pollMinBackoff) && pollMaxBackoff.equals(q.pollMaxBackoff)
                && workerTtl.equals(q.workerTtl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxLength, maxPayloadBytes, visibilityTimeout, maxAttempts, pollMinBackoff, pollMaxBackoff,
                workerTtl);
    }

    @Override
    public String toString() {
        return "QueueOptions{maxLength=" + (maxLength == 0 ? "none" : maxLength) + ", maxPayloadBytes=" + maxPayloadBytes
                + ", visibilityTimeout=" + visibilityTimeout.toMillis() + "ms, maxAttempts=" + maxAttempts
                + ", pollBackoff=" + pollMinBackoff.toMillis() + ".." + pollMaxBackoff.toMillis() + "ms, workerTtl="
                + workerTtl.toMillis() + "ms}";
    }

    /** Builds {@link QueueOptions}. */
    public static final class Builder {
        private long maxLength;
        private int maxPayloadBytes = 1024 * 1024;
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 5;
        private Duration pollMinBackoff = Duration.ofMillis(10);
        private Duration pollMaxBackoff = Duration.ofMillis(200);
        private Duration workerTtl = Duration.ofSeconds(15);

        private Builder() {
        }

        /**
         * @param jobs the most jobs (waiting, delayed, in flight) the queue may hold before an
         *             enqueue fails with {@link QueueFullException}; 0 for no limit (the default)
         * @return this builder
         */
        public Builder maxLength(long jobs) {
            if (jobs < 0) {
                throw new IllegalArgumentException("maxLength must be 0 (none) or positive, was " + jobs);
            }
            this.maxLength = jobs;
            return this;
        }

        /**
         * @param bytes the largest payload accepted; default 1 MiB, at most 512 MiB (Redis's limit)
         * @return this builder
         */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1 || bytes > 512 * 1024 * 1024) {
                throw new IllegalArgumentException("maxPayloadBytes must be 1 to 512 MiB, was " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * @param timeout how long a taken job may stay unacknowledged before it goes back to the
         *                queue by itself; default 30 s. Longer than any job takes to process.
         * @return this builder
         */
        public Builder visibilityTimeout(Duration timeout) {
            this.visibilityTimeout = Arguments.positive(timeout, "visibilityTimeout");
            return this;
        }

        /**
         * @param attempts deliveries a job gets; a nack of the last one, or its visibility
         *                 timeout expiring, moves it to the dead-letter list; default 5
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param min the first pause after an empty poll
         * @param max the longest pause (pauses double, with jitter, up to this)
         * @return this builder
         */
        public Builder pollBackoff(Duration min, Duration max) {
            this.pollMinBackoff = Arguments.positive(min, "min");
            this.pollMaxBackoff = Arguments.positive(max, "max");
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("poll backoff max " + max + " is below min " + min);
            }
            return this;
        }

        /**
         * @param ttl how long a worker's registration lives without a heartbeat; it beats every
         *            third of this; default 15 s, at least 300 ms
         * @return this builder
         */
        public Builder workerTtl(Duration ttl) {
            Arguments.positive(ttl, "workerTtl");
            if (ttl.toMillis() < 300) {
                throw new IllegalArgumentException("workerTtl must be at least 300 ms, was " + ttl);
            }
            this.workerTtl = ttl;
            return this;
        }

        /** @return the immutable options */
        public QueueOptions build() {
            return new QueueOptions(this);
        }
    }
}
