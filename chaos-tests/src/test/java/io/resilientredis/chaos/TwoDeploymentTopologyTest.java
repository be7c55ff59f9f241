package io.resilientredis.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.chaos.topology.Shape;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two independent deployments (a Sentinel group and a standalone standby) behind one fault proxy server. */
class TwoDeploymentTopologyTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.sentinelGroup(1), RedisTopology.standalone());

    @Test
    void eachDeploymentHasItsOwnEndpointAndProxies() throws IOException {
        assertThat(chaos.get().topology().shape()).isEqualTo(Shape.SENTINEL_GROUP);
        assertThat(chaos.get().standbyTopology().shape()).isEqualTo(Shape.STANDALONE);
        assertThat(chaos.get().primaryEndpoint().isSentinel()).isTrue();
        assertThat(chaos.get().standbyEndpoint().isSentinel()).isFalse();
        RedisNode standby = chaos.get().standbyTopology().primary();
        assertThat(chaos.get().proxy(standby).getName()).isEqualTo("standby-primary");
        assertThat(chaos.get().standbyEndpoint().displayName()).isEqualTo("redis://" + chaos.get().clientAddress(standby));

        String[] address = chaos.get().clientAddress(standby).split(":");
        try (RespConnection viaProxy = RespConnection.open(address[0], Integer.parseInt(address[1]),
                Duration.ofSeconds(2))) {
            viaProxy.call("SET", "deployment", "standby");
        }
        try (RespConnection direct = standby.connect(Duration.ofSeconds(2));
                RespConnection primary = chaos.get().topology().primary().connect(Duration.ofSeconds(2))) {
            assertThat(direct.callString("GET", "deployment")).isEqualTo("standby");
            assertThat(primary.call("GET", "deployment")).isNull();
        }

        chaos.get().disableAll();
        assertThatThrownBy(() -> {
            try (RespConnection c = RespConnection.open(address[0], Integer.parseInt(address[1]), Duration.ofSeconds(1))) {
                c.ping();
            }
        }).isInstanceOf(IOException.class);
        chaos.get().resetAll();
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
