package io.resilientredis.failover.spi;

import io.resilientredis.failover.JournalSettings;

import io.resilientredis.failover.spill.SpillEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writes one endpoint acknowledged recently, oldest first, kept so that they can be re-applied
 * on a new master when the endpoint's node moves (a Sentinel failover can drop what the old master
 * acknowledged but had not replicated). Bounded by age and by bytes: an entry older than the window
 * leaves quietly (it was replicated long ago); one pushed out by the byte bound while still inside
 * the window is counted as an overflow, because a failover now could lose it.
 *
 * <p>Adds run on whatever thread completed the write (a Redis client's event loop); they cost one
 * small allocation and a lock-free enqueue.
 */
final class FailoverJournal {

    /** One acknowledged write: its id, when it was acknowledged, and its form (a {@link WriteOp} or a spill payload). */
    private record Entry(String id, long ackNanos, Object form, int bytes) {
        byte[] payload() {
            return form instanceof WriteOp<?, ?> op ? op.encode() : (byte[]) form;
        }
    }

    private final long windowNanos;
    private final long maxBytes;
    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean overflowReported =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final Runnable onOverflow;

    /**
     * @param settings window and byte bound
     * @param onOverflow called (on the adding thread) the first time the byte bound pushes out a write
     *                   still inside the window, and again only after {@link #rearmOverflowReport()}
     */
    FailoverJournal(JournalSettings settings, Runnable onOverflow) {
        this.windowNanos = settings.window().toNanos();
        this.maxBytes = settings.maxBytes();
        this.onOverflow = onOverflow;
    }

    /** Lets the next overflow be reported again (after a master change). */
    void rearmOverflowReport() {
        overflowReported.set(false);
    }

    /** Records a write the endpoint acknowledged. */
    void add(WriteOp<?, ?> op) {
        push(new Entry(op.id(), System.nanoTime(), op, op.sizeHint()));
    }

    /** Records spilled writes the endpoint acknowledged on replay. */
    void addAll(List<SpillEntry> replayed) {
        long now = System.nanoTime();
        for (SpillEntry e : replayed) {
            push(new Entry(e.id(), now, e.payload(), e.payload().length + e.id().length() + 48));
        }
    }

    private void push(Entry e) {
        entries.add(e);
        count.incrementAndGet();
        bytes.addAndGet(e.bytes());
        trim(e.ackNanos());
    }

    private void trim(long now) {
        Entry head;
        while ((head = entries.peek()) != null) {
            boolean expired = now - head.ackNanos() > windowNanos;
            if (!expired && bytes.get() <= maxBytes) {
                return;
            }
            if (entries.remove(head)) {
                count.decrementAndGet();
                bytes.addAndGet(-head.bytes());
                if (!expired) {
                    overflowed.incrementAndGet();
                    if (overflowReported.compareAndSet(false, true)) {
                        onOverflow.run();
                    }
                }
            }
        }
    }

    /**
     * @return every write acknowledged within the window, oldest first, in the spill byte form the
     *     binding's replayer applies (sequence numbers are positions in this list)
     */
    List<SpillEntry> snapshot() {
        trim(System.nanoTime());
        List<SpillEntry> out = new ArrayList<>();
        Instant now = Instant.now();
        long position = 0;
        for (Entry e : entries) {
            out.add(new SpillEntry(++position, e.id(), e.payload(), now));
        }
        return out;
    }

    /** @return the window in milliseconds */
    long windowMillis() {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(windowNanos);
    }

    /** @return entries held now */
    long size() {
        return count.get();
    }

    /** @return their estimated bytes */
    long bytes() {
        return bytes.get();
    }

    /** @return entries pushed out by the byte bound while still inside the window, since start */
    long overflowed() {
        return overflowed.get();
    }
}
