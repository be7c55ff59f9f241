package io.resilientredis.failover;

import java.time.Duration;

/**
 * A snapshot of the spill store and its replayer.
 *
 * @param enabled whether a spill store is configured
 * @param depth entries waiting to be replayed
 * @param bytes payload bytes waiting
 * @param pendingAppends appends accepted but not yet durable
 * @param oldestEntryAge age of the oldest waiting entry, or {@link Duration#ZERO}
 * @param replaying whether the replayer is draining now
 * @param replayedTotal writes replayed since the client started
 * @param replayRatePerSecond replayed writes per second over the last few seconds
 * @param rejectedTotal spilled writes Redis rejected for good on replay (reported as events)
 */
public record SpillStatus(boolean enabled, long depth, long bytes, long pendingAppends, Duration oldestEntryAge,
                          boolean replaying, long replayedTotal, double replayRatePerSecond, long rejectedTotal) {

    /** The status when no spill store is configured. */
    public static final SpillStatus DISABLED =
            new SpillStatus(false, 0, 0, 0, Duration.ZERO, false, 0, 0.0, 0);
}
