package io.resilientredis.failover;

/**
 * Redis rejected the call itself ({@code WRONGTYPE}, a syntax error, wrong arguments). It is the
 * caller's to fix: never retried, never spilled, never counted against the endpoint.
 */
public class RedisCommandException extends ResilientRedisException {

    private static final long serialVersionUID = 1L;

    /** The endpoint, credentials redacted. */
    private final String endpoint;

    /**
     * @param endpoint the endpoint's display name
     * @param message the reply Redis sent
     * @param cause the underlying failure
     */
    public RedisCommandException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    /** @return the endpoint's display name (no credentials) */
    public String endpoint() {
        return endpoint;
    }
}
