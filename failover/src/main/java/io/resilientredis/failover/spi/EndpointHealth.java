package io.resilientredis.failover.spi;

import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.EndpointStatus;

import dev.failsafe.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One endpoint (or the replica-read path of one) with its circuit breaker, its health probe and
 * what it last failed with. User calls only check {@link #isClosed()} and record their outcome;
 * trial calls of a half-open breaker are made by the probe alone.
 */
final class EndpointHealth<C> {

    /** A breaker transition, reported to the engine (which hops to its own thread). */
    record Transition(EndpointHealth<?> endpoint, BreakerState to) {
    }

    private final Endpoint<C> endpoint;
    private final int priority;
    private final boolean replicaPath;
    private final EndpointTarget<C> target;
    /** Acknowledged writes, for re-applying them when the target moves; null for fixed targets and replica paths. */
    private final FailoverJournal journal;
    /** Calls started on the current node and not yet complete: a move waits for them. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** While a move is under way: completes when calls may go to the new node; null otherwise. */
    private volatile CompletableFuture<Void> gate;
    /** The node a move to which failed and was reported; only the binding's discovery thread touches it. */
    private volatile String failedMoveTo;
    private final FailureClassifier classifier;
    private final Clock clock;
    private final Duration probeTimeout;
    private final CircuitBreaker<Object> breaker;
    private final AtomicBoolean probeInFlight = new AtomicBoolean();

    private volatile Instant since;
    private volatile BreakerState sinceState = BreakerState.CLOSED;
    private volatile String lastFailure;
    private volatile Instant lastFailureAt;
    /** Increments each time the breaker closes; a failback timer checks it did not change. */
    private volatile long closedGeneration;

    EndpointHealth(Endpoint<C> endpoint, int priority, boolean replicaPath, BreakerSettings settings,
                   FailureClassifier classifier, Clock clock, Duration probeTimeout,
                   FailoverJournal journal, Consumer<Transition> onTransition) {
        this.endpoint = endpoint;
        this.priority = priority;
        this.replicaPath = replicaPath;
        this.target = replicaPath ? endpoint.replicaTarget() : endpoint.target();
        this.journal = replicaPath || !target.isMovable() ? null : journal;
        this.classifier = classifier;
        this.clock = clock;
        this.probeTimeout = probeTimeout;
        this.since = clock.instant();
        this.breaker = CircuitBreaker.builder()
                .withFailureRateThreshold(settings.failureRatePercent(), settings.minimumCalls(), settings.window())
                .withDelay(settings.openDelay())
                .withSuccessThreshold(settings.halfOpenTrials())
                .onOpen(e -> changed(BreakerState.OPEN, onTransition))
                .onHalfOpen(e -> changed(BreakerState.HALF_OPEN, onTransition))
                .onClose(e -> changed(BreakerState.CLOSED, onTransition))
                .build();
    }

    private void changed(BreakerState to, Consumer<Transition> onTransition) {
        // "Since" is when the breaker left or re-entered CLOSED: an outage's failed probes (OPEN ->
        // HALF_OPEN -> OPEN) do not restart it.
        if (to == BreakerState.CLOSED || sinceState == BreakerState.CLOSED) {
            since = clock.instant();
        }
        sinceState = to;
        if (to == BreakerState.CLOSED) {
            closedGeneration++;
        }
        onTransition.accept(new Transition(this, to));
    }

    String name() {
        return endpoint.name();
    }

    int priority() {
        return priority;
    }

    boolean isReplicaPath() {
        return replicaPath;
    }

    /** @return the handle of the node calls go to now, or null when none is known */
    C handle() {
        return target.current();
    }

    EndpointTarget<C> target() {
        return target;
    }

    /** @return the journal of writes acknowledged here, or null when this endpoint's node cannot move */
    FailoverJournal journal() {
        return journal;
    }

    /**
     * Registers a call about to start; the caller must {@link #callDone()} once it completes.
     *
     * @return null when the call may go ahead now; else the gate to wait on (the call was not registered)
     */
    CompletableFuture<Void> enter() {
        inFlight.incrementAndGet();
        CompletableFuture<Void> g = gate;
        if (g != null) {
            inFlight.decrementAndGet();
            return g;
        }
        return null;
    }

    void callDone() {
        inFlight.decrementAndGet();
    }

    String failedMoveTo() {
        return failedMoveTo;
    }

    void failedMoveTo(String node) {
        this.failedMoveTo = node;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Closes the gate: calls that have not started wait until {@link #openGate} (a move is under way). */
    CompletableFuture<Void> closeGate() {
        CompletableFuture<Void> g = gate;
        if (g == null) {
            g = new CompletableFuture<>();
            gate = g;
        }
        return g;
    }

    void openGate() {
        CompletableFuture<Void> g = gate;
        gate = null;
        if (g != null) {
            g.complete(null);
        }
    }

    boolean isClosed() {
        return breaker.isClosed();
    }

    long closedGeneration() {
        return closedGeneration;
    }

    BreakerState state() {
        return switch (breaker.getState()) {
            case CLOSED -> BreakerState.CLOSED;
            case OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
        };
    }

    String lastFailure() {
        return lastFailure;
    }

    /** Records a successful call. */
    void recordSuccess() {
        breaker.recordSuccess();
    }

    /**
     * Records a failed call: connectivity and failover failures count against the breaker; any
     * other failure proves the endpoint answers, so it counts as a success.
     *
     * @return the failure's kind
     */
    FailureKind recordFailure(Throwable failure) {
        FailureKind kind = classifier.classify(failure);
        if (kind == null) {
            kind = FailureKind.CALLER_ERROR;
        }
        if (kind.countsAgainstEndpoint()) {
            lastFailure = Failures.describe(failure);
            lastFailureAt = clock.instant();
            breaker.recordFailure();
        } else {
            if (kind == FailureKind.CONFIGURATION) {
                // Not an outage, but status() should say why calls fail although the breaker is closed.
                lastFailure = Failures.describe(failure);
                lastFailureAt = clock.instant();
            }
            breaker.recordSuccess();
        }
        return kind;
    }

    /** Pings the endpoint unless a ping is already in flight or the breaker is still in its open delay. */
    void probe() {
        if (!probeInFlight.compareAndSet(false, true)) {
            return;
        }
        boolean started = false;
        try {
            if (!breaker.tryAcquirePermit()) {
                return;
            }
            CompletionStage<?> stage;
            C handle = handle();
            try {
                stage = handle == null ? CompletableFuture.failedFuture(unknownNode()) : endpoint.probe(handle);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            started = true;
            stage.toCompletableFuture()
                    .orTimeout(probeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((ok, failure) -> {
                        try {
                            if (failure == null) {
                                recordSuccess();
                            } else {
                                recordFailure(failure);
                            }
                        } finally {
                            probeInFlight.set(false);
                        }
                    });
        } finally {
            if (!started) {
                probeInFlight.set(false);
            }
        }
    }

    /** @return why calls cannot go anywhere while no node is known */
    Throwable unknownNode() {
        Throwable why = target.unknownBecause();
        return why != null ? why : new java.net.ConnectException("no node of " + name() + " is known yet");
    }

    EndpointStatus status(boolean active) {
        return new EndpointStatus(name(), priority, replicaPath ? "replicas" : "master", state(), since, active,
                lastFailure, lastFailureAt);
    }

    @Override
    public String toString() {
        return replicaPath ? name() + " (replicas)" : name();
    }
}
