package io.resilientredis.failover.spi;

/**
 * A failed attempt on one endpoint, already classified. Internal: callers see the exceptions the
 * engine translates it to. No stack trace of its own (the cause has one).
 */
final class AttemptFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** No endpoint admitted the call: every breaker is open. */
    static final AttemptFailure NO_ENDPOINT = new AttemptFailure(null, FailureKind.CONNECTIVITY, null);

    private final transient EndpointHealth<?> endpoint;
    private final FailureKind kind;
    private final boolean outcomeUnknown;
    private final boolean retryable;

    AttemptFailure(EndpointHealth<?> endpoint, FailureKind kind, Throwable cause) {
        this(endpoint, kind, cause, endpoint != null && kind == FailureKind.CONNECTIVITY && !neverSent(cause), true);
    }

    private AttemptFailure(EndpointHealth<?> endpoint, FailureKind kind, Throwable cause, boolean outcomeUnknown,
                           boolean retryable) {
        super(cause == null ? "no endpoint admits calls" : Failures.describe(cause), cause, false, false);
        this.endpoint = endpoint;
        this.kind = kind;
        this.outcomeUnknown = outcomeUnknown;
        this.retryable = retryable;
    }

    /** @return a failure of a call that was never sent (it cannot have been applied) */
    static AttemptFailure notSent(EndpointHealth<?> endpoint, FailureKind kind, Throwable cause) {
        return new AttemptFailure(endpoint, kind, cause, false, true);
    }

    /**
     * Whether the call may have been applied although it failed: a timeout or a connection lost
     * after the command was sent (or a write not confirmed by replicas). Not when the connection
     * was never made, when Redis rejected the call (LOADING, READONLY, ...), or when no endpoint
     * was tried.
     */
    boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    /** @return this failure, marked as possibly applied (an earlier attempt of the same call was) */
    AttemptFailure asOutcomeUnknown() {
        return outcomeUnknown || endpoint == null ? this
                : new AttemptFailure(endpoint, kind, getCause(), true, retryable);
    }

    /** @return this failure, not to be retried (the call must not move to another endpoint) */
    AttemptFailure notRetryable() {
        return new AttemptFailure(endpoint, kind, getCause(), outcomeUnknown, false);
    }

    private static boolean neverSent(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    EndpointHealth<?> endpoint() {
        return endpoint;
    }

    FailureKind kind() {
        return kind;
    }

    boolean retryable() {
        return retryable && endpoint != null && kind.countsAgainstEndpoint();
    }
}
