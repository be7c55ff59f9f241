package io.resilientredis.failover.spi;

import io.resilientredis.failover.spill.SpillStore;

/**
 * The spill store seen as a backlog: what is still to be applied, and so whether a new write must
 * queue behind it. Shared by the intake (which reads it) and the replayer (the only writer of its
 * progress).
 *
 * <p>{@link #engaged()} reads the store's pending count before its committed count, and the store
 * raises the committed count before it lowers the pending one, so a write never sees an empty
 * backlog while an earlier write is on its way in. Entries Redis already applied (their delete
 * not yet durable) are not backlog: a store that cannot commit its deletes (disk full) never holds
 * direct writes back once what it holds was applied.
 */
final class Backlog {

    private final SpillStore store;
    /** The highest sequence Redis acknowledged in this run; entries up to it are deleted or being deleted. */
    private volatile long lastApplied;
    /** Whether the previous run's journaled writes still wait to be re-applied (before anything else). */
    private volatile boolean recoveredPending;

    Backlog(SpillStore store, boolean recoveredPending) {
        this.store = store;
        this.recoveredPending = recoveredPending;
    }

    SpillStore store() {
        return store;
    }

    /** @return true while earlier writes wait, so a new write must queue behind them */
    boolean engaged() {
        long pending = store.pendingAppends();
        return recoveredPending || pending > 0 || (store.depth() > 0 && store.lastSequence() > lastApplied);
    }

    /** @return whether there is anything for the replayer to apply (committed entries, or the recovered journal) */
    boolean hasWork() {
        return recoveredPending || (store.depth() > 0 && store.lastSequence() > lastApplied);
    }

    /** @return writes not yet applied: committed after {@link #lastApplied()} plus appends on their way in */
    long waiting() {
        return Math.max(0, store.lastSequence() - lastApplied) + store.pendingAppends();
    }

    long lastApplied() {
        return lastApplied;
    }

    /** Replayer only: everything through {@code sequence} was applied (or quarantined). */
    void appliedThrough(long sequence) {
        lastApplied = sequence;
    }

    boolean recoveredPending() {
        return recoveredPending;
    }

    /** Replayer only: the previous run's journal is re-applied or given up. */
    void recoveredDone() {
        recoveredPending = false;
    }
}
