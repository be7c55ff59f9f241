package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scenario presets' timelines (the steps themselves run against real nodes in the drill tests). */
class ScenarioTest {

    @Test
    void theDefaultScenarioPlaysEveryFaultOfTheBriefInOrderWithinTheRun() {
        Duration run = Duration.ofSeconds(60);
        List<FaultStep> steps = Scenario.named(Scenario.DEFAULT).steps(run, Duration.ofMillis(500));

        assertThat(steps).extracting(FaultStep::label).containsExactly(
                "master killed (SIGKILL)",
                "failover done, old master restarted as a replica",
                "master frozen (SIGSTOP)",
                "replica promoted, old master resumed",
                "full outage (every proxy disabled)",
                "recovered (proxies enabled, toxics removed)",
                "latency 1100 ms on the primary deployment",
                "recovered (proxies enabled, toxics removed)");
        assertThat(steps).extracting(FaultStep::at).isSorted().allSatisfy(at -> assertThat(at).isLessThan(run));
        assertThat(steps.get(steps.size() - 1).at()).as("time left to recover before the end")
                .isLessThanOrEqualTo(run.minusSeconds(8));
    }

    @Test
    void theClusterDefaultScenarioHitsEachShardInTurnAndNamesTheShardOfEachStep() {
        Duration run = Duration.ofSeconds(60);
        List<FaultStep> steps = Scenario.named(Scenario.DEFAULT, DrillShape.CLUSTER).steps(run, Duration.ofMillis(500));

        assertThat(steps).extracting(FaultStep::label).containsExactly(
                "shard 1 master killed (SIGKILL)",
                "shard 1 failed over, old master restarted as a replica",
                "shard 2 down (every node SIGKILLed)",
                "shard 2 restarted (master, then its replicas)",
                "full outage (every proxy disabled)",
                "recovered (proxies enabled, toxics removed)",
                "latency 1100 ms on shard 0",
                "a loaded slot migrated from shard 0 to shard 1",
                "shard 0 recovered (toxics removed)");
        assertThat(steps).extracting(FaultStep::shard).containsExactly(1, 1, 2, 2, FaultStep.ALL_SHARDS,
                FaultStep.ALL_SHARDS, 0, 0, 0);
        assertThat(steps.get(3).at().minus(steps.get(2).at())).as("the shard is down for about 15 s")
                .isEqualTo(Duration.ofSeconds(15));
        assertThat(steps).extracting(FaultStep::at).isSorted().allSatisfy(at -> assertThat(at).isLessThan(run));
        assertThat(Scenario.named(Scenario.DEFAULT).steps(run, Duration.ofMillis(500)))
                .as("the Sentinel shape's steps are about no shard").extracting(FaultStep::shard)
                .containsOnly(FaultStep.NO_SHARD);
        assertThatThrownBy(() -> Scenario.named("freeze", DrillShape.CLUSTER))
                .hasMessageContaining("for the cluster shape").hasMessageContaining("shard-down");
    }

    @Test
    void stepsScaleWithTheDurationButAFreezeLastsLongEnoughForSentinel() {
        List<FaultStep> shortRun = Scenario.named("freeze").steps(Duration.ofSeconds(10), Duration.ofMillis(500));
        assertThat(shortRun.get(0).at()).isEqualTo(Duration.ofSeconds(2));
        assertThat(shortRun.get(1).at().minus(shortRun.get(0).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));

        List<FaultStep> outage = Scenario.named("full-outage").steps(Duration.ofSeconds(20), Duration.ofMillis(500));
        assertThat(outage).extracting(FaultStep::at).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(12));
    }

    @Test
    void latencyExceedsTheClientsTimeout() {
        FaultStep latency = Scenario.named("latency").steps(Duration.ofSeconds(30), Duration.ofMillis(800)).get(0);
        assertThat(latency.label()).isEqualTo("latency 1700 ms on the primary deployment");
    }

    @Test
    void theCalmScenarioHasNoFaultsAndUnknownNamesListThePresets() {
        assertThat(Scenario.named("CALM").steps(Duration.ofSeconds(30), Duration.ofMillis(500))).isEmpty();
        assertThat(Scenario.presets()).containsOnlyKeys("outage", "sentinel-kill", "freeze", "full-outage", "latency",
                "calm", "soak");
        assertThatThrownBy(() -> Scenario.named("meteor")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no scenario named 'meteor'").hasMessageContaining("sentinel-kill");
    }

    @Test
    void soakPlaysRandomFaultsEachHealedAndLeavesTheEndCalm() {
        Duration run = Duration.ofMinutes(10);
        List<FaultStep> steps = Scenario.soak(run, Duration.ofMillis(500), new java.util.SplittableRandom(7));

        assertThat(steps.size()).as("a fault and its recovery about every 10 s").isGreaterThan(60);
        assertThat(steps).extracting(FaultStep::at).isSorted();
        assertThat(steps.get(steps.size() - 1).label()).startsWith("recovered");
        assertThat(steps.get(steps.size() - 1).at()).isLessThanOrEqualTo(run.minusSeconds(15));
        assertThat(steps.stream().map(FaultStep::label).map(l -> l.replaceAll("[ (].*", "")).distinct().count())
                .as("many kinds of fault").isGreaterThanOrEqualTo(8);
        assertThat(Scenario.named("soak").steps(Duration.ofSeconds(20), Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void theSameSeedPlaysTheSameSoakAndAnotherSeedAnotherOne() {
        Scenario soak = Scenario.named("soak");
        Duration run = Duration.ofMinutes(5);
        Duration timeout = Duration.ofMillis(500);
        assertThat(soak.random()).isTrue();
        assertThat(Scenario.named("outage").random()).isFalse();
        List<String> first = plan(soak.steps(run, timeout, 42));
        assertThat(plan(soak.steps(run, timeout, 42))).isEqualTo(first);
        assertThat(plan(soak.steps(run, timeout, 43))).isNotEqualTo(first);
    }

    private static List<String> plan(List<FaultStep> steps) {
        return steps.stream().map(s -> s.at().toMillis() + " " + s.label()).toList();
    }
}
