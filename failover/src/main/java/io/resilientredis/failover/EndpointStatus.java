package io.resilientredis.failover;

import java.time.Instant;

/**
 * A snapshot of one endpoint's health.
 *
 * @param name the endpoint's display name (no credentials)
 * @param priority 0 for the primary, then 1, 2, ... in the order given
 * @param role {@code "master"} or {@code "replicas"} (the replica-read path of a Sentinel group)
 * @param state the breaker state
 * @param since when the breaker entered that state
 * @param active whether writes go here now
 * @param lastFailure a one-line description of the last counted failure, or null
 * @param lastFailureAt when it happened, or null
 */
public record EndpointStatus(String name, int priority, String role, BreakerState state, Instant since,
                             boolean active, String lastFailure, Instant lastFailureAt) {

    /** @return one line, for logs and exception messages */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(name);
        if (!"master".equals(role)) {
            sb.append(" (").append(role).append(')');
        }
        sb.append(" breaker ").append(state).append(" since ").append(since);
        if (lastFailure != null) {
            sb.append(", last failure at ").append(lastFailureAt).append(": ").append(lastFailure);
        }
        return sb.toString();
    }
}
