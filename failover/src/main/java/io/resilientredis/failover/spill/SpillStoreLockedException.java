package io.resilientredis.failover.spill;

import io.resilientredis.failover.ResilientRedisException;

import java.nio.file.Path;

/**
 * Another process, or another {@link SpillStore} in this JVM, holds the spill directory. Only one
 * client may use a spill directory at a time; the message names the holder and the fix.
 */
public class SpillStoreLockedException extends ResilientRedisException {
    private static final long serialVersionUID = 1L;

    /** The locked spill directory. */
    private final Path directory;
    /** Who holds the lock, as its lock file says. */
    private final String holder;

    /**
     * @param directory the spill directory that is held
     * @param holder who holds it, as written in its lock file (for example {@code pid 42 on host
     *     web-1, since 2025-01-01T00:00:00Z})
     */
    public SpillStoreLockedException(Path directory, String holder) {
        super(
                "Spill store directory "
                        + directory
                        + " is in use by "
                        + holder
                        + ". Only one client may use a spill directory at a time. Fix: stop that process or close"
                        + " its client first, or give this client its own spill directory"
                        + " (SpillStoreConfig.builder(directory)).");
        this.directory = directory;
        this.holder = holder;
    }

    /** {@return the spill directory that is held} */
    public Path directory() {
        return directory;
    }

    /** {@return who holds the directory, as its lock file says} */
    public String holder() {
        return holder;
    }
}
