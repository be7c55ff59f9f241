package io.resilientredis.chaos.drill;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.chaos.topology.Shape;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The faults a {@link FaultTimeline} can play, as {@link FaultStep}s: process faults on a Sentinel group's
 * master (kill, freeze), network faults through the fault proxies (full outage, blackhole, latency,
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
