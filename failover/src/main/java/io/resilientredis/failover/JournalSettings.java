package io.resilientredis.failover;

import io.resilientredis.failover.internal.Arguments;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the failover journal: the writes a Sentinel group's master acknowledged recently, kept
 * in memory so that they can be re-applied (under their ids, in order) on the master the Sentinels
 * promote next. A failover can drop writes the old master acknowledged but had not replicated, and
 * a planned failover or a paused master keeps acknowledging writes for a moment after the
 * promotion; the window must cover the time from such a write to the client following the new
 * master (about one Sentinel scan after the promotion).
 *
 * <pre>{@code
 * JournalSettings.builder().window(Duration.ofSeconds(10)).maxBytes(32L << 20).build()
 * }</pre>
 */
public final class JournalSettings {

    private static final JournalSettings DEFAULTS = builder().build();

    private final Duration window;
    private final long maxBytes;

    private JournalSettings(Builder b) {
        this.window = b.window;
        this.maxBytes = b.maxBytes;
    }

    /** @return 10 s, 32 MiB */
    public static JournalSettings defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return how long an acknowledged write stays in the journal */
    public Duration window() {
        return window;
    }

    /** @return the journal's bound in (estimated) bytes; writes pushed out early are counted as overflow */
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public String toString() {
        return "JournalSettings[window=" + window.toMillis() + "ms, maxBytes=" + maxBytes + "]";
    }

    /** Builds {@link JournalSettings}. */
    public static final class Builder {
        private Duration window = Duration.ofSeconds(10);
        private long maxBytes = 32L << 20;

        private Builder() {
        }

        /**
         * @param window how long an acknowledged write is kept for re-applying; default 10 s
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = Arguments.positive(window, "window");
            return this;
        }

        /**
         * @param maxBytes the bound in heap bytes, estimated (keys, values and ~300 bytes of objects a
         *                 write); default 32 MiB, about 85,000 small writes
         * @return this builder
         */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** @return the settings */
        public JournalSettings build() {
            Objects.requireNonNull(window, "window");
            return new JournalSettings(this);
        }
    }
}
