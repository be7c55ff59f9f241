package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures of a single process node: a taken port is retried, a bad config is reported. */
class ProcessRedisNodeTest {

    @TempDir
    Path dir;

    private ProcessRedisNode node;

    @AfterEach
    void killNode() {
        if (node != null) {
            node.destroy();
        }
    }

    @Test
    void aPortTakenBetweenProbeAndBindIsRetriedOnAnotherPort() throws IOException {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = squatter.getLocalPort();
            node = new ProcessRedisNode("squatted", dir.resolve("squatted"), false, null,
                    RedisBinary.embedded().path(), Duration.ofSeconds(20));
            node.start(taken, port -> NodeConfigs.dataNode(port, dir.resolve("squatted").toString(), null, null,
                    List.of()));

            assertThat(node.port()).isNotEqualTo(taken);
            assertThat(node.answersPing(Duration.ofMillis(500))).isTrue();
            assertThat(node.logTail(200)).contains("Address already in use");
        }
    }

    @Test
    void aConfigRedisRejectsFailsWithTheNodeNameAndItsLog() {
        assertThatThrownBy(() -> RedisTopology.standalone().config("no-such-directive yes").start())
                .isInstanceOf(RedisTopologyException.class)
                .hasMessageContaining("primary")
                .hasMessageContaining("exited during start-up")
                .hasMessageContaining("redis.log")
                .hasMessageContaining("no-such-directive");
    }
}
