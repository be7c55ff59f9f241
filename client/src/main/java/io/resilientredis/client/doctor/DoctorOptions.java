package io.resilientredis.client.doctor;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How {@link Doctor} runs: the bound on each network step, how many PINGs measure latency and above
 * which median round trip latency is a warning, and the TLS context for {@code rediss://}. Immutable;
 * build with {@link #builder()}.
 */
public final class DoctorOptions {

    private static final DoctorOptions DEFAULTS = builder().build();

    private final Duration timeout;
    private final int latencySamples;
    private final Duration latencyWarning;
    private final SSLContext sslContext;

    private DoctorOptions(Builder builder) {
        this.timeout = builder.timeout;
        this.latencySamples = builder.latencySamples;
        this.latencyWarning = builder.latencyWarning;
        this.sslContext = builder.sslContext;
    }

    /** @return the defaults: timeout 2 s, 20 latency samples, warning above a 10 ms median, the JVM's TLS context */
    public static DoctorOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the bound on each step: DNS lookup, TCP connect, TLS handshake, each reply */
    public Duration timeout() {
        return timeout;
    }

    /** @return how many PINGs the latency check sends */
    public int latencySamples() {
        return latencySamples;
    }

    /** @return the median PING round trip above which the latency check warns */
    public Duration latencyWarning() {
        return latencyWarning;
    }

    /** @return the TLS context for {@code rediss://}, or null for the JVM's default */
    SSLContext sslContext() {
        return sslContext;
    }

    @Override
    public String toString() {
        return "DoctorOptions[timeout=" + timeout.toMillis() + "ms, latencySamples=" + latencySamples
                + ", latencyWarning=" + latencyWarning.toMillis() + "ms"
                + (sslContext != null ? ", custom TLS context" : "") + "]";
    }

    /** Builds {@link DoctorOptions}. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(2);
        private int latencySamples = 20;
        private Duration latencyWarning = Duration.ofMillis(10);
        private SSLContext sslContext;

        private Builder() {
        }

        /**
         * @param timeout bound on each step (DNS lookup, connect, handshake, each reply); positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param samples how many PINGs measure latency, 1 to 1000
         * @return this builder
         */
        public Builder latencySamples(int samples) {
            if (samples < 1 || samples > 1000) {
                throw new IllegalArgumentException("latencySamples must be between 1 and 1000, was " + samples);
            }
            this.latencySamples = samples;
            return this;
        }

        /**
         * @param threshold the median PING round trip above which the latency check warns; positive
         * @return this builder
         */
        public Builder latencyWarning(Duration threshold) {
            Objects.requireNonNull(threshold, "threshold");
            if (threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("latencyWarning must be positive, was " + threshold);
            }
            this.latencyWarning = threshold;
            return this;
        }

        /**
         * @param context the TLS context {@code rediss://} connections use (its trust store decides which
         *     server certificates are trusted); null for the JVM's default
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** @return the options */
        public DoctorOptions build() {
            return new DoctorOptions(this);
        }
    }
}
