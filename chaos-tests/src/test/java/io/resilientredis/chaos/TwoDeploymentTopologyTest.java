package io.resilientredis.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.chaos.topology.Shape;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two independent deployments (a Sentinel group and a standalone standby) behind one fault proxy server. */
class TwoDeploymentTopologyTest {

    private static ChaosTopology chaos;

    @BeforeAll
    static void start() {
        chaos = ChaosTopology.start(RedisTopology.sentinelGroup(1), RedisTopology.standalone());
    }

    @AfterAll
    static void stop() {
        if (chaos != null) {
            chaos.close();
        }
    }

    @Test
    void eachDeploymentHasItsOwnEndpointAndProxies() throws IOException {
        assertThat(chaos.topology().shape()).isEqualTo(Shape.SENTINEL_GROUP);
        assertThat(chaos.standbyTopology().shape()).isEqualTo(Shape.STANDALONE);
        assertThat(chaos.primaryEndpoint().isSentinel()).isTrue();
        assertThat(chaos.standbyEndpoint().isSentinel()).isFalse();
        RedisNode standby = chaos.standbyTopology().primary();
        assertThat(chaos.proxy(standby).getName()).isEqualTo("standby-primary");
        assertThat(chaos.standbyEndpoint().displayName()).isEqualTo("redis://" + chaos.clientAddress(standby));

        String[] address = chaos.clientAddress(standby).split(":");
        try (RespConnection viaProxy = RespConnection.open(address[0], Integer.parseInt(address[1]),
                Duration.ofSeconds(2))) {
            viaProxy.call("SET", "deployment", "standby");
        }
        try (RespConnection direct = standby.connect(Duration.ofSeconds(2));
                RespConnection primary = chaos.topology().primary().connect(Duration.ofSeconds(2))) {
            assertThat(direct.callString("GET", "deployment")).isEqualTo("standby");
            assertThat(primary.call("GET", "deployment")).isNull();
        }

        chaos.disableAll();
        assertThatThrownBy(() -> {
            try (RespConnection c = RespConnection.open(address[0], Integer.parseInt(address[1]), Duration.ofSeconds(1))) {
                c.ping();
            }
        }).isInstanceOf(IOException.class);
        chaos.resetAll();
        try (RespConnection again = RespConnection.open(address[0], Integer.parseInt(address[1]), Duration.ofSeconds(2))) {
            assertThat(again.ping()).isTrue();
        }
    }

    @Test
    void aSingleDeploymentTopologyHasNoStandbyDeployment() {
        try (ChaosTopology single = ChaosTopology.start(RedisTopology.standalone())) {
            assertThatThrownBy(single::standbyTopology).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ChaosTopology.start(primary, standby)");
        }
    }
}
