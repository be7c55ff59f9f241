package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

class StandaloneTopologyTest {

    private static final Duration SHORT = Duration.ofMillis(500);

    private RedisTopology topology;

    @BeforeEach
    void start() {
        topology = RedisTopology.standalone().start();
    }

    @AfterEach
    void close() {
        topology.close();
    }

    @Test
    void startsAServerThatAnswersPingAndServesSetGetThroughRedisson() throws IOException {
        RedisNode primary = topology.primary();
        try (RespConnection connection = primary.connect(SHORT)) {
            assertThat(connection.call("PING")).isEqualTo("PONG");
        }
        assertThat(primary.role()).isEqualTo(Role.MASTER);
        assertThat(topology.nodes()).containsExactly(primary);
        assertThat(primary.uri()).isEqualTo("redis://127.0.0.1:" + primary.port());

        Config config = new Config();
        config.useSingleServer().setAddress(primary.uri()).setConnectionMinimumIdleSize(1).setConnectionPoolSize(2);
        RedissonClient redisson = Redisson.create(config);
        try {
            redisson.getBucket("greeting").set("hello");
            assertThat(redisson.<String>getBucket("greeting").get()).isEqualTo("hello");
        } finally {
            redisson.shutdown();
        }
    }

    @Test
    void eachNodeHasItsOwnDirectoryConfigAndLog() throws IOException {
        RedisNode primary = topology.primary();
        assertThat(primary.directory()).startsWith(topology.directory()).isDirectory();
        assertThat(primary.logFile()).exists();
        assertThat(primary.logTail(50)).contains("Ready to accept connections");
        assertThat(Files.readString(primary.directory().resolve("redis.conf"))).contains("port " + primary.port());
        assertThat(topology.directory().toString()).contains("redis-work");
    }

    @Test
    void killRefusesConnectionsAndRestartServesAgainOnTheSamePort() throws IOException {
        RedisNode primary = topology.primary();
        int port = primary.port();
        long pidBefore = primary.pid();

        primary.kill();

        assertThat(primary.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pidBefore).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThatThrownBy(() -> RespConnection.open(primary.host(), port, SHORT)).isInstanceOf(ConnectException.class);
        assertThat(primary.logTail(5)).doesNotContain("Received SIGTERM");

        primary.restart();

        assertThat(primary.isRunning()).isTrue();
        assertThat(primary.port()).isEqualTo(port);
        assertThat(primary.pid()).isNotEqualTo(pidBefore);
        try (RespConnection connection = primary.connect(SHORT)) {
            assertThat(connection.call("SET", "k", "v")).isEqualTo("OK");
            assertThat(connection.call("GET", "k")).isEqualTo("v");
        }
    }

    @Test
    void restartKeepsTheDataDirectory() throws IOException {
        try (RedisTopology persistent = RedisTopology.standalone().config("appendonly yes").start()) {
            RedisNode node = persistent.primary();
            try (RespConnection connection = node.connect(SHORT)) {
                connection.call("SET", "durable", "still-here");
            }
            node.kill();
            node.restart();
            try (RespConnection connection = node.connect(SHORT)) {
                assertThat(connection.call("GET", "durable")).isEqualTo("still-here");
            }
            assertThat(node.directory().resolve("appendonly.aof")).exists();
        }
    }

    @Test
    void freezeStopsAnswersWithinAShortTimeoutAndResumeBringsThemBack() throws IOException {
        RedisNode primary = topology.primary();

        primary.freeze();
        try {
            assertThat(primary.isRunning()).isTrue();
            assertThat(primary.answersPing(SHORT)).isFalse();
            // A frozen server still completes the TCP handshake (the kernel does that), then never answers.
            try (RespConnection connection = RespConnection.open(primary.host(), primary.port(), SHORT)) {
                assertThatThrownBy(connection::ping).isInstanceOf(SocketTimeoutException.class);
            }
        } finally {
            primary.resume();
        }

        assertThat(primary.answersPing(SHORT)).isTrue();
    }

    @Test
    void stopShutsDownGracefullyAndCloseIsIdempotent() {
        RedisNode primary = topology.primary();
        primary.stop();
        assertThat(primary.isRunning()).isFalse();
        assertThat(primary.logTail(20)).contains("Received SIGTERM");
        assertThatThrownBy(primary::pid).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");

        topology.close();
        topology.close();
        assertThat(primary.isRunning()).isFalse();
    }
}
