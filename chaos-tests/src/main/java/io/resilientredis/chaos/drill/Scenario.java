package io.resilientredis.chaos.drill;

import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.SentinelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * A named fault timeline preset for the drill. Steps are placed at fractions of the run's duration, so a
 * short run plays the same story faster; steps that must wait for Sentinel (a failover) wait for it.
 * The primary deployment must be a Sentinel group for the steps that kill or freeze its master.
 *
 * <ul>
 *   <li>{@code outage} (default): Sentinel master kill, master freeze then resume, full outage, latency
 *       above the timeout, recovery;</li>
 *   <li>{@code sentinel-kill}: the master killed (SIGKILL), restarted after the failover;</li>
 *   <li>{@code freeze}: the master frozen (SIGSTOP) until Sentinel promotes a replica, then resumed;</li>
 *   <li>{@code full-outage}: every proxy disabled, then enabled again;</li>
 *   <li>{@code latency}: replies of the primary deployment delayed past the client's timeout;</li>
 *   <li>{@code calm}: no faults (a baseline);</li>
 *   <li>{@code soak}: random faults from the whole list for the chosen duration, each healed before the
 *       next (a long run on demand, not for CI).</li>
 * </ul>
 *
 * <p>The cluster shape ({@link DrillShape#CLUSTER}, {@link #named(String, DrillShape)}) has presets of its own,
 * each step naming the shard it hits ({@link FaultStep#shard()}):
 *
 * <ul>
 *   <li>{@code outage} (default): shard 1's master killed and the cluster's failover, shard 2 down (every
 *       node) for a quarter of the run then restarted, a full outage, latency above the timeout on shard 0
 *       with one of its loaded slots migrated to shard 1 meanwhile, recovery;</li>
 *   <li>{@code shard-kill}, {@code shard-down}, {@code full-outage}, {@code latency} (one shard),
 *       {@code migrate} (a loaded slot moved, no other fault) and {@code calm}: one part each.</li>
 * </ul>
 */
public final class Scenario {

    /** The scenario a drill plays unless told otherwise. */
    public static final String DEFAULT = "outage";

    private static final Duration FAILOVER_PATIENCE = Duration.ofSeconds(20);
    private static final Map<String, Scenario> PRESETS = buildPresets();
    private static final Map<String, Scenario> CLUSTER_PRESETS = buildClusterPresets();

    private final String name;
    private final String description;
    private final Steps steps;
    private final boolean random;

    /** Builds a scenario's steps for a run's duration, the client's timeout and the seed of its random choices. */
    private interface Steps {
        List<FaultStep> build(Duration duration, Duration clientTimeout, long seed);
    }

    private Scenario(String name, String description, BiFunction<Duration, Duration, List<FaultStep>> steps) {
        this.name = name;
        this.description = description;
        this.steps = (d, t, seed) -> steps.apply(d, t);
        this.random = false;
    }

    private Scenario(String name, String description, Steps steps) {
        this.name = name;
        this.description = description;
        this.steps = steps;
        this.random = true;
    }

    /**
     * @param name a preset's name
     * @return the preset
     * @throws IllegalArgumentException naming the presets when there is none by that name
     */
    public static Scenario named(String name) {
        Scenario s = PRESETS.get(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("no scenario named '" + name + "'; choose one of " + PRESETS.keySet());
        }
        return s;
    }

    /** @return every preset, by name */
    public static Map<String, Scenario> presets() {
        return PRESETS;
    }

    /**
     * @param name a preset's name
     * @param shape the drill's shape: each has its own presets
     * @return the preset
     * @throws IllegalArgumentException naming that shape's presets when there is none by that name
     */
    public static Scenario named(String name, DrillShape shape) {
        if (shape == DrillShape.SENTINEL) {
            return named(name);
        }
        Scenario s = CLUSTER_PRESETS.get(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("no scenario named '" + name + "' for the cluster shape; choose one of "
                    + CLUSTER_PRESETS.keySet());
        }
        return s;
    }

    /**
     * @param shape the drill's shape
     * @return that shape's presets, by name
     */
    public static Map<String, Scenario> presets(DrillShape shape) {
        return shape == DrillShape.CLUSTER ? CLUSTER_PRESETS : PRESETS;
    }

    private static Map<String, Scenario> buildClusterPresets() {
        Map<String, Scenario> m = new LinkedHashMap<>();
        add(m, new Scenario("outage", "shard 1's master killed (the cluster fails over), shard 2 down (every node) "
                + "then restarted, full outage, latency above the timeout on shard 0 with a loaded slot migrated to "
                + "shard 1 meanwhile, recovery", Scenario::clusterOutage));
        add(m, new Scenario("shard-kill", "shard 1's master killed (SIGKILL); the cluster promotes a replica, the old "
                + "master rejoins as a replica", (d, t) -> {
                    AtomicReference<RedisNode> killed = new AtomicReference<>();
                    return List.of(ClusterFaultSteps.killMaster(at(d, 0.2), 1, killed),
                            ClusterFaultSteps.failoverThenRejoin(at(d, 0.3), 1, killed));
                }));
        add(m, new Scenario("shard-down", "shard 2 down (every node SIGKILLed) for a quarter of the run, then "
                + "restarted", (d, t) -> {
                    AtomicReference<RedisNode> master = new AtomicReference<>();
                    return List.of(ClusterFaultSteps.shardDown(at(d, 0.25), 2, master),
                            ClusterFaultSteps.restartShard(at(d, 0.5), 2, master));
                }));
        add(m, new Scenario("full-outage", "every shard unreachable (all proxies disabled), then back",
                (d, t) -> List.of(ClusterFaultSteps.fullOutage(at(d, 0.25)), ClusterFaultSteps.recoverAll(at(d, 0.6)))));
        add(m, new Scenario("latency", "replies of shard 0 delayed past the client's timeout, then recovery",
                (d, t) -> List.of(ClusterFaultSteps.latency(at(d, 0.25), 0, t),
                        ClusterFaultSteps.recover(at(d, 0.6), 0))));
        add(m, new Scenario("migrate", "a loaded slot of shard 0 migrated to shard 1 under load (no other fault)",
                (d, t) -> List.of(ClusterFaultSteps.migrateSlot(at(d, 0.4), 0, 1))));
        add(m, new Scenario("calm", "no faults: a baseline", (d, t) -> List.of()));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static List<FaultStep> clusterOutage(Duration d, Duration timeout) {
        AtomicReference<RedisNode> killed = new AtomicReference<>();
        AtomicReference<RedisNode> downMaster = new AtomicReference<>();
        List<FaultStep> s = new ArrayList<>();
        s.add(ClusterFaultSteps.killMaster(at(d, 0.08), 1, killed));
        s.add(ClusterFaultSteps.failoverThenRejoin(at(d, 0.14), 1, killed));
        s.add(ClusterFaultSteps.shardDown(at(d, 0.22), 2, downMaster));
        s.add(ClusterFaultSteps.restartShard(at(d, 0.47), 2, downMaster));
        s.add(ClusterFaultSteps.fullOutage(at(d, 0.55)));
        s.add(ClusterFaultSteps.recoverAll(at(d, 0.65)));
        s.add(ClusterFaultSteps.latency(at(d, 0.70), 0, timeout));
        s.add(ClusterFaultSteps.migrateSlot(at(d, 0.75), 0, 1));
        s.add(ClusterFaultSteps.recover(at(d, 0.84), 0));
        return s;
    }

    private static Map<String, Scenario> buildPresets() {
        Map<String, Scenario> m = new LinkedHashMap<>();
        add(m, new Scenario("outage", "Sentinel master kill, master freeze then resume, full outage, latency above "
                + "the timeout, recovery", Scenario::outage));
        add(m, new Scenario("sentinel-kill", "the Sentinel group's master killed (SIGKILL), restarted after the "
                + "failover", (d, t) -> {
                    AtomicReference<RedisNode> killed = new AtomicReference<>();
                    return List.of(killMaster(at(d, 0.2), killed), restartAfterFailover(at(d, 0.55), killed));
                }));
        add(m, new Scenario("freeze", "the Sentinel group's master frozen (SIGSTOP) until a replica is promoted, "
                + "then resumed", (d, t) -> {
                    AtomicReference<RedisNode> frozen = new AtomicReference<>();
                    return List.of(freezeMaster(at(d, 0.2), frozen),
                            resumeAfterFailover(at(d, 0.2).plus(max(Duration.ofSeconds(5), at(d, 0.2))), frozen));
                }));
        add(m, new Scenario("full-outage", "every endpoint unreachable (all proxies disabled), then back",
                (d, t) -> List.of(fullOutage(at(d, 0.25)), recover(at(d, 0.6)))));
        add(m, new Scenario("latency", "replies of the primary deployment delayed past the client's timeout, then "
                + "recovery", (d, t) -> List.of(latency(at(d, 0.25), t), recover(at(d, 0.6)))));
        add(m, new Scenario("calm", "no faults: a baseline", (d, t) -> List.of()));
        add(m, new Scenario("soak", "random faults for the whole run (master kill and freeze, full outage, "
                + "blackhole, latency, reset_peer storm, truncated and fragmented replies, bandwidth throttle, "
                + "primary cut off), each healed before the next; for long runs (--duration 10m)",
                (Steps) (d, t, seed) -> soak(d, t, new java.util.SplittableRandom(seed))));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static void add(Map<String, Scenario> m, Scenario s) {
        m.put(s.name, s);
    }

    /** @return the preset's name */
    public String name() {
        return name;
    }

    /** @return what it does, in one sentence */
    public String description() {
        return description;
    }

    /**
     * @param duration the run's duration
     * @param clientTimeout the client's per-call timeout (latency faults exceed it)
     * @return the steps, in time order; fresh each call (steps that belong together share state)
     */
    public List<FaultStep> steps(Duration duration, Duration clientTimeout) {
        return steps(duration, clientTimeout, new java.util.SplittableRandom().nextLong());
    }

    /**
     * @param duration the run's duration
     * @param clientTimeout the client's per-call timeout (latency faults exceed it)
     * @param seed the seed of the scenario's random choices: the same seed gives the same faults at the same
     *     times (scenarios without random choices ignore it)
     * @return the steps, in time order; fresh each call (steps that belong together share state)
     */
    public List<FaultStep> steps(Duration duration, Duration clientTimeout, long seed) {
        return steps.build(duration, clientTimeout, seed);
    }

    /** @return whether the steps depend on the seed ({@code soak}) */
    public boolean random() {
        return random;
    }

    @Override
    public String toString() {
        return name + " (" + description + ")";
    }

    // ------------------------------------------------------------------ presets

    private static List<FaultStep> outage(Duration d, Duration timeout) {
        AtomicReference<RedisNode> killed = new AtomicReference<>();
        AtomicReference<RedisNode> frozen = new AtomicReference<>();
        List<FaultStep> s = new ArrayList<>();
        s.add(killMaster(at(d, 0.08), killed));
        s.add(restartAfterFailover(at(d, 0.18), killed));
        s.add(freezeMaster(at(d, 0.30), frozen));
        s.add(resumeAfterFailover(at(d, 0.30).plus(max(Duration.ofSeconds(5), at(d, 0.10))), frozen));
        s.add(fullOutage(at(d, 0.50)));
        s.add(recover(at(d, 0.67)));
        s.add(latency(at(d, 0.72), timeout));
        s.add(recover(at(d, 0.84)));
        return s;
    }

    /**
     * Random faults back to back: each lasts 3 to 8 s, then the topology heals and runs clean for 4 to 8 s;
     * the last 15 s of the run are calm so the spill store can drain.
     */
    static List<FaultStep> soak(Duration d, Duration timeout, java.util.SplittableRandom random) {
        List<FaultStep> s = new ArrayList<>();
        Duration t = Duration.ofSeconds(3);
        Duration end = d.minusSeconds(15);
        while (t.plusSeconds(8).compareTo(end) <= 0) {
            Duration lasting = Duration.ofSeconds(3 + random.nextInt(6));
            switch (random.nextInt(11)) {
                case 0 -> {
                    AtomicReference<RedisNode> killed = new AtomicReference<>();
                    s.add(killMaster(t, killed));
                    s.add(restartAfterFailover(t.plus(lasting), killed));
                }
                case 1 -> {
                    AtomicReference<RedisNode> frozen = new AtomicReference<>();
                    lasting = max(lasting, Duration.ofSeconds(5));
                    s.add(freezeMaster(t, frozen));
                    s.add(resumeAfterFailover(t.plus(lasting), frozen));
                }
                case 2 -> s.add(fullOutage(t));
                case 3 -> s.add(FaultSteps.blackhole(t));
                case 4 -> s.add(latency(t, timeout));
                case 5 -> s.add(FaultSteps.resetPeerStorm(t, Duration.ofMillis(200)));
                case 6 -> s.add(FaultSteps.truncatedReplies(t, 2048));
                case 7 -> s.add(FaultSteps.fragmentedReplies(t));
                case 8 -> s.add(FaultSteps.bandwidth(t, 4));
                case 9 -> s.add(FaultSteps.primaryDown(t));
                default -> s.add(FaultSteps.flapPrimary(t, Duration.ofMillis(500), lasting));
            }
            t = t.plus(lasting);
            s.add(recover(t));
            t = t.plus(Duration.ofSeconds(4 + random.nextInt(5)));
        }
        return s;
    }

    private static Duration at(Duration d, double fraction) {
        return Duration.ofMillis((long) (d.toMillis() * fraction));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static SentinelGroup group(ChaosTopology chaos) {
        return chaos.topology().sentinelGroup();
    }

    static FaultStep killMaster(Duration at, AtomicReference<RedisNode> killed) {
        return new FaultStep(at, "master killed (SIGKILL)", chaos -> {
            RedisNode master = group(chaos).currentMaster();
            killed.set(master);
            master.kill();
        });
    }

    static FaultStep restartAfterFailover(Duration at, AtomicReference<RedisNode> killed) {
        return new FaultStep(at, "failover done, old master restarted as a replica", chaos -> {
            RedisNode node = killed.get();
            if (node == null) {
                return;
            }
            try {
                group(chaos).awaitFailover(FAILOVER_PATIENCE);
            } finally {
                if (!node.isRunning()) {
                    rejoinAsReplica(group(chaos), node);
                }
            }
        });
    }

    /**
     * Restarts a killed data node of a Sentinel group as a replica of the current master and waits until
     * it has synced. Without persistence a restarted node is empty; left to come up as a master, it would
     * be a candidate Sentinel may promote before it converts it (about 8 s later), wiping the group's data.
     * An operator makes the same move: {@code REPLICAOF} first, then let it sync. Until it has synced, its
     * {@code replica-priority} is 0, so a second failover (a Sentinel with a 1 s {@code down-after} on a
     * loaded machine can start one moments after the first) cannot promote the still-empty node.
     */
    static void rejoinAsReplica(SentinelGroup group, RedisNode node) throws java.io.IOException {
        RedisNode master = awaitMasterOtherThan(group, node);
        node.restart();
        String priority;
        try (io.resilientredis.chaos.topology.RespConnection c = node.connect(Duration.ofSeconds(2))) {
            priority = String.valueOf(((java.util.List<?>) c.call("CONFIG", "GET", "replica-priority")).get(1));
            if ("0".equals(priority)) {
                // only an earlier rejoin sets 0 here; a Sentinel's CONFIG REWRITE during its sync kept it
                priority = "100";
            }
            c.call("CONFIG", "SET", "replica-priority", "0");
            c.call("REPLICAOF", master.host(), String.valueOf(master.port()));
        }
        long deadline = System.nanoTime() + FAILOVER_PATIENCE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try (io.resilientredis.chaos.topology.RespConnection c = node.connect(Duration.ofSeconds(1))) {
                java.util.Map<String, String> info = c.info("replication");
                if ("up".equals(info.get("master_link_status")) && "0".equals(info.get("master_sync_in_progress"))) {
                    c.call("CONFIG", "SET", "replica-priority", priority);
                    return;
                }
            } catch (java.io.IOException notYet) {
                // keep polling
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new IllegalStateException(node.name() + " restarted but did not finish syncing from " + master.name()
                + " within " + FAILOVER_PATIENCE.toSeconds() + " s");
    }

    private static RedisNode awaitMasterOtherThan(SentinelGroup group, RedisNode node) {
        long deadline = System.nanoTime() + FAILOVER_PATIENCE.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                RedisNode master = group.currentMaster();
                if (!master.equals(node)) {
                    return master;
                }
            } catch (RuntimeException noQuorum) {
                last = noQuorum;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new IllegalStateException("Sentinel did not promote another master than " + node.name() + " within "
                + FAILOVER_PATIENCE.toSeconds() + " s; not restarting it (it would come back empty as master)", last);
    }

    static FaultStep freezeMaster(Duration at, AtomicReference<RedisNode> frozen) {
        return new FaultStep(at, "master frozen (SIGSTOP)", chaos -> {
            RedisNode master = group(chaos).currentMaster();
            frozen.set(master);
            master.freeze();
        });
    }

    static FaultStep resumeAfterFailover(Duration at, AtomicReference<RedisNode> frozen) {
        return new FaultStep(at, "replica promoted, old master resumed", chaos -> {
            RedisNode node = frozen.get();
            if (node == null) {
                return;
            }
            try {
                group(chaos).awaitFailover(FAILOVER_PATIENCE);
            } finally {
                node.resume();
            }
        });
    }

    static FaultStep fullOutage(Duration at) {
        return new FaultStep(at, "full outage (every proxy disabled)", ChaosTopology::disableAll);
    }

    static FaultStep latency(Duration at, Duration clientTimeout) {
        long millis = clientTimeout.toMillis() * 2 + 100;
        return new FaultStep(at, "latency " + millis + " ms on the primary deployment", chaos -> {
            for (RedisNode node : chaos.topology().nodes()) {
                if (!node.isSentinel()) {
                    chaos.proxy(node).toxics().latency("drill-latency", ToxicDirection.DOWNSTREAM, millis);
                }
            }
        });
    }

    static FaultStep recover(Duration at) {
        return new FaultStep(at, "recovered (proxies enabled, toxics removed)", ChaosTopology::resetAll);
    }

}
