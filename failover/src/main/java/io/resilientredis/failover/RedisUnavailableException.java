package io.resilientredis.failover;

import java.util.List;

/**
 * No endpoint could serve the call. Thrown fast (without waiting for a network timeout) while every
 * breaker is open. The message names every endpoint, its breaker state, since when, and the last
 * cause; {@link #endpoints()} gives the same as data.
 */
public class RedisUnavailableException extends ResilientRedisException {

    private static final long serialVersionUID = 1L;

    private final transient List<EndpointStatus> endpoints;

    /**
     * @param message what could not be done
     * @param endpoints the state of every endpoint at the time
     * @param cause the last failure seen for this call, or null when no call was made
     */
    public RedisUnavailableException(String message, List<EndpointStatus> endpoints, Throwable cause) {
        super(describe(message, endpoints), cause);
        this.endpoints = List.copyOf(endpoints);
    }

    /** @return the state of every endpoint when this was thrown */
    public List<EndpointStatus> endpoints() {
        return endpoints;
    }

    private static String describe(String message, List<EndpointStatus> endpoints) {
        StringBuilder sb = new StringBuilder(message);
        for (EndpointStatus s : endpoints) {
            sb.append("\n  - ").append(s.describe());
        }
        return sb.toString();
    }
}
