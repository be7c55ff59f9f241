package io.resilientredis.chaos.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a workload did and was told: every write with its outcome, every read's wait. The
 * {@link HistoryChecker} compares it with what Redis holds afterwards. Thread-safe; each writer appends
 * to its own log.
 */
public final class History {

    private final String namespace;
    private final List<List<WriteRecord>> writers;
    private final ConcurrentMap<String, AtomicLong> readFailures = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readsOverBound = new AtomicLong();
    private final AtomicLong maxReadWaitNanos = new AtomicLong();
    private final Duration readBound;
    private final long createdNanos = System.nanoTime();

    /**
     * @param namespace the key prefix every key of this run starts with (keeps runs apart)
     * @param writers how many writers record here
     * @param readBound the longest a read may wait, success or failure, before it counts as a violation
     */
    public History(String namespace, int writers, Duration readBound) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        if (writers < 1) {
            throw new IllegalArgumentException("at least one writer, was " + writers);
        }
        this.readBound = Objects.requireNonNull(readBound, "readBound");
        List<List<WriteRecord>> logs = new ArrayList<>(writers);
        for (int i = 0; i < writers; i++) {
            logs.add(Collections.synchronizedList(new ArrayList<>()));
        }
        this.writers = List.copyOf(logs);
    }

    /** @return the key prefix of this run */
    public String namespace() {
        return namespace;
    }

    /** @return how many writers */
    public int writerCount() {
        return writers.size();
    }

    /** @return milliseconds since this history was created (the time base of {@link WriteRecord#atMillis()}) */
    public long millisSinceStart() {
        return (System.nanoTime() - createdNanos) / 1_000_000;
    }

    /** @return the longest a read may wait */
    public Duration readBound() {
        return readBound;
    }

    /** @param record a write and its outcome, appended to its writer's log */
    public void record(WriteRecord record) {
        writers.get(record.writer()).add(record);
    }

    /**
     * @param waitNanos how long the read waited
     * @param failure the failure's exception class name, or null when it succeeded
     */
    public void recordRead(long waitNanos, String failure) {
        reads.incrementAndGet();
        maxReadWaitNanos.accumulateAndGet(waitNanos, Math::max);
        if (waitNanos > readBound.toNanos()) {
            readsOverBound.incrementAndGet();
        }
        if (failure != null) {
            readFailures.computeIfAbsent(failure, f -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * @param writer a writer number
     * @return a copy of that writer's log, in the order it wrote
     */
    public List<WriteRecord> writes(int writer) {
        List<WriteRecord> log = writers.get(writer);
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** @return a copy of every writer's log, writer by writer */
    public List<WriteRecord> allWrites() {
        List<WriteRecord> all = new ArrayList<>();
        for (int w = 0; w < writers.size(); w++) {
            all.addAll(writes(w));
        }
        return all;
    }

    /** @return how many reads were recorded */
    public long reads() {
        return reads.get();
    }

    /** @return how many reads waited longer than {@link #readBound()} */
    public long readsOverBound() {
        return readsOverBound.get();
    }

    /** @return the longest wait of any read */
    public Duration maxReadWait() {
        return Duration.ofNanos(maxReadWaitNanos.get());
    }

    /** @return failed reads by exception class name */
    public java.util.Map<String, Long> readFailures() {
        java.util.Map<String, Long> copy = new java.util.TreeMap<>();
        readFailures.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "History{%s, %d writers, %d writes, %d reads}", namespace, writers.size(),
                allWrites().size(), reads());
    }
}
