package io.resilientredis.chaos.drill;

import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.ClusterShard;
import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RespConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The faults of the drill's cluster shape, as {@link FaultStep}s on a {@link ChaosTopology} whose primary
 * deployment is a Redis Cluster: a shard's master killed and the cluster's failover, a whole shard down and
 * restarted, latency on one shard's proxies, a slot migrated under load. Each step names the shard it is
 * about ({@link FaultStep#shard()}), so the drill can tell the lane the fault hit from the healthy ones.
 * Network faults go through the fault proxies (client traffic only); the harness reaches the nodes
 * directly, so it can migrate a slot off a shard the client cannot reach.
 */
public final class ClusterFaultSteps {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private ClusterFaultSteps() {
    }

    private static RedisCluster cluster(ChaosTopology chaos) {
        return chaos.topology().cluster();
    }

    /**
     * @param at when
     * @param shard the shard
     * @param killed receives the killed node, for {@link #failoverThenRejoin}
     * @return a step that SIGKILLs the shard's master; the cluster promotes one of its replicas
     */
    public static FaultStep killMaster(Duration at, int shard, AtomicReference<RedisNode> killed) {
        return new FaultStep(at, "shard " + shard + " master killed (SIGKILL)",
                chaos -> killed.set(cluster(chaos).killMaster(shard)), shard);
    }

    /**
     * @param at when
     * @param shard the shard {@link #killMaster} hit
     * @param killed the node it killed
     * @return a step that waits for the cluster to promote a replica of the shard, then restarts the killed
     *     node (it rejoins as a replica of the promoted one) and waits until it has synced
     */
    public static FaultStep failoverThenRejoin(Duration at, int shard, AtomicReference<RedisNode> killed) {
        return new FaultStep(at, "shard " + shard + " failed over, old master restarted as a replica", chaos -> {
            RedisNode node = killed.get();
            if (node == null) {
                return;
            }
            try {
                cluster(chaos).awaitClusterFailover(shard, PATIENCE);
            } finally {
                if (!node.isRunning()) {
                    node.restart();
                }
            }
            awaitSyncedReplica(node);
            cluster(chaos).awaitClusterOk(PATIENCE);
        }, shard);
    }

    /**
     * @param at when
     * @param shard the shard
     * @param master receives the shard's master, for {@link #restartShard}
     * @return a step that SIGKILLs every node of the shard: its slots have no server (no replica is left to
     *     promote); the other shards keep serving theirs
     */
    public static FaultStep shardDown(Duration at, int shard, AtomicReference<RedisNode> master) {
        return new FaultStep(at, "shard " + shard + " down (every node SIGKILLed)", chaos -> {
            master.set(cluster(chaos).shard(shard).master());
            cluster(chaos).killShard(shard);
        }, shard);
    }

    /**
     * Restarts a shard {@link #shardDown} killed: its master first, and once every answering node reports
     * {@code cluster_state:ok} with it serving its slots again, its replicas, each waited for until synced.
     * Restarting the replicas with their master could let one of them, still seeing the master failed,
     * win an election with older data; an operator brings a shard back the same way. The nodes run with an
     * append-only file, so the master comes back with its data.
     *
     * @param at when
     * @param shard the shard
     * @param master the master {@link #shardDown} recorded
     * @return the step
     */
    public static FaultStep restartShard(Duration at, int shard, AtomicReference<RedisNode> master) {
        return new FaultStep(at, "shard " + shard + " restarted (master, then its replicas)", chaos -> {
            RedisCluster cluster = cluster(chaos);
            RedisNode m = master.get();
            if (m == null) {
                return;
            }
            if (!m.isRunning()) {
                m.restart();
            }
            cluster.awaitClusterOk(PATIENCE);
            for (RedisNode node : cluster.shard(shard).nodes()) {
                if (!node.isRunning()) {
                    node.restart();
                }
            }
            for (RedisNode node : cluster.shard(shard).replicas()) {
                awaitSyncedReplica(node);
            }
            cluster.awaitClusterOk(PATIENCE);
        }, shard);
    }

    /**
     * @param at when
     * @param shard the shard
     * @param clientTimeout the client's timeout; replies are delayed by twice that plus 100 ms
     * @return a step that delays every reply of the shard's nodes (their proxies) past the client's timeout
     */
    public static FaultStep latency(Duration at, int shard, Duration clientTimeout) {
        long millis = clientTimeout.toMillis() * 2 + 100;
        return new FaultStep(at, "latency " + millis + " ms on shard " + shard, chaos -> {
            for (RedisNode node : cluster(chaos).shard(shard).nodes()) {
                chaos.proxy(node).toxics().latency("drill-latency", ToxicDirection.DOWNSTREAM, millis);
            }
        }, shard);
    }

    /**
     * A slot migrated off a shard under load, the way {@code redis-cli --cluster reshard} moves it
     * ({@link RedisCluster#migrateSlot}): the slot of a random key of the shard's master. The drill's data
     * keys and their exactly-once markers share slots (a marker carries its data key's slot), so the slot
     * holds a key the workload is writing. Played while the shard is faulted, it moves a slot whose lane
     * holds a backlog: the lane keeps the slot until it has replayed, to the slot's new shard.
     *
     * @param at when
     * @param from the shard it leaves
     * @param to the shard it goes to
     * @return the step
     */
    public static FaultStep migrateSlot(Duration at, int from, int to) {
        return new FaultStep(at, "a loaded slot migrated from shard " + from + " to shard " + to, chaos -> {
            RedisCluster cluster = cluster(chaos);
            ClusterShard source = cluster.shard(from);
            int slot;
            try (RespConnection c = source.master().connect(Duration.ofSeconds(2))) {
                Object key = c.call("RANDOMKEY");
                slot = key == null ? source.slotRanges().get(0).first() : ClusterSlots.slot(String.valueOf(key));
            }
            cluster.migrateSlot(slot, source.master(), cluster.shard(to).master());
        }, from);
    }

    /**
     * @param at when
     * @param shard the shard the healed fault was about
     * @return a step that enables every proxy and removes every toxic
     */
    public static FaultStep recover(Duration at, int shard) {
        return new FaultStep(at, "shard " + shard + " recovered (toxics removed)", ChaosTopology::resetAll, shard);
    }

    /**
     * @param at when
     * @return a step that disables every proxy: no shard is reachable
     */
    public static FaultStep fullOutage(Duration at) {
        FaultStep s = FaultSteps.fullOutage(at);
        return new FaultStep(s.at(), s.label(), s.action(), FaultStep.ALL_SHARDS);
    }

    /**
     * @param at when
     * @return a step that enables every proxy and removes every toxic, after {@link #fullOutage}
     */
    public static FaultStep recoverAll(Duration at) {
        FaultStep s = FaultSteps.recover(at);
        return new FaultStep(s.at(), s.label(), s.action(), FaultStep.ALL_SHARDS);
    }

    /** Polls until a restarted node is a replica whose link to its master is up and whose sync is done. */
    static void awaitSyncedReplica(RedisNode node) throws IOException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Map<String, String> last = Map.of();
        while (System.nanoTime() - deadline < 0) {
            try (RespConnection c = node.connect(Duration.ofSeconds(1))) {
                last = c.info("replication");
                if ("slave".equals(last.get("role")) && "up".equals(last.get("master_link_status"))
                        && "0".equals(last.get("master_sync_in_progress"))) {
                    return;
                }
            } catch (IOException notYet) {
                // still loading or starting: keep polling
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new IllegalStateException(node.name() + " did not sync as a replica within " + PATIENCE.toSeconds()
                + " s; INFO replication: " + List.copyOf(last.entrySet()));
    }
}
