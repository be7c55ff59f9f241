package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResilientRedisBuilderTest {

    @Test
    void aPrimaryIsRequired() {
        assertThatThrownBy(() -> ResilientRedis.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set a primary endpoint");
        assertThatThrownBy(() -> ResilientRedis.builder()
                .standby(RedisEndpoint.standalone("redis://127.0.0.1:1")).build())
                .hasMessageContaining("set a primary endpoint");
    }

    @Test
    void replicatedDurabilityNeedsASpillStore() {
        assertThatThrownBy(() -> ResilientRedis.builder()
                .primary(RedisEndpoint.standalone("redis://127.0.0.1:1"))
                .durability(Durability.replicated(1, Duration.ofMillis(100)))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configure one with spill(directory)");
        assertThatThrownBy(() -> Durability.replicated(1, Duration.ZERO)).hasMessageContaining("blocks forever");
        assertThat(Durability.acknowledged().replicas()).isZero();
    }

    @Test
    void startsWithEveryEndpointDownAndNamesThemWithoutPasswords() {
        // Port 1 refuses connections; lazy initialisation lets the client start anyway.
        try (ResilientRedis redis = ResilientRedis.builder()
                .primary(RedisEndpoint.standalone("redis://:p4ssw0rd@127.0.0.1:1"))
                .timeout(Duration.ofMillis(200))
                .build()) {
            assertThat(redis.toString()).contains("redis://:***@127.0.0.1:1").doesNotContain("p4ssw0rd");
            assertThat(redis.status().endpoints()).hasSize(1);
            assertThat(redis.status().spill().enabled()).isFalse();
        }
    }

    @Test
    void closeStopsEveryThreadTheClientStarted() {
        ResilientRedis redis = ResilientRedis.builder()
                .primary(RedisEndpoint.standalone("redis://127.0.0.1:1"))
                .build();
        redis.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive()
                        && t.getName().startsWith("resilient-redis-")));
    }
}
