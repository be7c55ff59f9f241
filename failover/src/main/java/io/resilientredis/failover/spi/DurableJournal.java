package io.resilientredis.failover.spi;

import io.resilientredis.failover.JournalSettings;

import io.resilientredis.failover.spill.SpillEntry;
import io.resilientredis.failover.spill.SpillStore;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover journal on disk, for {@code REPLICATED} durability: every write a Sentinel group
 * acknowledged (and its replicas confirmed) is also committed to a small store of its own
 * ({@code journal/} in the spill directory, fsync'd, group-committed) before the caller hears
 * {@code WRITTEN}. The in-memory journal covers a failover while the client lives; this one covers
 * the client process dying in the same moment: the next client on the directory re-applies what was
 * acknowledged within the journal's window, under the writes' ids (every {@code REPLICATED} write
 * carries its exactly-once marker), before the spill backlog and any new write.
 *
 * <p>Entries leave by age ({@link #prune()}, once a second) and all at once on a clean close. A full
 * journal store, or a commit that fails, does not fail the write (Redis and a replica have it): it is
 * counted and logged once.
 */
final class DurableJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");
    /** The directory inside the spill directory. */
    static final String DIRECTORY = "journal";

    private final SpillStore store;
    private final long windowMillis;
    /** (sequence, appended-at millis) of committed entries, oldest first: where to prune. */
    private final ConcurrentLinkedDeque<long[]> committed = new ConcurrentLinkedDeque<>();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private final long maxAgeMillis;

    private DurableJournal(SpillStore store, long windowMillis, long maxAgeMillis) {
        this.store = store;
        this.windowMillis = windowMillis;
        this.maxAgeMillis = maxAgeMillis;
    }

    /**
     * @param spill the spill store's configuration (the journal lives in its directory)
     * @param settings the journal's window and byte bound
     * @param maxAge a journal whose newest entry is older than this is not re-applied (markers expired)
     */
    static DurableJournal open(SpillStoreConfig spill, JournalSettings settings, java.time.Duration maxAge) {
        Path dir = spill.directory().resolve(DIRECTORY);
        SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir)
                .maxBytes(Math.max(settings.maxBytes(), 1L << 20))
                .maxEntryBytes(Math.min(spill.maxEntryBytes(), Math.max(settings.maxBytes(), 1L << 20)))
                .build());
        return new DurableJournal(store, settings.window().toMillis(), maxAge.toMillis());
    }

    /**
     * What a previous client that died (a clean close empties the journal) acknowledged within the
     * window before its last write: what a failover during its death may have dropped. Nothing when
     * that last write is older than the markers live.
     *
     * @return those entries, oldest first
     */
    List<SpillEntry> recover() {
        List<SpillEntry> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<SpillEntry> batch = store.read(after, 2_000, 64L << 20);
            if (batch.isEmpty()) {
                break;
            }
            for (SpillEntry e : batch) {
                all.add(e);
                committed.addLast(new long[] {e.sequence(), e.appendedAt().toEpochMilli()});
            }
            after = batch.get(batch.size() - 1).sequence();
        }
        if (all.isEmpty()) {
            return all;
        }
        long newest = all.get(all.size() - 1).appendedAt().toEpochMilli();
        if (System.currentTimeMillis() - newest > maxAgeMillis) {
            LOG.warn("The failover journal in {} is from {} ago, longer than exactly-once markers live; it is not"
                    + " re-applied", store.file(), java.time.Duration.ofMillis(System.currentTimeMillis() - newest));
            return List.of();
        }
        return all.stream().filter(e -> e.appendedAt().toEpochMilli() >= newest - windowMillis).toList();
    }

    /**
     * Commits acknowledged writes; completes (normally, also when the commit failed: the write is in
     * Redis and a replica either way) once they are durable.
     *
     * @param endpoint the endpoint's priority (which deployment acknowledged them)
     */
    CompletableFuture<Void> append(int endpoint, String id, byte[] payload) {
        return store.append(endpoint + ":" + id, payload).handle((entry, failure) -> {
            if (failure != null) {
                noteFailure(failure);
            } else {
                committed.addLast(new long[] {entry.sequence(), entry.appendedAt().toEpochMilli()});
            }
            return null;
        });
    }

    /** Commits replayed writes; see {@link #append}. */
    CompletableFuture<Void> appendAll(int endpoint, List<SpillEntry> entries) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            all[i] = append(endpoint, entries.get(i).id(), entries.get(i).payload());
        }
        return CompletableFuture.allOf(all);
    }

    /** @return the endpoint priority an entry was acknowledged on */
    static int endpointOf(SpillEntry e) {
        int colon = e.id().indexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(e.id().substring(0, colon));
        } catch (NumberFormatException ex) {
            return 0;
        }
    }

    /** @return the entry with the write's own id (as the journal's applier needs it) */
    static SpillEntry withWriteId(SpillEntry e) {
        int colon = e.id().indexOf(':');
        return new SpillEntry(e.sequence(), colon < 0 ? e.id() : e.id().substring(colon + 1), e.payload(),
                Instant.now());
    }

    /** Deletes the entries older than the window. */
    void prune() {
        long cutoff = System.currentTimeMillis() - windowMillis;
        long through = -1;
        long[] head;
        while ((head = committed.peekFirst()) != null && head[1] < cutoff) {
            committed.pollFirst();
            through = Math.max(through, head[0]);
        }
        if (through >= 0) {
            store.deleteThroughAsync(through).exceptionally(t -> {
                noteFailure(t);
                return null;
            });
        }
    }

    /** @return commits that failed (the writes were acknowledged anyway) */
    long failed() {
        return failed.get();
    }

    private void noteFailure(Throwable failure) {
        failed.incrementAndGet();
        if (failureLogged.compareAndSet(false, true)) {
            LOG.error("The failover journal in {} could not commit ({}); writes still count as written (Redis and "
                    + "a replica have them), but a client crash during a failover could now lose some. Check that"
                    + " disk.", store.file(), Failures.describe(failure));
        }
    }

    /** Empties the journal (a clean stop: there is nothing to recover) and closes it. */
    @Override
    public void close() {
        try {
            long last = store.lastSequence();
            if (last > 0) {
                store.deleteThrough(last);
            }
        } catch (RuntimeException e) {
            LOG.debug("emptying the failover journal {} on close failed", store.file(), e);
        } finally {
            store.close();
        }
    }
}
