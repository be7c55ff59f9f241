package io.resilientredis.chaos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.RedisConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Sentinel group configured wrongly fails at once and says why, never spilled: an address that is a
 * data node rather than a Sentinel, a master name the Sentinels do not monitor, and TLS Sentinel
 * addresses (refused when the endpoint is made, rather than connected in plain TCP).
 */
class SentinelConfigurationTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Room for the first scan on a loaded two-core machine; far below a multi-second hang. */
    private static final Duration MARGIN = Duration.ofMillis(1000);

    @RegisterExtension
    static final ChaosTopologyExtension<RedisTopology> group =
            ChaosTopologyExtension.direct(RedisTopology.sentinelGroup(1).masterName("conf"));

    @TempDir
    Path spill;

    private ResilientRedis client(RedisEndpoint endpoint) {
        return ResilientRedis.builder().primary(endpoint).connectTimeout(CONNECT_TIMEOUT)
                .timeout(CONNECT_TIMEOUT).spill(spill).build();
    }

    @Test
    void anAddressThatIsADataNodeIsAConfigurationErrorNamingTheFix() {
        RedisNode dataNode = group.get().primary();
        RedisEndpoint endpoint = RedisEndpoint.sentinel("conf", "127.0.0.1:" + dataNode.port());
        long start = System.nanoTime();
        try (ResilientRedis redis = client(endpoint)) {
            RedisConfigurationException e = catchThrowableOfType(RedisConfigurationException.class,
                    () -> redis.set("k", "v"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[measure] Sentinel address that is a data node: %s after %d ms (build included)%n",
                    e.getClass().getSimpleName(), millis);
            assertThat(e.getMessage()).contains("127.0.0.1:" + dataNode.port()).contains("is not a Sentinel")
                    .contains("26379");
            assertThat(millis).isLessThan(CONNECT_TIMEOUT.plus(MARGIN).toMillis());
            assertThat(redis.status().spill().depth()).as("a configuration error is never spilled").isZero();
        }
    }

    @Test
    void aMasterNameTheSentinelsDoNotMonitorIsAConfigurationError() {
        RedisEndpoint endpoint = RedisEndpoint.sentinel("no-such-master", group.get().sentinelGroup().sentinelAddresses());
        try (ResilientRedis redis = client(endpoint)) {
            assertThatThrownBy(() -> redis.set("k", "v")).isInstanceOf(RedisConfigurationException.class)
                    .hasMessageContaining("monitors no master named 'no-such-master'");
            assertThat(redis.status().spill().depth()).isZero();
        }
    }

    @Test
    void tlsSentinelAddressesAreRefusedWhenTheEndpointIsMade() {
        assertThatThrownBy(() -> RedisEndpoint.sentinel("conf", "rediss://:secret@127.0.0.1:26379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("asks for TLS")
                .hasMessageNotContaining("secret");
    }

    @Test
    void theRightConfigurationWorksAgainstTheSameGroup() {
        try (ResilientRedis redis = client(RedisEndpoint.sentinel("conf", group.get().sentinelGroup().sentinelAddresses()))) {
            redis.set("conf:k", "v");
            assertThat(redis.get("conf:k")).isEqualTo("v");
        }
    }
}
