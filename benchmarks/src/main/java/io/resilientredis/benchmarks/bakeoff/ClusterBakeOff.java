package io.resilientredis.benchmarks.bakeoff;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.drill.LatencyHistogram;
import io.resilientredis.chaos.topology.ClusterShard;
import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The bake-off on a Redis Cluster: three masters with one replica each, a fault proxy in front of every
 * node (clients map the announced addresses to the proxies), each client in its cluster mode.
 * {@value #WRITERS_PER_SHARD} writers per shard push their own sequence to a key of that shard
 * ({@code RPUSH}) at the pace and with the retry rule of {@link BakeOff}; then one shard ({@link #FAULTED})
 * is hit and, at the end, the lists are compared with what the callers were told.
 *
 * <p>Besides what the Sentinel bake-off measures (accepted, lost, duplicated, errors seen by the caller,
 * p99 raw and corrected for coordinated omission), each row tells the faulted shard's writers from the
 * other shards' writers: whether the others kept succeeding through the fault, and their p99 after the
 * fault against their own p99 in the calm phase before it.
 *
 * <p>The nodes run with {@code appendonly yes} and {@code appendfsync always}, so a shard whose processes
 * are killed and restarted comes back with every write it acknowledged: a loss in that scenario is the
 * client's, not the server's. (A killed master's unreplicated writes are still lost on failover: Redis
 * replicates asynchronously, as in the Sentinel bake-off.)
 *
 * <p>The rows come from {@link #contenders()}, one factory per client. resilient-redis's row
 * ({@link ClusterContenders#resilient}) is its client on the cluster endpoint
 * ({@code ChaosTopology.primaryEndpoint()}: every node's proxy a seed, the NAT map) with a spill directory,
 * measured like the others; its {@code settle} waits for the spill lanes to drain before the lists are read.
 */
public final class ClusterBakeOff {

    /** Shards of the cluster. */
    public static final int SHARDS = 3;
    /** Writer threads per shard. */
    public static final int WRITERS_PER_SHARD = 2;
    /** The shard the fault hits. */
    public static final int FAULTED = 1;

    /** The faults. */
    public enum Scenario {
        /** SIGKILL of one shard's master under load; the cluster promotes its replica. */
        SHARD_MASTER_KILLED("A shard's master killed (its replica promoted)"),
        /** Every node of one shard SIGKILLed, restarted after the outage length (15 s). */
        SHARD_DOWN("A whole shard down for 15 s");

        /** The title in the output. */
        public final String title;

        Scenario(String title) {
            this.title = title;
        }
    }

    /**
     * Lengths of the phases.
     *
     * @param before the calm phase, the other shards' baseline
     * @param shardDown how long a whole shard stays down
     * @param after load after the failover or the shard's return
     * @param writeIntervalMicros each writer's pace
     */
    public record Timing(Duration before, Duration shardDown, Duration after, long writeIntervalMicros) {

        /** @return the phases of a full run */
        public static Timing full() {
            return new Timing(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(12), 5_000);
        }

        /** @return shorter calm and recovery phases; the shard is still down 15 s */
        public static Timing quick() {
            return new Timing(Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(6), 5_000);
        }
    }

    /**
     * One row. The {@code faulted*} figures are the faulted shard's writers', the {@code other*} figures the
     * other shards' writers'; p99s in milliseconds, {@code raw} from a call's send, {@code corrected} from
     * when the writer's schedule wanted it (see {@link LatencyHistogram}).
     *
     * @param scenario the fault
     * @param client the client and its version
     * @param configuration how it is configured
     * @param attempts calls made, all writers
     * @param errors calls that threw, all writers
     * @param acknowledged writes the callers were told succeeded, all writers
     * @param lost acknowledged writes missing from Redis at the end
     * @param duplicated writes found more than once
     * @param appliedUnacknowledged writes found in Redis whose call had failed
     * @param faultedP99 the faulted shard's raw p99, whole run
     * @param faultedCorrectedP99 the faulted shard's corrected p99, whole run
     * @param faultedStallMillis the longest time without a successful write to the faulted shard, from the fault on
     * @param otherErrorsAfterFault calls to the other shards that threw, from the fault on
     * @param otherAcknowledgedAfterFault calls to the other shards that succeeded, from the fault on
     * @param otherStallMillis the longest time without a successful write to the other shards, from the fault on
     * @param otherCalmP99 the other shards' raw p99 before the fault
     * @param otherFaultP99 the other shards' raw p99 from the fault on
     * @param otherCalmCorrectedP99 the other shards' corrected p99 before the fault
     * @param otherFaultCorrectedP99 the other shards' corrected p99 from the fault on
     * @param note what else happened (failover time, first errors)
     */
    public record Result(Scenario scenario, String client, String configuration, long attempts, long errors,
                         long acknowledged, long lost, long duplicated, long appliedUnacknowledged,
                         double faultedP99, double faultedCorrectedP99, double faultedStallMillis,
                         long otherErrorsAfterFault, long otherAcknowledgedAfterFault, double otherStallMillis,
                         double otherCalmP99, double otherFaultP99, double otherCalmCorrectedP99,
                         double otherFaultCorrectedP99, String note) {

        /** @return the row as one line of text */
        public String line() {
            return String.format(java.util.Locale.ROOT, "%s | %s: attempts %d, errors %d, acked %d, lost %d, "
                            + "duplicated %d, applied-unacked %d; faulted shard p99 %.1f ms (corrected %.1f), stall "
                            + "%.0f ms; other shards after the fault: %d acked, %d errors, stall %.0f ms, p99 %.1f ms "
                            + "vs calm %.1f (corrected %.1f vs %.1f). %s", scenario.title, client, attempts, errors,
                    acknowledged, lost, duplicated, appliedUnacknowledged, faultedP99, faultedCorrectedP99,
                    faultedStallMillis, otherAcknowledgedAfterFault, otherErrorsAfterFault, otherStallMillis,
                    otherFaultP99, otherCalmP99, otherFaultCorrectedP99, otherCalmCorrectedP99, note);
        }
    }

    /** A named way to build one client on the cluster. */
    record Entry(String name, Function<ChaosTopology, Contender> factory) {
    }

    /**
     * The rows, in order: Redisson's cluster mode, Lettuce's {@code RedisClusterClient}, Jedis's
     * {@code JedisCluster}, then resilient-redis on its cluster endpoint with spill lanes.
     */
    static List<Entry> contenders() {
        return List.of(new Entry("redisson", ClusterContenders::redisson),
                new Entry("lettuce", ClusterContenders::lettuce),
                new Entry("jedis", ClusterContenders::jedis),
                new Entry("resilient-redis", ClusterContenders::resilient));
    }

    private final Timing timing;

    /** @param timing the phases */
    public ClusterBakeOff(Timing timing) {
        this.timing = timing;
    }

    /** @return every scenario against every client, each on a fresh cluster */
    public List<Result> runAll() {
        System.out.printf("[bakeoff-cluster] Redisson %s, Lettuce %s, Jedis %s%n", ClusterContenders.version("redisson"),
                ClusterContenders.version("lettuce"), ClusterContenders.version("jedis"));
        List<Result> results = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            for (Entry e : contenders()) {
                results.add(run(s, e.factory()));
            }
        }
        return results;
    }

    /** @return the cluster every row runs on */
    static RedisTopology.Builder topology() {
        return RedisTopology.cluster(SHARDS).replicasPerShard(1).config("appendonly yes")
                .config("appendfsync always");
    }

    Result run(Scenario scenario, Function<ChaosTopology, Contender> factory) {
        try (ChaosTopology chaos = ChaosTopology.start(topology())) {
            Contender contender;
            try {
                contender = factory.apply(chaos);
            } catch (RuntimeException e) {
                return new Result(scenario, "(client failed to start)", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, e.toString());
            }
            System.out.printf("[bakeoff-cluster] %s / %s%n", scenario.title, contender.name());
            try (contender) {
                return drive(chaos, scenario, contender);
            }
        }
    }

    /** The writers of one group (the faulted shard's, or the other shards'). */
    private static final class Group {
        final List<String> keys = new ArrayList<>();
        final WriteLedger ledger;
        final AtomicLong errors = new AtomicLong();
        final AtomicLong attempts = new AtomicLong();
        final ConcurrentLinkedQueue<long[]> calls = new ConcurrentLinkedQueue<>(); // {end nanos, latency nanos, ok}
        final LatencyHistogram calm = new LatencyHistogram();
        final LatencyHistogram fault = new LatencyHistogram();
        final LatencyHistogram all = new LatencyHistogram();

        Group(int writers) {
            ledger = new WriteLedger(writers);
        }
    }

    private Result drive(ChaosTopology chaos, Scenario scenario, Contender contender) {
        RedisCluster cluster = chaos.topology().cluster();
        Group faulted = new Group(WRITERS_PER_SHARD);
        Group others = new Group(WRITERS_PER_SHARD * (SHARDS - 1));
        AtomicLong faultAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        List<String> firstErrors = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (ClusterShard shard : cluster.shards()) {
            Group group = shard.index() == FAULTED ? faulted : others;
            for (int w = 0; w < WRITERS_PER_SHARD; w++) {
                int slot = shard.slotRanges().get(0).first() + 11 * (w + 1);
                String key = ClusterSlots.keyInSlot("writer:" + shard.index() + ":" + w + ":", slot);
                int index = group.keys.size();
                group.keys.add(key);
                // The faulted shard's calls go to one histogram; the other shards' to the calm or the fault
                // phase's, by when the call was due (so a call due before the fault counts as calm).
                java.util.function.LongFunction<LatencyHistogram> latency = group == faulted ? due -> group.all
                        : due -> due < faultAt.get() ? group.calm : group.fault;
                Thread t = new Thread(() -> BakeOff.write(contender, index, key, timing.writeIntervalMicros(),
                        group.ledger, stop, group.errors, group.attempts, group.calls, latency, firstErrors),
                        "resilient-redis-bakeoff-cluster-writer-" + shard.index() + "-" + w);
                t.setDaemon(true);
                writers.add(t);
            }
        }
        writers.forEach(Thread::start);
        long faultStart;
        String note = "";
        try {
            pause(timing.before());
            faultStart = System.nanoTime();
            faultAt.set(faultStart);
            switch (scenario) {
                case SHARD_MASTER_KILLED -> {
                    RedisNode killed = cluster.killMaster(FAULTED);
                    RedisNode promoted = cluster.awaitClusterFailover(FAULTED, Duration.ofSeconds(60));
                    note = "killed " + killed.name() + ", promoted " + promoted.name() + " after "
                            + (System.nanoTime() - faultStart) / 1_000_000 + " ms; ";
                    pause(timing.after());
                }
                case SHARD_DOWN -> {
                    cluster.killShard(FAULTED);
                    pause(timing.shardDown());
                    long restart = System.nanoTime();
                    cluster.restartShard(FAULTED);
                    cluster.awaitClusterOk(Duration.ofSeconds(60));
                    note = "shard " + FAULTED + " down " + (restart - faultStart) / 1_000_000 + " ms, cluster ok "
                            + (System.nanoTime() - restart) / 1_000_000 + " ms after its restart; ";
                    pause(timing.after());
                }
                default -> throw new IllegalStateException();
            }
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
        WriteLedger.Accounting f = faulted.ledger.account(readLists(cluster, faulted.keys));
        WriteLedger.Accounting o = others.ledger.account(readLists(cluster, others.keys));

        long[] faultedOk = successes(faulted.calls);
        long[] othersOk = successes(others.calls);
        double faultedStall = BakeOff.longestStall(faultedOk, faultStart, loadEnd) / 1e6;
        double otherStall = BakeOff.longestStall(othersOk, faultStart, loadEnd) / 1e6;
        if (!BakeOff.recovered(faultedOk, faultStart, loadEnd, TimeUnit.SECONDS.toNanos(1))) {
            note = "NO SUCCESSFUL WRITE to the faulted shard in the last second of the run: writes did not recover "
                    + "(stall counted to the end); " + note;
        }
        long otherErrorsAfter = others.calls.stream().filter(c -> c[2] == 0 && c[0] >= faultStart).count();
        long otherOkAfter = others.calls.stream().filter(c -> c[2] == 1 && c[0] >= faultStart).count();
        synchronized (firstErrors) {
            if (!firstErrors.isEmpty()) {
                note += "first errors: " + String.join(" | ", firstErrors);
            }
        }
        Result result = new Result(scenario, contender.name(), contender.configuration(),
                faulted.attempts.get() + others.attempts.get(), faulted.errors.get() + others.errors.get(),
                f.acknowledged() + o.acknowledged(), f.lost() + o.lost(), f.duplicated() + o.duplicated(),
                f.appliedUnacknowledged() + o.appliedUnacknowledged(),
                millis(faulted.all.rawPercentile(99)), millis(faulted.all.percentile(99)), faultedStall,
                otherErrorsAfter, otherOkAfter, otherStall,
                millis(others.calm.rawPercentile(99)), millis(others.fault.rawPercentile(99)),
                millis(others.calm.percentile(99)), millis(others.fault.percentile(99)), note);
        System.out.println("[bakeoff-cluster]   " + result.line());
        return result;
    }

    private static long[] successes(ConcurrentLinkedQueue<long[]> calls) {
        return calls.stream().filter(c -> c[2] == 1).mapToLong(c -> c[0]).sorted().toArray();
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    /** Each writer's list, asked of the master that serves its key now. */
    private static Map<Integer, List<String>> readLists(RedisCluster cluster, List<String> keys) {
        Map<Integer, List<String>> lists = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            List<String> list = new ArrayList<>();
            try {
                Object reply = cluster.call(key, "LRANGE", key, "0", "-1");
                if (reply instanceof List<?> l) {
                    for (Object item : l) {
                        list.add(item instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(item));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + key, e);
            }
            lists.put(i, list);
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
