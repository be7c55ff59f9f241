package io.resilientredis.chaos.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.drill.FaultStep;
import io.resilientredis.chaos.drill.FaultSteps;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.failover.FailoverEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone primary plus a Sentinel-managed standby deployment (master, one replica, three
 * Sentinels), both behind the fault proxy and started once for the class: the primary cut off (failover
 * to the standby, failback after the grace period), the primary flapping, and every endpoint down for
 * 30 s. The history is checked against both deployments (a write lives where it was applied). ACKNOWLEDGED
 * durability: no Sentinel failover happens inside a deployment here, so a master's acknowledgement is
 * final.
 */
class StandbySuiteTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone(),
                    RedisTopology.sentinelGroup(1).masterName("standby"));

    @TempDir
    Path spillDir;

    @AfterEach
    void reset() throws Exception {
        chaos.get().resetAll();
        SuiteScenario.flush(chaos.get().topology());
        SuiteScenario.flush(chaos.get().standbyTopology());
    }

    private SuiteScenario.Result run(String name, Duration duration, List<FaultStep> steps) {
        List<RedisEndpoint> deployments = List.of(chaos.get().primaryEndpoint(), chaos.get().standbyEndpoint());
        return SuiteScenario.run(name, chaos.get(), SuiteScenario.client(deployments, Durability.acknowledged(), spillDir),
                deployments, duration, steps);
    }

    @Test
    void standbyFailoverAndFailback() {
        SuiteScenario.Result r = run("standby-failover", Duration.ofSeconds(14),
                List.of(FaultSteps.primaryDown(Duration.ofSeconds(2)), FaultSteps.recover(Duration.ofSeconds(7))))
                .assertPassed();
        assertThat(r.sawEvent(FailoverEvent.Type.SWITCHED)).as("switched to the standby").isTrue();
        assertThat(r.sawEvent(FailoverEvent.Type.FAILED_BACK)).as("failed back after the grace period").isTrue();
    }

    @Test
    void primaryFlapping() {
        SuiteScenario.Result r = run("primary-flapping", Duration.ofSeconds(12),
                List.of(FaultSteps.flapPrimary(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(6))))
                .assertPassed();
        assertThat(r.spilled()).as("writes spilled while the primary was cut off").isPositive();
    }

    /** Every endpoint of both deployments unreachable for 30 s: every write spilled, then replayed once. */
    @Test
    void fullOutageOfEveryEndpointFor30Seconds() {
        SuiteScenario.Result r = run("full-outage-30s", Duration.ofSeconds(35),
                List.of(FaultSteps.fullOutage(Duration.ofSeconds(2)), FaultSteps.recover(Duration.ofSeconds(32))))
                .assertPassed();
        assertThat(r.spilled()).as("about 30 s of writes spilled").isGreaterThan(RATE_FLOOR);
    }

    /** Well below 30 s at 200 writes/s, so a loaded machine's slower pacing does not fail the check. */
    private static final long RATE_FLOOR = 1500;
}
