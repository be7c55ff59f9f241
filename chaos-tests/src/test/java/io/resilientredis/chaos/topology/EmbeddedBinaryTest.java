package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which redis-server runs, and that the whole topology works with the jar's binary alone. */
class EmbeddedBinaryTest {

    private static final Duration SHORT = Duration.ofMillis(500);

    @Test
    void forcedEmbeddedBinaryRunsAWholeSentinelTopology() throws IOException {
        try (RedisTopology topology = RedisTopology.sentinelGroup(1).redisServer("embedded").start()) {
            RedisBinary embedded = RedisBinary.embedded();
            assertThat(embedded.source()).isEqualTo(RedisBinary.Source.EMBEDDED);
            assertThat(topology.serverVersion()).isEqualTo(embedded.version()).startsWith("6.2.");
            assertThat(topology.backend()).isEqualTo(BackendType.PROCESS);
            for (RedisNode node : topology.nodes()) {
                assertThat(ProcessHandle.of(node.pid()).flatMap(handle -> handle.info().command()))
                        .contains(embedded.path().toString());
            }

            try (RespConnection master = topology.primary().connect(SHORT)) {
                master.call("SET", "embedded", "works");
            }
            RedisNode replica = topology.replicas().get(0);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                try (RespConnection connection = replica.connect(SHORT)) {
                    return "works".equals(connection.call("GET", "embedded"));
                }
            });
            assertThat(topology.reportedMasters().values()).containsOnly(Optional.of(topology.primary().address()));
        }
    }

    @Test
    void embeddedBinaryIsExtractedOnceIntoTheCacheAndReportsItsVersion() {
        RedisBinary first = RedisBinary.embedded();
        RedisBinary second = RedisBinary.resolve(RedisBinary.EMBEDDED, "/nonexistent-dir");
        assertThat(second).isSameAs(first);
        assertThat(first.path()).isExecutable().endsWith(Path.of("redis-server"));
        assertThat(first.path().getParent().getFileName().toString()).startsWith("redis-server-6.2");
        assertThat(RedisBinary.versionOf(first.path())).isEqualTo(first.version());
    }

    @Test
    void prefersRedisServerOnPathAndAnExplicitlyNamedBinary(@TempDir Path dir) throws IOException {
        Path onPath = Files.createSymbolicLink(dir.resolve("redis-server"), RedisBinary.embedded().path());
        RedisBinary fromPath = RedisBinary.resolve(null, "/nonexistent-dir:" + dir);
        assertThat(fromPath.source()).isEqualTo(RedisBinary.Source.PATH);
        assertThat(fromPath.path()).isEqualTo(onPath);

        RedisBinary named = RedisBinary.resolve(onPath.toString(), "");
        assertThat(named.source()).isEqualTo(RedisBinary.Source.CONFIGURED);
        assertThat(named.version()).isEqualTo(RedisBinary.embedded().version());

        assertThat(RedisBinary.resolve(null, "/nonexistent-dir").source()).isEqualTo(RedisBinary.Source.EMBEDDED);

        try (RedisTopology topology = RedisTopology.standalone().redisServer(onPath.toString()).start()) {
            assertThat(topology.primary().answersPing(SHORT)).isTrue();
        }
    }

    @Test
    void aMissingNamedBinaryFailsNamingThePropertyAndTheFix(@TempDir Path dir) {
        String missing = dir.resolve("no-such-redis-server").toString();
        assertThatThrownBy(() -> RedisBinary.resolve(missing, ""))
                .isInstanceOf(RedisTopologyException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining(RedisBinary.PROPERTY)
                .hasMessageContaining("embedded");
        assertThatThrownBy(() -> RedisTopology.standalone().redisServer(missing).start())
                .isInstanceOf(RedisTopologyException.class)
                .hasMessageContaining("no redis-server binary");
    }

    @Test
    void mapsOperatingSystemsAndArchitecturesToTheJarsBinaries() {
        assertThat(RedisBinary.embeddedResourceName("Linux", "amd64")).contains("redis-server-6.2.6-v5-linux-amd64");
        assertThat(RedisBinary.embeddedResourceName("Linux", "x86_64")).contains("redis-server-6.2.6-v5-linux-amd64");
        assertThat(RedisBinary.embeddedResourceName("Linux", "aarch64")).contains("redis-server-6.2.7-linux-arm64");
        assertThat(RedisBinary.embeddedResourceName("Linux", "i386")).contains("redis-server-6.2.7-linux-386");
        assertThat(RedisBinary.embeddedResourceName("Mac OS X", "aarch64")).contains("redis-server-6.2.6-v5-darwin-arm64");
        assertThat(RedisBinary.embeddedResourceName("Mac OS X", "x86_64")).contains("redis-server-6.2.6-v5-darwin-amd64");
        assertThat(RedisBinary.embeddedResourceName("Windows 11", "amd64")).isEmpty();
        assertThat(RedisBinary.embeddedResourceName("Linux", "s390x")).isEmpty();
        for (String resource : new String[] {"redis-server-6.2.6-v5-linux-amd64", "redis-server-6.2.7-linux-arm64",
                "redis-server-6.2.7-linux-386", "redis-server-6.2.6-v5-darwin-arm64", "redis-server-6.2.6-v5-darwin-amd64"}) {
            assertThat(getClass().getClassLoader().getResource(resource)).as(resource).isNotNull();
        }
    }
}
