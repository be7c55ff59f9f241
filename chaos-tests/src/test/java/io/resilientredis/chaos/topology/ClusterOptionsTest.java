package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cluster options refuse what cannot work, before any process starts. */
class ClusterOptionsTest {

    @Test
    void refusesClustersThatCannotFailOverAndOptionsOfOtherShapes() {
        assertThatThrownBy(() -> RedisTopology.cluster(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 to 16 masters");
        assertThatThrownBy(() -> RedisTopology.cluster(3).replicasPerShard(6))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisTopology.cluster(3).clusterNodeTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisTopology.standalone().replicasPerShard(1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("RedisTopology.cluster(n)");
        assertThatThrownBy(() -> RedisTopology.sentinelGroup(1).clusterNodeTimeout(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(RedisTopology.cluster(4).replicasPerShard(2).toString()).contains("CLUSTER, shards 4, replicas 2");
        assertThat(RedisTopology.builder(Shape.CLUSTER, 0).toString()).contains("shards 3, replicas 0");
    }

    @Test
    void nodesGetTheClusterDirectivesAndABusPortThatFits() {
        assertThat(NodeConfigs.clusterDirectives(Duration.ofMillis(1500))).contains("cluster-enabled yes",
                "cluster-node-timeout 1500", "cluster-require-full-coverage no");
        for (int i = 0; i < 20; i++) {
            assertThat(Support.freeClusterPort() + Support.CLUSTER_BUS_OFFSET).isLessThanOrEqualTo(65535);
        }
    }
}
