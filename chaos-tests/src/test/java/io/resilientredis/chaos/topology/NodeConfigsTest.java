package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeConfigsTest {

    @Test
    void redis7NodesAllowDebugFromLocalConnectionsOnly() {
        assertThat(NodeConfigs.versionDirectives("7.0.15")).containsExactly("enable-debug-command local");
        assertThat(NodeConfigs.versionDirectives("redis:7")).containsExactly("enable-debug-command local");
        assertThat(NodeConfigs.versionDirectives("7.2.4")).containsExactly("enable-debug-command local");
    }

    @Test
    void olderVersionsGetNoDirectiveTheyWouldRefuse() {
        assertThat(NodeConfigs.versionDirectives("6.2.6")).isEmpty();
        assertThat(NodeConfigs.versionDirectives("6.2.11")).isEmpty();
        assertThat(NodeConfigs.versionDirectives(null)).isEmpty();
        assertThat(NodeConfigs.versionDirectives("unknown")).isEmpty();
    }

    @Test
    void dataNodeConfigCarriesTheDirectives() {
        String conf = NodeConfigs.dataNode(6379, "/tmp/x", null, null, NodeConfigs.versionDirectives("7.0.15"));
        assertThat(conf).contains("\nenable-debug-command local\n");
        assertThat(NodeConfigs.dataNode(6379, "/tmp/x", null, null, List.of())).doesNotContain("enable-debug-command");
    }
}
