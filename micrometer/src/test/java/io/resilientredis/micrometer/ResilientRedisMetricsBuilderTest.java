package io.resilientredis.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The binder's settings are checked when given, and binding registers the meters from the client's
 * in-memory figures alone: here the client's only endpoint is a port nothing listens on, and no
 * call is made.
 */
class ResilientRedisMetricsBuilderTest {

    private static ResilientRedis client() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return ResilientRedis.builder().primary(RedisEndpoint.standalone("redis://127.0.0.1:" + port))
                .timeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200)).build();
    }

    @Test
    void settingsAreCheckedWhenGiven() throws Exception {
        assertThatThrownBy(() -> ResilientRedisMetrics.builder(null)).isInstanceOf(NullPointerException.class);
        try (ResilientRedis redis = client()) {
            ResilientRedisMetrics.Builder b = ResilientRedisMetrics.builder(redis);
            assertThatThrownBy(() -> b.percentiles(0.5, 1.5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1.5");
            assertThatThrownBy(() -> b.percentiles(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.queueRefresh(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.tags(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void bindingNeedsNoRedisAndTagsEveryMeter() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ResilientRedis redis = client();
             ResilientRedisMetrics metrics = ResilientRedisMetrics.builder(redis)
                     .tags(io.micrometer.core.instrument.Tags.of("client", "orders")).build()) {
            metrics.bindTo(registry);
            assertThat(registry.getMeters()).isNotEmpty()
                    .allSatisfy(m -> assertThat(m.getId().getName()).startsWith(ResilientRedisMetrics.PREFIX))
                    .allSatisfy(m -> assertThat(m.getId().getTag("client")).isEqualTo("orders"));
            assertThat(registry.get("resilientredis.breaker.state").tag("state", "closed").gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get("resilientredis.spill.depth").gauge().value()).isZero();
        }
    }
}
