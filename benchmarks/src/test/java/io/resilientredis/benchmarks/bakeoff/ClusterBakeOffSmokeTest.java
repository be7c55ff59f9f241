package io.resilientredis.benchmarks.bakeoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One short row of the cluster bake-off on a real cluster (started and stopped by the row itself): Jedis's
 * {@code JedisCluster} through the proxies while shard {@value ClusterBakeOff#FAULTED}'s master is killed.
 * The row must account for the writes of every shard, name the pinned Jedis version, and show the other
 * shards' writes going on through the fault.
 */
class ClusterBakeOffSmokeTest {

    @Test
    void aShardMasterKillRowMeasuresTheFaultedAndTheOtherShards() {
        ClusterBakeOff bakeOff = new ClusterBakeOff(new ClusterBakeOff.Timing(Duration.ofSeconds(1),
                Duration.ofSeconds(15), Duration.ofSeconds(2), 5_000));

        ClusterBakeOff.Result r = bakeOff.run(ClusterBakeOff.Scenario.SHARD_MASTER_KILLED, ClusterContenders::jedis);

        assertThat(r.client()).isEqualTo("Jedis " + ClusterContenders.version("jedis") + " (JedisCluster)")
                .doesNotContain("?");
        assertThat(r.note()).contains("promoted shard-1-replica-1");
        assertThat(r.acknowledged()).isPositive();
        assertThat(r.attempts()).isEqualTo(r.acknowledged() + r.errors());
        assertThat(r.duplicated()).isZero();
        // Four writers at 200/s on the shards the fault did not hit, for at least the failover and 2 s more.
        assertThat(r.otherAcknowledgedAfterFault()).isGreaterThan(4 * 200);
        assertThat(r.otherCalmP99()).isPositive();
        assertThat(r.otherFaultP99()).isPositive();
        assertThat(r.faultedStallMillis()).isPositive();
    }

    @Test
    void resilientRedisRowRunsOnTheClusterEndpointAndLosesNothingItAcknowledged() {
        ClusterBakeOff bakeOff = new ClusterBakeOff(new ClusterBakeOff.Timing(Duration.ofSeconds(1),
                Duration.ofSeconds(15), Duration.ofSeconds(2), 5_000));

        ClusterBakeOff.Result r = bakeOff.run(ClusterBakeOff.Scenario.SHARD_MASTER_KILLED,
                ClusterContenders::resilient);

        assertThat(r.client()).as(r.note()).isEqualTo("resilient-redis cluster (spill lanes)");
        assertThat(r.configuration()).contains("RedisEndpoint.cluster");
        assertThat(r.note()).contains("promoted shard-1-replica-1").contains("spilled writes replayed: ")
                .doesNotContain("not drained");
        assertThat(r.acknowledged()).isPositive();
        assertThat(r.attempts()).isEqualTo(r.acknowledged() + r.errors());
        assertThat(r.duplicated()).isZero();
        assertThat(r.appliedUnacknowledged()).isZero();
        assertThat(ClusterBakeOff.contenders()).extracting(ClusterBakeOff.Entry::name)
                .containsExactly("redisson", "lettuce", "jedis", "resilient-redis");
        // The other shards' writers keep going through the fault: their lanes never see it.
        assertThat(r.otherAcknowledgedAfterFault()).isGreaterThan(4 * 200);
        assertThat(r.otherErrorsAfterFault()).isZero();
    }
}
