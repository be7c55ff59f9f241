package io.resilientredis.failover;

import java.time.Duration;

/**
 * A snapshot of the spill store and its replayer.
 *
 * @param enabled whether a spill store is configured
 * @param depth entries in the store: waiting to be replayed, or replayed and not yet deleted
 * @param bytes payload bytes of those entries
 * @param pendingAppends appends accepted but not yet durable
 * @param oldestEntryAge age of the oldest entry, or {@link Duration#ZERO}
 * @param replaying whether the replayer is draining now
 * @param replayedTotal writes replayed since the client started
 * @param replayRatePerSecond replayed writes per second over the last few seconds
 * @param rejectedTotal spilled writes Redis rejected for good on replay (reported as events)
 * @param degraded whether the store's last commit failed (disk full, I/O error); it retries by
 *     itself, and writes go directly to Redis meanwhile when nothing spilled must precede them
 * @param degradedReason the failure while degraded, else null
 * @param quarantinedTotal damaged entries in the store's quarantine table (never replayed)
 * @param lostOnOpen committed entries missing when the store was opened (storage damage)
 */
public record SpillStatus(boolean enabled, long depth, long bytes, long pendingAppends, Duration oldestEntryAge,
                          boolean replaying, long replayedTotal, double replayRatePerSecond, long rejectedTotal,
                          boolean degraded, String degradedReason, long quarantinedTotal, long lostOnOpen) {

    /** The status when no spill store is configured. */
    public static final SpillStatus DISABLED =
            new SpillStatus(false, 0, 0, 0, Duration.ZERO, false, 0, 0.0, 0, false, null, 0, 0);

    /**
     * A healthy store's status (not degraded, nothing quarantined or lost).
     *
     * @param bytes payload bytes waiting in the store
     * @param depth writes waiting in the store
     * @param enabled whether the client has a spill store
     * @param oldestEntryAge age of the oldest waiting write; zero when none
     * @param pendingAppends appends queued but not yet committed
     * @param rejectedTotal spilled writes Redis refused for good on replay
     * @param replayRatePerSecond recent replay rate, writes per second
     * @param replayedTotal writes replayed since the client started
     * @param replaying whether the replayer is draining the store
     */
    public SpillStatus(boolean enabled, long depth, long bytes, long pendingAppends, Duration oldestEntryAge,
                       boolean replaying, long replayedTotal, double replayRatePerSecond, long rejectedTotal) {
        this(enabled, depth, bytes, pendingAppends, oldestEntryAge, replaying, replayedTotal, replayRatePerSecond,
                rejectedTotal, false, null, 0, 0);
    }
}
