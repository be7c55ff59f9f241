package io.resilientredis.client.internal;

import io.resilientredis.client.queue.QueueStatus;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.FailoverStatus;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.spi.ReplayBatchObserver;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Not API: what the metrics module reads from one client, without a Redis call and without
 * blocking, and the slot where it installs its {@link CallObserver}. Without an observer the
 * facade's cost is one volatile read per call. Applications do not use this class; it may change
 * in any release without notice.
 */
public final class ClientHooks {

    /** What {@link #start()} returns while no observer is installed: the call is not timed. */
    public static final long NOT_OBSERVED = Long.MIN_VALUE;

    /** Set once, by the client class's initialiser: how to find a client's hooks. */
    private static volatile Function<Object, ClientHooks> access;

    private final Supplier<FailoverStatus> status;
    private final IntSupplier activeEndpoint;
    private final Supplier<List<QueueStatus>> queues;
    private final Runnable refreshQueues;
    private final Consumer<ReplayBatchObserver> replayBatches;
    private final List<String> endpointNames;
    private volatile CallObserver observer;
    private volatile CallTracer tracer;

    /**
     * @param status the engine's snapshot (in-memory figures only, never a Redis call)
     * @param activeEndpoint the active endpoint's priority, or -1
     * @param queues the queues' stats as last refreshed
     * @param refreshQueues starts reading the queues' stats again, without waiting for them
     * @param replayBatches installs (or, with null, removes) the engine's replay batch observer
     * @param endpointNames the configured endpoints' display names in priority order (the names the
     *                      active endpoint's priority stands for; a Redis Cluster's lanes report their
     *                      own endpoint names in {@link #status()})
     */
    public ClientHooks(Supplier<FailoverStatus> status, IntSupplier activeEndpoint, Supplier<List<QueueStatus>> queues,
                       Runnable refreshQueues, Consumer<ReplayBatchObserver> replayBatches,
                       List<String> endpointNames) {
        this.endpointNames = List.copyOf(endpointNames);
        this.status = Objects.requireNonNull(status, "status");
        this.activeEndpoint = Objects.requireNonNull(activeEndpoint, "activeEndpoint");
        this.queues = Objects.requireNonNull(queues, "queues");
        this.refreshQueues = Objects.requireNonNull(refreshQueues, "refreshQueues");
        this.replayBatches = Objects.requireNonNull(replayBatches, "replayBatches");
    }

    /**
     * Called once by the client class: how {@link #of} finds a client's hooks.
     *
     * @param accessor returns the hooks of a client
     */
    public static void register(Function<Object, ClientHooks> accessor) {
        Objects.requireNonNull(accessor, "accessor");
        synchronized (ClientHooks.class) {
            if (access != null) {
                throw new IllegalStateException("the client's hooks are registered already");
            }
            access = accessor;
        }
    }

    /**
     * @param client a {@code ResilientRedis}
     * @return its hooks
     */
    public static ClientHooks of(Object client) {
        Objects.requireNonNull(client, "client");
        Function<Object, ClientHooks> a = access;
        if (a == null) {
            throw new IllegalStateException("not a ResilientRedis: " + client.getClass().getName());
        }
        return a.apply(client);
    }

    /**
     * Installs the observer; one per client.
     *
     * @param o the observer
     * @throws IllegalStateException when one is installed already
     */
    public synchronized void install(CallObserver o) {
        Objects.requireNonNull(o, "observer");
        if (observer != null) {
            throw new IllegalStateException("this client's metrics are bound already (one binder per client;"
                    + " bind it to a CompositeMeterRegistry to export to several registries)");
        }
        observer = o;
    }

    /**
     * Removes the observer, if it is the one installed.
     *
     * @param o the observer
     */
    public synchronized void uninstall(CallObserver o) {
        if (observer == o) {
            observer = null;
        }
    }

    /**
     * Installs the tracer; one per client.
     *
     * @param t the tracer
     * @throws IllegalStateException when one is installed already
     */
    public synchronized void install(CallTracer t) {
        Objects.requireNonNull(t, "tracer");
        if (tracer != null) {
            throw new IllegalStateException("this client is traced already (one observation registry per client)");
        }
        tracer = t;
    }

