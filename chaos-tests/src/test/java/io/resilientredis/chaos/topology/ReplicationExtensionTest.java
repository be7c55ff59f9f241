package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JUnit extension starts the declared shape once for the class and injects it everywhere; the
 * shape proves replication: a write on the primary is readable on each replica.
 */
@RedisTopologyTest(shape = Shape.PRIMARY_WITH_REPLICAS, replicas = 2, config = "maxmemory 2mb")
class ReplicationExtensionTest {

    private static final Duration SHORT = Duration.ofMillis(500);
    private static RedisTopology fromBeforeAll;

    private final RedisTopology fromConstructor;

    ReplicationExtensionTest(RedisTopology topology) {
        this.fromConstructor = topology;
    }

    @BeforeAll
    static void remember(RedisTopology topology) {
        fromBeforeAll = topology;
    }

    @BeforeEach
    void flush(RedisTopology topology) throws IOException {
        try (RespConnection connection = topology.primary().connect(SHORT)) {
            connection.call("FLUSHALL");
        }
    }

    @Test
    void injectsOneStartedTopologyForTheWholeClass(RedisTopology topology) {
        assertThat(topology).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
        assertThat(topology.shape()).isEqualTo(Shape.PRIMARY_WITH_REPLICAS);
        assertThat(topology.replicas()).hasSize(2);
        assertThat(topology.nodes()).allSatisfy(node -> assertThat(node.isRunning()).isTrue());
    }

    @Test
    void aWriteOnThePrimaryIsReadableOnEveryReplica(RedisTopology topology) throws IOException {
        try (RespConnection primary = topology.primary().connect(SHORT)) {
            assertThat(primary.call("SET", "replicated", "value-1")).isEqualTo("OK");
        }
        for (RedisNode replica : topology.replicas()) {
            assertThat(replica.role()).isEqualTo(Role.REPLICA);
            await(replica.name() + " to see the write").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> "value-1".equals(get(replica, "replicated")));
            try (RespConnection connection = replica.connect(SHORT)) {
                RespConnection.ErrorReply readOnly = catchThrowableOfType(RespConnection.ErrorReply.class,
                        () -> connection.call("SET", "x", "y"));
                assertThat(readOnly.reply()).startsWith("READONLY");
            }
        }
    }

    @Test
    void extraConfigDirectivesReachTheDataNodes(RedisTopology topology) throws IOException {
        for (RedisNode node : topology.nodes()) {
            try (RespConnection connection = node.connect(SHORT)) {
                assertThat(connection.call("CONFIG", "GET", "maxmemory"))
                        .asList().containsExactly("maxmemory", String.valueOf(2 * 1024 * 1024));
            }
        }
    }

    private static Object get(RedisNode node, String key) throws IOException {
        try (RespConnection connection = node.connect(SHORT)) {
            return connection.call("GET", key);
        }
    }
}
