package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.ReplaySettings;

import io.resilientredis.failover.internal.Threads;
import io.resilientredis.failover.spill.SpillEntry;
import io.resilientredis.failover.spill.SpillStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that drains the spill store: entries in sequence order, in pipelined batches,
 * through the engine's port (which fences and counts each batch like a write); a batch is deleted
 * only after Redis acknowledged it, and the replay stops at the first failure. Its life is one
 * {@link ReplayState}; {@link #moveTo} is the only place that changes it, and does what entering a
 * state means (events, the intake's gate).
 *
 * <p>Writes of unknown outcome stay pinned to the endpoint where they may have landed (their marker
 * is there) for the in-doubt window. Journaled writes of the previous run (REPLICATED durability)
 * are re-applied before the backlog. A store failure never kills the thread: it pauses and retries.
 *
 * @param <C> the binding's connection handle type
 */
final class Replayer<C> {

    private static final String RESUMES_WITH_ENDPOINT = "it resumes when an endpoint admits writes";

    private final Backlog backlog;
    private final SpillStore store;
    private final SpillPort<C> port;
    private final SpillIntake<C> intake;
    private final SpilledWrites<C> writes;
    private final ReplaySettings settings;
    private final long handoverThreshold;
    private final Thread thread;
    private final ReplaySignal signal;
    /** Notified whenever the backlog is applied (and on close): what {@link #awaitDrained} waits on. */
    private final Object drained = new Object();
    private final AtomicLong replayedTotal = new AtomicLong();
    private final AtomicLong rejectedTotal = new AtomicLong();
    private final ArrayDeque<long[]> rateSamples = new ArrayDeque<>();
    /** Guarded by {@code this}; written only through {@link #moveTo}. */
    private ReplayState state = ReplayState.IDLE;
    // The fields below are the replayer thread's own.
    private long episodeStartNanos;
    private long episodeReplayed;
    private long lastProgressNanos;
    private long nextBatchNanos;
    /** When the batch being replayed started: the rate limit's slots count from batch starts. */
    private long batchStartNanos;
    /** The batch after the one in flight, read from the store while Redis applied that one. */
    private List<SpillEntry> readAhead;
    /** Journaled writes of the previous run still to re-apply; null once done. */
    private List<SpillEntry> recovered;
    /** When re-applying {@link #recovered} started to wait for an endpoint that does not admit calls. */
    private long recoveredWaitStart;

    Replayer(Backlog backlog, SpillPort<C> port, SpillIntake<C> intake, SpilledWrites<C> writes,
             ReplaySignal signal, ReplaySettings settings, List<SpillEntry> recovered) {
        this.signal = signal;
        this.backlog = backlog;
        this.store = backlog.store();
        this.port = port;
        this.intake = intake;
        this.writes = writes;
        this.settings = settings;
        this.recovered = recovered.isEmpty() ? null : recovered;
        this.handoverThreshold = settings.maxWritesPerSecond() > 0
                ? Math.min(settings.batchSize(), Math.max(1, settings.maxWritesPerSecond() / 10))
                : settings.batchSize();
        this.thread = Threads.daemon("resilient-redis-replayer", this::run);
    }

    void start() {
        thread.start();
    }

    /** @return the current state (for status) */
    synchronized ReplayState state() {
        return state;
    }

    long replayedTotal() {
        return replayedTotal.get();
    }

    long rejectedTotal() {
        return rejectedTotal.get();
    }

    /**
     * Waits until nothing spilled is left to apply (the replayer reached the end of the backlog), or
     * the client closed, at most {@code timeoutNanos}.
     *
     * @return whether the backlog is applied
     */
    boolean awaitDrained(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (drained) {
            while (backlog.engaged() && state() != ReplayState.CLOSED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        return !backlog.engaged();
    }

    private void signalDrained() {
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    /** Stops the thread (bounded), then lets held writes on. */
    void close() {
        moveTo(ReplayState.CLOSED, null, null);
        signalDrained();
        signal.wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        intake.openGate(); // held writes go into the store, which keeps them for the next start
    }

    // ---------------------------------------------------------------- state

    /**
     * The only place the state changes. Entering a state does what it means: DRAINING from IDLE
     * starts an episode (REPLAY_STARTED), from PAUSED resumes it; HANDOVER closes the intake's gate;
     * PAUSED and IDLE open it (held writes are decided again) and report; CLOSED ends the loop.
     *
     * @param endpoint where the replay goes (for the events), or null
     * @param why for PAUSED: "(what failed); what the replay waits for"
     */
    private void moveTo(ReplayState next, EndpointHealth<C> endpoint, String why) {
        ReplayState from;
        synchronized (this) {
            from = state;
            if (from == next || from == ReplayState.CLOSED) {
                return;
            }
            if (!from.canMoveTo(next)) {
                throw new IllegalStateException("the replayer cannot go from " + from + " to " + next);
            }
            state = next;
        }
        switch (next) {
            case DRAINING -> {
                if (from == ReplayState.IDLE) {
                    episodeStartNanos = System.nanoTime();
                    episodeReplayed = 0;
                    lastProgressNanos = episodeStartNanos;
                    emit(FailoverEvent.Type.REPLAY_STARTED, endpoint, "Replaying " + store.depth()
                            + " spilled writes to " + endpoint.name() + ", oldest first");
                } else if (from == ReplayState.PAUSED) {
                    emit(FailoverEvent.Type.REPLAY_STARTED, endpoint, "Replay resumed on " + endpoint.name()
                            + " with " + store.depth() + " spilled writes waiting");
                } else {
                    intake.openGate(); // HANDOVER ended without draining: maintenance, or the endpoint went away
                }
            }
            case HANDOVER -> intake.closeGate();
            case PAUSED -> {
                intake.openGate();
                emit(FailoverEvent.Type.REPLAY_PAUSED, null, "Replay paused with " + store.depth()
                        + " writes waiting " + why);
            }
            case IDLE -> {
                intake.spillEpisodeOver();
                intake.openGate();
                double seconds = (System.nanoTime() - episodeStartNanos) / 1e9;
                emit(FailoverEvent.Type.REPLAY_DONE, null, String.format(
                        "Replay done: %d spilled writes applied in %.1f s; writes go directly to Redis again",
                        episodeReplayed, seconds));
            }
            case CLOSED -> { }
        }
    }

    private boolean closed() {
        return state() == ReplayState.CLOSED;
    }

    /** The backlog is applied: back to IDLE; held writes go direct, the next spill reports anew. */
    private void finish() {
        if (state() == ReplayState.IDLE) {
            intake.spillEpisodeOver(); // e.g. only the recovered journal was re-applied
            intake.openGate();
        } else {
            moveTo(ReplayState.IDLE, null, null);
        }
        signalDrained();
    }

    private void pause(EndpointHealth<C> endpoint, Throwable failure) {
        Throwable cause = failure instanceof AttemptFailure af && af.getCause() != null ? af.getCause() : failure;
        pause("replay to " + endpoint.name() + " failed: " + Failures.describe(cause), RESUMES_WITH_ENDPOINT);
    }

    /**
     * @param cause what stopped the replay
     * @param resumes what it waits for: an endpoint, or the local disk when the store is the cause
     */
    private void pause(String cause, String resumes) {
        if (state() != ReplayState.PAUSED) { // reported once, when it paused
            moveTo(ReplayState.PAUSED, null, "(" + cause + "); " + resumes);
        }
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        long pauseMillis = 0;
        while (!closed()) {
            try {
                if (state() == ReplayState.HANDOVER && !ready()) {
                    moveTo(ReplayState.DRAINING, null, null); // maintenance came on, or the endpoint went away
                }
                if (state() != ReplayState.IDLE && !backlog.engaged()) {
                    finish(); // the backlog is applied (its deletes commit in the background)
                }
                if (!awaitWork(pauseMillis)) {
                    continue;
                }
                pauseMillis = replayOneBatch() ? 0 : nextPause(pauseMillis);
            } catch (InterruptedException e) {
                if (closed()) {
                    return;
                }
            } catch (RuntimeException e) {
                // A store failure (disk) must not kill the replayer: report, back off, try again.
                pause("the spill store " + store.file() + " failed: " + Failures.describe(e), "it resumes by"
                        + " itself once that file can be read and written again (check the free space and health"
                        + " of its disk)");
                pauseMillis = nextPause(pauseMillis);
            }
        }
    }

    private static long nextPause(long previous) {
        return previous == 0 ? 100 : Math.min(2000, previous * 2);
    }

    /** Waits until there may be work: entries, no maintenance, an endpoint that admits calls. */
    private boolean awaitWork(long pauseMillis) throws InterruptedException {
        signal.await(pauseMillis, this::ready, this::closed, nextBatchNanos);
        return !closed() && ready();
    }

    private boolean ready() {
        // Entries not yet applied (applied ones whose delete is not durable yet are no work).
        return backlog.hasWork() && !port.maintenance() && port.activeEndpoint() != null;
    }

    // ---------------------------------------------------------------- one step

    /** @return true when the batch was applied (or nothing was there); false to back off */
    private boolean replayOneBatch() {
        EndpointHealth<C> endpoint = port.activeEndpoint();
        if (endpoint == null) {
            return false;
        }
        if (recovered != null) {
            if (!reapplyRecovered()) {
                return false;
            }
            if (!backlog.engaged()) {
                finish(); // nothing was spilled: new writes go direct again
            }
            return true;
        }
        long seen = store.lastSequence();
        boolean fresh = readAhead == null;
        List<SpillEntry> batch = fresh ? readAfter(backlog.lastApplied()) : readAhead;
        readAhead = null;
        if (batch.isEmpty()) {
            // Everything committed up to `seen` is applied, or was quarantined (never replayed).
            if (fresh && seen > backlog.lastApplied()) {
                backlog.appliedThrough(seen);
            }
            if (!backlog.engaged()) {
                finish();
            }
            return true;
        }
        ReplayState s = state();
        if (s == ReplayState.IDLE || s == ReplayState.PAUSED) {
            // Starting or resuming after a failure: the endpoint may have come back as a demoted
            // master. Ask its authority (the Sentinels) first; a move fences the endpoint, so the
            // batch below then waits for the journal's re-apply and goes to the new master.
            port.confirmTarget(endpoint);
        }
        List<SpillEntry> allowed = respectPins(endpoint, batch);
        if (allowed.isEmpty()) {
            return replayPinnedHead(endpoint);
        }
        if (s == ReplayState.IDLE) {
            moveTo(ReplayState.DRAINING, endpoint, null);
        }
        batchStartNanos = System.nanoTime();
        CompletableFuture<List<Object>> applying = port.replayOn(endpoint, allowed);
        // Read the next batch while Redis works on this one (it is applied only after this one is acknowledged).
        List<SpillEntry> next = allowed.size() == batch.size() ? readAfter(allowed.get(allowed.size() - 1).sequence())
                : null;
        Throwable failure = await(endpoint, applying);
        if (failure == null) {
            if (state() == ReplayState.PAUSED) {
                moveTo(ReplayState.DRAINING, endpoint, null);
            }
            acknowledged(allowed, applying.join());
            readAhead = next;
            return true;
        }
        if (failure instanceof AttemptFailure af && af.kind() == FailureKind.CALLER_ERROR) {
            // One of the writes can never apply (e.g. WRONGTYPE). Find it, so it does not block the rest.
            return isolate(endpoint, allowed);
        }
        pinIfInDoubt(endpoint, allowed, failure);
        pause(endpoint, failure);
        return false;
    }

    /**
     * Re-applies the previous run's journaled writes on the endpoints that acknowledged them, before
     * the backlog: a failover during the crash may have dropped them from the master. An endpoint that
     * does not admit calls is waited for up to the in-doubt window; then its share is given up with an
     * event (it was confirmed by one of its replicas, so only that failover could have dropped it).
     *
     * @return true when done (the backlog may follow); false to back off
     */
    private boolean reapplyRecovered() {
        Map<Integer, List<SpillEntry>> byEndpoint = new TreeMap<>();
        for (SpillEntry e : recovered) {
            byEndpoint.computeIfAbsent(DurableJournal.endpointOf(e), k -> new ArrayList<>())
                    .add(DurableJournal.withWriteId(e));
        }
        List<SpillEntry> left = new ArrayList<>();
        for (var group : byEndpoint.entrySet()) {
            EndpointHealth<C> endpoint = port.endpointAt(group.getKey());
            if (endpoint == null) {
                continue;
            }
            Throwable failure;
            if (endpoint.isClosed()) {
                port.confirmTarget(endpoint);
                failure = await(endpoint, port.reapplyRecovered(endpoint, group.getValue()));
            } else {
                failure = new IllegalStateException(endpoint.name() + " does not admit calls");
            }
            if (failure != null) {
                left.addAll(recovered.stream().filter(e -> DurableJournal.endpointOf(e) == group.getKey()).toList());
                if (recoveredWaitStart == 0) {
                    recoveredWaitStart = System.nanoTime();
                }
                if (System.nanoTime() - recoveredWaitStart > settings.inDoubtWindow().toNanos()) {
                    emit(FailoverEvent.Type.JOURNAL_OVERFLOW, endpoint, group.getValue().size()
                            + " writes journaled by the previous run could not be re-applied on " + endpoint.name()
                            + " within " + settings.inDoubtWindow().toMillis() + " ms (" + Failures.describe(failure)
                            + "); they are given up: a replica confirmed each, so only a failover during the crash"
                            + " could have dropped them");
                    left.removeIf(e -> DurableJournal.endpointOf(e) == group.getKey());
                }
                continue;
            }
            emit(FailoverEvent.Type.REPLAY_STARTED, endpoint, group.getValue().size()
                    + " writes the previous run acknowledged in its last journal window were re-applied on "
                    + endpoint.name() + " under their ids (those the master has are skipped), before the backlog");
        }
        recovered = left.isEmpty() ? null : List.copyOf(left);
        if (recovered == null) {
            backlog.recoveredDone();
        }
        return recovered == null;
    }

    private List<SpillEntry> readAfter(long sequence) {
        return store.read(sequence, settings.batchSize(), settings.maxBatchBytes());
    }

    /**
     * Waits for a batch, bounded; a batch that does not answer in time is as in doubt as any timeout.
     *
     * @return null when it was applied ({@code applying} is then complete), else the failure
     */
    private Throwable await(EndpointHealth<C> endpoint, CompletableFuture<?> applying) {
        try {
            applying.get(settings.batchTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return Failures.unwrap(e);
        } catch (TimeoutException e) {
            return new AttemptFailure(endpoint, FailureKind.CONNECTIVITY, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /**
     * After a replay attempt on {@code endpoint} whose outcome is unknown (a timeout, no replica
     * confirmation), its writes may have landed there: they wait for that endpoint from now on, for
     * a fresh in-doubt window, like a write whose first attempt was in doubt.
     */
    private void pinIfInDoubt(EndpointHealth<C> endpoint, List<SpillEntry> entries, Throwable failure) {
        if (failure instanceof AttemptFailure af && af.outcomeUnknown()) {
            for (SpillEntry e : entries) {
                writes.pin(e.id(), endpoint);
            }
        }
    }

    /**
     * Cuts the batch before the first write that may have landed on another endpoint and still
     * waits for it; reports the writes whose wait is over and that go to this endpoint instead.
     */
    private List<SpillEntry> respectPins(EndpointHealth<C> endpoint, List<SpillEntry> batch) {
        if (!writes.anyPinned()) {
            return batch;
        }
        long now = System.nanoTime();
        int rerouted = 0;
        String example = null;
        for (int i = 0; i < batch.size(); i++) {
            SpilledWrites.Pin<C> pin = writes.pinOf(batch.get(i).id());
            if (pin == null || pin.endpoint() == endpoint) {
                continue;
            }
            if (!pin.expired(now)) {
                batch = batch.subList(0, i);
                break;
            }
            rerouted++;
            example = pin.endpoint().name();
        }
        if (rerouted > 0) {
            emit(FailoverEvent.Type.REPLAY_REROUTED, endpoint, rerouted + " spilled write(s) of unknown outcome on "
                    + example + " waited " + settings.inDoubtWindow().toMillis() + " ms for it and are replayed on "
                    + endpoint.name() + " instead; they may now be applied in both deployments");
        }
        return batch;
    }

    /**
     * The oldest waiting write may have landed on another endpoint: replay it there as soon as that
     * endpoint is healthy (its marker is there), else wait for it.
     */
    private boolean replayPinnedHead(EndpointHealth<C> active) {
        List<SpillEntry> head = store.read(backlog.lastApplied(), 1, settings.maxBatchBytes());
        SpilledWrites.Pin<C> pin = head.isEmpty() ? null : writes.pinOf(head.get(0).id());
        if (pin == null) {
            return true;
        }
        if (!pin.endpoint().isClosed()) {
            pause("the oldest spilled write may already have been applied on " + pin.endpoint().name()
                    + " (its outcome there is unknown); it waits up to " + settings.inDoubtWindow().toMillis()
                    + " ms for that endpoint before it is replayed on " + active.name(), RESUMES_WITH_ENDPOINT);
            return false;
        }
        CompletableFuture<List<Object>> applying = port.replayOn(pin.endpoint(), head);
        Throwable failure = await(pin.endpoint(), applying);
        if (failure == null) {
            acknowledged(head, applying.join());
            return true;
        }
        pinIfInDoubt(pin.endpoint(), head, failure);
        pause(pin.endpoint(), failure);
        return false;
    }

    /** Applies a failing batch one entry at a time: rejects writes Redis refuses for good, stops at an outage. */
    private boolean isolate(EndpointHealth<C> endpoint, List<SpillEntry> batch) {
        for (SpillEntry entry : batch) {
            CompletableFuture<List<Object>> applying = port.replayOn(endpoint, List.of(entry));
            Throwable failure = await(endpoint, applying);
            if (failure == null) {
                acknowledged(List.of(entry), applying.join());
            } else if (failure instanceof AttemptFailure af && af.kind() == FailureKind.CALLER_ERROR) {
                rejectedTotal.incrementAndGet();
                RuntimeException error = port.translate(af);
                emit(FailoverEvent.Type.REPLAY_REJECTED, endpoint, "Spilled write " + entry.id() + " (sequence "
                        + entry.sequence() + ", spilled at " + entry.appendedAt() + ") was rejected by Redis on replay"
                        + " and removed from the spill store: " + error.getMessage());
                backlog.appliedThrough(entry.sequence());
                store.deleteThroughAsync(entry.sequence());
                writes.failed(entry.id(), error);
            } else {
                pinIfInDoubt(endpoint, List.of(entry), failure);
                pause(endpoint, failure);
                return false;
            }
        }
        return true;
    }

    /**
     * @param replies the applier's replies, one per entry in the batch's order (anything else counts as
     *                none): each completes its write's {@code applied()} stage
     */
    private void acknowledged(List<SpillEntry> batch, List<Object> replies) {
        // Counted first: whoever sees the backlog drained or a write's applied() complete sees it counted too.
        long total = replayedTotal.addAndGet(batch.size());
        SpillEntry last = batch.get(batch.size() - 1);
        backlog.appliedThrough(last.sequence());
        store.deleteThroughAsync(last.sequence()); // the store retries it until it is durable
        long now = System.nanoTime();
        boolean paired = replies != null && replies.size() == batch.size();
        for (int i = 0; i < batch.size(); i++) {
            writes.applied(batch.get(i).id(), paired ? replies.get(i) : null);
        }
        episodeReplayed += batch.size();
        synchronized (rateSamples) {
            rateSamples.addLast(new long[] {now, total});
            while (rateSamples.size() > 2 && now - rateSamples.peekFirst()[0] > TimeUnit.SECONDS.toNanos(5)) {
                rateSamples.removeFirst();
            }
        }
        if (settings.maxWritesPerSecond() > 0) {
            long slot = batch.size() * 1_000_000_000L / settings.maxWritesPerSecond();
            // From the batch's start, not its end: the time Redis took to apply it counts toward the
            // slot, so the limit caps the rate instead of adding a pause to every batch.
            nextBatchNanos = Math.max(nextBatchNanos, batchStartNanos) + slot;
        }
        if (now - lastProgressNanos >= settings.progressInterval().toNanos()) {
            lastProgressNanos = now;
            emit(FailoverEvent.Type.REPLAY_PROGRESS, null, String.format(
                    "Replay progress: %d writes replayed, %d waiting, %.0f writes/s",
                    episodeReplayed, store.depth(), rate()));
        }
        if (!backlog.engaged()) {
            finish();
        } else if (state() == ReplayState.DRAINING && backlog.waiting() <= handoverThreshold && !port.maintenance()) {
            moveTo(ReplayState.HANDOVER, null, null);
        }
    }

    /** @return replayed writes per second over the last few seconds */
    double rate() {
        synchronized (rateSamples) {
            if (rateSamples.size() < 2) {
                return 0.0;
            }
            long[] first = rateSamples.peekFirst();
            long[] last = rateSamples.peekLast();
            long nanos = last[0] - first[0];
            if (nanos <= 0 || System.nanoTime() - last[0] > TimeUnit.SECONDS.toNanos(5)) {
                return 0.0;
            }
            return (last[1] - first[1]) * 1e9 / nanos;
        }
    }

    private void emit(FailoverEvent.Type type, EndpointHealth<C> endpoint, String detail) {
        port.emit(new FailoverEvent(type, port.clock().instant(), endpoint == null ? null : endpoint.name(), null,
                detail));
    }
}
