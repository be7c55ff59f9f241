package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.PasswordLeakGuard;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link RedisTopologyTest} with {@link Shape#CLUSTER}: a password-protected cluster with two replicas per
 * shard is started for the class, a whole shard goes down and comes back, a frozen master is replaced,
 * a slot moves with its keys under {@code MIGRATE ... AUTH}, and after the class (one test fails on
 * purpose) no node of it runs and the failure printed every node's log.
 */
class ClusterExtensionLifecycleTest {

    /** Filled by {@link Declared} while the launcher runs it. */
    static final List<RedisTopology> SEEN = new ArrayList<>();

    @Test
    void startsAPasswordProtectedClusterForTheClassAndStopsEveryNodeAfterIt() {
        SEEN.clear();
        LauncherRun run = LauncherRun.of(Declared.class);
        TestExecutionSummary summary = run.summary();

        summary.getFailures().forEach(f -> {
            if (!f.getTestIdentifier().getDisplayName().startsWith("failsOnPurpose")) {
                throw new AssertionError(f.getTestIdentifier().getDisplayName() + " failed", f.getException());
            }
        });
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(1)).isSameAs(SEEN.get(0));
        RedisTopology topology = SEEN.get(0);
        assertThat(topology.nodes()).hasSize(9).noneMatch(RedisNode::isRunning);
        assertThat(topology.toString()).doesNotContain(PasswordLeakGuard.PASSWORD);
        assertThat(run.stderr()).contains("failsOnPurpose")
                .contains("---- shard-2-replica-2 127.0.0.1:");
    }

    /** Not run by surefire (a nested class); run above through the launcher. */
    @RedisTopologyTest(shape = Shape.CLUSTER, replicas = 2, password = PasswordLeakGuard.PASSWORD,
            logLinesOnFailure = 5)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Declared {

        @Test
        @Order(1)
        void survivesAShardOutageAFrozenMasterAndAMigration(RedisTopology topology) throws IOException {
            SEEN.add(topology);
            RedisCluster cluster = topology.cluster();
            assertThat(cluster.shards()).allSatisfy(shard -> assertThat(shard.replicas()).hasSize(2));
            String onShard0 = ClusterSlots.keyInSlot("a:", cluster.shard(0).slotRanges().get(0).first());
            String onShard1 = ClusterSlots.keyInSlot("b:", cluster.shard(1).slotRanges().get(0).first());

            cluster.killShard(0);
            assertThat(cluster.call(onShard1, "SET", onShard1, "served")).isEqualTo("OK");
            cluster.restartShard(0);
            cluster.awaitClusterOk(Duration.ofSeconds(15));
            assertThat(cluster.call(onShard0, "SET", onShard0, "back")).isEqualTo("OK");

            RedisNode frozen = cluster.freezeMaster(2);
            try {
                RedisNode promoted = topology.awaitClusterFailover(2, Duration.ofSeconds(20));
                assertThat(promoted).isNotEqualTo(frozen);
            } finally {
                frozen.resume();
            }
            cluster.awaitClusterOk(Duration.ofSeconds(15));
            assertThat(cluster.shard(2).replicas()).contains(frozen);

            int slot = ClusterSlots.slot(onShard0);
            cluster.migrateSlot(slot, cluster.shard(0).master(), cluster.shard(2).master());
            assertThat(cluster.shardOf(slot).index()).isEqualTo(2);
            assertThat(cluster.call(onShard0, "GET", onShard0)).isEqualTo("back");
        }

        @Test
        @Order(2)
        void failsOnPurpose(RedisTopology topology) {
            SEEN.add(topology);
            assertThat(topology.cluster().shardCount()).as("deliberate failure to exercise log printing").isZero();
        }
    }
}
