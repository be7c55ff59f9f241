package io.resilientredis.chaos.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.drill.FaultStep;
import io.resilientredis.chaos.drill.FaultSteps;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process faults on a Sentinel group's master under the full workload (a master, one replica, three
 * Sentinels, behind the fault proxy; started once for the class). The client uses REPLICATED durability
 * (one replica within 500 ms): Redis replicates asynchronously, so a master that dies or is cut off can
 * take writes it acknowledged with it; with REPLICATED a write counts as written only once a replica has
 * it, and one not confirmed in time is of unknown outcome and replayed under its id on the next master.
 */
class SentinelSuiteTest {

    private static final Duration RUN = Duration.ofSeconds(14);

    private static ChaosTopology chaos;

    @TempDir
    Path spillDir;

    @BeforeAll
    static void start() {
        chaos = ChaosTopology.start(RedisTopology.sentinelGroup(1).masterName("suite"));
    }

    @AfterAll
    static void stop() {
        if (chaos != null) {
            chaos.close();
        }
    }

    @AfterEach
    void reset() throws Exception {
        chaos.resetAll();
        SuiteScenario.flush(chaos.topology());
    }

    private SuiteScenario.Result run(String name, List<FaultStep> steps) {
        List<RedisEndpoint> deployments = List.of(chaos.primaryEndpoint());
        return SuiteScenario.run(name, chaos,
                SuiteScenario.client(deployments, Durability.replicated(1, Duration.ofMillis(500)), spillDir),
                deployments, RUN, steps);
    }

    @Test
    void masterKilledUnderLoad() {
        RedisNode before = chaos.topology().sentinelGroup().currentMaster();
        AtomicReference<RedisNode> killed = new AtomicReference<>();
        run("sentinel-master-killed", List.of(FaultSteps.killMaster(Duration.ofSeconds(3), killed),
                FaultSteps.restartAfterFailover(Duration.ofSeconds(5), killed))).assertPassed();
        assertThat(killed.get()).isEqualTo(before);
        assertThat(chaos.topology().sentinelGroup().currentMaster()).as("a replica was promoted").isNotEqualTo(before);
    }

    /**
     * The master is frozen long enough for Sentinel to promote its replica, then resumed: it comes back
     * believing it is master until Sentinel converts it, and a client still connected to it can have
     * writes acknowledged there that the conversion wipes. REPLICATED durability keeps those out of
     * "written" (no replica confirms them); the checker proves none of the accepted writes was lost.
     */
    @Test
    void masterFrozenUntilAReplicaIsPromotedThenResumed() {
        RedisNode before = chaos.topology().sentinelGroup().currentMaster();
        AtomicReference<RedisNode> frozen = new AtomicReference<>();
        run("sentinel-master-frozen", List.of(FaultSteps.freezeMaster(Duration.ofSeconds(3), frozen),
                FaultSteps.resumeAfterFailover(Duration.ofSeconds(5), frozen))).assertPassed();
        assertThat(frozen.get()).isEqualTo(before);
        assertThat(chaos.topology().sentinelGroup().currentMaster()).as("a replica was promoted").isNotEqualTo(before);
    }
}
