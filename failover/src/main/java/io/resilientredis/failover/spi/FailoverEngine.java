package io.resilientredis.failover.spi;

import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.FailoverListener;
import io.resilientredis.failover.FailoverStatus;
import io.resilientredis.failover.JournalSettings;
import io.resilientredis.failover.JournalStatus;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisConfigurationException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.RedisWriteRefusedException;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;

import io.resilientredis.failover.internal.Threads;
import io.resilientredis.failover.internal.Arguments;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Routes calls to endpoints in priority order, each behind its own circuit breaker, and decides
 * what happens to a call that fails: retried (retry-safe calls, connectivity failures), sent to the
 * next endpoint, handed to the spill store's intake, or thrown as a clear exception.
 * Redis-agnostic: the client binding supplies the endpoints' handles and the calls.
 *
 * <p>Reads go to the active endpoint; when it cannot serve they may go to a replica path (if
 * configured) or fail with {@link RedisUnavailableException} at once while every breaker is open.
 * Writes: the engine offers each to the spill store's intake first, which
 * decides: direct (the engine sends it), spilled (earlier writes wait there, or maintenance mode is
 * on) or held (the handover gate is closed; decided again when it opens). The spill side never
 * sends a write itself. A failed attempt is retried on the
 * then-active endpoint: a standby takes writes only once the router switched to it (the primary's
 * breaker opened), never because of a single blip, so a disaster-recovery standby does not receive
 * writes that belong to a primary that is still serving. A write no endpoint took goes to the
 * spill store.
 *
 * <p>One daemon thread per engine runs the failback timers, retry delays and event delivery; a
 * second one starts the health probes, so that a binding whose probe blocks its caller (a client
 * that connects lazily, to a slow endpoint) never holds up retries or events. {@link #close()}
 * stops both.
 *
 * @param <C> the connection handle type of the client binding
 */
public final class FailoverEngine<C> implements AutoCloseable {

    private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.resilientredis");

    private final List<EndpointHealth<C>> masters;
    private final List<EndpointHealth<C>> replicaPaths;
    private final Router<C> router;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ScheduledThreadPoolExecutor prober;
    private final EventBus events;
    /** Sees each replayed batch (tracing); null when none is installed. */
    private volatile ReplayBatchObserver replayBatchObserver;
    private final Clock clock;
    private final boolean replicaReads;
    private final FailsafeExecutor<Object> retries;
    private final boolean retrying;
    private final ScheduledFuture<?> probeTask;
    /** The spill store's intake and replayer, or null without a spill store. */
    private final SpillSide<C> spill;
    private final ReplayApplier<C> replayApplier;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration callBound;
    /** The binding's per-call timeout, or null when not given (reads then retry within the budget as Failsafe allows). */
    private final Duration callTimeout;
    private final Duration retryBudget;
    private final ReplayApplier<C> journalApplier;
    /** The journal on disk (REPLICATED durability), or null. */
    private final DurableJournal durableJournal;
    private final java.util.concurrent.atomic.AtomicLong masterChanges = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong reapplied = new java.util.concurrent.atomic.AtomicLong();
    /** Endpoints whose outage was reported (ENDPOINT_DOWN) and that have not closed since. */
    private final java.util.Set<EndpointHealth<?>> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean maintenance;

    private FailoverEngine(Builder<C> b) {
        this.clock = b.clock;
        this.replicaReads = b.replicaReads;
        int id = ENGINE_IDS.incrementAndGet();
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> Threads.daemon("resilient-redis-engine-" + id, r));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.prober = new ScheduledThreadPoolExecutor(1,
                r -> Threads.daemon("resilient-redis-engine-" + id + "-probe", r));
        this.prober.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.events = new EventBus(b.listeners, scheduler);

        this.callBound = b.probeTimeout;
        this.callTimeout = b.callTimeout;
        this.retryBudget = b.retry.maxDuration();
        this.replayApplier = b.replayApplier;
        this.journalApplier = b.journalApplier != null ? b.journalApplier : b.replayApplier;
        List<EndpointHealth<C>> m = new ArrayList<>();
        List<EndpointHealth<C>> r = new ArrayList<>();
        for (int i = 0; i < b.endpoints.size(); i++) {
            Endpoint<C> e = b.endpoints.get(i);
            String name = e.name();
            FailoverJournal journal = journalApplier == null ? null : new FailoverJournal(b.journal,
                    () -> events.emit(new FailoverEvent(FailoverEvent.Type.JOURNAL_OVERFLOW, clock.instant(), name, null,
                            "The failover journal of " + name + " is over its bound of " + b.journal.maxBytes()
                                    + " bytes: writes acknowledged less than " + b.journal.window().toMillis()
                                    + " ms ago leave it early, so a failover now could lose them; raise "
                                    + "JournalSettings.maxBytes or lower the write volume")));
            EndpointHealth<C> health = new EndpointHealth<>(e, i, false, b.breaker, b.classifier, clock, b.probeTimeout,
                    journal, this::transition);
            m.add(health);
            if (e.target().isMovable()) {
                e.target().attach((next, node) -> move(health, next, node));
            }
            if (e.replicaTarget() != null) {
                r.add(new EndpointHealth<>(e, i, true, b.breaker, b.classifier, clock, b.probeTimeout, null,
                        this::transition));
            }
        }
        this.masters = List.copyOf(m);
        this.replicaPaths = List.copyOf(r);
        this.router = new Router<>(masters, b.failbackGrace, scheduler, events::emit, clock);

        RetrySettings rs = b.retry;
        this.retrying = rs.maxAttempts() > 1;
        RetryPolicyBuilder<Object> retryPolicy = RetryPolicy.builder()
                .handleIf(FailoverEngine::retryable)
                .withMaxAttempts(rs.maxAttempts());
        // Failsafe's backoff needs maxDelay > delay; equal bounds (which RetrySettings allows) mean a fixed delay.
        if (rs.maxDelay().compareTo(rs.initialDelay()) > 0) {
            retryPolicy.withBackoff(rs.initialDelay(), rs.maxDelay());
        } else {
            retryPolicy.withDelay(rs.initialDelay());
        }
        RetryPolicy<Object> policy = retryPolicy
                .withJitter(rs.jitter())
                .withMaxDuration(rs.maxDuration())
                .build();
        this.retries = Failsafe.with(policy).with(new InlineScheduler(scheduler));

        DurableJournal durable = null;
        try {
            List<io.resilientredis.failover.spill.SpillEntry> recovered = List.of();
            if (b.durableJournal != null && b.spillConfig != null && journalApplier != null
                    && masters.stream().anyMatch(e -> e.journal() != null)) {
                durable = DurableJournal.open(b.spillConfig, b.journal, b.durableJournal);
                recovered = durable.recover();
            }
            this.durableJournal = durable;
            this.spill = b.spillConfig == null ? null : new SpillSide<>(
                    io.resilientredis.failover.spill.SpillStore.open(b.spillConfig), new Port(), b.replaySettings,
                    recovered);
        } catch (RuntimeException e) {
            if (durable != null) {
                durable.close();
            }
            scheduler.shutdownNow();
            prober.shutdownNow();
            throw e;
        }
        if (durableJournal != null) {
            scheduler.scheduleWithFixedDelay(durableJournal::prune, 1, 1, TimeUnit.SECONDS);
        }
        long probeMillis = b.breaker.probeInterval().toMillis();
        this.probeTask = prober.scheduleWithFixedDelay(this::probeAll, probeMillis, probeMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * @param <C> the connection handle type
     * @return a new builder
     */
    public static <C> Builder<C> builder() {
        return new Builder<>();
    }

    // ---------------------------------------------------------------- reads

    /**
     * Runs a read on the active endpoint, retrying retry-safe failures within the retry budget,
     * then on a replica path when allowed.
     *
     * @param op the read, given the endpoint's handle
     * @param <T> the reply type
     * @return the reply; or a failure: {@link RedisUnavailableException} when no endpoint could
     *         serve (fast while every breaker is open), {@link RedisCommandException},
     *         {@link RedisConfigurationException}
     */
    public <T> CompletableFuture<T> read(Function<? super C, ? extends CompletionStage<T>> op) {
        Objects.requireNonNull(op, "op");
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(op).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable f = Failures.unwrap(failure);
            if (f instanceof AttemptFailure af && !af.kind().countsAgainstEndpoint()) {
                result.completeExceptionally(translate(af));
            } else if (replicaReads) {
                readFromReplicas(op, f, result);
            } else {
                result.completeExceptionally(unavailable("No Redis endpoint could serve the read", f));
            }
        });
        return result;
    }

    private <T> void readFromReplicas(Function<? super C, ? extends CompletionStage<T>> op, Throwable masterFailure,
                                      CompletableFuture<T> result) {
        for (EndpointHealth<C> path : replicaPaths) {
            if (path.isClosed()) {
                callOn(path, op, false, null).whenComplete((value, failure) -> {
                    if (failure == null) {
                        result.complete(value);
                    } else {
                        Throwable f = Failures.unwrap(failure);
                        result.completeExceptionally(f instanceof AttemptFailure af && !af.kind().countsAgainstEndpoint()
                                ? translate(af)
                                : unavailable("No Redis endpoint, master or replica, could serve the read", f));
                    }
                });
                return;
            }
        }
        result.completeExceptionally(unavailable("No Redis endpoint, master or replica, could serve the read",
                masterFailure));
    }

    // ---------------------------------------------------------------- writes

    /**
     * Runs a write: directly on the active endpoint, or into the spill store when earlier
     * writes wait there, maintenance mode is on, or no endpoint takes it.
     *
     * @param op the write
     * @param <T> the reply type
     * @return the receipt; or a failure: {@link RedisCommandException},
     *         {@link RedisConfigurationException}, {@link RedisWriteRefusedException}, the
     *         the spill store's own (e.g. spill full), or {@link RedisUnavailableException} when
     *         there is no spill store
     */
    public <T> CompletableFuture<WriteReceipt<T>> write(WriteOp<C, T> op) {
        Objects.requireNonNull(op, "op");
        return spill == null ? direct(op) : follow(op, spill.intake().admit(op));
    }

    /** Carries out the intake's decision; a held write is decided again when the gate opens. */
    private <T> CompletableFuture<WriteReceipt<T>> follow(WriteOp<C, T> op, SpillIntake.Decision<T> decision) {
        if (decision instanceof SpillIntake.Spilled<T> spilled) {
            return spilled.receipt();
        }
        if (decision instanceof SpillIntake.Held<T> held) {
            CompletableFuture<WriteReceipt<T>> out = new CompletableFuture<>();
            held.released().thenAccept(next -> Failures.relay(follow(op, next), out));
            return out;
        }
        return direct(op);
    }

    /** Sends a write to the active endpoint; one no endpoint took goes to the spill store's intake. */
    private <T> CompletableFuture<WriteReceipt<T>> direct(WriteOp<C, T> op) {
        EndpointHealth<C> endpoint = router.active();
        CompletableFuture<T> attempt = endpoint == null
                ? CompletableFuture.failedFuture(AttemptFailure.NO_ENDPOINT)
                : executeWrite(endpoint, op::apply, journalHook(endpoint, op));
        CompletableFuture<WriteReceipt<T>> result = new CompletableFuture<>();
        attempt.whenComplete((value, failure) -> {
            if (failure == null) {
                if (durableJournal != null && endpoint.journal() != null) {
                    // REPLICATED: on disk before the caller hears WRITTEN, so that a client dying during
                    // a failover does not take the only record of a write the old master may drop.
                    durableJournal.append(endpoint.priority(), op.id(), op.encode())
                            .whenComplete((ok, never) -> result.complete(WriteReceipt.written(op.id(), value)));
                } else {
                    result.complete(WriteReceipt.written(op.id(), value));
                }
                return;
            }
            Throwable f = Failures.unwrap(failure);
            if (f instanceof AttemptFailure af && !af.kind().countsAgainstEndpoint()) {
                result.completeExceptionally(translate(af));
            } else if (spill != null) {
                Failures.relay(spill.intake().afterFailure(op, f), result);
            } else {
                result.completeExceptionally(unavailable("No Redis endpoint could take the write", f));
            }
        });
        return result;
    }

    /**
     * Runs a write on one endpoint and retries it there only, while that endpoint is still the
     * active one and its breaker closed: a write whose outcome is unknown (it may have landed) must
     * not be applied on another deployment, where its exactly-once marker does not exist. The
     * failure it ends with says whether any attempt's outcome was unknown, so the spill store can
     * keep the write for this endpoint.
     */
    private <T> CompletableFuture<T> executeWrite(EndpointHealth<C> endpoint,
                                                  Function<? super C, ? extends CompletionStage<T>> op,
                                                  Runnable journal) {
        CompletableFuture<T> first = callOn(endpoint, op, true, journal);
        if (!retrying) {
            return first;
        }
        return first.exceptionallyCompose(failure -> {
            Throwable f = Failures.unwrap(failure);
            if (!retryable(f)) {
                return CompletableFuture.failedFuture(f);
            }
            boolean[] unknown = {((AttemptFailure) f).outcomeUnknown()};
            CompletableFuture<T> retried = retries.getStageAsync(ctx -> {
                if (ctx.getAttemptCount() == 0) {
                    return CompletableFuture.<T>failedFuture(f);
                }
                if (router.active() != endpoint) {
                    Throwable last = Failures.unwrap(ctx.getLastException());
                    return CompletableFuture.<T>failedFuture(last instanceof AttemptFailure af ? af.notRetryable() : last);
                }
                return callOn(endpoint, op, true, journal).whenComplete((v, t) -> {
                    if (t != null && Failures.unwrap(t) instanceof AttemptFailure af && af.outcomeUnknown()) {
                        unknown[0] = true;
                    }
                });
            });
            return retried.exceptionallyCompose(last -> {
                Throwable l = Failures.unwrap(last);
                return CompletableFuture.failedFuture(unknown[0] && l instanceof AttemptFailure af
                        ? af.asOutcomeUnknown() : l);
            });
        });
    }

    // ---------------------------------------------------------------- execution

    /** First attempt inline; retries (Failsafe, backoff and jitter) only after a retryable failure. */
    private <T> CompletableFuture<T> execute(Function<? super C, ? extends CompletionStage<T>> op) {
        long start = System.nanoTime();
        CompletableFuture<T> first = attempt(op);
        if (!retrying) {
            return first;
        }
        return first.exceptionallyCompose(failure -> {
            Throwable f = Failures.unwrap(failure);
            if (!retryable(f)) {
                return CompletableFuture.failedFuture(f);
            }
            return retries.getStageAsync(ctx -> {
                if (ctx.getAttemptCount() == 0) {
                    return CompletableFuture.<T>failedFuture(f);
                }
                // A read starts no attempt that could not finish within the retry budget: after a
                // timeout, a second full timeout on the same endpoint would double the caller's wait.
                if (callTimeout != null && System.nanoTime() - start + callTimeout.toNanos() > retryBudget.toNanos()) {
                    Throwable last = Failures.unwrap(ctx.getLastException());
                    return CompletableFuture.<T>failedFuture(last instanceof AttemptFailure af ? af.notRetryable() : last);
                }
                return attempt(op);
            });
        });
    }

    private <T> CompletableFuture<T> attempt(Function<? super C, ? extends CompletionStage<T>> op) {
        EndpointHealth<C> endpoint = router.active();
        if (endpoint == null) {
            return CompletableFuture.failedFuture(AttemptFailure.NO_ENDPOINT);
        }
        return callOn(endpoint, op, false, null);
    }

    private static <C> Runnable journalHook(EndpointHealth<C> endpoint, WriteOp<C, ?> op) {
        FailoverJournal journal = endpoint == null ? null : endpoint.journal();
        return journal == null ? null : () -> journal.add(op);
    }

    /**
     * Runs one call on one endpoint and records its outcome against that endpoint's breaker.
     *
     * @param fenced whether the call changes data (a write or a replay batch): such a call waits while
     *               the endpoint's node moves, so that it cannot reach the new master before the
     *               journal's writes do; reads are not fenced
     * @param journal run when the call succeeded, before it counts as finished (records the write in
     *                the failover journal), or null
     */
    <T> CompletableFuture<T> callOn(EndpointHealth<C> endpoint, Function<? super C, ? extends CompletionStage<T>> op,
                                    boolean fenced, Runnable journal) {
        // Only an endpoint whose node can move needs the fence (and its in-flight count).
        boolean fence = fenced && endpoint.target().isMovable();
        if (fence) {
            CompletableFuture<Void> gate = endpoint.enter();
            if (gate != null) {
                return afterGate(endpoint, gate, op, true, journal, "the master of " + endpoint.name()
                        + " is changing and the writes it acknowledged recently are being re-applied on the new one");
            }
        }
        C handle = endpoint.handle();
        if (handle == null) {
            if (fence) {
                endpoint.callDone();
            }
            CompletableFuture<Void> settled = endpoint.target().settled();
            if (!settled.isDone()) {
                // The binding's first discovery (a Sentinel scan) is still under way: wait for it, bounded.
                return afterGate(endpoint, settled, op, fenced, journal, "no node of " + endpoint.name()
                        + " is known yet (the first Sentinel scan has not finished)");
            }
            Throwable cause = endpoint.unknownNode();
            FailureKind kind = endpoint.target().configurationProblem() ? FailureKind.CONFIGURATION
                    : endpoint.recordFailure(cause);
            return CompletableFuture.failedFuture(AttemptFailure.notSent(endpoint, kind, cause));
        }
        CompletionStage<T> stage;
        try {
            stage = op.apply(handle);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            try {
                if (failure == null) {
                    endpoint.recordSuccess();
                    if (journal != null) {
                        journal.run();
                    }
                    out.complete(value);
                } else {
                    Throwable cause = Failures.unwrap(failure);
                    FailureKind kind = endpoint.recordFailure(cause);
                    out.completeExceptionally(new AttemptFailure(endpoint, kind, cause));
                }
            } finally {
                if (fence) {
                    endpoint.callDone();
                }
            }
        });
        return out;
    }

    /**
     * A call that must wait for the endpoint's node: a fenced call while the node moves, or any call
     * before the binding's first discovery finished. It runs once {@code gate} completes, or fails
     * unsent (a connectivity failure, not counted against the breaker) after the call bound.
     */
    private <T> CompletableFuture<T> afterGate(EndpointHealth<C> endpoint, CompletableFuture<Void> gate,
                                               Function<? super C, ? extends CompletionStage<T>> op, boolean fenced,
                                               Runnable journal, String why) {
        CompletableFuture<T> out = new CompletableFuture<>();
        AtomicBoolean claimed = new AtomicBoolean();
        ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(() -> {
                if (claimed.compareAndSet(false, true)) {
                    out.completeExceptionally(AttemptFailure.notSent(endpoint, FailureKind.CONNECTIVITY,
                            new TimeoutException(why + "; the call was not sent within " + callBound.toMillis()
                                    + " ms")));
                }
            }, callBound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return CompletableFuture.failedFuture(AttemptFailure.notSent(endpoint, FailureKind.CONNECTIVITY, closing));
        }
        gate.whenComplete((ok, never) -> {
            if (claimed.compareAndSet(false, true)) {
                timer.cancel(false);
                callOn(endpoint, op, fenced, journal).whenComplete((value, failure) -> {
                    if (failure == null) {
                        out.complete(value);
                    } else {
                        out.completeExceptionally(Failures.unwrap(failure));
                    }
                });
            }
        });
        return out;
    }

    /**
     * Applies spilled writes on one endpoint (one replay batch), fenced like a write, and records
     * them in the endpoint's failover journal once Redis acknowledged them.
     */
    private CompletableFuture<List<Object>> replayOn(EndpointHealth<C> endpoint,
                                                     List<io.resilientredis.failover.spill.SpillEntry> entries) {
        ReplayBatchObserver observer = replayBatchObserver;
        if (observer == null) {
            return replayBatch(endpoint, entries);
        }
        Object context = observer.started(endpoint.name(), entries.size());
        return replayBatch(endpoint, entries).whenComplete((ok, failure) -> {
            Throwable f = failure == null ? null : Failures.unwrap(failure);
            observer.ended(context, f instanceof AttemptFailure af ? translate(af) : f);
        });
    }

    private CompletableFuture<List<Object>> replayBatch(EndpointHealth<C> endpoint,
                                                        List<io.resilientredis.failover.spill.SpillEntry> entries) {
        FailoverJournal journal = endpoint.journal();
        CompletableFuture<List<Object>> applied = callOn(endpoint, c -> replayApplier.apply(c, entries), true,
                journal == null ? null : () -> journal.addAll(entries));
        if (durableJournal == null || journal == null) {
            return applied;
        }
        return applied.thenCompose(replies -> durableJournal.appendAll(endpoint.priority(), entries)
                .thenApply(ok -> replies));
    }

    /**
     * Asks the endpoint's authority (a Sentinel group's Sentinels) whether its target is still the
     * master, moving it if not; waits at most the call bound. The replayer calls this before it
     * drains into an endpoint that just recovered, so it never drains into a demoted master.
     */
    private void confirmTarget(EndpointHealth<C> endpoint) {
        if (!endpoint.target().isMovable()) {
            return;
        }
        try {
            endpoint.target().confirm().toCompletableFuture().get(callBound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            // The Sentinels did not answer in time: the target stays as the last scan left it.
        }
    }

    // ---------------------------------------------------------------- master changes

    /**
     * Moves an endpoint to a new master node, on the binding's thread: closes the endpoint's gate
     * (new writes and replay batches wait), waits for calls in flight on the old node, re-applies
     * the journal's writes on the new node through the binding's replayer (exactly-once writes under
     * their markers, so those that did reach the new master are skipped; idempotent ones again, in
     * order), then lets calls through to the new node. When the re-apply fails the gate stays closed
     * and the target unchanged, so the binding's next report of the same master tries again; writes
     * that wait longer than the call bound meanwhile fail unsent and are spilled.
     */
    private CompletableFuture<Void> move(EndpointHealth<C> endpoint, C next, String node) {
        String from = endpoint.target().node();
        if (closed.get()) {
            endpoint.target().set(next, node);
            return CompletableFuture.completedFuture(null);
        }
        long start = System.nanoTime();
        endpoint.closeGate();
        long idleBy = start + callBound.toNanos();
        while (endpoint.inFlight() > 0 && System.nanoTime() - idleBy < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        FailoverJournal journal = endpoint.journal();
        List<io.resilientredis.failover.spill.SpillEntry> entries = journal == null || journalApplier == null
                ? List.of() : journal.snapshot();
        Throwable failure = null;
        if (!entries.isEmpty()) {
            try {
                journalApplier.apply(next, entries).toCompletableFuture()
                        .get(callBound.toMillis() + entries.size() / 10 + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            } catch (java.util.concurrent.ExecutionException e) {
                failure = Failures.unwrap(e);
            } catch (TimeoutException e) {
                failure = e;
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (failure != null) {
            if (node.equals(endpoint.failedMoveTo())) {
                return CompletableFuture.failedFuture(failure); // reported when this move first failed
            }
            endpoint.failedMoveTo(node);
            events.emit(new FailoverEvent(FailoverEvent.Type.MASTER_CHANGED, clock.instant(), endpoint.name(), from,
                    "The master of " + endpoint.name() + " moved from " + from + " to " + node + ", but re-applying "
                            + entries.size() + " recently acknowledged writes there failed (" + Failures.describe(failure)
                            + "); writes wait for it, or are spilled, until a retry succeeds"));
            return CompletableFuture.failedFuture(failure);
        }
        endpoint.target().set(next, node);
        endpoint.failedMoveTo(null);
        masterChanges.incrementAndGet();
        reapplied.addAndGet(entries.size());
        if (journal != null) {
            journal.rearmOverflowReport();
        }
        endpoint.openGate();
        events.emit(new FailoverEvent(FailoverEvent.Type.MASTER_CHANGED, clock.instant(), endpoint.name(), from,
                "The master of " + endpoint.name() + " moved from " + from + " to " + node + "; " + entries.size()
                        + " writes it acknowledged in the last " + (journal == null ? 0 : journal.windowMillis())
                        + " ms were re-applied there in " + millis + " ms, before any newer write"));
        if (spill != null) {
            spill.wake();
        }
        return CompletableFuture.completedFuture(null);
    }

    private static boolean retryable(Throwable failure) {
        Throwable f = Failures.unwrap(failure);
        return f instanceof AttemptFailure af && af.retryable();
    }

    /** Turns a non-counted failure into the exception the caller sees, with the endpoint and fix. */
    RuntimeException translate(AttemptFailure failure) {
        String endpoint = failure.endpoint() == null ? "?" : failure.endpoint().name();
        Throwable cause = failure.getCause();
        if (cause instanceof RedisConfigurationException sorted) {
            return sorted; // the binding sorted it and wrote the message and fix already
        }
        String reply = cause == null ? failure.getMessage() : Failures.describe(cause);
        return switch (failure.kind()) {
            case CONFIGURATION -> new RedisConfigurationException(endpoint,
                    "Redis endpoint " + endpoint + " rejected the client's configuration: " + reply + ". "
                            + ConfigurationHints.fixFor(cause), cause);
            case WRITE_REFUSED -> new RedisWriteRefusedException(endpoint,
                    "Redis endpoint " + endpoint + " refused the write: " + reply + ". "
                            + ConfigurationHints.fixForRefusal(cause), cause);
            default -> new RedisCommandException(endpoint, "Redis endpoint " + endpoint + " rejected the command: "
                    + reply, cause);
        };
    }

    RedisUnavailableException unavailable(String what, Throwable lastFailure) {
        Throwable cause = lastFailure instanceof AttemptFailure af ? af.getCause() : lastFailure;
        String suffix = cause == null ? "; every endpoint's breaker is open:" : "; last failure: "
                + Failures.describe(cause) + ". Endpoints:";
        return new RedisUnavailableException(what + suffix, endpointStatuses(), cause);
    }

    // ---------------------------------------------------------------- health, maintenance, status

    private void transition(EndpointHealth.Transition t) {
        EndpointHealth<?> e = t.endpoint();
        switch (t.to()) {
            case OPEN -> {
                // The breaker re-opens after every failed probe (OPEN -> HALF_OPEN -> OPEN): that is
                // still the same outage, reported once.
                if (down.add(e)) {
                    events.emit(new FailoverEvent(FailoverEvent.Type.ENDPOINT_DOWN, clock.instant(), e.toString(),
                            null, "Redis endpoint " + e + " is down (breaker open): " + e.lastFailure()));
                } else {
                    LOG.debug("Redis endpoint {} is still down, the probe failed: {}", e, e.lastFailure());
                }
            }
            case CLOSED -> {
                down.remove(e);
                events.emit(new FailoverEvent(FailoverEvent.Type.ENDPOINT_UP, clock.instant(), e.toString(), null,
                        "Redis endpoint " + e + " is up again (breaker closed)"));
                if (!e.isReplicaPath()) {
                    runOnEngine(() -> {
                        @SuppressWarnings("unchecked")
                        EndpointHealth<C> up = (EndpointHealth<C>) e;
                        router.endpointUp(up);
                        if (spill != null) {
                            spill.wake();
                        }
                    });
                }
            }
            case HALF_OPEN -> { }
        }
    }

    private void runOnEngine(Runnable r) {
        if (!closed.get()) {
            try {
                scheduler.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    private void probeAll() {
        // A periodic task that throws is never run again: one endpoint's probe failing in an
        // unexpected way must not stop every probe (the endpoints would then never recover).
        for (EndpointHealth<C> e : masters) {
            probeSafely(e);
        }
        for (EndpointHealth<C> e : replicaPaths) {
            probeSafely(e);
        }
    }

    private void probeSafely(EndpointHealth<C> e) {
        try {
            e.probe();
        } catch (Throwable t) {
            LOG.warn("The health probe of {} failed unexpectedly: {}", e, Failures.describe(t));
        }
    }

    /**
     * Waits until every spilled write was replayed (nothing left to apply), or the engine closed, at
     * most {@code timeout}; woken by the replayer when it reaches the end of the backlog.
     *
     * @param timeout the bound
     * @return true when nothing is left to replay (also without a spill store); false when the bound
     *         passed first (the writes stay in the store for the next start)
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitSpillDrained(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return spill == null || spill.awaitDrained(timeout.toNanos());
    }

    /**
     * Switches maintenance mode. While on, writes go to the spill store and
     * are not replayed; reads are unaffected. Switching it off lets the replayer drain.
     *
     * @param on whether maintenance mode is on
     * @throws IllegalStateException when switched on without a spill store (writes would fail)
     */
    public void maintenance(boolean on) {
        if (on && spill == null) {
            throw new IllegalStateException("maintenance mode needs a spill store to hold writes; configure one");
        }
        if (maintenance == on) {
            return;
        }
        maintenance = on;
        events.emit(new FailoverEvent(on ? FailoverEvent.Type.MAINTENANCE_ON : FailoverEvent.Type.MAINTENANCE_OFF,
                clock.instant(), null, null, on ? "Maintenance mode on: writes are spilled, not sent to Redis"
                : "Maintenance mode off: spilled writes are replayed, new writes go to Redis"));
        if (!on && spill != null) {
            spill.wake();
        }
    }

    /** @return whether maintenance mode is on */
    public boolean maintenance() {
        return maintenance;
    }

    /**
     * Installs (or, with null, removes) what sees each replayed batch of spilled writes.
     *
     * @param observer the observer, or null for none
     */
    public void replayBatchObserver(ReplayBatchObserver observer) {
        this.replayBatchObserver = observer;
    }

    /**
     * The endpoint writes go to now, without building a snapshot: one volatile read while its
     * breaker is closed, for metrics taken on every call.
     *
     * @return its priority (0 for the primary), or -1 when no endpoint admits calls
     */
    public int activePriority() {
        EndpointHealth<C> active = router.active();
        return active == null ? -1 : active.priority();
    }

    /** @return a snapshot of every endpoint, the active one, maintenance and the spill store */
    public FailoverStatus status() {
        EndpointHealth<C> active = router.active();
        return new FailoverStatus(clock.instant(), endpointStatuses(), active == null ? null : active.name(),
                maintenance, spill == null ? SpillStatus.DISABLED : spill.status(), journalStatus());
    }

    private JournalStatus journalStatus() {
        long entries = 0;
        long bytes = 0;
        long overflowed = 0;
        boolean any = false;
        for (EndpointHealth<C> e : masters) {
            FailoverJournal j = e.journal();
            if (j != null) {
                any = true;
                entries += j.size();
                bytes += j.bytes();
                overflowed += j.overflowed();
            }
        }
        return any ? new JournalStatus(entries, bytes, overflowed, masterChanges.get(), reapplied.get())
                : JournalStatus.NONE;
    }

    List<EndpointStatus> endpointStatuses() {
        EndpointHealth<C> active = router.active();
        List<EndpointStatus> out = new ArrayList<>(masters.size() + replicaPaths.size());
        for (EndpointHealth<C> e : masters) {
            out.add(e.status(e == active));
        }
        for (EndpointHealth<C> e : replicaPaths) {
            out.add(e.status(false));
        }
        return out;
    }

    // ---------------------------------------------------------------- the spill side's port

    /** The engine as the spill side sees it: nothing that routes a write. */
    private final class Port implements SpillPort<C> {
        @Override
        public EndpointHealth<C> activeEndpoint() {
            return router.active();
        }

        @Override
        public EndpointHealth<C> endpointAt(int priority) {
            return priority >= 0 && priority < masters.size() ? masters.get(priority) : null;
        }

        @Override
        public boolean maintenance() {
            return maintenance;
        }

        @Override
        public void confirmTarget(EndpointHealth<C> endpoint) {
            FailoverEngine.this.confirmTarget(endpoint);
        }

        @Override
        public CompletableFuture<List<Object>> replayOn(EndpointHealth<C> endpoint,
                                                        List<io.resilientredis.failover.spill.SpillEntry> entries) {
            return FailoverEngine.this.replayOn(endpoint, entries);
        }

        @Override
        public CompletableFuture<List<Object>> reapplyRecovered(EndpointHealth<C> endpoint,
                                                        List<io.resilientredis.failover.spill.SpillEntry> entries) {
            return callOn(endpoint, c -> journalApplier.apply(c, entries), true, null);
        }

        @Override
        public RuntimeException translate(AttemptFailure failure) {
            return FailoverEngine.this.translate(failure);
        }

        @Override
        public void emit(FailoverEvent event) {
            events.emit(event);
        }

        @Override
        public Clock clock() {
            return clock;
        }
    }

    /**
     * Stops the probes, timers and the engine thread, and closes the spill side (the spill
     * store keeps what it holds for the next start). Endpoint handles are the binding's to close.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        probeTask.cancel(false);
        prober.shutdownNow(); // interrupts a probe that blocks its thread
        if (spill != null) {
            spill.close();
        }
        if (durableJournal != null) {
            durableJournal.close();
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
            prober.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Builds a {@link FailoverEngine}.
     *
     * @param <C> the connection handle type
     */
    public static final class Builder<C> {
        private final List<Endpoint<C>> endpoints = new ArrayList<>();
        private final List<FailoverListener> listeners = new ArrayList<>();
        private BreakerSettings breaker = BreakerSettings.defaults();
        private RetrySettings retry = RetrySettings.defaults();
        private Duration failbackGrace = Duration.ofSeconds(5);
        private Duration probeTimeout = Duration.ofSeconds(2);
        private Duration callTimeout;
        private FailureClassifier classifier = FailureClassifier.defaults();
        private boolean replicaReads;
        private Clock clock = Clock.systemUTC();
        private io.resilientredis.failover.spill.SpillStoreConfig spillConfig;
        private ReplayApplier<C> replayApplier;
        private ReplaySettings replaySettings = ReplaySettings.defaults();
        private JournalSettings journal = JournalSettings.defaults();
        private ReplayApplier<C> journalApplier;
        private Duration durableJournal;

        private Builder() {
        }

        /**
         * Adds an endpoint; the first added is the primary, the others standbys in order.
         *
         * @param endpoint the endpoint
         * @return this builder
         */
        public Builder<C> endpoint(Endpoint<C> endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /**
         * @param settings breaker and probe settings for every endpoint
         * @return this builder
         */
        public Builder<C> breaker(BreakerSettings settings) {
            this.breaker = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param settings retry settings for retry-safe calls
         * @return this builder
         */
        public Builder<C> retry(RetrySettings settings) {
            this.retry = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param grace how long a recovered higher-priority endpoint must stay healthy before
         *              writes fail back to it; default 5 s
         * @return this builder
         */
        public Builder<C> failbackGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("failbackGrace must not be negative, was " + grace);
            }
            this.failbackGrace = grace;
            return this;
        }

        /**
         * @param timeout bound on one health probe; default 2 s
         * @return this builder
         */
        public Builder<C> probeTimeout(Duration timeout) {
            this.probeTimeout = Arguments.positive(timeout, "probeTimeout");
            return this;
        }

        /**
         * @param timeout how long one call may take (the binding's own timeout); a read starts no
         *                retry that could not finish within the retry budget. Default: none (no such check)
         * @return this builder
         */
        public Builder<C> callTimeout(Duration timeout) {
            this.callTimeout = Arguments.positive(timeout, "callTimeout");
            return this;
        }

        /**
         * @param classifier asked first; the default classifier answers what it does not know
         * @return this builder
         */
        public Builder<C> classifier(FailureClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier").orElse(FailureClassifier.defaults());
            return this;
        }

        /**
         * @param allowed whether reads may go to a replica path when no master can serve them
         * @return this builder
         */
        public Builder<C> replicaReads(boolean allowed) {
            this.replicaReads = allowed;
            return this;
        }

        /**
         * @param listener receives every state-change event
         * @return this builder
         */
        public Builder<C> listener(FailoverListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @param clock the clock for timestamps (tests)
         * @return this builder
         */
        public Builder<C> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Keeps writes that no endpoint takes in a durable spill store, and replays them in order,
         * exactly once, when an endpoint admits writes again (also after a restart on the same
         * directory). Without a spill store such writes fail with {@link RedisUnavailableException}.
         *
         * @param config the store: directory, bounds, overflow policy
         * @param applier how the binding applies spilled writes
         * @param settings batch size, rate limit
         * @return this builder
         */
        public Builder<C> spill(io.resilientredis.failover.spill.SpillStoreConfig config, ReplayApplier<C> applier,
                                ReplaySettings settings) {
            this.spillConfig = Objects.requireNonNull(config, "config");
            this.replayApplier = Objects.requireNonNull(applier, "applier");
            this.replaySettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Bounds the failover journal: the writes each movable endpoint (a Sentinel group)
         * acknowledged recently, re-applied on the new master when the binding moves the endpoint's
         * target. Without it, the spill store's applier re-applies with the default bounds; with
         * neither, no journal is kept.
         *
         * @param settings window and byte bound
         * @param applier how the binding re-applies journaled writes (as it replays spilled ones)
         * @return this builder
         */
        public Builder<C> journal(JournalSettings settings, ReplayApplier<C> applier) {
            this.journal = Objects.requireNonNull(settings, "settings");
            this.journalApplier = Objects.requireNonNull(applier, "applier");
            return this;
        }

        /**
         * Keeps the failover journal on disk too, in the spill store's directory: a write counts as
         * written only once it is committed there, and the next engine on the directory re-applies
         * what was acknowledged within the journal's window before anything else. For the strongest
         * durability level, where the client dying during a failover must not lose a write either.
         * Needs a spill store and a journal applier.
         *
         * @param markerTtl how long the binding's exactly-once markers live: a journal whose newest entry
         *                  is older than that is not re-applied (a marker that expired could let a write
         *                  that did land apply twice)
         * @return this builder
         */
        public Builder<C> keepJournalOnDisk(Duration markerTtl) {
            this.durableJournal = Arguments.positive(markerTtl, "markerTtl");
            return this;
        }

        /**
         * @return the engine, with its probes running
         * @throws IllegalStateException when no endpoint was added
         */
        public FailoverEngine<C> build() {
            if (endpoints.isEmpty()) {
                throw new IllegalStateException("add at least one endpoint");
            }
            return new FailoverEngine<>(this);
        }
    }
}
