package io.resilientredis.benchmarks.bakeoff;

import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.drill.LatencyHistogram;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The failover bake-off: each outage scenario against each client on a fresh topology with a fault
 * proxy in front of every node. {@value #WRITERS} writer threads each push their own sequence
 * ({@code RPUSH writer:<n> <seq>}) at a fixed pace; a failed call is retried with the same
 * sequence number after a short back-off, as a caller that must not drop data does. At the end
 * the lists in Redis are compared with what the callers were told.
 */
public final class BakeOff {

    /** Writer threads per run. */
    public static final int WRITERS = 4;

    /** The faults. */
    public enum Scenario {
        /** SIGKILL of the Sentinel group's master while writers run; Sentinel promotes the replica. */
        MASTER_KILLED("Sentinel master killed under load"),
        /** Every proxy disabled (refused, connections closed) for the outage length. */
        FULL_OUTAGE("Full outage (every node unreachable)"),
        /** Replies from the (active) master delayed above the clients' timeouts. */
        LATENCY("Latency above the timeout");

        final String title;

        Scenario(String title) {
            this.title = title;
        }
    }

    /** Lengths of the phases; {@link #full()} is what the issue asks for. */
    public record Timing(Duration before, Duration outage, Duration latency, Duration after, Duration latencyAmount,
                         long writeIntervalMicros) {
        public static Timing full() {
            return new Timing(Duration.ofSeconds(3), Duration.ofSeconds(20), Duration.ofSeconds(10),
                    Duration.ofSeconds(12), Duration.ofMillis(4000), 5_000);
        }

        public static Timing quick() {
            return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(4),
                    Duration.ofSeconds(6), Duration.ofMillis(4000), 5_000);
        }
    }

    /**
     * One row of the results. Latencies come in two views (see {@link LatencyHistogram}):
     * <em>raw</em> from a call's send to its return, <em>corrected</em> from when the writer's
     * schedule wanted the call to start, plus the calls a blocked writer never issued.
     */
    public record Result(Scenario scenario, String client, String configuration, long attempts, long errors,
                         long acknowledged, long lost, long duplicated, long appliedUnacknowledged,
                         double p99Millis, double maxMillis, double correctedP99Millis, double correctedMaxMillis,
                         double stallMillis, String note) {
    }

    private final Timing timing;

    public BakeOff(Timing timing) {
        this.timing = timing;
    }

    /** Runs every scenario against every client that fits it. */
    public List<Result> runAll() {
        List<Result> results = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            results.add(run(s, false, Contenders::redissonSentinel));
            results.add(run(s, false, Contenders::lettuceSentinel));
            if (s == Scenario.MASTER_KILLED) {
                results.add(run(s, false, Contenders::jedisSentinel));
            }
            results.add(run(s, false, c -> Contenders.resilient(c, false)));
            if (s != Scenario.MASTER_KILLED) {
                results.add(run(s, true, Contenders::jedisMultiDb));
                results.add(run(s, true, Contenders::lettuceMultiDb));
                results.add(run(s, true, c -> Contenders.resilient(c, true)));
            }
        }
        return results;
    }

    /**
     * @param twoDeployments false: one Sentinel group; true: a standalone primary plus a
     *                       Sentinel-managed standby (the shape multi-endpoint clients are for)
     */
    Result run(Scenario scenario, boolean twoDeployments, Function<ChaosTopology, Contender> factory) {
        RedisTopology.Builder shape = twoDeployments ? RedisTopology.primaryWithStandbyGroup(1)
                : RedisTopology.sentinelGroup(1);
        try (ChaosTopology chaos = ChaosTopology.start(shape)) {
            Contender contender;
            try {
                contender = factory.apply(chaos);
            } catch (RuntimeException e) {
                return new Result(scenario, "(client failed to start)", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        e.toString());
            }
            System.out.printf("[bakeoff] %s / %s%n", scenario.title, contender.name());
            try (contender) {
                return drive(chaos, scenario, twoDeployments, contender);
            }
        }
    }

    private Result drive(ChaosTopology chaos, Scenario scenario, boolean twoDeployments, Contender contender) {
        WriteLedger ledger = new WriteLedger(WRITERS);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        ConcurrentLinkedQueue<long[]> calls = new ConcurrentLinkedQueue<>(); // {end nanos, latency nanos, ok}
        LatencyHistogram latency = new LatencyHistogram();
        List<Thread> writers = new ArrayList<>();
        List<String> firstErrors = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(contender, writer, ledger, stop, errors, attempts, calls, latency, firstErrors),
                    "resilient-redis-bakeoff-writer-" + w);
            t.setDaemon(true);
            writers.add(t);
            t.start();
        }
        long faultStart;
        String note = "";
        try {
            pause(timing.before());
            faultStart = System.nanoTime();
            switch (scenario) {
                case MASTER_KILLED -> {
                    chaos.topology().primary().kill();
                    RedisNode promoted = chaos.topology().awaitFailover(Duration.ofSeconds(60));
                    note = "promoted " + promoted.name() + " after "
                            + (System.nanoTime() - faultStart) / 1_000_000 + " ms; ";
                    pause(timing.after());
                }
                case FULL_OUTAGE -> {
                    chaos.disableAll();
                    pause(timing.outage());
                    chaos.resetAll();
                    pause(timing.after());
                }
                case LATENCY -> {
                    RedisNode slow = twoDeployments ? chaos.topology().primary() : chaos.topology().currentMaster();
                    chaos.proxy(slow).toxics().latency("slow", ToxicDirection.DOWNSTREAM,
                            timing.latencyAmount().toMillis());
                    pause(timing.latency());
                    chaos.resetAll();
                    pause(timing.after());
                }
                default -> throw new IllegalStateException();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            stop.set(true);
        }
        long loadEnd = System.nanoTime();
        for (Thread t : writers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(90));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                note += t.getName() + " still blocked in a call 90 s after the end; ";
            }
        }
        String settled = contender.settle(Duration.ofSeconds(90));
        if (settled != null) {
            note += settled + "; ";
        }
        WriteLedger.Accounting accounting = ledger.account(readLists(chaos, twoDeployments));

        List<long[]> all = new ArrayList<>(calls);
        double p99 = latency.rawPercentile(99).toNanos() / 1e6;
        double max = latency.rawMax().toNanos() / 1e6;
        double correctedP99 = latency.percentile(99).toNanos() / 1e6;
        double correctedMax = latency.max().toNanos() / 1e6;
        long[] successes = all.stream().filter(c -> c[2] == 1).mapToLong(c -> c[0]).sorted().toArray();
        double stall = longestStall(successes, faultStart, loadEnd) / 1e6;
        if (!recovered(successes, faultStart, loadEnd, TimeUnit.SECONDS.toNanos(1))) {
            note = "NO SUCCESSFUL WRITE in the last second of the run: writes did not recover (stall counted to "
                    + "the end); " + note;
        }
        synchronized (firstErrors) {
            if (!firstErrors.isEmpty()) {
                note += "first errors: " + String.join(" | ", firstErrors);
            }
        }
        System.out.printf("[bakeoff]   attempts %d, errors %d, acked %d, lost %d, duplicated %d, p99 %.1f ms "
                        + "(corrected %.1f), max %.1f ms (corrected %.1f), stall %.0f ms. %s%n", attempts.get(),
                errors.get(), accounting.acknowledged(), accounting.lost(), accounting.duplicated(), p99, correctedP99,
                max, correctedMax, stall, note);
        return new Result(scenario, contender.name(), contender.configuration(), attempts.get(), errors.get(),
                accounting.acknowledged(), accounting.lost(), accounting.duplicated(),
                accounting.appliedUnacknowledged(), p99, max, correctedP99, correctedMax, stall, note);
    }

    /**
     * The longest time, from the fault on, during which no write succeeded: from the fault to the
     * first success after it, between two consecutive successes, or from the last success to the
     * end of the run (then writes never succeeded again before the end).
     */
    static long longestStall(long[] sortedSuccessNanos, long faultStart, long end) {
        long previous = faultStart;
        long longest = 0;
        for (long t : sortedSuccessNanos) {
            if (t < faultStart) {
                continue;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Math.max(longest, end - previous);
    }

    /** Whether some write succeeded after the fault and no later gap reached the end of the run. */
    static boolean recovered(long[] sortedSuccessNanos, long faultStart, long end, long quietTolerance) {
        return sortedSuccessNanos.length > 0 && sortedSuccessNanos[sortedSuccessNanos.length - 1] > faultStart
                && end - sortedSuccessNanos[sortedSuccessNanos.length - 1] <= quietTolerance;
    }

    /** A writer more than this far behind its schedule skips ahead instead of bursting (the drill's rule). */
    static final long SKIP_AHEAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Back-off before a failed write is retried. */
    static final long RETRY_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * One writer: a new sequence number is due every {@link Timing#writeIntervalMicros()}; a failed
     * call is retried after {@link #RETRY_BACKOFF_NANOS}. Each call's latency goes into the raw view
     * from its send and into the corrected view from when it was due; a writer that fell more than
     * {@link #SKIP_AHEAD_NANOS} behind records the writes it skipped as missed (and so does a writer
     * still that far behind at the end), so a caller blocked by its client does not hide the writes
     * that would have waited behind it.
     */
    void write(Contender contender, int writer, WriteLedger ledger, AtomicBoolean stop, AtomicLong errors,
                       AtomicLong attempts, ConcurrentLinkedQueue<long[]> calls, LatencyHistogram latency,
                       List<String> firstErrors) {
        write(contender, writer, "writer:" + writer, timing.writeIntervalMicros(), ledger, stop, errors, attempts,
                calls, due -> latency, firstErrors);
    }

    /**
     * The writer loop of {@link #write(Contender, int, WriteLedger, AtomicBoolean, AtomicLong, AtomicLong,
     * ConcurrentLinkedQueue, LatencyHistogram, List)} on a key of the caller's choice, each call's latency
     * going to the histogram {@code latencyFor} picks by when the call was due (the cluster bake-off
     * keeps calm and fault phases apart that way).
     */
    static void write(Contender contender, int writer, String key, long writeIntervalMicros, WriteLedger ledger,
                      AtomicBoolean stop, AtomicLong errors, AtomicLong attempts, ConcurrentLinkedQueue<long[]> calls,
                      java.util.function.LongFunction<LatencyHistogram> latencyFor, List<String> firstErrors) {
        long interval = TimeUnit.MICROSECONDS.toNanos(writeIntervalMicros);
        long seq = 0;
        long slot = System.nanoTime(); // when the current sequence number was due
        long due = slot;               // when the next call is due (the slot, or a retry after a back-off)
        while (!stop.get()) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                // Rate pacing (a schedule, not a wait for a condition).
                LockSupport.parkNanos(wait);
                continue;
            }
            long start = System.nanoTime();
            boolean ok;
            try {
                attempts.incrementAndGet();
                contender.rpush(key, Long.toString(seq));
                ok = true;
            } catch (Exception | Error e) {
                // An Error too: a client that throws one (a missing optional dependency, say) fails the caller.
                ok = false;
                errors.incrementAndGet();
                synchronized (firstErrors) {
                    String text = e.getClass().getSimpleName();
                    if (firstErrors.size() < 3 && firstErrors.stream().noneMatch(s -> s.startsWith(text))) {
                        firstErrors.add(text + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                    }
                }
            }
            long end = System.nanoTime();
            calls.add(new long[] {end, end - start, ok ? 1 : 0});
            LatencyHistogram latency = latencyFor.apply(due);
            latency.record(due, start, end);
            if (ok) {
                ledger.acknowledge(writer, seq);
                seq++;
                slot += interval;
                if (end - slot > SKIP_AHEAD_NANOS) {
                    latency.recordMissed(end - slot, interval);
                    slot = end;
                }
                due = slot;
            } else {
                // Back-off before retrying the same sequence number, as a careful caller would. The
                // slots that pass meanwhile stay on the schedule: they are caught up or skipped as missed.
                due = end + RETRY_BACKOFF_NANOS;
            }
        }
        // A writer still behind when the run ends (its client never recovered, say): the writes due since
        // its last success have waited at least until now.
        long behind = System.nanoTime() - slot;
        if (behind > SKIP_AHEAD_NANOS) {
            latencyFor.apply(slot).recordMissed(behind, interval);
        }
    }

    /** Every writer's list, merged over the masters the client may have written to. */
    private static Map<Integer, List<String>> readLists(ChaosTopology chaos, boolean twoDeployments) {
        Set<RedisNode> masters = new LinkedHashSet<>();
        if (twoDeployments) {
            masters.add(chaos.topology().primary());
            masters.add(chaos.topology().standby().currentMaster());
        } else {
            masters.add(chaos.topology().currentMaster());
        }
        Map<Integer, List<String>> lists = new HashMap<>();
        for (RedisNode master : masters) {
            try (RespConnection c = master.connect(Duration.ofSeconds(10))) {
                for (int w = 0; w < WRITERS; w++) {
                    Object reply = c.call("LRANGE", "writer:" + w, "0", "-1");
                    List<String> list = lists.computeIfAbsent(w, k -> new ArrayList<>());
                    if (reply instanceof List<?> l) {
                        for (Object o : l) {
                            list.add(o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                                    : String.valueOf(o));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the lists from " + master.name(), e);
            }
        }
        return lists;
    }

    private static void pause(Duration d) {
        // The scenario's phases are fixed lengths of load, not waits for a condition.
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
