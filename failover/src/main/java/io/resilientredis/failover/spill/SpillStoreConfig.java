package io.resilientredis.failover.spill;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Immutable configuration of a {@link SpillStore}; build one with {@link #builder(Path)}.
 *
 * <pre>{@code
 * SpillStoreConfig config = SpillStoreConfig.builder(Path.of("/var/lib/myservice/spill"))
 *     .maxBytes(512L * 1024 * 1024)
 *     .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(2)))
 *     .build();
 * }</pre>
 */
public final class SpillStoreConfig {
    /** Default bound on payload bytes: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    /** Default bound on entries: 1,000,000. */
    public static final long DEFAULT_MAX_ENTRIES = 1_000_000L;

    /**
     * Default bound on one entry (one write in spill form): 64 MiB, or {@code maxBytes} if that
     * is smaller.
     */
    public static final long DEFAULT_MAX_ENTRY_BYTES = 64L * 1024 * 1024;

    private static final SpillStoreListener NO_LISTENER = new SpillStoreListener() {};

    private final Path directory;
    private final long maxBytes;
    private final long maxEntries;
    private final long maxEntryBytes;
    private final OverflowPolicy overflowPolicy;
    private final SpillStoreListener listener;
    private final WriterHook writerHook;

    private SpillStoreConfig(Builder b) {
        this.directory = b.directory;
        this.maxBytes = b.maxBytes;
        this.maxEntries = b.maxEntries;
        this.maxEntryBytes = Math.min(b.maxEntryBytes, b.maxBytes);
        this.overflowPolicy = b.overflowPolicy;
        this.listener = b.listener;
        this.writerHook = b.writerHook;
    }

    /**
     * Starts a configuration for a store in {@code directory}. The directory is created
     * (owner-only, 0700) when the store is opened, if it does not exist; it holds the store file
     * ({@code spill.db} and SQLite's {@code -wal}/{@code -shm} files) and the lock file ({@code
     * spill.lock}). Give every client its own directory.
     *
     * @param directory the spill directory
     * @return a new builder
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** {@return the directory that holds the store} */
    public Path directory() {
        return directory;
    }

    /** {@return the bound on payload bytes held (committed plus queued)} */
    public long maxBytes() {
        return maxBytes;
    }

    /** {@return the bound on entries held (committed plus queued)} */
    public long maxEntries() {
        return maxEntries;
    }

    /**
     * The bound on one entry's payload (one write in spill form); never more than {@link
     * #maxBytes()}. A larger write fails at call time with {@link IllegalArgumentException}.
     *
     * @return the bound in bytes
     */
    public long maxEntryBytes() {
        return maxEntryBytes;
    }

    /** {@return what an append that does not fit does} */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /** {@return who hears about store events} */
    public SpillStoreListener listener() {
        return listener;
    }

    WriterHook writerHook() {
        return writerHook;
    }

    /**
     * A copy of this configuration for a store in another directory (a Redis Cluster client keeps
     * one store per spill lane, each with these bounds).
     *
     * @param other the directory
     * @return the copy
     */
    public SpillStoreConfig withDirectory(Path other) {
        Builder b = new Builder(other);
        b.maxBytes = maxBytes;
        b.maxEntries = maxEntries;
        b.maxEntryBytes = maxEntryBytes;
        b.overflowPolicy = overflowPolicy;
        b.listener = listener;
        b.writerHook = writerHook;
        return new SpillStoreConfig(b);
    }

    @Override
    public String toString() {
        return "SpillStoreConfig[directory="
                + directory
                + ", maxBytes="
                + maxBytes
                + ", maxEntries="
                + maxEntries
                + ", maxEntryBytes="
                + maxEntryBytes
                + ", overflowPolicy="
                + overflowPolicy
                + "]";
    }

    /** Builds a {@link SpillStoreConfig}; not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private long maxEntries = DEFAULT_MAX_ENTRIES;
        private long maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
        private OverflowPolicy overflowPolicy = OverflowPolicy.reject();
        private SpillStoreListener listener = NO_LISTENER;
        private WriterHook writerHook = WriterHook.NONE;

        private Builder(Path directory) {
            this.directory =
                    Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        }

        /**
         * Bounds the payload bytes held, counting committed entries and appends still queued.
         * Default 256 MiB. The file on disk is somewhat larger (ids, row overhead, the WAL).
         *
         * @param maxBytes the bound in bytes
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Bounds the entries held, counting committed entries and appends still queued. Default
         * 1,000,000.
         *
         * @param maxEntries the bound in entries
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxEntries(long maxEntries) {
            if (maxEntries <= 0) {
                throw new IllegalArgumentException(
                        "maxEntries must be positive, was " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * Bounds one entry: a write whose spill form is larger fails at call time with {@link
         * IllegalArgumentException} naming the limit, whether or not it would have been spilled,
         * so that every write the client accepts can be spilled. Default 64 MiB; capped at {@code
         * maxBytes}.
         *
         * @param maxEntryBytes the bound in bytes
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxEntryBytes(long maxEntryBytes) {
            if (maxEntryBytes <= 0) {
                throw new IllegalArgumentException(
                        "maxEntryBytes must be positive, was " + maxEntryBytes);
            }
            this.maxEntryBytes = maxEntryBytes;
            return this;
        }

        /**
         * What an append that does not fit does; default {@link OverflowPolicy#reject()}.
         *
         * @param overflowPolicy the policy
         * @return this builder
         */
        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = Objects.requireNonNull(overflowPolicy, "overflowPolicy");
            return this;
        }

        /**
         * Who hears about store events; default none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(SpillStoreListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Test seam: runs on the writer thread before each transaction. */
        Builder writerHook(WriterHook writerHook) {
            this.writerHook = Objects.requireNonNull(writerHook, "writerHook");
            return this;
        }

        /** {@return builds the immutable configuration} */
        public SpillStoreConfig build() {
            return new SpillStoreConfig(this);
        }
    }
}
