package io.resilientredis.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.ClusterShard;
import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.LaneStatus;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spill lanes on a real three-shard cluster (one replica each, a fault proxy per node): each shard has its
 * own lane, breaker and store; a shard that is down costs only its own keys; a slot the cluster moves while
 * its lane holds a backlog keeps its keys' order; a restarted client replays every lane. One cluster for
 * the class ({@link ClusterShardFailoverTest} kills a master).
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLanesTest {

    private static final Duration SETTLE = Duration.ofSeconds(30);

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.cluster(3));

    @TempDir
    Path dir;

    private static RedisCluster cluster() {
        return CHAOS.get().topology().cluster();
    }

    private ResilientRedis.Builder client(Path spill) {
        return ResilientRedis.builder()
                .primary(CHAOS.get().primaryEndpoint())
                .spill(spill)
                .timeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(500));
    }

    /** {@code n} keys in shard {@code shard}'s first slot range. */
    private static List<String> keysOf(int shard, String prefix, int n) {
        ClusterShard s = cluster().shard(shard);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(ClusterSlots.keyInSlot(prefix, s.slotRanges().get(0).first() + i) + ":" + i);
        }
        return keys;
    }

    /** Set while a test has shard 1 killed: the next tests need it back. */
    private boolean restartShard1;

    @AfterEach
    void heal() {
        CHAOS.get().resetAll();
        if (restartShard1) {
            cluster().restartShard(1);
            cluster().awaitClusterOk(SETTLE);
        }
    }

    @Test
    @Order(1)
    void eachShardHasItsOwnLaneBreakerAndStore() throws Exception {
        try (ResilientRedis redis = client(dir).build()) {
            List<LaneStatus> lanes = redis.status().lanes();
            assertThat(lanes).hasSize(3);
            for (int i = 0; i < 3; i++) {
                ClusterShard shard = cluster().shard(i);
                LaneStatus lane = lanes.get(i);
                assertThat(lane.lane()).isEqualTo(i);
                assertThat(lane.slots()).containsExactly(shard.slotRanges().get(0).first() + "-"
                        + shard.slotRanges().get(0).last());
                assertThat(lane.master()).isEqualTo(shard.master().host() + ":" + shard.master().port());
                assertThat(lane.breaker()).isEqualTo(BreakerState.CLOSED);
                assertThat(Files.isDirectory(dir.resolve("lanes").resolve(Integer.toString(i)))).isTrue();
            }
            assertThat(Files.readString(dir.resolve("lanes/layout"))).contains("0-" + cluster().shard(0)
                    .slotRanges().get(0).last() + "=0");
        }
    }

    @Test
    @Order(2)
    void aWholeShardDownSpillsOnlyItsOwnKeysAndTheyReplayOnce() throws Exception {
        Map<Integer, List<String>> keys = new HashMap<>();
        for (int s = 0; s < 3; s++) {
            keys.put(s, keysOf(s, "down:", 4));
        }
        try (ResilientRedis redis = client(dir).build()) {
            cluster().killShard(1);
            restartShard1 = true;
            List<WriteReceipt<?>> others = new ArrayList<>();
            List<WriteReceipt<?>> dead = new ArrayList<>();
            Map<String, Integer> increments = new HashMap<>();
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            int round = 0;
            while (System.nanoTime() < until) {
                for (int s = 0; s < 3; s++) {
                    for (String key : keys.get(s)) {
                        WriteReceipt<Long> r = redis.incrBy(key, 1);
                        increments.merge(key, 1, Integer::sum);
                        (s == 1 ? dead : others).add(r);
                    }
                }
                round++;
            }
            assertThat(round).isGreaterThan(10);
            assertThat(others).extracting(WriteReceipt::status).as("writes to the shards that are up")
                    .containsOnly(WriteStatus.WRITTEN);
            assertThat(dead).extracting(WriteReceipt::status).as("writes to the dead shard")
                    .containsOnly(WriteStatus.SPILLED);
            List<LaneStatus> lanes = redis.status().lanes();
            assertThat(lanes.get(1).breaker()).isNotEqualTo(BreakerState.CLOSED);
            assertThat(lanes.get(0).breaker()).isEqualTo(BreakerState.CLOSED);
            assertThat(lanes.get(1).spill().depth()).isEqualTo(dead.size());
            assertThat(lanes.get(0).spill().depth()).isZero();
            assertThat(lanes.get(2).spill().depth()).isZero();

            cluster().restartShard(1);
            restartShard1 = false;
            cluster().awaitClusterOk(SETTLE);
            assertThat(redis.awaitSpillDrained(SETTLE)).isTrue();
            for (Map.Entry<String, Integer> e : increments.entrySet()) {
                assertThat(cluster().call(e.getKey(), "GET", e.getKey())).as(e.getKey())
                        .isEqualTo(Integer.toString(e.getValue()));
            }
        }
    }

    @Test
    @Order(3)
    void aSlotMovedWhileItsLaneHoldsABacklogKeepsItsKeysOrderAndThenJoinsItsNewShardsLane() throws Exception {
        ClusterShard from = cluster().shard(0);
        ClusterShard to = cluster().shard(2);
        int slot = from.slotRanges().get(0).first() + 100;
        String key = ClusterSlots.keyInSlot("moved:", slot);
        String counter = key + ":n";
        try (ResilientRedis redis = client(dir).build()) {
            // The client loses shard 0 (its proxies are cut; the cluster itself is whole).
            for (RedisNode node : from.nodes()) {
                CHAOS.get().proxy(node).disable();
            }
            for (int i = 0; i < 20; i++) {
                assertThat(redis.set(key, "v" + i).status()).isEqualTo(WriteStatus.SPILLED);
                assertThat(redis.incrBy(counter, 1).status()).isEqualTo(WriteStatus.SPILLED);
            }
            cluster().migrateSlot(slot, from.master(), to.master());
            CHAOS.get().resetAll();
            // Writes made now queue behind the backlog: the slot is still in lane 0.
            for (int i = 20; i < 30; i++) {
                redis.set(key, "v" + i);
                redis.incrBy(counter, 1);
            }
            assertThat(redis.awaitSpillDrained(SETTLE)).isTrue();
            assertThat(cluster().call(key, "GET", key)).isEqualTo("v29");
            assertThat(cluster().call(counter, "GET", counter)).isEqualTo("30");
            // With lane 0 empty, the slot joins the lane of the shard that serves it now.
            await().atMost(SETTLE).until(() -> redis.status().lanes().get(2).slots().contains(Integer.toString(slot)));
            assertThat(Files.readString(dir.resolve("lanes/layout"))).contains(slot + "=2");
            assertThat(redis.set(key, "after").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(cluster().call(key, "GET", key)).isEqualTo("after");
        } finally {
            cluster().migrateSlot(slot, to.master(), from.master());
        }
    }

    @Test
    @Order(4)
    void aRestartedClientReplaysEveryLaneItsPredecessorLeft() throws Exception {
        Map<Integer, List<String>> keys = new HashMap<>();
        for (int s = 0; s < 3; s++) {
            keys.put(s, keysOf(s, "restart:", 3));
        }
        try (ResilientRedis redis = client(dir).build()) {
            CHAOS.get().disableAll();
            for (int round = 0; round < 5; round++) {
                for (List<String> ks : keys.values()) {
                    for (String key : ks) {
                        assertThat(redis.incrBy(key, 1).status()).isEqualTo(WriteStatus.SPILLED);
                        assertThat(redis.rpush(key + ":l", "r" + round).status()).isEqualTo(WriteStatus.SPILLED);
                    }
                }
            }
            assertThat(redis.status().lanes()).allSatisfy(l -> assertThat(l.spill().depth()).isEqualTo(30));
        }
        CHAOS.get().resetAll();
        try (ResilientRedis redis = client(dir).build()) {
            assertThat(redis.awaitSpillDrained(SETTLE)).isTrue();
            for (List<String> ks : keys.values()) {
                for (String key : ks) {
                    assertThat(cluster().call(key, "GET", key)).isEqualTo("5");
                    assertThat(cluster().call(key, "LRANGE", key + ":l", "0", "-1"))
                            .isEqualTo(List.of("r0", "r1", "r2", "r3", "r4"));
                }
            }
        }
    }
}
