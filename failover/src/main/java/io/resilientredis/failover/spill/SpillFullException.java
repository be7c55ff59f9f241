package io.resilientredis.failover.spill;

import io.resilientredis.failover.ResilientRedisException;

/**
 * An append did not fit within the spill store's bounds (under {@link OverflowPolicy#reject()}), or
 * found no room within the timeout (under {@link OverflowPolicy#block}). The entry was not stored.
 * The message gives the bounds, the current depth, the policy and the fix.
 */
public class SpillFullException extends ResilientRedisException {
    private static final long serialVersionUID = 1L;

    /** The store's entry bound. */
    private final long maxEntries;
    /** The store's byte bound. */
    private final long maxBytes;
    /** Entries held when the append was refused. */
    private final long depth;
    /** Bytes held when the append was refused. */
    private final long bytes;
    private final transient OverflowPolicy policy;

    SpillFullException(
            String reason,
            String store,
            long entryBytes,
            long depth,
            long bytes,
            long maxEntries,
            long maxBytes,
            OverflowPolicy policy) {
        super(
                "Spill store "
                        + store
                        + " is full: "
                        + reason
                        + " (entry of "
                        + entryBytes
                        + " bytes; store holds "
                        + depth
                        + " of max "
                        + maxEntries
                        + " entries and "
                        + bytes
                        + " of max "
                        + maxBytes
                        + " payload bytes, counting queued appends; overflow policy "
                        + policy
                        + "). The entry was not stored. Fix: let the backlog replay to Redis, raise"
                        + " SpillStoreConfig maxEntries/maxBytes, or use OverflowPolicy.block(timeout) to wait"
                        + " for room.");
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.depth = depth;
        this.bytes = bytes;
        this.policy = policy;
    }

    /** {@return the store's bound on entries} */
    public long maxEntries() {
        return maxEntries;
    }

    /** {@return the store's bound on payload bytes} */
    public long maxBytes() {
        return maxBytes;
    }

    /** {@return entries held when the append failed (committed plus queued)} */
    public long depth() {
        return depth;
    }

    /** {@return payload bytes held when the append failed (committed plus queued)} */
    public long bytes() {
        return bytes;
    }

    /** {@return the overflow policy in force} */
    public OverflowPolicy policy() {
        return policy;
    }
}
