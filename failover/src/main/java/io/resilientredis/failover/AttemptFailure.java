package io.resilientredis.failover;

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

    AttemptFailure(EndpointHealth<?> endpoint, FailureKind kind, Throwable cause) {
        super(cause == null ? "no endpoint admits calls" : Failures.describe(cause), cause, false, false);
        this.endpoint = endpoint;
        this.kind = kind;
    }

    EndpointHealth<?> endpoint() {
        return endpoint;
    }

    FailureKind kind() {
        return kind;
    }

    boolean retryable() {
        return endpoint != null && kind.countsAgainstEndpoint();
    }
}
