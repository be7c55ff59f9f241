package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.WriteReceipt;

import io.resilientredis.failover.spill.SpillEntry;
import io.resilientredis.failover.spill.SpillStore;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes writes that must not go to Redis now, and decides for each write the engine offers it what
 * happens: {@link Direct} (the engine sends it), {@link Spilled} (it is in the store, behind the
 * backlog, in call order) or {@link Held} (the handover gate is closed: it waits in memory, and the
 * intake decides again when the gate opens). The intake never sends a write itself; the engine
 * alone routes.
 *
 * <p>The handover gate: under steady load new writes join the backlog as fast as it drains, so it
 * would never reach zero and the client would spill (and get no replies) long after Redis came
 * back. So when the backlog is down to its last short batch, the replayer closes the gate: writes
 * that arrive are held, in arrival order, not yet acknowledged, while that batch drains. When it
 * opens them they are decided again in that order: direct once the store is empty, into the store
 * if the replay paused instead. The gate stays closed for about one batch, and no write overtakes
 * an older one.
 *
 * @param <C> the binding's connection handle type
 */
final class SpillIntake<C> {

    /** What happens to a write the engine offered. */
    sealed interface Decision<T> permits Direct, Spilled, Held {
    }

    /** The engine sends the write to the active endpoint now. */
    record Direct<T>() implements Decision<T> {
    }

    /** The write is in the spill store (or failed to get there): here is its receipt. */
    record Spilled<T>(CompletableFuture<WriteReceipt<T>> receipt) implements Decision<T> {
    }

    /** The write waits at the closed gate; the next decision comes when the gate opens. */
    record Held<T>(CompletableFuture<Decision<T>> released) implements Decision<T> {
    }

    private static final Direct<?> DIRECT = new Direct<>();

    private final Backlog backlog;
    private final SpillStore store;
    private final SpillPort<C> port;
    private final SpilledWrites<C> writes;
    private final Runnable onSpilled;
    /** Writes held at the closed gate, in arrival order; guarded by itself. */
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    /** Whether SPILL_STARTED was reported for the current spill episode. */
    private final AtomicBoolean spilling = new AtomicBoolean();
    private volatile boolean gateClosed;

    /**
     * @param onSpilled run after each write committed to the store (nudges the replayer)
     */
    SpillIntake(Backlog backlog, SpillPort<C> port, SpilledWrites<C> writes, Runnable onSpilled) {
        this.backlog = backlog;
        this.store = backlog.store();
        this.port = port;
        this.writes = writes;
        this.onSpilled = onSpilled;
    }

    /**
     * Decides what happens to a write that has not been tried yet.
     *
     * @return {@link Direct} when nothing spilled must precede it and maintenance is off
     */
    @SuppressWarnings("unchecked")
    <T> Decision<T> admit(WriteOp<C, T> op) {
        boolean maintenance = port.maintenance();
        if (gateClosed && !maintenance) {
            synchronized (held) {
                if (gateClosed) {
                    CompletableFuture<Decision<T>> released = new CompletableFuture<>();
                    held.addLast(() -> released.complete(afterGate(op)));
                    return new Held<>(released);
                }
            }
        }
        if (maintenance || backlog.engaged()) {
            return new Spilled<>(spill(op, null));
        }
        return (Direct<T>) DIRECT;
    }

    @SuppressWarnings("unchecked")
    private <T> Decision<T> afterGate(WriteOp<C, T> op) {
        return port.maintenance() || backlog.engaged() ? new Spilled<>(spill(op, null)) : (Direct<T>) DIRECT;
    }

    /**
     * Spills a write no endpoint took.
     *
     * @param reason the last attempt's failure; when its outcome is unknown the write is pinned to
     *               that endpoint for the in-doubt window
     * @return the receipt, or a failure (spill full, store failure)
     */
    <T> CompletableFuture<WriteReceipt<T>> afterFailure(WriteOp<C, T> op, Throwable reason) {
        return spill(op, reason);
    }

    /** @return whether earlier writes wait in the store, so a new write must queue behind them */
    boolean engaged() {
        return backlog.engaged();
    }

    /** Closes the handover gate (replayer: the backlog is down to its last short batch). */
    void closeGate() {
        gateClosed = true;
    }

    /**
     * Opens the gate: decides the held writes again, in arrival order. The gate stays closed until
     * the queue is empty, so a write arriving meanwhile queues behind the held ones.
     */
    void openGate() {
        while (true) {
            Runnable next;
            synchronized (held) {
                next = held.pollFirst();
                if (next == null) {
                    gateClosed = false;
                    return;
                }
            }
            next.run();
        }
    }

    /** The store held writes from an earlier run: the spill episode started before this one. */
    void spillingSinceEarlierRun() {
        spilling.set(true);
    }

    /** The backlog is applied: the next spilled write starts a new spill episode (and reports it). */
    void spillEpisodeOver() {
        spilling.set(false);
    }

    private <T> CompletableFuture<WriteReceipt<T>> spill(WriteOp<C, T> op, Throwable reason) {
        String id = op.id();
        byte[] payload = op.encode();
        CompletableFuture<T> applied = writes.track(id, op.replayReply());
        if (reason instanceof AttemptFailure af && af.outcomeUnknown()) {
            @SuppressWarnings("unchecked")
            EndpointHealth<C> where = (EndpointHealth<C>) af.endpoint();
            writes.pin(id, where);
        }
        if (spilling.compareAndSet(false, true)) {
            String why = reason == null
                    ? (port.maintenance() ? "maintenance mode is on" : "earlier writes are waiting")
                    : "no endpoint took a write: " + Failures.describe(reason instanceof AttemptFailure af
                    && af.getCause() != null ? af.getCause() : reason);
            port.emit(new FailoverEvent(FailoverEvent.Type.SPILL_STARTED, port.clock().instant(), null, null,
                    "Writes are being spilled to " + store.file() + " (" + why + "); they will be replayed in order"));
        }
        CompletableFuture<SpillEntry> appended;
        try {
            appended = store.append(id, payload);
        } catch (RuntimeException e) {
            writes.forget(id);
            return CompletableFuture.failedFuture(e);
        }
        return appended.handle((entry, failure) -> {
            if (failure != null) {
                writes.forget(id);
                throw new CompletionException(Failures.unwrap(failure));
            }
            onSpilled.run();
            return WriteReceipt.<T>spilled(id, applied);
        });
    }
}
