package io.resilientredis.chaos.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service JVM writing to every shard of a real cluster is SIGKILLed while all its spill lanes fill
 * (the cluster cut off by its proxies); a new client on the same spill directory reads the lane layout,
 * replays every lane, and every write the service accepted is in the cluster exactly once, in each
 * writer's order.
 */
@Tag("cluster")
class ClusterSpillCrashTest {

    private static final int WRITERS = 6;
    private static final String PREFIX = "crash:cluster:";

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.cluster(3));

    @TempDir
    Path spillDir;

    private SpillWriterProcess child;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (child != null) {
            child.kill();
        }
        CHAOS.get().resetAll();
    }

    @Test
    void killedWhileEveryLaneSpillsTheNextClientReplaysEveryLaneOnceInOrder() throws Exception {
        RedisCluster cluster = CHAOS.get().topology().cluster();
        Set<Integer> shards = new HashSet<>();
        for (int w = 0; w < WRITERS; w++) {
            shards.add(cluster.shardOf(ClusterSlots.slot(PREFIX + w)).index());
        }
        assertThat(shards).as("the writers' keys are on every shard").hasSize(3);
        List<String> seeds = CHAOS.get().clusterSeeds().stream().map(s -> "redis://" + s).toList();
        child = new SpillWriterProcess(spillDir, SpillWriterChild.clusterArg(seeds, CHAOS.get().clusterNatMap()),
                PREFIX, WRITERS, 0, 500);
        child.awaitWritten(20);
        CHAOS.get().disableAll();
        child.awaitSpilled(600);
        child.kill();
        System.out.printf("[measure] cluster client killed while spilling: %d writes accepted (%d spilled)%n",
                child.acked(), child.spilled());
        assertThat(Files.exists(spillDir.resolve("lanes/layout"))).isTrue();

        CHAOS.get().resetAll();
        try (ResilientRedis client = SpillChaos.client(CHAOS.get().primaryEndpoint()).spill(spillDir).build()) {
            assertThat(client.status().lanes()).hasSize(3);
            assertThat(client.awaitSpillDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(client.status().spill().replayedTotal()).isPositive();
        }
        for (int w = 0; w < WRITERS; w++) {
            String key = PREFIX + w;
            int lastAccepted = child.lastAcked(w);
            Object actual = cluster.call(key, "LRANGE", key, "0", "-1");
            // Accepted writes are 0..lastAccepted; the one in flight at the kill may or may not be there.
            assertThat(actual).as("writer %d (last accepted %d)", w, lastAccepted)
                    .isIn(range(lastAccepted + 1), range(lastAccepted + 2));
        }
    }

    private static List<String> range(int n) {
        return IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.toList());
    }
}
