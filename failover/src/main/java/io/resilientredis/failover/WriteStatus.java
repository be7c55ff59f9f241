package io.resilientredis.failover;

/** Where a write went. */
public enum WriteStatus {
    /** Redis acknowledged it. */
    WRITTEN,
    /** It is durable in the local spill store and will be replayed, in order, exactly once. */
    SPILLED
}
