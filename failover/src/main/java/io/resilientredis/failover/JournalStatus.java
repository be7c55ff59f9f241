package io.resilientredis.failover;

/**
 * A snapshot of the failover journal over every endpoint whose node can move (Sentinel groups).
 *
 * @param entries acknowledged writes held now, for re-applying after a master change
 * @param bytes their estimated size
 * @param overflowed writes pushed out by the byte bound while still inside the window, since the
 *                   client started: a failover right then could have lost them
 * @param masterChanges master changes the client followed (each re-applied the journal)
 * @param reapplied journaled writes re-applied on new masters, since the client started
 */
public record JournalStatus(long entries, long bytes, long overflowed, long masterChanges, long reapplied) {

    /** No endpoint journals (none can move). */
    public static final JournalStatus NONE = new JournalStatus(0, 0, 0, 0, 0);
}
