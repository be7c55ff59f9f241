package io.resilientredis.chaos.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.ClusterShard;
import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.micrometer.ResilientRedisMetrics;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a Redis Cluster primary, each spill lane has its own breaker gauges, and a shard the client cannot
 * reach opens only its lane's breaker while the others stay closed; the call timers name the cluster.
 */
class ClusterMetricsTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.cluster(3));

    @TempDir
    Path dir;

    @Test
    void eachLaneHasItsOwnBreakerGaugesAndOnlyTheCutShardsOpens() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ResilientRedis redis = ResilientRedis.builder().primary(CHAOS.get().primaryEndpoint()).spill(dir)
                .timeout(Duration.ofMillis(500)).connectTimeout(Duration.ofMillis(500)).build();
             ResilientRedisMetrics metrics = ResilientRedisMetrics.of(redis)) {
            metrics.bindTo(registry);
            String cluster = CHAOS.get().primaryEndpoint().displayName();
            for (int lane = 0; lane < 3; lane++) {
                assertThat(breaker(registry, cluster + " lane " + lane, "closed")).isEqualTo(1);
            }
            ClusterShard cut = CHAOS.get().topology().cluster().shard(1);
            String key = ClusterSlots.keyInSlot("metrics:", cut.slotRanges().get(0).first());
            String other = ClusterSlots.keyInSlot("metrics:", CHAOS.get().topology().cluster().shard(2)
                    .slotRanges().get(0).first());
            assertThat(redis.set(other, "v").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(registry.get("resilientredis.commands").tag("command", "set").tag("endpoint", cluster)
                    .tag("outcome", "written").timer().count()).isEqualTo(1);
            for (RedisNode node : cut.nodes()) {
                CHAOS.get().proxy(node).disable();
            }
            try {
                await("lane 1's breaker opens").atMost(Duration.ofSeconds(20)).until(() -> {
                    redis.set(key, "w");
                    return breaker(registry, cluster + " lane 1", "closed") == 0;
                });
                assertThat(breaker(registry, cluster + " lane 0", "closed")).isEqualTo(1);
                assertThat(breaker(registry, cluster + " lane 2", "closed")).isEqualTo(1);
                assertThat(redis.set(other, "still direct").status()).isEqualTo(WriteStatus.WRITTEN);
                await("the spill depth gauge").atMost(Duration.ofSeconds(2))
                        .until(() -> registry.get("resilientredis.spill.depth").gauge().value() >= 1);
            } finally {
                CHAOS.get().resetAll();
            }
            await("lane 1's breaker closes again").atMost(Duration.ofSeconds(20))
                    .until(() -> breaker(registry, cluster + " lane 1", "closed") == 1);
        }
    }

    private static double breaker(SimpleMeterRegistry registry, String endpoint, String state) {
        return registry.get("resilientredis.breaker.state").tag("endpoint", endpoint).tag("state", state).gauge()
                .value();
    }
}
