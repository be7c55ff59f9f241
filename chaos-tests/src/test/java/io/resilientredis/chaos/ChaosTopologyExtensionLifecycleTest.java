package io.resilientredis.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs classes that declare {@link ChaosTopologyExtension} fields through the JUnit launcher and checks
 * what the extension does around them: one topology per field for the whole class, stopped after the
 * class (nodes and fault proxies) also when a test or a {@code @BeforeAll} method fails, and the node
 * logs printed for a failing test.
 */
class ChaosTopologyExtensionLifecycleTest {

    /** Filled by the declared classes while the launcher runs them. */
    static final List<ChaosTopology> CHAOS = new ArrayList<>();
    static final List<RedisTopology> DIRECT = new ArrayList<>();
    /** The address clients dial for the chaos topology's primary (its fault proxy), taken while it ran. */
    static final List<String> PROXIES = new ArrayList<>();

    @Test
    void stopsEveryTopologyAfterTheClassAndPrintsNodeLogsWhenATestFails() {
        CHAOS.clear();
        DIRECT.clear();
        PROXIES.clear();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        TestExecutionSummary summary = run(Declared.class, captured);

        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(CHAOS).hasSize(2);
        assertThat(CHAOS.get(1)).as("one topology for the whole class").isSameAs(CHAOS.get(0));
        assertThat(DIRECT).hasSize(2);
        assertThat(DIRECT.get(1)).isSameAs(DIRECT.get(0));
        assertStopped(CHAOS.get(0), PROXIES.get(0));
        RedisNode direct = DIRECT.get(0).primary();
        assertThat(direct.isRunning()).as("the direct topology's node after its class").isFalse();
        String stderr = captured.toString(StandardCharsets.UTF_8);
        assertThat(stderr).contains("failsOnPurpose() failed; node logs of ChaosTopology")
                .contains("---- primary 127.0.0.1:" + CHAOS.get(0).topology().primary().port())
                .contains("---- primary 127.0.0.1:" + direct.port())
                .contains("Ready to accept connections");
    }

    @Test
    void stopsTheTopologyWhenABeforeAllMethodFails() {
        CHAOS.clear();
        PROXIES.clear();
        TestExecutionSummary summary = run(BeforeAllFails.class, new ByteArrayOutputStream());

        assertThat(summary.getTotalFailureCount()).as("the class failed in @BeforeAll").isEqualTo(1);
        assertThat(summary.getTestsStartedCount()).isZero();
        assertThat(CHAOS).hasSize(1);
        assertStopped(CHAOS.get(0), PROXIES.get(0));
    }

    @Test
    void getOutsideTheClassLifecycleSaysHowToRegisterIt() {
        assertThatThrownBy(() -> ChaosTopologyExtension.proxied(RedisTopology.standalone()).get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension on a static field");
    }

    private static TestExecutionSummary run(Class<?> declared, ByteArrayOutputStream stderr) {
        PrintStream originalErr = System.err;
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(declared)).build(), listener);
        } finally {
            System.setErr(originalErr);
        }
        return listener.getSummary();
    }

    /** The topology's nodes are down and its fault proxy refuses connections. */
    private static void assertStopped(ChaosTopology chaos, String proxyAddress) {
        assertThat(chaos.topology().primary().isRunning()).as("primary still running after its class").isFalse();
        String[] proxy = proxyAddress.split(":");
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(proxy[0], Integer.parseInt(proxy[1])), 1000);
            }
        }).as("the fault proxy after its class").isInstanceOf(IOException.class);
    }

    /** Not run by surefire (a nested class); run above through the launcher. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Declared {

        @RegisterExtension
        static final ChaosTopologyExtension<ChaosTopology> chaos =
                ChaosTopologyExtension.proxied(RedisTopology.standalone());
        @RegisterExtension
        static final ChaosTopologyExtension<RedisTopology> direct =
                ChaosTopologyExtension.direct(RedisTopology.standalone());

        @Test
        @Order(1)
        void passes() {
            CHAOS.add(chaos.get());
            DIRECT.add(direct.get());
            PROXIES.add(chaos.get().clientAddress(chaos.get().topology().primary()));
            assertThat(chaos.get().topology().primary().answersPing(java.time.Duration.ofMillis(500))).isTrue();
        }

        @Test
        @Order(2)
        void failsOnPurpose() {
            CHAOS.add(chaos.get());
            DIRECT.add(direct.get());
            assertThat(chaos.get().topology().primary().isRunning())
                    .as("deliberate failure to exercise log printing").isFalse();
        }
    }

    /** Not run by surefire (a nested class); run above through the launcher. */
    static class BeforeAllFails {

        @RegisterExtension
        static final ChaosTopologyExtension<ChaosTopology> chaos =
                ChaosTopologyExtension.proxied(RedisTopology.standalone());

        @BeforeAll
        static void failsAfterTheTopologyStarted() {
            CHAOS.add(chaos.get());
            PROXIES.add(chaos.get().clientAddress(chaos.get().topology().primary()));
            throw new IllegalStateException("deliberate @BeforeAll failure");
        }

        @Test
        void neverRuns() {
            throw new AssertionError("a test ran although @BeforeAll failed");
        }
    }
}
