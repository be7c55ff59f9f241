package io.resilientredis.failover;

import io.resilientredis.failover.internal.Arguments;
import java.time.Duration;

/**
 * Immutable retry settings for retry-safe calls: exponential backoff with jitter, bounded in
 * attempts and in total time. A call is retried only after a connectivity or failover failure,
 * and never once every endpoint's breaker is open (that fails fast instead).
 */
public final class RetrySettings {

    private static final RetrySettings DEFAULTS = builder().build();
    private static final RetrySettings NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double jitter;
    private final Duration maxDuration;

    private RetrySettings(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.jitter = b.jitter;
        this.maxDuration = b.maxDuration;
    }

    /** @return the defaults: 3 attempts, backoff 25 ms doubling to 250 ms, jitter 25%, 1.5 s in all */
    public static RetrySettings defaults() {
        return DEFAULTS;
    }

    /** @return settings that never retry */
    public static RetrySettings none() {
        return NONE;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return attempts in all, the first included */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the delay before the first retry */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** @return the largest delay between attempts */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** @return the jitter factor, 0 to 1 */
    public double jitter() {
        return jitter;
    }

    /** @return the bound on the time of all attempts together */
    public Duration maxDuration() {
        return maxDuration;
    }

    @Override
    public String toString() {
        return "RetrySettings{maxAttempts=" + maxAttempts + ", backoff=" + initialDelay.toMillis() + ".."
                + maxDelay.toMillis() + "ms, jitter=" + jitter + ", maxDuration=" + maxDuration.toMillis() + "ms}";
    }

    /** Builds {@link RetrySettings}. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialDelay = Duration.ofMillis(25);
        private Duration maxDelay = Duration.ofMillis(250);
        private double jitter = 0.25;
        private Duration maxDuration = Duration.ofMillis(1500);

        private Builder() {
        }

        /**
         * @param attempts attempts in all, the first included; 1 means no retry
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
         * @param initialDelay delay before the first retry, doubled each time
         * @param maxDelay the largest delay
         * @return this builder
         */
        public Builder backoff(Duration initialDelay, Duration maxDelay) {
            this.initialDelay = Arguments.positive(initialDelay, "initialDelay");
            this.maxDelay = Arguments.positive(maxDelay, "maxDelay");
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
            }
            return this;
        }

        /**
         * @param factor random spread of each delay, 0 (none) to 1
         * @return this builder
         */
        public Builder jitter(double factor) {
            if (factor < 0 || factor > 1) {
                throw new IllegalArgumentException("jitter must be 0..1, was " + factor);
            }
            this.jitter = factor;
            return this;
        }

        /**
         * @param maxDuration bound on all attempts together
         * @return this builder
         */
        public Builder maxDuration(Duration maxDuration) {
            this.maxDuration = Arguments.positive(maxDuration, "maxDuration");
            return this;
        }

        /** @return the immutable settings */
        public RetrySettings build() {
            return new RetrySettings(this);
        }
    }
}
