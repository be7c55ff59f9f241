package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a class declaring {@link RedisTopologyTest} through the JUnit launcher and checks what the
 * extension does around it: the topology is closed after the class, and a failing test gets the tail of
 * each node's log printed.
 */
class RedisTopologyExtensionLifecycleTest {

    /** Filled by {@link Declared} while the launcher runs it. */
    static final List<RedisTopology> SEEN = new ArrayList<>();

    @Test
    void closesTheTopologyAfterTheClassAndPrintsNodeLogsWhenATestFails() {
        SEEN.clear();
        LauncherRun run = LauncherRun.of(Declared.class);
        TestExecutionSummary summary = run.summary();

        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(1)).isSameAs(SEEN.get(0));
        RedisNode primary = SEEN.get(0).primary();
        assertThat(primary.isRunning()).as("primary still running after its class").isFalse();
        String stderr = run.stderr();
        assertThat(stderr).contains("failsOnPurpose").contains("---- primary 127.0.0.1:" + primary.port())
                .contains("Ready to accept connections");
    }

    /** Not run by surefire (a nested class); run above through the launcher. */
    @RedisTopologyTest(shape = Shape.STANDALONE, logLinesOnFailure = 10)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Declared {

        @Test
        @Order(1)
        void passes(RedisTopology topology) {
            SEEN.add(topology);
            assertThat(topology.primary().answersPing(java.time.Duration.ofMillis(500))).isTrue();
        }

        @Test
        @Order(2)
        void failsOnPurpose(RedisTopology topology) {
            SEEN.add(topology);
            assertThat(topology.primary().isRunning()).as("deliberate failure to exercise log printing").isFalse();
        }
    }
}
