package io.resilientredis.failover;

import io.resilientredis.failover.spill.SpillEntry;
import io.resilientredis.failover.spill.SpillStore;
import io.resilientredis.failover.spill.SpillStoreListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The spill store as the engine's write fallback, and the one replayer that drains it.
 *
 * <p>Order: a write is spilled when earlier writes wait in the store ({@link #engaged()}), so it
 * queues behind them; the store assigns sequence numbers in call order. The replayer applies
 * entries in sequence order, in pipelined batches, deletes a batch only after Redis acknowledged
 * it, and stops at the first failure. {@link #engaged()} reads the store's pending count before
 * its committed count, and the store raises the committed count before it lowers the pending one,
 * so a write never sees an empty store while an earlier write is on its way in.
 *
 * <p>Handover: under steady load new writes join the backlog as fast as it drains, so it would
 * never reach zero and the client would spill (and get no replies) long after Redis came back.
 * So when the backlog is down to its last short batch, the replayer closes a gate: writes that
 * arrive are held in memory, in arrival order, not yet acknowledged, while that batch drains. Then
 * they are released in that order: directly to Redis once the store is empty, or into the store if
 * the replay paused instead. The gate is closed for about one batch (at most ~100 ms of the rate
 * limit), and no write overtakes an older one.
 *
 * <p>Store failures: a replayed batch is acknowledged as soon as Redis applied it; its delete
 * commits in the background and the store retries it until it is durable. {@link #engaged()}
 * counts only entries not yet applied, so a store that cannot commit (disk full) never holds
 * direct writes back once its backlog is applied. Damaged entries never reach the replayer: the
 * store quarantines them, and their writes' {@code applied()} stages fail.
 */
final class SpillFallback<C> implements WriteFallback<C> {

    private final SpillStore store;
    private final FailoverEngine<C> engine;
    private final ReplayApplier<C> applier;
    private final ReplaySettings settings;
    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Thread replayer;
    private final AtomicBoolean spilling = new AtomicBoolean();
    private final AtomicLong replayedTotal = new AtomicLong();
    private final AtomicLong rejectedTotal = new AtomicLong();
    private final ArrayDeque<long[]> rateSamples = new ArrayDeque<>();
    /** Writes of unknown outcome, by id: where they may have landed, and until when they wait for it. */
    private final Map<String, Pin<C>> pins = new ConcurrentHashMap<>();
    /** Writes held while the last short batch drains; guarded by itself. */
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    private final long handoverThreshold;
    /** The gate: while true, writes that would join the backlog are held instead (see the class comment). */
    private volatile boolean handover;
    private volatile boolean replaying;
    private volatile boolean closed;
    /** Set by an endpoint coming up, maintenance ending or close: ends a back-off early. */
    private boolean wakeRequested;
    /** Set by a new spilled write: starts a replay that is not backing off. */
    private boolean nudged;
    private boolean episode;
    private boolean paused;
    private long episodeStartNanos;
    private long episodeReplayed;
    private long lastProgressNanos;
    private long nextBatchNanos;
    /** When the batch being replayed started: the rate limit's slots count from batch starts. */
    private long batchStartNanos;
    /**
     * The highest sequence Redis acknowledged in this run. Entries up to it are deleted or being
     * deleted (deletes commit in the background, in order, while the next batch is applied), so
     * reads start after it. Only the replayer thread writes it ({@link #engaged()} reads it); only
     * it touches the two fields below.
     */
    private volatile long lastApplied;
    /** The batch after the one in flight, read from the store while Redis applied that one. */
    private List<SpillEntry> readAhead;
    /**
     * Journaled writes of the previous run still to re-apply (see the constructor); null once done.
     * Written by the constructor and the replayer thread only.
     */
    private volatile List<SpillEntry> recovered;
    /** When re-applying {@link #recovered} started to wait for an endpoint that does not admit calls. */
    private long recoveredWaitStart;
    /** The last background delete (the store retries it until it is durable). */
    private CompletableFuture<Void> lastDelete = CompletableFuture.completedFuture(null);

    private record Pin<C>(EndpointHealth<C> endpoint, long untilNanos) {
        boolean expired(long now) {
            return now - untilNanos >= 0;
        }
    }

    /**
     * @param recovered what the previous client on this directory journaled on disk within the
     *                  journal's window (REPLICATED durability): re-applied before the backlog and any
     *                  new write; empty otherwise
     */
    SpillFallback(SpillStore store, FailoverEngine<C> engine, ReplayApplier<C> applier, ReplaySettings settings,
                  List<SpillEntry> recovered) {
        this.recovered = recovered.isEmpty() ? null : recovered;
        this.store = store;
        this.engine = engine;
        this.applier = applier;
        this.settings = settings;
        this.handoverThreshold = settings.maxWritesPerSecond() > 0
                ? Math.min(settings.batchSize(), Math.max(1, settings.maxWritesPerSecond() / 10))
                : settings.batchSize();
        this.replayer = new Thread(this::run, "resilient-redis-replayer");
        this.replayer.setDaemon(true);
        store.addListener(new StoreEvents());
        if (store.lostOnOpen() > 0) {
            engine.emit(event(FailoverEvent.Type.SPILL_LOST, null, "Spill store " + store.file() + " lost "
                    + store.lostOnOpen() + " committed writes to storage damage before this start; they cannot be"
                    + " replayed"));
        }
        if (store.depth() > 0) {
            spilling.set(true);
            engine.emit(event(FailoverEvent.Type.SPILL_STARTED, null, "Spill store " + store.file() + " holds "
                    + store.depth() + " writes from an earlier run; they are replayed before any new write"));
        }
        this.replayer.start();
    }

    @Override
    public boolean engaged() {
        // Pending first, then committed: see the class comment. Entries Redis already applied
        // (their delete not yet durable) do not hold new writes back.
        long pending = store.pendingAppends();
        return recovered != null || pending > 0 || (store.depth() > 0 && store.lastSequence() > lastApplied);
    }

    /** Turns the store's own events into failover events, and fails the writes it quarantined. */
    private final class StoreEvents implements SpillStoreListener {
        @Override
        public void degraded(Path file, Throwable cause) {
            engine.emit(event(FailoverEvent.Type.SPILL_DEGRADED, null, "Spill store " + file + " cannot commit ("
                    + cause + "): spilling fails while it lasts, writes go directly to Redis when no spilled write"
                    + " must precede them, and the store retries by itself"));
            wake();
        }

        @Override
        public void recovered(Path file, Duration degradedFor) {
            engine.emit(event(FailoverEvent.Type.SPILL_RECOVERED, null, "Spill store " + file
                    + " commits again after " + degradedFor.toMillis() + " ms"));
            wake();
        }

        @Override
        public void entriesQuarantined(Path file, List<SpillEntry> entries, String reason) {
            engine.emit(event(FailoverEvent.Type.SPILL_QUARANTINED, null, entries.size() + " spilled write(s) in "
                    + file + " are damaged (" + reason + ") and were quarantined, not replayed; first: sequence "
                    + entries.get(0).sequence() + ", id " + entries.get(0).id()));
            for (SpillEntry e : entries) {
                pins.remove(e.id());
                CompletableFuture<Void> w = waiting.remove(e.id());
                if (w != null) {
                    w.completeExceptionally(new SpilledWriteDamagedException("Spilled write " + e.id() + " (sequence "
                            + e.sequence() + ", spilled at " + e.appendedAt() + ") was found damaged in " + file + " ("
                            + reason + ": the disk or file system altered it) and was not replayed; it is kept in"
                            + " the store's spill_quarantine table. Fix: check the disk, and apply the write again if"
                            + " it still matters.", e.id(), e.sequence()));
                }
            }
        }
    }

    @Override
    public <T> CompletableFuture<WriteReceipt<T>> accept(WriteOp<C, T> op, Throwable reason) {
        if (reason == null && handover && !engine.maintenance()) {
            synchronized (held) {
                if (handover) {
                    CompletableFuture<WriteReceipt<T>> out = new CompletableFuture<>();
                    held.addLast(() -> release(op, out));
                    return out;
                }
            }
        }
        return spill(op, reason);
    }

    /** Sends a held write on: into the store behind the backlog if there is one, else to Redis. */
    private <T> void release(WriteOp<C, T> op, CompletableFuture<WriteReceipt<T>> out) {
        CompletableFuture<WriteReceipt<T>> next = engine.maintenance() || engaged() ? spill(op, null) : engine.write(op);
        next.whenComplete((receipt, failure) -> {
            if (failure == null) {
                out.complete(receipt);
            } else {
                out.completeExceptionally(Failures.unwrap(failure));
            }
        });
    }

    /**
     * Opens the gate: releases held writes in arrival order. The gate stays closed until the queue
     * is empty, so a write arriving meanwhile queues behind the held ones instead of overtaking them.
     */
    private void openGate() {
        while (true) {
            Runnable next;
            synchronized (held) {
                next = held.pollFirst();
                if (next == null) {
                    handover = false;
                    return;
                }
            }
            next.run();
        }
    }

    private <T> CompletableFuture<WriteReceipt<T>> spill(WriteOp<C, T> op, Throwable reason) {
        String id = op.id();
        byte[] payload = op.encode();
        CompletableFuture<Void> applied = new CompletableFuture<>();
        waiting.put(id, applied);
        if (reason instanceof AttemptFailure af && af.outcomeUnknown() && !settings.inDoubtWindow().isZero()) {
            @SuppressWarnings("unchecked")
            EndpointHealth<C> where = (EndpointHealth<C>) af.endpoint();
            pins.put(id, new Pin<>(where, System.nanoTime() + settings.inDoubtWindow().toNanos()));
        }
        if (spilling.compareAndSet(false, true)) {
            String why = reason == null
                    ? (engine.maintenance() ? "maintenance mode is on" : "earlier writes are waiting")
                    : "no endpoint took a write: " + Failures.describe(reason instanceof AttemptFailure af
                    && af.getCause() != null ? af.getCause() : reason);
            engine.emit(event(FailoverEvent.Type.SPILL_STARTED, null,
                    "Writes are being spilled to " + store.file() + " (" + why + "); they will be replayed in order"));
        }
        CompletableFuture<SpillEntry> appended;
        try {
            appended = store.append(id, payload);
        } catch (RuntimeException e) {
            waiting.remove(id);
            pins.remove(id);
            return CompletableFuture.failedFuture(e);
        }
        return appended.handle((entry, failure) -> {
            if (failure != null) {
                waiting.remove(id);
                pins.remove(id);
                throw new java.util.concurrent.CompletionException(Failures.unwrap(failure));
            }
            nudge();
            return WriteReceipt.<T>spilled(id, applied);
        });
    }

    @Override
    public void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void nudge() {
        lock.lock();
        try {
            nudged = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SpillStatus status() {
        Duration age = store.oldestEntryTime().map(t -> Duration.between(t, Instant.now()))
                .filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        return new SpillStatus(true, store.depth(), store.bytes(), store.pendingAppends(), age, replaying,
                replayedTotal.get(), rate(), rejectedTotal.get(), store.degraded(),
                store.degradedReason().orElse(null), store.quarantined(), store.lostOnOpen());
    }

    @Override
    public void close() {
        closed = true;
        wake();
        try {
            replayer.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (replayer.isAlive()) {
            replayer.interrupt();
        }
        openGate(); // held writes go into the store, which keeps them for the next start
        store.close();
    }

    // ---------------------------------------------------------------- replayer

    private void run() {
        long pauseMillis = 0;
        while (!closed) {
            try {
                if (handover && !ready()) {
                    openGate(); // maintenance came on, or the endpoint went away: held writes spill
                }
                if (episode && !engaged()) {
                    finishEpisode(); // the backlog is applied (its deletes commit in the background)
                }
                if (!awaitWork(pauseMillis)) {
                    continue;
                }
                pauseMillis = replayOneBatch() ? 0 : nextPause(pauseMillis);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            } catch (RuntimeException e) {
                // A store failure (disk) must not kill the replayer: report, back off, try again.
                pause("the spill store " + store.file() + " failed: " + Failures.describe(e),
                        "it resumes by itself once that file can be read and written again (check the free space "
                                + "and health of its disk)");
                pauseMillis = nextPause(pauseMillis);
            }
        }
    }

    private static long nextPause(long previous) {
        return previous == 0 ? 100 : Math.min(2000, previous * 2);
    }

    /** Waits until there may be work: entries, no maintenance, an endpoint that admits calls. */
    private boolean awaitWork(long pauseMillis) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis > 0 ? pauseMillis : 250);
            if (pauseMillis > 0 || !ready()) {
                wakeRequested = false;
                nudged = false;
                // While backing off after a failure only a strong wake ends the wait early; new
                // writes alone would make the replayer hammer an endpoint that just failed.
                while (!closed && !wakeRequested && (pauseMillis > 0 || !nudged)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    work.awaitNanos(left);
                }
            }
            // Rate limit: the next batch may not start before its slot.
            long wait = nextBatchNanos - System.nanoTime();
            while (!closed && wait > 0) {
                work.awaitNanos(wait);
                wait = nextBatchNanos - System.nanoTime();
            }
        } finally {
            lock.unlock();
        }
        return !closed && ready();
    }

    private boolean ready() {
        // Entries not yet applied (applied ones whose delete is not durable yet are no work).
        return (recovered != null || (store.depth() > 0 && store.lastSequence() > lastApplied))
                && !engine.maintenance() && engine.activeEndpoint() != null;
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
        java.util.Map<Integer, List<SpillEntry>> byEndpoint = new java.util.TreeMap<>();
        for (SpillEntry e : recovered) {
            byEndpoint.computeIfAbsent(DurableJournal.endpointOf(e), k -> new java.util.ArrayList<>())
                    .add(DurableJournal.withWriteId(e));
        }
        List<SpillEntry> left = new java.util.ArrayList<>();
        for (var group : byEndpoint.entrySet()) {
            EndpointHealth<C> endpoint = engine.endpointAt(group.getKey());
            if (endpoint == null) {
                continue;
            }
            Throwable failure = endpoint.isClosed() ? confirmedThenApply(endpoint, group.getValue())
                    : new IllegalStateException(endpoint.name() + " does not admit calls");
            if (failure != null) {
                left.addAll(recovered.stream().filter(e -> DurableJournal.endpointOf(e) == group.getKey()).toList());
                if (recoveredWaitStart == 0) {
                    recoveredWaitStart = System.nanoTime();
                }
                if (System.nanoTime() - recoveredWaitStart > settings.inDoubtWindow().toNanos()) {
                    engine.emit(event(FailoverEvent.Type.JOURNAL_OVERFLOW, endpoint.name(), group.getValue().size()
                            + " writes journaled by the previous run could not be re-applied on " + endpoint.name()
                            + " within " + settings.inDoubtWindow().toMillis() + " ms (" + Failures.describe(failure)
                            + "); they are given up: a replica confirmed each, so only a failover during the crash"
                            + " could have dropped them"));
                    left.removeIf(e -> DurableJournal.endpointOf(e) == group.getKey());
                }
                continue;
            }
            engine.emit(event(FailoverEvent.Type.REPLAY_STARTED, endpoint.name(), group.getValue().size()
                    + " writes the previous run acknowledged in its last journal window were re-applied on "
                    + endpoint.name() + " under their ids (those the master has are skipped), before the backlog"));
        }
        recovered = left.isEmpty() ? null : List.copyOf(left);
        return recovered == null;
    }

    private Throwable confirmedThenApply(EndpointHealth<C> endpoint, List<SpillEntry> entries) {
        engine.confirmTarget(endpoint);
        return await(endpoint, engine.reapplyRecovered(endpoint, entries));
    }

    /** @return true when the batch was applied (or nothing was there); false to back off */
    private boolean replayOneBatch() {
        EndpointHealth<C> endpoint = engine.activeEndpoint();
        if (endpoint == null) {
            return false;
        }
        if (recovered != null) {
            if (!reapplyRecovered()) {
                return false;
            }
            if (!engaged()) {
                finishEpisode(); // nothing was spilled: new writes go direct again
            }
            return true;
        }
        long seen = store.lastSequence();
        boolean fresh = readAhead == null;
        List<SpillEntry> batch = fresh ? readAfter(lastApplied) : readAhead;
        readAhead = null;
        if (batch.isEmpty()) {
            // Everything committed up to `seen` is applied, or was quarantined (never replayed).
            if (fresh && seen > lastApplied) {
                lastApplied = seen;
            }
            if (!engaged()) {
                finishEpisode();
            }
            return true;
        }
        if (!episode || paused) {
            // Starting or resuming after a failure: the endpoint may have come back as a demoted
            // master. Ask its authority (the Sentinels) first; a move fences the endpoint, so the
            // batch below then waits for the journal's re-apply and goes to the new master.
            engine.confirmTarget(endpoint);
        }
        List<SpillEntry> allowed = respectPins(endpoint, batch);
        if (allowed.isEmpty()) {
            return replayPinnedHead(endpoint);
        }
        if (!episode) {
            episode = true;
            episodeStartNanos = System.nanoTime();
            episodeReplayed = 0;
            lastProgressNanos = episodeStartNanos;
            engine.emit(event(FailoverEvent.Type.REPLAY_STARTED, endpoint.name(), "Replaying " + store.depth()
                    + " spilled writes to " + endpoint.name() + ", oldest first"));
        }
        replaying = true;
        batchStartNanos = System.nanoTime();
        CompletableFuture<Void> applying = engine.replayOn(endpoint, applier, allowed);
        // Read the next batch while Redis works on this one (it is applied only after this one is acknowledged).
        List<SpillEntry> next = allowed.size() == batch.size() ? readAfter(allowed.get(allowed.size() - 1).sequence())
                : null;
        Throwable failure = await(endpoint, applying);
        if (failure == null) {
            if (paused) {
                paused = false;
                engine.emit(event(FailoverEvent.Type.REPLAY_STARTED, endpoint.name(), "Replay resumed on "
                        + endpoint.name() + " with " + store.depth() + " spilled writes waiting"));
            }
            acknowledged(allowed);
            readAhead = next;
            return true;
        }
        if (failure instanceof AttemptFailure af && af.kind() == FailureKind.CALLER_ERROR) {
            // One of the writes can never apply (e.g. WRONGTYPE). Find it, so it does not block the rest.
            return isolate(endpoint, allowed);
        }
        pinIfInDoubt(endpoint, allowed, failure);
        pause(describeFailure(endpoint, failure));
        return false;
    }

    private List<SpillEntry> readAfter(long sequence) {
        return store.read(sequence, settings.batchSize(), settings.maxBatchBytes());
    }

    private Throwable applyBatch(EndpointHealth<C> endpoint, List<SpillEntry> batch) {
        return await(endpoint, engine.replayOn(endpoint, applier, batch));
    }

    /** Waits for a batch, bounded; a batch that does not answer in time is as in doubt as any timeout. */
    private Throwable await(EndpointHealth<C> endpoint, CompletableFuture<Void> applying) {
        try {
            applying.get(settings.batchTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
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
        if (failure instanceof AttemptFailure af && af.outcomeUnknown() && !settings.inDoubtWindow().isZero()) {
            long until = System.nanoTime() + settings.inDoubtWindow().toNanos();
            for (SpillEntry e : entries) {
                pins.put(e.id(), new Pin<>(endpoint, until));
            }
        }
    }

    /**
     * Cuts the batch before the first write that may have landed on another endpoint and still
     * waits for it; reports the writes whose wait is over and that go to this endpoint instead.
     */
    private List<SpillEntry> respectPins(EndpointHealth<C> endpoint, List<SpillEntry> batch) {
        if (pins.isEmpty()) {
            return batch;
        }
        long now = System.nanoTime();
        int rerouted = 0;
        String example = null;
        for (int i = 0; i < batch.size(); i++) {
            Pin<C> pin = pins.get(batch.get(i).id());
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
            engine.emit(event(FailoverEvent.Type.REPLAY_REROUTED, endpoint.name(), rerouted + " spilled write(s) "
                    + "of unknown outcome on " + example + " waited " + settings.inDoubtWindow().toMillis()
                    + " ms for it and are replayed on " + endpoint.name() + " instead; they may now be applied in "
                    + "both deployments"));
        }
        return batch;
    }

    /**
     * The oldest waiting write may have landed on another endpoint: replay it there as soon as that
     * endpoint is healthy (its marker is there), else wait for it.
     */
    private boolean replayPinnedHead(EndpointHealth<C> active) {
        List<SpillEntry> head = store.read(lastApplied, 1, settings.maxBatchBytes());
        Pin<C> pin = head.isEmpty() ? null : pins.get(head.get(0).id());
        if (pin == null) {
            return true;
        }
        if (!pin.endpoint().isClosed()) {
            pause("the oldest spilled write may already have been applied on " + pin.endpoint().name()
                    + " (its outcome there is unknown); it waits up to " + settings.inDoubtWindow().toMillis()
                    + " ms for that endpoint before it is replayed on " + active.name());
            return false;
        }
        Throwable failure = applyBatch(pin.endpoint(), head);
        if (failure == null) {
            acknowledged(head);
            return true;
        }
        pinIfInDoubt(pin.endpoint(), head, failure);
        pause(describeFailure(pin.endpoint(), failure));
        return false;
    }

    /** Applies a failing batch one entry at a time: rejects writes Redis refuses for good, stops at an outage. */
    private boolean isolate(EndpointHealth<C> endpoint, List<SpillEntry> batch) {
        for (SpillEntry entry : batch) {
            Throwable failure = applyBatch(endpoint, List.of(entry));
            if (failure == null) {
                acknowledged(List.of(entry));
            } else if (failure instanceof AttemptFailure af && af.kind() == FailureKind.CALLER_ERROR) {
                rejectedTotal.incrementAndGet();
                RuntimeException error = engine.translate(af);
                engine.emit(event(FailoverEvent.Type.REPLAY_REJECTED, endpoint.name(), "Spilled write " + entry.id()
                        + " (sequence " + entry.sequence() + ", spilled at " + entry.appendedAt()
                        + ") was rejected by Redis on replay and removed from the spill store: " + error.getMessage()));
                lastApplied = entry.sequence();
                lastDelete = store.deleteThroughAsync(entry.sequence());
                pins.remove(entry.id());
                CompletableFuture<Void> w = waiting.remove(entry.id());
                if (w != null) {
                    w.completeExceptionally(error);
                }
            } else {
                pinIfInDoubt(endpoint, List.of(entry), failure);
                pause(describeFailure(endpoint, failure));
                return false;
            }
        }
        return true;
    }

    private void acknowledged(List<SpillEntry> batch) {
        SpillEntry last = batch.get(batch.size() - 1);
        lastApplied = last.sequence();
        lastDelete = store.deleteThroughAsync(last.sequence());
        long now = System.nanoTime();
        for (SpillEntry e : batch) {
            pins.remove(e.id());
            CompletableFuture<Void> w = waiting.remove(e.id());
            if (w != null) {
                w.complete(null);
            }
        }
        long total = replayedTotal.addAndGet(batch.size());
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
            engine.emit(event(FailoverEvent.Type.REPLAY_PROGRESS, null, String.format(
                    "Replay progress: %d writes replayed, %d waiting, %.0f writes/s",
                    episodeReplayed, store.depth(), rate())));
        }
        if (!engaged()) {
            finishEpisode();
        } else if (!handover && Math.max(0, store.lastSequence() - lastApplied) + store.pendingAppends()
                <= handoverThreshold && !engine.maintenance()) {
            handover = true;
        }
    }

    private void finishEpisode() {
        replaying = false;
        paused = false;
        if (episode) {
            episode = false;
            double seconds = (System.nanoTime() - episodeStartNanos) / 1e9;
            engine.emit(event(FailoverEvent.Type.REPLAY_DONE, null, String.format(
                    "Replay done: %d spilled writes applied in %.1f s; writes go directly to Redis again",
                    episodeReplayed, seconds)));
        }
        spilling.set(false);
        openGate();
    }

    private String describeFailure(EndpointHealth<C> endpoint, Throwable failure) {
        Throwable cause = failure instanceof AttemptFailure af && af.getCause() != null ? af.getCause() : failure;
        return "replay to " + endpoint.name() + " failed: " + Failures.describe(cause);
    }

    private void pause(String why) {
        pause(why, "it resumes when an endpoint admits writes");
    }

    /** @param resumes what the replay waits for: an endpoint, or the local disk when the store is the cause */
    private void pause(String why, String resumes) {
        replaying = false;
        openGate();
        if (!paused) {
            paused = true;
            engine.emit(event(FailoverEvent.Type.REPLAY_PAUSED, null, "Replay paused with " + store.depth()
                    + " writes waiting (" + why + "); " + resumes));
        }
    }

    private double rate() {
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

    private FailoverEvent event(FailoverEvent.Type type, String endpoint, String detail) {
        return new FailoverEvent(type, engine.clock().instant(), endpoint, null, detail);
    }
}
