package io.resilientredis.failover;

/** The base of every exception resilient-redis throws on its own account. */
public class ResilientRedisException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, which endpoint, and the fix where one is known
     * @param cause the underlying failure, or null
     */
    public ResilientRedisException(String message, Throwable cause) {
        super(message, cause);
    }
}
