package io.resilientredis.chaos.drill;

import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writer and reader threads driving a {@link ResilientRedis} at a target rate, recording every call's
 * outcome into a {@link History} and its latency into histograms. Each writer has its own ordered
 * sequence of writes (1, 2, 3, ...), cycling through the operation kinds; readers GET the writers' keys.
 *
 * <pre>{@code
 * History history = new History("drill:run1", 4, Duration.ofSeconds(3));
 * try (Workload load = Workload.builder(redis, history).rate(200).start()) {
 *     ... faults ...
 * }   // close() stops the threads and waits for them
 * }</pre>
 */
public final class Workload implements AutoCloseable {

    private final ResilientRedis redis;
    private final History history;
    private final List<OperationKind> kinds;
    private final double writesPerSecondPerWriter;
    private final double readsPerSecondPerReader;
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> readKeys;
    private volatile boolean running = true;

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong spilledApplied = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readFailures = new AtomicLong();
    private final LatencyHistogram writeLatency = new LatencyHistogram();
    private final LatencyHistogram readLatency = new LatencyHistogram();

    private Workload(Builder b) {
        this.redis = b.redis;
        this.history = b.history;
        this.kinds = List.copyOf(b.kinds);
        int writers = history.writerCount();
        List<String> keys = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            keys.add(b.readKeys != null ? b.readKeys.get(w) : history.namespace() + ":last:" + w);
        }
        this.readKeys = List.copyOf(keys);
        this.writesPerSecondPerWriter = (double) b.writeRate / writers;
        this.readsPerSecondPerReader = b.readers == 0 ? 0 : (double) b.readRate / b.readers;
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(thread("writer-" + w, () -> write(writer)));
        }
        for (int r = 0; r < b.readers; r++) {
            threads.add(thread("reader-" + r, this::read));
        }
    }

    /**
     * @param redis the client under test
     * @param history where the outcomes go; its writer count is the number of writers
     * @return a builder
     */
    public static Builder builder(ResilientRedis redis, History history) {
        return new Builder(redis, history);
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, "resilient-redis-drill-" + name);
        t.setDaemon(true);
        return t;
    }

    private void start() {
        for (Thread t : threads) {
            t.start();
        }
    }

    private void write(int writer) {
        SplittableRandom random = new SplittableRandom(writer * 7919L + System.nanoTime());
        Pacer pacer = new Pacer(writesPerSecondPerWriter, writeLatency);
        long seq = 0;
        while (running) {
            long due = pacer.await();
            if (!running) {
                break;
            }
            seq++;
            OperationKind kind = kinds.get((int) ((seq - 1) % kinds.size()));
            String key = kind.key(history.namespace(), writer, seq);
            long value = kind.value(writer, seq, random);
            long at = history.millisSinceStart();
            long begin = System.nanoTime();
            WriteRecord.Outcome outcome;
            String failure = null;
            String receiptId = null;
            try {
                WriteReceipt<?> receipt = kind.perform(redis, key, value, seq);
                receiptId = receipt.id();
                if (receipt.status() == WriteStatus.WRITTEN) {
                    outcome = WriteRecord.Outcome.WRITTEN;
                    written.incrementAndGet();
                } else {
                    outcome = WriteRecord.Outcome.SPILLED;
                    spilled.incrementAndGet();
                    receipt.applied().whenComplete((v, f) -> {
                        if (f == null) {
                            spilledApplied.incrementAndGet();
                        }
                    });
                }
            } catch (RuntimeException e) {
                outcome = WriteRecord.Outcome.FAILED;
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                failed.incrementAndGet();
            }
            writeLatency.record(due, begin, System.nanoTime());
            history.record(new WriteRecord(writer, seq, kind.name(), key, value, outcome, failure, at, receiptId));
        }
    }

    private void read() {
        Pacer pacer = new Pacer(readsPerSecondPerReader, readLatency);
        int writers = history.writerCount();
        while (running) {
            long due = pacer.await();
            if (!running) {
                break;
            }
            String key = readKeys.get(ThreadLocalRandom.current().nextInt(writers));
            long begin = System.nanoTime();
            String failure = null;
            try {
                redis.get(key);
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName();
                readFailures.incrementAndGet();
            }
            long end = System.nanoTime();
            long waited = end - begin;
            readLatency.record(due, begin, end);
            reads.incrementAndGet();
            history.recordRead(waited, failure);
        }
    }

    /**
     * Paces one thread at a fixed rate; a thread more than a second behind skips ahead instead of bursting,
     * and the calls it skips are recorded as missed (coordinated-omission correction), so the corrected
     * latency counts them as the waits they would have been.
     */
    private final class Pacer {
        private final long intervalNanos;
        private final LatencyHistogram latency;
        private long next = System.nanoTime();

        Pacer(double perSecond, LatencyHistogram latency) {
            this.intervalNanos = perSecond <= 0 ? Long.MAX_VALUE / 4 : (long) (1_000_000_000L / perSecond);
            this.latency = latency;
        }

        /** @return when the call about to be made was due on the schedule ({@link System#nanoTime()}) */
        long await() {
            next += intervalNanos;
            long now = System.nanoTime();
            if (now - next > 1_000_000_000L) {
                latency.recordMissed(now - next, intervalNanos);
                next = now;
            }
            // Rate pacing (a schedule, not a wait for a condition); stop() wakes the thread by unparking.
            while (running && next - System.nanoTime() > 0) {
                LockSupport.parkNanos(Math.min(next - System.nanoTime(), 50_000_000L));
            }
            return next;
        }
    }

    /** @return writes Redis acknowledged */
    public long written() {
        return written.get();
    }

    /** @return writes the client spilled */
    public long spilled() {
        return spilled.get();
    }

    /** @return spilled writes whose receipt reported them applied (replayed) */
    public long spilledApplied() {
        return spilledApplied.get();
    }

    /** @return writes whose call threw */
    public long failed() {
        return failed.get();
    }

    /** @return reads done */
    public long reads() {
        return reads.get();
    }

    /** @return reads that threw */
    public long readFailures() {
        return readFailures.get();
    }

    /** @return caller latency of writes */
    public LatencyHistogram writeLatency() {
        return writeLatency;
    }

    /** @return caller latency of reads */
    public LatencyHistogram readLatency() {
        return readLatency;
    }

    /** @return the operation kinds the writers cycle through */
    public List<OperationKind> kinds() {
        return kinds;
    }

    /**
     * Stops every thread and waits for each to finish its call in flight (each call is bounded by the
     * client's own timeouts).
     *
     * @throws IllegalStateException when a thread is still busy after 60 s (a hung call)
     */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        List<String> stuck = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                stuck.add(t.getName());
            }
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("workload threads " + stuck + " did not finish their call within 60 s");
        }
    }

    /** Configures a {@link Workload}; defaults: 200 writes/s, 2 readers at 100 reads/s, the default kinds. */
    public static final class Builder {
        private final ResilientRedis redis;
        private final History history;
        private List<OperationKind> kinds = OperationKinds.defaults();
        private int writeRate = 200;
        private int readers = 2;
        private int readRate = 100;
        private List<String> readKeys;

        private Builder(ResilientRedis redis, History history) {
            this.redis = Objects.requireNonNull(redis, "redis");
            this.history = Objects.requireNonNull(history, "history");
        }

        /**
         * @param kinds the operation kinds writers cycle through (at least one)
         * @return this builder
         */
        public Builder kinds(List<OperationKind> kinds) {
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("at least one operation kind");
            }
            this.kinds = List.copyOf(kinds);
            return this;
        }

        /**
         * @param writesPerSecond target writes per second over all writers (at least 1)
         * @return this builder
         */
        public Builder rate(int writesPerSecond) {
            if (writesPerSecond < 1) {
                throw new IllegalArgumentException("rate must be at least 1 write/s, was " + writesPerSecond);
            }
            this.writeRate = writesPerSecond;
            return this;
        }

        /**
         * @param readers reader threads (0 for none)
         * @param readsPerSecond target reads per second over all readers
         * @return this builder
         */
        public Builder readers(int readers, int readsPerSecond) {
            if (readers < 0 || readsPerSecond < 0) {
                throw new IllegalArgumentException("readers and read rate must not be negative");
            }
            this.readers = readers;
            this.readRate = readsPerSecond;
            return this;
        }

        /**
         * @param keys the key readers GET for each writer, by writer number; default each writer's SET key
         *     as {@link OperationKinds#set()} names it ({@code <namespace>:last:<writer>})
         * @return this builder
         */
        public Builder readKeys(List<String> keys) {
            if (keys.size() != history.writerCount()) {
                throw new IllegalArgumentException("one read key per writer: " + history.writerCount() + ", got "
                        + keys.size());
            }
            this.readKeys = List.copyOf(keys);
            return this;
        }

        /** @return the running workload; close it to stop */
        public Workload start() {
            Workload w = new Workload(this);
            w.start();
            return w;
        }
    }
}
