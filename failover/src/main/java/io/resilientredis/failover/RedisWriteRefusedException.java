package io.resilientredis.failover;

/**
 * The endpoint is reachable but refused the write for lack of resources ({@code OOM} under a
 * {@code noeviction} policy, {@code MISCONF} when persistence is failing). It is thrown, not
 * spilled: replaying into a server that refuses writes would stall every write behind it.
 */
public class RedisWriteRefusedException extends ResilientRedisException {

    private static final long serialVersionUID = 1L;

    /** The endpoint, credentials redacted. */
    private final String endpoint;

    /**
     * @param endpoint the endpoint's display name
     * @param message what Redis said and how to fix it
     * @param cause the reply Redis sent
     */
    public RedisWriteRefusedException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    /** @return the endpoint's display name (no credentials) */
    public String endpoint() {
        return endpoint;
    }
}
