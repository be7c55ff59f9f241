package io.resilientredis.failover.spi;

/**
 * The replayer's life, one state at a time; {@link #canMoveTo} is the whole table of legal moves.
 *
 * <pre>
 *            +---------------------------+
 *            v                           |
 *   IDLE --> DRAINING --> HANDOVER --> IDLE      (any state --> CLOSED, for good)
 *    |          |  ^          |
 *    |          v  |          |
 *    +-----> PAUSED <---------+   (PAUSED --> IDLE when the backlog went away meanwhile)
 * </pre>
 */
enum ReplayState {

    /** Nothing to replay: writes go directly to Redis. */
    IDLE,
    /** A replay episode: batches are applied oldest first; new writes queue behind them in the store. */
    DRAINING,
    /** The backlog is down to its last short batch: the intake's gate holds new writes in memory. */
    HANDOVER,
    /** The episode stopped at a failure; it resumes when an endpoint admits writes (or the disk recovers). */
    PAUSED,
    /** The client closed; the store keeps what it holds for the next start. */
    CLOSED;

    /** @return whether the replayer may go from this state to {@code next} */
    boolean canMoveTo(ReplayState next) {
        if (next == CLOSED) {
            return this != CLOSED;
        }
        return switch (this) {
            case IDLE -> next == DRAINING || next == PAUSED;
            case DRAINING -> next == HANDOVER || next == PAUSED || next == IDLE;
            case HANDOVER -> next == DRAINING || next == PAUSED || next == IDLE;
            case PAUSED -> next == DRAINING || next == IDLE;
            case CLOSED -> false;
        };
    }

    /** @return whether a replay batch is being applied in this state */
    boolean replaying() {
        return this == DRAINING || this == HANDOVER;
    }
}
