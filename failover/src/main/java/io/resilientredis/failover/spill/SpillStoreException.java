package io.resilientredis.failover.spill;

import io.resilientredis.failover.ResilientRedisException;

/** An I/O or SQLite failure of the spill store; the message names the file and the cause. */
public class SpillStoreException extends ResilientRedisException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a message and the failure that caused it.
     *
     * @param cause the failure underneath
     * @param message what failed
     */
    public SpillStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception with a message only.
     *
     * @param message what failed
     */
    public SpillStoreException(String message) {
        super(message);
    }
}
