package io.resilientredis.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.ClusterShard;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter against a real three-shard Redis Cluster (one replica per shard, password-protected) from
 * the chaos harness: wired from {@code spring.data.redis.cluster.nodes} alone and from
 * {@code resilient-redis.cluster.nodes}; writes land on every shard and read back; health lists one
 * lane per shard with its slots, breaker and spill depth; a frozen shard spills only its own lane's
 * writes while health stays UP, and they replay once after it resumes. One cluster for the class.
 */
class ResilientRedisClusterTest {

    private static final String PASSWORD = "Starter-cluster-pw-71c";

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos = ChaosTopologyExtension.proxied(
            RedisTopology.cluster(3).password(PASSWORD));

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilientRedisAutoConfiguration.class));

    @TempDir
    Path spillDir;

    private static RedisCluster cluster() {
        return chaos.get().topology().cluster();
    }

    /** The seeds as Spring Data Redis takes them: host:port of each node's proxy, comma-separated. */
    private static String seeds() {
        return String.join(",", chaos.get().clusterSeeds());
    }

    /** One key per shard, so that a test touches every shard (hash tags pick the slot). */
    private static Map<Integer, String> keyPerShard(String prefix) {
        Map<Integer, String> keys = new LinkedHashMap<>();
        for (int i = 0; keys.size() < cluster().shardCount(); i++) {
            String key = prefix + "{" + i + "}";
            keys.putIfAbsent(cluster().shardOfKey(key).index(), key);
        }
        return keys;
    }

    private static String stored(String key) throws IOException {
        Object value = cluster().call(key, "GET", key);
        return value == null ? null : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lanes(Health health) {
        return (List<Map<String, Object>>) health.getDetails().get("lanes");
    }

    /** Writes and reads a key on every shard, checks each in its shard directly, and the health's lanes. */
    private static void writesReadsAndShowsTheLanes(AssertableApplicationContext context, String prefix)
            throws IOException {
        assertThat(context).hasNotFailed().hasSingleBean(ResilientRedis.class);
        ResilientRedis redis = context.getBean(ResilientRedis.class);
        for (String key : keyPerShard(prefix).values()) {
            assertThat(redis.set(key, "v-" + key).status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis.get(key)).isEqualTo("v-" + key);
            assertThat(stored(key)).isEqualTo("v-" + key);
        }
        assertThat(redis.status().lanes()).hasSize(3);

        Health health = context.getBean(ResilientRedisHealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("writes", "direct").containsEntry("spilling", false);
        assertThat(health.toString()).doesNotContain(PASSWORD);
        List<Map<String, Object>> lanes = lanes(health);
        assertThat(lanes).hasSize(3).allSatisfy(lane -> {
            assertThat(lane).containsKeys("lane", "slots", "master", "breaker", "writesTo", "spillDepth");
            assertThat(lane).containsEntry("breaker", "CLOSED").containsEntry("spillDepth", 0L);
        });
        List<String> masters = new ArrayList<>();
        for (ClusterShard shard : cluster().shards()) {
            masters.add(shard.master().host() + ":" + shard.master().port());
        }
        assertThat(lanes).extracting(l -> l.get("master")).containsExactlyInAnyOrderElementsOf(masters);
        // Between them the lanes route every slot: 16384 in their ranges.
        int slots = 0;
        for (Map<String, Object> lane : lanes) {
            for (String range : String.valueOf(lane.get("slots")).split(",")) {
                String[] ends = range.split("-");
                slots += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
            }
        }
        assertThat(slots).isEqualTo(16384);
    }

    @Test
    void wiresAClusterFromSpringDataRedisClusterNodesAlone() {
        runner.withPropertyValues("spring.data.redis.cluster.nodes=" + seeds(),
                        "spring.data.redis.password=" + PASSWORD, "resilient-redis.spill.directory=" + spillDir)
                .run(context -> {
                    writesReadsAndShowsTheLanes(context, "sb:data:");
                    assertThat(context.getBean(ResilientRedisHealthIndicator.class).health().getDetails()
                            .get("activeEndpoint").toString()).startsWith("redis-cluster://:***@");
                });
    }

    @Test
    void wiresAClusterFromResilientRedisClusterNodesBeforeSpringDataRedis() {
        List<String> urls = new ArrayList<>();
        for (String seed : chaos.get().clusterSeeds()) {
            urls.add("redis://" + seed);
        }
        runner.withPropertyValues("resilient-redis.cluster.nodes=" + String.join(",", urls),
                        "resilient-redis.password=" + PASSWORD, "spring.data.redis.port=1",
                        "resilient-redis.spill.directory=" + spillDir)
                .run(context -> writesReadsAndShowsTheLanes(context, "sb:rr:"));
    }

    @Test
    void aFrozenShardSpillsOnlyItsOwnLaneWhileHealthStaysUpAndReplaysOnce() {
        runner.withPropertyValues("resilient-redis.cluster.nodes=" + seeds(), "resilient-redis.password=" + PASSWORD,
                        "resilient-redis.spill.directory=" + spillDir, "resilient-redis.timeout=500ms",
                        "resilient-redis.connect-timeout=1s", "resilient-redis.breaker.open-delay=500ms",
                        "resilient-redis.breaker.probe-interval=100ms", "resilient-redis.shutdown.drain-timeout=10s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ResilientRedis redis = context.getBean(ResilientRedis.class);
                    ResilientRedisHealthIndicator health = context.getBean(ResilientRedisHealthIndicator.class);
                    Map<Integer, String> keys = keyPerShard("sb:frozen:");
                    int frozen = 1;
                    RedisNode frozenMaster = cluster().shard(frozen).master();
                    String frozenAddress = frozenMaster.host() + ":" + frozenMaster.port();
                    String frozenKey = keys.get(frozen);
                    List<String> pushed = new ArrayList<>();
                    List<WriteReceipt<?>> accepted = new ArrayList<>();

                    cluster().freezeShard(frozen);
                    try {
                        int[] n = {0};
                        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                                .until(() -> {
                                    String value = "n" + n[0]++;
                                    WriteReceipt<?> r = redis.rpush(frozenKey, value);
                                    accepted.add(r);
                                    pushed.add(value);
                                    return r.status() == WriteStatus.SPILLED;
                                });
                        for (int i = 0; i < 20; i++) {
                            String value = "n" + n[0]++;
                            WriteReceipt<?> r = redis.rpush(frozenKey, value);
                            assertThat(r.status()).isEqualTo(WriteStatus.SPILLED);
                            accepted.add(r);
                            pushed.add(value);
                        }
                        // The other shards' writes go straight to Redis.
                        for (Map.Entry<Integer, String> e : keys.entrySet()) {
                            if (e.getKey() != frozen) {
                                assertThat(redis.set(e.getValue(), "direct").status()).isEqualTo(WriteStatus.WRITTEN);
                                assertThat(stored(e.getValue())).isEqualTo("direct");
                            }
                        }

                        Health during = health.health();
                        assertThat(during.getStatus()).isEqualTo(Status.UP);
                        assertThat(during.getDetails()).containsEntry("writes", "spilling");
                        for (Map<String, Object> lane : lanes(during)) {
                            if (frozenAddress.equals(lane.get("master"))) {
                                assertThat((Long) lane.get("spillDepth")).as(lane.toString()).isPositive();
                                assertThat(lane.get("breaker")).as(lane.toString()).isNotEqualTo("CLOSED");
                            } else {
                                assertThat(lane).as(lane.toString()).containsEntry("spillDepth", 0L)
                                        .containsEntry("breaker", "CLOSED");
                            }
                        }
                    } finally {
                        cluster().resumeShard(frozen);
                    }

                    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                            .until(() -> redis.status().spill().depth() == 0
                                    && "direct".equals(health.health().getDetails().get("writes")));
                    for (WriteReceipt<?> r : accepted) {
                        r.applied().toCompletableFuture().get(10, TimeUnit.SECONDS);
                    }
                    // Every accepted push once, in order, whether it went direct before the freeze was noticed,
                    // sat in the frozen node's socket, or was spilled and replayed.
                    List<?> list = (List<?>) cluster().call(frozenKey, "LRANGE", frozenKey, "0", "-1");
                    assertThat(list).map(String::valueOf).containsExactlyElementsOf(pushed);
                    assertThat(lanes(health.health())).allSatisfy(lane ->
                            assertThat(lane).containsEntry("spillDepth", 0L).containsEntry("breaker", "CLOSED"));
                });
        cluster().awaitClusterOk(Duration.ofSeconds(30));
    }

    @Test
    void invalidClusterPropertiesFailStartUpWithTheAnalysisAndNoPassword() {
        record Case(String[] properties, String property, String value, String reason, String action) {
        }
        List<Case> cases = List.of(
                new Case(new String[] {"resilient-redis.cluster.nodes=redis://:s3cret-pw@127.0.0.1:7000",
                    "resilient-redis.sentinel.master=mymaster", "resilient-redis.sentinel.nodes=127.0.0.1:26379"},
                        "resilient-redis.cluster.nodes", "redis://:***@127.0.0.1:7000",
                        "resilient-redis.sentinel.master is set too", "Remove resilient-redis.sentinel.*"),
                new Case(new String[] {"resilient-redis.cluster.nodes=redis://:s3cret-pw@127.0.0.1:7000/2"},
                        "resilient-redis.cluster.nodes", "redis://:***@127.0.0.1:7000/2",
                        "names database 2, but Redis Cluster has database 0 only", "no database"),
                new Case(new String[] {"resilient-redis.cluster.nodes=s3cret-pw@127.0.0.1:7000/1,127.0.0.1:7001"},
                        "resilient-redis.cluster.nodes", "redis://***@127.0.0.1:7000/1,redis://127.0.0.1:7001",
                        "names database 1", "no database"),
                new Case(new String[] {"resilient-redis.cluster.nodes=redis://127.0.0.1:7000,rediss://127.0.0.1:7001"},
                        "resilient-redis.cluster.nodes", "redis://127.0.0.1:7000,rediss://127.0.0.1:7001",
                        "mix redis:// and rediss://", "one scheme"),
                new Case(new String[] {"resilient-redis.cluster.nodes=redis://:s3cret-pw@127.0.0.1:7000",
                    "resilient-redis.password=other-s3cret-pw"},
                        "resilient-redis.password", "***",
                        "differs from the password in the URLs of resilient-redis.cluster.nodes",
                        "Give the cluster's password once"),
                new Case(new String[] {"spring.data.redis.cluster.nodes=redis://:s3cret-pw@127.0.0.1:7000"},
                        "spring.data.redis.cluster.nodes", "redis://:***@127.0.0.1:7000",
                        "is not host:port", "spring.data.redis.password"),
                new Case(new String[] {"spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:notaport",
                    "spring.data.redis.password=s3cret-pw"},
                        "spring.data.redis.cluster.nodes", "redis://127.0.0.1:7000,redis://127.0.0.1:notaport",
                        "port 'notaport'", "host:port"));
        for (Case c : cases) {
            runner.withPropertyValues(c.properties()).run(context -> {
                assertThat(context).as(String.join(" ", c.properties())).hasFailed();
                org.springframework.boot.diagnostics.FailureAnalysis analysis =
                        ResilientRedisAutoConfigurationTest.analyze(context.getStartupFailure());
                assertThat(analysis).as(String.join(" ", c.properties())).isNotNull();
                assertThat(analysis.getDescription()).as(String.join(" ", c.properties()))
                        .contains("Property: " + c.property() + "\n")
                        .contains("Value: " + c.value() + "\n")
                        .contains(c.reason())
                        .doesNotContain("s3cret-pw");
                assertThat(analysis.getAction()).contains(c.action()).doesNotContain("s3cret-pw");
                assertThat(ResilientRedisAutoConfigurationTest.stackTrace(context.getStartupFailure()))
                        .doesNotContain("s3cret-pw");
            });
        }
    }
}