    /**
     * Removes the tracer, if it is the one installed.
     *
     * @param t the tracer
     */
    public synchronized void uninstall(CallTracer t) {
        if (tracer == t) {
            tracer = null;
        }
    }

    /**
     * Installs (or, with null, removes) what sees each batch of spilled writes the client replays.
     *
     * @param observer the observer, or null
     */
    public void observeReplay(ReplayBatchObserver observer) {
        replayBatches.accept(observer);
    }

    /**
     * @param command the operation starting
     * @return the call's trace context, or null when no tracer is installed
     */
    public Object begin(Command command) {
        CallTracer t = tracer;
        return t == null ? null : new Traced(t, t.begin(command));
    }

    /** @return the configured endpoints' display names, primary first */
    public List<String> endpointNames() {
        return endpointNames;
    }

    /** @return the engine's snapshot: in-memory figures, never a Redis call, never blocking */
    public FailoverStatus status() {
        return status.get();
    }

    /** @return the stats of every queue opened through the client, as last refreshed */
    public List<QueueStatus> queues() {
        return queues.get();
    }

    /** Starts reading the queues' stats again; returns at once. */
    public void refreshQueues() {
        refreshQueues.run();
    }

    /** @return the start of a call, or {@link #NOT_OBSERVED} when no observer is installed */
    public long start() {
        return observer == null ? NOT_OBSERVED : System.nanoTime();
    }

    /**
     * A call started at {@code start} returned.
     *
     * @param command the operation
     * @param start what {@link #start()} returned
     * @param reply the reply
     */
    public void completed(Command command, long start, Object reply) {
        CallObserver o = observer;
        if (start != NOT_OBSERVED && o != null) {
            o.call(command, activeEndpoint.getAsInt(), Outcome.of(reply), System.nanoTime() - start);
        }
    }

    /**
     * A traced call returned.
     *
     * @param trace what {@link #begin} returned (null: not traced)
     * @param reply the reply
     */
    public void completed(Object trace, Object reply) {
        if (trace instanceof Traced t) {
            t.tracer.end(t.context, activeEndpoint.getAsInt(), Outcome.of(reply),
                    reply instanceof WriteReceipt<?> r ? r.id() : null, null);
        }
    }

    /**
     * A traced call failed.
     *
     * @param trace what {@link #begin} returned (null: not traced)
     * @param failure the failure
     */
    public void failed(Object trace, Throwable failure) {
        if (trace instanceof Traced t) {
            t.tracer.end(t.context, activeEndpoint.getAsInt(), Outcome.ofFailure(failure), null, failure);
        }
    }

    /**
     * A call started at {@code start} failed.
     *
     * @param command the operation
     * @param start what {@link #start()} returned
     * @param failure the failure
     */
    public void failed(Command command, long start, Throwable failure) {
        CallObserver o = observer;
        if (start != NOT_OBSERVED && o != null) {
            o.call(command, activeEndpoint.getAsInt(), Outcome.ofFailure(failure), System.nanoTime() - start);
        }
    }

    /**
     * Reports an asynchronous call's end when it completes, and traces it when a tracer is
     * installed.
     *
     * @param command the operation
     * @param start what {@link #start()} returned
     * @param stage the call
     * @param <T> its reply type
     * @return the same stage when neither observed nor traced, else one completing with it
     */
    public <T> CompletionStage<T> observe(Command command, long start, CompletionStage<T> stage) {
        // Traced from here, once the call is under way: a call whose arguments were refused opens no trace.
        Object trace = begin(command);
        if (start == NOT_OBSERVED && trace == null) {
            return stage;
        }
        return stage.whenComplete((reply, failure) -> {
            if (failure == null) {
                completed(command, start, reply);
                completed(trace, reply);
            } else {
                failed(command, start, failure);
                failed(trace, failure);
            }
        });
    }

    /**
     * Passes an engine event to the observer, if any.
     *
     * @param event the event
     */
    public void event(FailoverEvent event) {
        CallObserver o = observer;
        if (o != null) {
            o.event(event);
        }
    }

    /** A traced call: its tracer and the context the tracer made. */
    private record Traced(CallTracer tracer, Object context) {
    }
}
