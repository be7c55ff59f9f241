package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.SpilledWriteDamagedException;

import io.resilientredis.failover.spill.SpillEntry;
import io.resilientredis.failover.spill.SpillStore;
import io.resilientredis.failover.spill.SpillStoreListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The spill store with its {@link SpillIntake} and {@link Replayer}, as the engine holds them: it
 * wires the two together (they share the {@link Backlog} and the {@link SpilledWrites}), turns the
 * store's own events into failover events, and reports the status. It talks to the engine only
 * through the {@link SpillPort}.
 *
 * @param <C> the binding's connection handle type
 */
final class SpillSide<C> implements AutoCloseable {

    private final SpillStore store;
    private final SpillPort<C> port;
    private final SpilledWrites<C> writes;
    private final SpillIntake<C> intake;
    private final Replayer<C> replayer;
    private final ReplaySignal signal;

    /**
     * @param recovered what the previous client on this directory journaled on disk within the
     *                  journal's window (REPLICATED durability): re-applied before the backlog and any
     *                  new write; empty otherwise
     */
    SpillSide(SpillStore store, SpillPort<C> port, ReplaySettings settings, List<SpillEntry> recovered) {
        this.store = store;
        this.port = port;
        this.writes = new SpilledWrites<>(settings.inDoubtWindow());
        Backlog backlog = new Backlog(store, !recovered.isEmpty());
        this.signal = new ReplaySignal();
        this.intake = new SpillIntake<>(backlog, port, writes, signal::nudge);
        this.replayer = new Replayer<>(backlog, port, intake, writes, signal, settings, recovered);
        store.addListener(new StoreEvents());
        if (store.lostOnOpen() > 0) {
            emit(FailoverEvent.Type.SPILL_LOST, "Spill store " + store.file() + " lost " + store.lostOnOpen()
                    + " committed writes to storage damage before this start; they cannot be replayed");
        }
        if (store.depth() > 0) {
            intake.spillingSinceEarlierRun();
            emit(FailoverEvent.Type.SPILL_STARTED, "Spill store " + store.file() + " holds " + store.depth()
                    + " writes from an earlier run; they are replayed before any new write");
        }
        replayer.start();
    }

    /** @return where the engine offers writes */
    SpillIntake<C> intake() {
        return intake;
    }

    /** Wakes the replayer: an endpoint may admit writes again, maintenance ended, or a master moved. */
    void wake() {
        signal.wake();
    }

    /** @return whether the backlog was applied within the bound (see {@link Replayer#awaitDrained}) */
    boolean awaitDrained(long timeoutNanos) throws InterruptedException {
        return replayer.awaitDrained(timeoutNanos);
    }

    /** @return the store's and the replayer's state */
    SpillStatus status() {
        Duration age = store.oldestEntryTime().map(t -> Duration.between(t, Instant.now()))
                .filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        return new SpillStatus(true, store.depth(), store.bytes(), store.pendingAppends(), age,
                replayer.state().replaying(), replayer.replayedTotal(), replayer.rate(), replayer.rejectedTotal(),
                store.degraded(), store.degradedReason().orElse(null), store.quarantined(), store.lostOnOpen());
    }

    /** Stops the replayer (held writes are decided again, so they reach the store) and closes the store. */
    @Override
    public void close() {
        replayer.close();
        store.close();
    }

    private void emit(FailoverEvent.Type type, String detail) {
        port.emit(new FailoverEvent(type, port.clock().instant(), null, null, detail));
    }

    /** Turns the store's own events into failover events, and fails the writes it quarantined. */
    private final class StoreEvents implements SpillStoreListener {
        @Override
        public void degraded(Path file, Throwable cause) {
            emit(FailoverEvent.Type.SPILL_DEGRADED, "Spill store " + file + " cannot commit (" + cause + "):"
                    + " spilling fails while it lasts, writes go directly to Redis when no spilled write must"
                    + " precede them, and the store retries by itself");
            wake();
        }

        @Override
        public void recovered(Path file, Duration degradedFor) {
            emit(FailoverEvent.Type.SPILL_RECOVERED, "Spill store " + file + " commits again after "
                    + degradedFor.toMillis() + " ms");
            wake();
        }

        @Override
        public void entriesQuarantined(Path file, List<SpillEntry> entries, String reason) {
            emit(FailoverEvent.Type.SPILL_QUARANTINED, entries.size() + " spilled write(s) in " + file
                    + " are damaged (" + reason + ") and were quarantined, not replayed; first: sequence "
                    + entries.get(0).sequence() + ", id " + entries.get(0).id());
            for (SpillEntry e : entries) {
                writes.failed(e.id(), new SpilledWriteDamagedException("Spilled write " + e.id() + " (sequence "
                        + e.sequence() + ", spilled at " + e.appendedAt() + ") was found damaged in " + file + " ("
                        + reason + ": the disk or file system altered it) and was not replayed; it is kept in"
                        + " the store's spill_quarantine table. Fix: check the disk, and apply the write again if"
                        + " it still matters.", e.id(), e.sequence()));
            }
        }
    }
}
