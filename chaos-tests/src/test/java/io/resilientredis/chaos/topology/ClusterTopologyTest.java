package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real three-shard cluster (one replica each) behind a fault proxy per node: it serves a key on every
 * shard, clients reach it through the proxies with the NAT map, a slot moves with its keys, and a
 * shard's killed master is replaced by its replica. One cluster for the class; the failover runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTopologyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.cluster(3));

    private static RedisCluster cluster() {
        return CHAOS.get().topology().cluster();
    }

    @Test
    @Order(1)
    void servesAKeyOnEveryShard() throws IOException {
        RedisCluster cluster = cluster();
        List<ClusterShard> shards = cluster.shards();
        assertThat(shards).hasSize(3);
        assertThat(shards.stream().mapToInt(ClusterShard::slotCount).sum()).isEqualTo(ClusterSlots.SLOTS);
        for (ClusterShard shard : shards) {
            assertThat(shard.replicas()).hasSize(1);
            assertThat(shard.master().role()).isEqualTo(Role.MASTER);
            assertThat(shard.replicas().get(0).role()).isEqualTo(Role.REPLICA);
            String key = ClusterSlots.keyInSlot("serves:", shard.slotRanges().get(0).first());
            assertThat(cluster.call(key, "SET", key, "v" + shard.index())).isEqualTo("OK");
            assertThat(cluster.call(key, "GET", key)).isEqualTo("v" + shard.index());
            // Asked on another shard's master, the key is MOVED to its own.
            RedisNode other = shards.get((shard.index() + 1) % shards.size()).master();
            try (RespConnection connection = other.connect(TIMEOUT)) {
                assertThatThrownBy(() -> connection.call("GET", key)).isInstanceOf(RespConnection.ErrorReply.class)
                        .hasMessageContaining("MOVED " + ClusterSlots.slot(key) + " 127.0.0.1:" + shard.master().port());
            }
        }
        assertThat(CHAOS.get().topology().shape()).isEqualTo(Shape.CLUSTER);
        assertThat(CHAOS.get().topology().nodes()).hasSize(6);
    }

    @Test
    @Order(2)
    void clientsReachTheNodesThroughTheirProxiesWithTheNatMap() throws IOException {
        ChaosTopology chaos = CHAOS.get();
        RedisCluster cluster = cluster();
        Map<String, String> nat = chaos.clusterNatMap();
        assertThat(nat).hasSize(6);
        assertThat(chaos.clusterSeeds()).containsExactlyElementsOf(nat.values());
        ClusterShard target = cluster.shard(1);
        String key = ClusterSlots.keyInSlot("proxied:", target.slotRanges().get(0).first());

        // A seed of another shard redirects; the announced address maps to the target's proxy.
        String seed = chaos.clientAddress(cluster.shard(0).master());
        String movedTo;
        try (RespConnection connection = open(seed)) {
            RespConnection.ErrorReply moved = org.junit.jupiter.api.Assertions.assertThrows(
                    RespConnection.ErrorReply.class, () -> connection.call("SET", key, "through-proxy"));
            movedTo = moved.reply().split(" ")[2];
        }
        assertThat(nat.get(movedTo)).isEqualTo(chaos.clientAddress(target.master()));
        try (RespConnection connection = open(nat.get(movedTo))) {
            assertThat(connection.call("SET", key, "through-proxy")).isEqualTo("OK");
        }

        // Cutting the client path to one node leaves the cluster itself whole: its bus and replication are direct.
        chaos.proxy(target.master()).disable();
        try {
            assertThatThrownBy(() -> {
                try (RespConnection connection = open(nat.get(movedTo))) {
                    connection.call("GET", key);
                }
            }).isInstanceOf(IOException.class);
            cluster.awaitClusterOk(Duration.ofSeconds(5));
            assertThat(cluster.call(key, "GET", key)).isEqualTo("through-proxy");
        } finally {
            chaos.resetAll();
        }
    }

    @Test
    @Order(3)
    void migratesASlotWithItsKeys() throws IOException {
        RedisCluster cluster = cluster();
        RedisNode from = cluster.shard(0).master();
        RedisNode to = cluster.shard(2).master();
        int slot = cluster.shard(0).slotRanges().get(0).first() + 7;
        int[] countsBefore = cluster.shards().stream().mapToInt(ClusterShard::slotCount).toArray();
        String[] keys = new String[3];
        String tag = ClusterSlots.keyInSlot("migrate:", slot);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = tag + ":" + i;
            assertThat(ClusterSlots.slot(keys[i])).isEqualTo(slot);
            cluster.call(keys[i], "SET", keys[i], "value-" + i);
        }

        cluster.migrateSlot(slot, from, to);

        assertThat(cluster.shardOf(slot).index()).isEqualTo(2);
        assertThat(cluster.shard(0).owns(slot)).isFalse();
        for (int i = 0; i < keys.length; i++) {
            try (RespConnection connection = to.connect(TIMEOUT)) {
                assertThat(connection.call("GET", keys[i])).isEqualTo("value-" + i);
            }
            String key = keys[i];
            try (RespConnection connection = from.connect(TIMEOUT)) {
                assertThatThrownBy(() -> connection.call("GET", key)).hasMessageContaining("MOVED " + slot);
            }
        }
        for (ClusterShard shard : cluster.shards()) {
            int moved = shard.index() == 0 ? -1 : shard.index() == 2 ? 1 : 0;
            assertThat(shard.slotCount()).isEqualTo(countsBefore[shard.index()] + moved);
        }
    }

    @Test
    @Order(4)
    void replacesAKilledMasterWithItsReplica() throws IOException {
        RedisCluster cluster = cluster();
        ClusterShard before = cluster.shard(1);
        String key = ClusterSlots.keyInSlot("failover:", before.slotRanges().get(0).first());
        try (RespConnection connection = before.master().connect(TIMEOUT)) {
            connection.call("SET", key, "kept");
            assertThat(connection.call("WAIT", "1", "2000")).isEqualTo(1L);
        }

        RedisNode killed = cluster.killMaster(1);
        RedisNode promoted = cluster.awaitClusterFailover(1, Duration.ofSeconds(20));

        assertThat(promoted).isEqualTo(before.replicas().get(0)).isNotEqualTo(killed);
        assertThat(promoted.role()).isEqualTo(Role.MASTER);
        assertThat(cluster.shard(1).slotRanges()).isEqualTo(before.slotRanges());
        assertThat(cluster.call(key, "GET", key)).isEqualTo("kept");

        killed.restart();   // rejoins, from its nodes.conf, as the promoted master's replica
        assertThat(Support.pollUntil(Duration.ofSeconds(15), Duration.ofMillis(50), () -> {
            try {
                return killed.role() == Role.REPLICA;
            } catch (RedisTopologyException e) {
                return false;
            }
        })).as("the restarted master rejoins as a replica").isTrue();
        cluster.awaitClusterOk(Duration.ofSeconds(15));
        assertThat(cluster.shard(1).master()).isEqualTo(promoted);
        assertThat(cluster.shard(1).replicas()).containsExactly(killed);
    }

    private static RespConnection open(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        return RespConnection.open(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
                TIMEOUT);
    }
}
