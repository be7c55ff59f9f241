package io.resilientredis.failover;

import io.resilientredis.failover.internal.Arguments;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings for the circuit breaker that guards each endpoint, and for the health probe
 * that runs against it. The defaults open a breaker within a few failed calls when idle and within
 * milliseconds under load, and notice recovery about a second after the endpoint is back.
 */
public final class BreakerSettings {

    private static final BreakerSettings DEFAULTS = builder().build();

    private final int failureRatePercent;
    private final int minimumCalls;
    private final Duration window;
    private final Duration openDelay;
    private final int halfOpenTrials;
    private final Duration probeInterval;

    private BreakerSettings(Builder b) {
        this.failureRatePercent = b.failureRatePercent;
        this.minimumCalls = b.minimumCalls;
        this.window = b.window;
        this.openDelay = b.openDelay;
        this.halfOpenTrials = b.halfOpenTrials;
        this.probeInterval = b.probeInterval;
    }

    /** @return the default settings */
    public static BreakerSettings defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the failure rate, in percent of calls in the window, that opens the breaker */
    public int failureRatePercent() {
        return failureRatePercent;
    }

    /** @return how many calls the window must hold before the rate is judged */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** @return the sliding window over which failures are counted */
    public Duration window() {
        return window;
    }

    /** @return how long an open breaker stays open before it lets trial calls through */
    public Duration openDelay() {
        return openDelay;
    }

    /** @return how many successful trial calls close a half-open breaker */
    public int halfOpenTrials() {
        return halfOpenTrials;
    }

    /** @return how often the health probe pings each endpoint */
    public Duration probeInterval() {
        return probeInterval;
    }

    @Override
    public String toString() {
        return "BreakerSettings{failureRate=" + failureRatePercent + "% of >=" + minimumCalls + " calls in "
                + window.toMillis() + "ms, openDelay=" + openDelay.toMillis() + "ms, halfOpenTrials="
                + halfOpenTrials + ", probeInterval=" + probeInterval.toMillis() + "ms}";
    }

    /** Builds {@link BreakerSettings}. */
    public static final class Builder {
        private int failureRatePercent = 50;
        private int minimumCalls = 3;
        private Duration window = Duration.ofSeconds(2);
        private Duration openDelay = Duration.ofSeconds(1);
        private int halfOpenTrials = 2;
        private Duration probeInterval = Duration.ofMillis(250);

        private Builder() {
        }

        /**
         * Opens the breaker when at least {@code percent} of the calls in the window failed, once
         * the window holds at least {@code minimumCalls} calls. Default 50% of at least 3.
         *
         * @param percent 1 to 100
         * @param minimumCalls at least 1
         * @return this builder
         */
        public Builder failureRate(int percent, int minimumCalls) {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("failure rate must be 1..100 percent, was " + percent);
            }
            if (minimumCalls < 1) {
                throw new IllegalArgumentException("minimumCalls must be at least 1, was " + minimumCalls);
            }
            this.failureRatePercent = percent;
            this.minimumCalls = minimumCalls;
            return this;
        }

        /**
         * @param window the sliding window failures are counted over; default 2 s
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = Arguments.positive(window, "window");
            return this;
        }

        /**
         * @param openDelay how long an open breaker waits before trial calls; default 1 s
         * @return this builder
         */
        public Builder openDelay(Duration openDelay) {
            this.openDelay = Arguments.positive(openDelay, "openDelay");
            return this;
        }

        /**
         * @param trials successful trial calls (probes) that close a half-open breaker; default 2
         * @return this builder
         */
        public Builder halfOpenTrials(int trials) {
            if (trials < 1) {
                throw new IllegalArgumentException("halfOpenTrials must be at least 1, was " + trials);
            }
            this.halfOpenTrials = trials;
            return this;
        }

        /**
         * @param interval how often each endpoint is pinged; default 250 ms
         * @return this builder
         */
        public Builder probeInterval(Duration interval) {
            this.probeInterval = Arguments.positive(interval, "probeInterval");
            return this;
        }

        /** @return the immutable settings */
        public BreakerSettings build() {
            return new BreakerSettings(this);
        }
    }
}
