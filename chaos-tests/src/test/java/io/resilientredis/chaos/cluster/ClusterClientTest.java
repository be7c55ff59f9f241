package io.resilientredis.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.ClusterShard;
import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.Markers;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client on a real three-shard cluster (one replica each), through a fault proxy per node: writes
 * and reads reach every shard, exactly-once markers live in their data key's slot, writes whose keys
 * span slots are refused before they go anywhere, and a full outage is spilled and replayed once.
 */
class ClusterClientTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.cluster(3));

    @TempDir
    Path dir;

    private static RedisCluster cluster() {
        return CHAOS.get().topology().cluster();
    }

    private ResilientRedis client() {
        return ResilientRedis.builder()
                .primary(CHAOS.get().primaryEndpoint())
                .spill(dir)
                .timeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(500))
                .build();
    }

    /** A key in each shard's first slot, with {@code prefix}. */
    private static List<String> keyPerShard(String prefix) {
        List<String> keys = new ArrayList<>();
        for (ClusterShard shard : cluster().shards()) {
            keys.add(ClusterSlots.keyInSlot(prefix, shard.slotRanges().get(0).first()) + ":" + shard.index());
        }
        return keys;
    }

    @AfterEach
    void heal() {
        CHAOS.get().resetAll();
    }

    @Test
    void writesAndReadsReachEveryShardAndMarkersLiveInTheirKeysSlot() throws Exception {
        try (ResilientRedis redis = client()) {
            for (String key : keyPerShard("direct:")) {
                assertThat(redis.set(key, "v").status()).isEqualTo(WriteStatus.WRITTEN);
                assertThat(redis.get(key)).isEqualTo("v");
                WriteReceipt<Long> incr = redis.incrBy(key + ":n", 3);
                assertThat(incr.status()).isEqualTo(WriteStatus.WRITTEN);
                assertThat(incr.reply()).isEqualTo(3L);
                assertThat(redis.hset(key + ":h", "f", "x").status()).isEqualTo(WriteStatus.WRITTEN);
                assertThat(redis.hget(key + ":h", "f")).isEqualTo("x");
                assertThat(redis.rpush(key + ":l", "a", "b").reply()).isEqualTo(2L);
                assertThat(redis.lrange(key + ":l", 0, -1)).containsExactly("a", "b");
                WriteReceipt<Object> zincr = redis.execute(RedisCommand.write("ZINCRBY", key + ":z", "2", "m"));
                assertThat(zincr.status()).isEqualTo(WriteStatus.WRITTEN);
                assertThat(redis.execute(RedisCommand.read("ZSCORE", key + ":z", "m"))).isEqualTo("2");

                assertThat(cluster().call(key, "GET", key)).isEqualTo("v");
                assertThat(cluster().call(key + ":n", "GET", key + ":n")).isEqualTo("3");
                String marker = Markers.key(incr.id(), key + ":n");
                assertThat(ClusterSlots.slot(marker)).isEqualTo(ClusterSlots.slot(key + ":n"));
                assertThat(cluster().call(marker, "GET", marker)).as("the INCRBY's marker, on the key's shard")
                        .isEqualTo("3");
            }
            JobQueue queue = redis.queue("cluster-jobs");
            assertThat(queue.enqueue("job-1").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(queue.stats().ready()).isEqualTo(1L);
        }
    }

    @Test
    void writesWhoseKeysSpanSlotsAreRefusedBeforeTheyAreSentOrSpilled() {
        try (ResilientRedis redis = client()) {
            assertThatThrownBy(() -> redis.del("user:1:name", "user:2:name"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("different hash slots")
                    .hasMessageContaining("slot " + ClusterSlots.slot("user:1:name"))
                    .hasMessageContaining("hash tag");
            assertThatThrownBy(() -> redis.execute(RedisCommand.write("MSET", "a", "1", "b", "2").idempotent()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MSET");
            assertThat(redis.status().spill().depth()).isZero();
            // One hash tag: one slot, accepted.
            assertThat(redis.del("user:{42}:name", "user:{42}:email").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis.execute(RedisCommand.write("MSET", "{t}a", "1", "{t}b", "2").idempotent()).status())
                    .isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis.execute(RedisCommand.read("MGET", "{t}a", "{t}b").reply(RedisCommand.Reply.MULTI)))
                    .isEqualTo(List.of("1", "2"));
        }
    }

    @Test
    void aFullOutageIsSpilledAndReplayedOnceOnEveryShard() throws Exception {
        List<String> keys = keyPerShard("outage:");
        try (ResilientRedis redis = client()) {
            for (String key : keys) {
                redis.set(key + ":n", "10");
            }
            CHAOS.get().disableAll();
            List<WriteReceipt<?>> receipts = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (String key : keys) {
                    receipts.add(redis.incrBy(key + ":n", 1));
                    receipts.add(redis.set(key + ":last", "r" + round));
                    receipts.add(redis.rpush(key + ":l", "r" + round));
                }
            }
            JobQueue queue = redis.queue("outage-jobs");
            receipts.add(queue.enqueue("spilled-job"));
            assertThat(receipts).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
            assertThat(redis.status().spill().depth()).isEqualTo(receipts.size());

            CHAOS.get().resetAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.status().spill().depth() == 0);
            for (String key : keys) {
                assertThat(cluster().call(key, "GET", key + ":n")).isEqualTo("15");
                assertThat(cluster().call(key, "GET", key + ":last")).isEqualTo("r4");
                assertThat(cluster().call(key, "LRANGE", key + ":l", "0", "-1"))
                        .isEqualTo(List.of("r0", "r1", "r2", "r3", "r4"));
            }
            assertThat(queue.stats().ready()).isEqualTo(1L);
        }
    }

    @Test
    void aClusterAsTheStandbyTakesTheWritesWhenTheStandalonePrimaryDies() throws Exception {
        try (RedisTopology primary = RedisTopology.standalone().start();
             ResilientRedis redis = ResilientRedis.builder()
                     .primary(io.resilientredis.client.RedisEndpoint.standalone(primary.primary().uri()))
                     .standby(CHAOS.get().primaryEndpoint())
                     .spill(dir)
                     .timeout(Duration.ofMillis(500))
                     .connectTimeout(Duration.ofMillis(500))
                     .build()) {
            assertThat(redis.set("standby:k", "on-primary").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis.status().lanes()).as("lanes are a cluster primary's").isEmpty();
            primary.primary().kill();
            List<String> keys = keyPerShard("standby:");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    CHAOS.get().primaryEndpoint().displayName().equals(redis.status().activeEndpoint()));
            for (String key : keys) {
                WriteReceipt<Long> r = redis.incrBy(key, 7);
                assertThat(r.status()).isEqualTo(WriteStatus.WRITTEN);
                assertThat(cluster().call(key, "GET", key)).isEqualTo("7");
                assertThat(redis.get(key)).isEqualTo("7");
            }
        }
    }
}
