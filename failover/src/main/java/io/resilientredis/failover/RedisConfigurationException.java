package io.resilientredis.failover;

/**
 * The client is configured wrongly for an endpoint (wrong or missing password, missing ACL
 * permission, unknown host, TLS mismatch). Retrying cannot help, so such a failure is thrown at
 * once and never spilled. The message names the endpoint (credentials redacted) and the fix.
 */
public class RedisConfigurationException extends ResilientRedisException {

    private static final long serialVersionUID = 1L;

    /** The endpoint, credentials redacted. */
    private final String endpoint;

    /**
     * @param endpoint the endpoint's display name
     * @param message what is wrong and how to fix it
     * @param cause the failure Redis or the network reported
     */
    public RedisConfigurationException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    /** @return the endpoint's display name (no credentials) */
    public String endpoint() {
        return endpoint;
    }
}
