package io.resilientredis.failover.spill;

import java.nio.file.Path;

/**
 * Hears about events of a {@link SpillStore} that an operator should know of. Methods are called on
 * the thread that opens the store; an exception thrown by a listener is logged and otherwise
 * ignored.
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
}
