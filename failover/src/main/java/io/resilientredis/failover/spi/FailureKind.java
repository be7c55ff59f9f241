package io.resilientredis.failover.spi;

/**
 * What a failed call says about the endpoint it ran on. Only {@link #CONNECTIVITY} and
 * {@link #FAILOVER_TRANSIENT} count against an endpoint's circuit breaker: the others prove the
 * endpoint is reachable and answering.
 */
public enum FailureKind {
    /** The endpoint could not be reached or did not answer in time: refused, reset, timeout. */
    CONNECTIVITY,
    /** The endpoint answered that it cannot serve right now because of a failover or restart:
     *  {@code LOADING}, {@code MASTERDOWN}, {@code READONLY}, {@code TRYAGAIN}. */
    FAILOVER_TRANSIENT,
    /** The endpoint refused the write for lack of resources: {@code OOM}, {@code MISCONF}. */
    WRITE_REFUSED,
    /** The client is configured wrongly for this endpoint: {@code NOAUTH}, {@code WRONGPASS},
     *  {@code NOPERM}, unknown host, TLS handshake. Retrying later cannot succeed. */
    CONFIGURATION,
    /** The call itself is wrong: {@code WRONGTYPE}, syntax, wrong arguments. Never retried. */
    CALLER_ERROR;

    /** {@return whether a failure of this kind counts against the endpoint's circuit breaker} */
    public boolean countsAgainstEndpoint() {
        return this == CONNECTIVITY || this == FAILOVER_TRANSIENT;
    }
}
