package io.resilientredis.failover.spill;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Hears about events of a {@link SpillStore} that an operator should know of. {@link
 * #corruptStoreMovedAside} and {@link #entriesLost} are called on the thread that opens the store,
 * {@link #degraded} and {@link #recovered} on the store's writer thread, {@link
 * #entriesQuarantined} on the thread that read the entries; keep them quick. An exception thrown by
 * a listener is logged and otherwise ignored.
 */
public interface SpillStoreListener {

    /**
     * The store file was found corrupt when the store was opened. It was moved aside (never
     * deleted), together with its {@code -wal} and {@code -shm} files, and a fresh, empty store
     * took its place. The entries in the moved file were not replayed.
     *
     * @param original the store file's normal path (now a fresh store)
     * @param movedTo where the corrupt file now is
     * @param cause what the integrity check reported
     */
    default void corruptStoreMovedAside(Path original, Path movedTo, Throwable cause) {}

    /**
     * On open, the store holds fewer entries than it had committed: storage damage that SQLite did
     * not report (for example WAL frames overwritten after a crash) lost them. They cannot be
     * replayed. Also logged at ERROR.
     *
     * @param file the store file
     * @param count how many committed entries are missing
     */
    default void entriesLost(Path file, long count) {}

    /**
     * Entries whose checksum did not match were found on a read: they are never returned (never
     * replayed); they were moved to the store's {@code spill_quarantine} table. Also logged at
     * ERROR.
     *
     * @param file the store file
     * @param entries the damaged entries as read (their ids and payloads may be altered)
     * @param reason why, e.g. "checksum mismatch"
     */
    default void entriesQuarantined(Path file, List<SpillEntry> entries, String reason) {}

    /**
     * A commit failed (disk full, I/O error): appends fail until a commit succeeds again, deletes
     * of replayed entries are retried. Called once per episode.
     *
     * @param file the store file
     * @param cause the failure
     */
    default void degraded(Path file, Throwable cause) {}

    /**
     * Commits succeed again after the store was {@link #degraded}.
     *
     * @param file the store file
     * @param degradedFor how long it was degraded
     */
    default void recovered(Path file, Duration degradedFor) {}
}
