package io.resilientredis.failover;

/** The state of an endpoint's circuit breaker. */
public enum BreakerState {
    /** Calls flow. */
    CLOSED,
    /** Calls are refused at once; the health probe waits for the open delay to pass. */
    OPEN,
    /** The health probe is making trial calls; user calls still go elsewhere. */
    HALF_OPEN
}
