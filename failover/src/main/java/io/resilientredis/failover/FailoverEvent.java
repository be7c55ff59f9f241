package io.resilientredis.failover;

import java.time.Instant;
import java.util.Objects;

/**
 * A state change the engine reports to listeners and logs once: never one per call.
 *
 * @param type what happened
 * @param time when
 * @param endpoint the endpoint concerned, or null
 * @param previous for switches, the endpoint left; else null
 * @param detail a human-readable sentence (no credentials)
 */
public record FailoverEvent(Type type, Instant time, String endpoint, String previous, String detail) {

    /** What happened. */
    public enum Type {
        /** An endpoint's breaker opened. */
        ENDPOINT_DOWN,
        /** An endpoint's breaker closed again. */
        ENDPOINT_UP,
        /** Writes moved to another endpoint because the active one went down. */
        SWITCHED,
        /** Writes moved back to a higher-priority endpoint after its grace period. */
        FAILED_BACK,
        /** Maintenance mode was switched on: writes are spilled. */
        MAINTENANCE_ON,
        /** Maintenance mode was switched off. */
        MAINTENANCE_OFF,
        /** The first write went to the spill store while it was empty. */
        SPILL_STARTED,
        /** The replayer started draining the spill store. */
        REPLAY_STARTED,
        /** The replayer made progress (reported at most every few seconds). */
        REPLAY_PROGRESS,
        /** The spill store is empty again: writes go direct. */
        REPLAY_DONE,
        /** The replayer stopped on a failure and will resume when an endpoint admits writes. */
        REPLAY_PAUSED,
        /** A spilled write that Redis rejected for good (e.g. WRONGTYPE) was removed from the store. */
        REPLAY_REJECTED,
        /**
         * Spilled writes of unknown outcome on one endpoint were replayed on another after waiting
         * for theirs for the in-doubt window: they may now be applied in both deployments.
         */
        REPLAY_REROUTED,
        /**
         * A Sentinel group's master changed: the client re-applied the writes the old master
         * acknowledged recently on the new one, before any newer write (or failed to, and retries).
         */
        MASTER_CHANGED,
        /**
         * The failover journal's byte bound pushed out writes still inside its window: a failover
         * now could lose them. Reported once per master, until the next master change.
         */
        JOURNAL_OVERFLOW,
        /**
         * A spill store commit failed (disk full, I/O error): spilling fails while it lasts, writes
         * go directly to Redis when nothing spilled must precede them, and the store retries until
         * a commit succeeds ({@link #SPILL_RECOVERED}).
         */
        SPILL_DEGRADED,
        /** The spill store commits again after {@link #SPILL_DEGRADED}. */
        SPILL_RECOVERED,
        /**
         * Spilled writes were found damaged (checksum mismatch) and moved to the store's quarantine
         * table instead of being replayed; their {@code applied()} stages fail with {@link
         * SpilledWriteDamagedException}.
         */
        SPILL_QUARANTINED,
        /**
         * On start, the spill store held fewer writes than it had committed (storage damage SQLite
         * did not report); the detail says how many. They cannot be replayed.
         */
        SPILL_LOST
    }

    /**
     * @param type what happened
     * @param time when
     * @param endpoint endpoint concerned, or null
     * @param previous endpoint left, or null
     * @param detail description
     */
    public FailoverEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return type + ": " + detail;
    }
}
