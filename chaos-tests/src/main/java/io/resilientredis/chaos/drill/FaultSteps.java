package io.resilientredis.chaos.drill;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.chaos.topology.SentinelGroup;
import io.resilientredis.chaos.topology.Shape;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The faults a {@link FaultTimeline} can play, as {@link FaultStep}s: faults on a Sentinel group's master
 * (kill, freeze, a planned failover, {@code CLIENT PAUSE}, {@code DEBUG SLEEP}; each usable again once the
 * group has {@link #converged}), network faults through the fault proxies (full outage, blackhole, latency,
 * reset storm, truncated and fragmented replies, a bandwidth throttle, a flapping primary) and resource
 * faults (out of memory). Network faults hit the data nodes of the primary deployment
 * ({@link ChaosTopology#topology()}); {@link #recover(Duration)} heals every proxy.
 *
 * <pre>{@code
 * AtomicReference<RedisNode> killed = new AtomicReference<>();
 * List<FaultStep> steps = List.of(FaultSteps.killMaster(Duration.ofSeconds(3), killed),
 *         FaultSteps.restartAfterFailover(Duration.ofSeconds(6), killed));
 * try (FaultTimeline t = FaultTimeline.start(chaos, steps, System.out::println)) { ... }
 * }</pre>
 */
public final class FaultSteps {

    private static final Duration FAILOVER_PATIENCE = Duration.ofSeconds(20);

    private FaultSteps() {
    }

    /**
     * @param at when
     * @param killed receives the killed node, for {@link #restartAfterFailover}
     * @return a step that kills (SIGKILL) the Sentinel group's current master
     */
    public static FaultStep killMaster(Duration at, AtomicReference<RedisNode> killed) {
        return Scenario.killMaster(at, killed);
    }

    /**
     * @param at when
     * @param killed the node {@link #killMaster} killed
     * @return a step that waits for Sentinel's failover, then restarts the killed node as a replica
     */
    public static FaultStep restartAfterFailover(Duration at, AtomicReference<RedisNode> killed) {
        return Scenario.restartAfterFailover(at, killed);
    }

    /**
     * @param at when
     * @param killed the node {@link #killMaster} killed
     * @return a step that restarts the killed node as a replica of the master the Sentinels name now, once
     *     that is another node, and waits until it has synced (for a caller that already waited for the
     *     failover; {@link #restartAfterFailover} waits for it first)
     */
    public static FaultStep rejoinAsReplica(Duration at, AtomicReference<RedisNode> killed) {
        return new FaultStep(at, "killed master restarted as a replica", chaos -> {
            RedisNode node = killed.get();
            if (node != null && !node.isRunning()) {
                Scenario.rejoinAsReplica(chaos.topology().sentinelGroup(), node);
            }
        });
    }

    /**
     * @param at when
     * @param frozen receives the frozen node, for {@link #resumeAfterFailover}
     * @return a step that freezes (SIGSTOP) the Sentinel group's current master
     */
    public static FaultStep freezeMaster(Duration at, AtomicReference<RedisNode> frozen) {
        return Scenario.freezeMaster(at, frozen);
    }

    /**
     * @param at when
     * @param frozen the node {@link #freezeMaster} froze
     * @return a step that waits for Sentinel to promote a replica, then resumes the frozen node (it comes
     *     back believing it is master until Sentinel converts it)
     */
    public static FaultStep resumeAfterFailover(Duration at, AtomicReference<RedisNode> frozen) {
        return Scenario.resumeAfterFailover(at, frozen);
    }

    /**
     * A planned failover, the way an operator moves the master: {@code SENTINEL FAILOVER <master>} sent to
     * one Sentinel (the next one is asked if it answers {@code INPROG} or {@code NOGOODSLAVE}, for up to
     * 10 s), then waits until the Sentinels name the promoted replica and it reports the master role. The
     * old master keeps running, and keeps taking writes, until Sentinel converts it (about 10 s later):
     * wait with {@link #converged} before the next fault.
     *
     * @param at when
     * @return the step
     */
    public static FaultStep plannedFailover(Duration at) {
        return new FaultStep(at, "planned failover (SENTINEL FAILOVER)", chaos -> {
            SentinelGroup group = chaos.topology().sentinelGroup();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<String> refusals = new ArrayList<>();
            for (int attempt = 0; ; attempt++) {
                RedisNode sentinel = group.sentinels().get(attempt % group.sentinels().size());
                try (RespConnection c = sentinel.connect(Duration.ofSeconds(2))) {
                    c.call("SENTINEL", "FAILOVER", group.masterName());
                    break;
                } catch (RespConnection.ErrorReply refused) {
                    refusals.add(sentinel.name() + ": " + refused.reply());
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("no Sentinel started a planned failover of "
                                + group.masterName() + " within 10 s: " + refusals, refused);
                    }
                    // Pacing a retry of a refused command, not waiting for a condition.
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                }
            }
            group.awaitFailover(FAILOVER_PATIENCE);
        });
    }

    /**
     * {@code CLIENT PAUSE <pause> ALL} on the Sentinel group's current master: it stops answering every
     * client (Sentinels included) but keeps its replication links and its data. With a pause longer than
     * Sentinel's {@code down-after-milliseconds} plus the election, Sentinel promotes a replica while the
     * old master is merely paused; when the pause ends the old master answers again, as master, until
     * Sentinel converts it. Follow with {@link #awaitFailover} and {@link #converged}.
     *
     * @param at when
     * @param pause how long the master is paused
     * @return the step; it returns as soon as the master is paused
     */
    public static FaultStep pauseMaster(Duration at, Duration pause) {
        return new FaultStep(at, "master paused (CLIENT PAUSE " + pause.toMillis() + " ALL)", chaos -> {
            RedisNode master = chaos.topology().sentinelGroup().currentMaster();
            try (RespConnection c = master.connect(Duration.ofSeconds(2))) {
                c.call("CLIENT", "PAUSE", Long.toString(pause.toMillis()), "ALL");
            }
        });
    }

    /**
     * {@code DEBUG SLEEP} on the Sentinel group's current master: the server blocks for that long (it
     * serves nobody, replication included), then goes on as master until Sentinel converts it. Redis 7
     * needs {@code enable-debug-command local}, which the harness sets. Follow with {@link #awaitFailover}
     * and {@link #converged}.
     *
     * @param at when
     * @param sleep how long the master sleeps (whole milliseconds)
     * @return the step; it returns once the master has stopped answering
     */
    public static FaultStep debugSleepMaster(Duration at, Duration sleep) {
        String seconds = String.format(java.util.Locale.ROOT, "%.3f", sleep.toMillis() / 1000.0);
        return new FaultStep(at, "master asleep (DEBUG SLEEP " + seconds + ")", chaos -> {
            RedisNode master = chaos.topology().sentinelGroup().currentMaster();
            RespConnection c = master.connect(sleep.plusSeconds(10));
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread sleeper = new Thread(() -> {
                try (c) {
                    c.call("DEBUG", "SLEEP", seconds);
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
            }, "resilient-redis-debug-sleep");
            sleeper.setDaemon(true);
            sleeper.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (master.answersPing(Duration.ofMillis(200))) {
                if (failure.get() != null) {
                    throw new IllegalStateException(master.name() + " refused DEBUG SLEEP: "
                            + failure.get().getMessage() + " (Redis 7 needs enable-debug-command local)",
                            failure.get());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(master.name() + " still answers PING 2 s after DEBUG SLEEP");
                }
                // Pacing the next PING (the sleep starts within milliseconds), not a wait for a condition.
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        });
    }

    /**
     * @param at when
     * @param patience how long Sentinel may take
     * @return a step that waits until the Sentinels name a master other than the one last confirmed and it
     *     reports the master role (see {@link SentinelGroup#awaitFailover}); it fails when none is promoted
     *     in time
     */
    public static FaultStep awaitFailover(Duration at, Duration patience) {
        return new FaultStep(at, "replica promoted", chaos -> chaos.topology().sentinelGroup().awaitFailover(patience));
    }

    /**
     * @param at when
     * @param timeout how long the group may take
     * @return a step that waits until the Sentinel group has converged: one master every Sentinel names,
     *     every other data node its synced replica (see {@link SentinelGroup#awaitConverged}); put it after
     *     each fault so the next one starts from a whole group
     */
    public static FaultStep converged(Duration at, Duration timeout) {
        return new FaultStep(at, "group converged", chaos -> chaos.topology().sentinelGroup().awaitConverged(timeout));
    }

    /**
     * @param at when
     * @return a step that disables every proxy: no endpoint is reachable
     */
    public static FaultStep fullOutage(Duration at) {
        return Scenario.fullOutage(at);
    }

    /**
     * @param at when
     * @return a step that enables every proxy and removes every toxic
     */
    public static FaultStep recover(Duration at) {
        return Scenario.recover(at);
    }

    /**
     * @param at when
     * @param clientTimeout the client's timeout; replies are delayed by twice that plus 100 ms
     * @return a step that delays every reply of the primary deployment past the client's timeout
     */
    public static FaultStep latency(Duration at, Duration clientTimeout) {
        return Scenario.latency(at, clientTimeout);
    }

    /**
     * @param at when
     * @return a step that swallows all traffic both ways (Toxiproxy's {@code timeout} toxic with 0: the
     *     connection stays open, nothing gets through) to the primary deployment's data nodes
     */
    public static FaultStep blackhole(Duration at) {
        return onDataNodes(at, "network blackhole (timeout toxic, both ways)", p -> {
            p.toxics().timeout("fault-blackhole-up", ToxicDirection.UPSTREAM, 0);
            p.toxics().timeout("fault-blackhole-down", ToxicDirection.DOWNSTREAM, 0);
        });
    }

    /**
     * @param at when
     * @param after how long each connection lives before it is reset
     * @return a step that resets every connection to the primary deployment's data nodes (TCP RST) shortly
     *     after it opens: a reset storm while it lasts
     */
    public static FaultStep resetPeerStorm(Duration at, Duration after) {
        return onDataNodes(at, "reset_peer storm (every connection reset after " + after.toMillis() + " ms)",
                p -> p.toxics().resetPeer("fault-reset-peer", ToxicDirection.DOWNSTREAM, after.toMillis()));
    }

    /**
     * @param at when
     * @param bytes how many reply bytes a connection carries before it is closed
     * @return a step that truncates replies of the primary deployment's data nodes ({@code limit_data})
     */
    public static FaultStep truncatedReplies(Duration at, long bytes) {
        return onDataNodes(at, "truncated replies (limit_data " + bytes + " bytes a connection)",
                p -> p.toxics().limitData("fault-limit-data", ToxicDirection.DOWNSTREAM, bytes));
    }

    /**
     * @param at when
     * @return a step that fragments replies of the primary deployment's data nodes into slices of about 2
     *     bytes, 50 µs apart ({@code slicer})
     */
    public static FaultStep fragmentedReplies(Duration at) {
        return onDataNodes(at, "fragmented replies (slicer, ~2 bytes a slice)",
                p -> p.toxics().slicer("fault-slicer", ToxicDirection.DOWNSTREAM, 2, 50));
    }

    /**
     * @param at when
     * @param kilobytesPerSecond the throttle, each way
     * @return a step that throttles traffic to and from the primary deployment's data nodes
     */
    public static FaultStep bandwidth(Duration at, long kilobytesPerSecond) {
        return onDataNodes(at, "bandwidth throttle (" + kilobytesPerSecond + " KB/s each way)", p -> {
            p.toxics().bandwidth("fault-bandwidth-up", ToxicDirection.UPSTREAM, kilobytesPerSecond);
            p.toxics().bandwidth("fault-bandwidth-down", ToxicDirection.DOWNSTREAM, kilobytesPerSecond);
        });
    }

    /**
     * A step that occupies the timeline while it lasts: the primary's proxy is cut off and let back every
     * {@code period}, and left enabled at the end.
     *
     * @param at when
     * @param period how long each down and each up phase lasts
     * @param lasting how long the flapping goes on
     * @return the step
     */
    public static FaultStep flapPrimary(Duration at, Duration period, Duration lasting) {
        return new FaultStep(at, "primary flapping (down/up every " + period.toMillis() + " ms for "
                + lasting.toSeconds() + " s)", chaos -> {
                    Proxy proxy = chaos.proxy(primaryNode(chaos));
                    long end = System.nanoTime() + lasting.toNanos();
                    boolean down = false;
                    try {
                        while (System.nanoTime() - end < 0 && !Thread.currentThread().isInterrupted()) {
                            down = !down;
                            if (down) {
                                proxy.disable();
                            } else {
                                proxy.enable();
                            }
                            // The flapping's own rhythm: a schedule, not a wait for a condition.
                            LockSupport.parkNanos(period.toNanos());
                        }
                    } finally {
                        proxy.enable();
                    }
                });
    }

    /**
     * @param at when
     * @return a step that cuts off the primary deployment's primary (its proxy disabled), for a failover to
     *     a standby; {@link #recover(Duration)} lets it back
     */
    public static FaultStep primaryDown(Duration at) {
        return new FaultStep(at, "primary cut off (its proxy disabled)", chaos -> chaos.proxy(primaryNode(chaos))
                .disable());
    }

    /**
     * @param at when
     * @param headroom bytes of memory the masters may still grow by before they refuse writes
     * @return a step that sets {@code maxmemory} just above each master's current use with the
     *     {@code noeviction} policy: Redis answers writes {@code OOM} once it is full
     */
    public static FaultStep outOfMemory(Duration at, long headroom) {
        return new FaultStep(at, "out of memory (maxmemory " + headroom / 1024 + " KiB above use, noeviction)",
                chaos -> {
                    for (RedisNode node : masters(chaos)) {
                        try (RespConnection c = node.connect(Duration.ofSeconds(2))) {
                            long used = Long.parseLong(c.info("memory").get("used_memory"));
                            c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
                            c.call("CONFIG", "SET", "maxmemory", Long.toString(used + headroom));
                        }
                    }
                });
    }

    /**
     * @param at when
     * @return a step that lifts the memory limit ({@code maxmemory 0}) on every data node
     */
    public static FaultStep memoryRestored(Duration at) {
        return new FaultStep(at, "memory limit lifted (maxmemory 0)", FaultSteps::liftMemoryLimit);
    }

    /**
     * Lifts the memory limit on every data node of the primary deployment (also a cleanup after
     * {@link #outOfMemory}).
     *
     * @param chaos the topology
     * @throws IOException when a node cannot be reached
     */
    public static void liftMemoryLimit(ChaosTopology chaos) throws IOException {
        for (RedisNode node : chaos.topology().nodes()) {
            if (!node.isSentinel() && node.isRunning()) {
                try (RespConnection c = node.connect(Duration.ofSeconds(2))) {
                    c.call("CONFIG", "SET", "maxmemory", "0");
                }
            }
        }
    }

    @FunctionalInterface
    private interface ProxyFault {
        void apply(Proxy proxy) throws IOException;
    }

    private static FaultStep onDataNodes(Duration at, String label, ProxyFault fault) {
        return new FaultStep(at, label, chaos -> {
            for (RedisNode node : chaos.topology().nodes()) {
                if (!node.isSentinel()) {
                    fault.apply(chaos.proxy(node));
                }
            }
        });
    }

    private static RedisNode primaryNode(ChaosTopology chaos) {
        return chaos.topology().shape() == Shape.SENTINEL_GROUP ? chaos.topology().sentinelGroup().currentMaster()
                : chaos.topology().primary();
    }

    private static List<RedisNode> masters(ChaosTopology chaos) throws IOException {
        List<RedisNode> masters = new ArrayList<>();
        for (RedisNode node : chaos.topology().nodes()) {
            if (node.isSentinel() || !node.isRunning()) {
                continue;
            }
            try (RespConnection c = node.connect(Duration.ofSeconds(2))) {
                Map<String, String> info = c.info("replication");
                if ("master".equals(info.get("role"))) {
                    masters.add(node);
                }
            }
        }
        return masters;
    }
}
