package io.resilientredis.failover;

/**
 * The base of every exception resilient-redis throws on its own account, and of every exception a
 * call can complete with (Redis unavailable, refused, misconfigured; the spill store full, locked
 * or failing; a spilled write damaged), so one {@code catch} covers them.
 */
public class ResilientRedisException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, which endpoint, and the fix where one is known
     * @param cause the underlying failure, or null
     */
    public ResilientRedisException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what went wrong, and the fix where one is known
     */
    public ResilientRedisException(String message) {
        super(message);
    }
}
