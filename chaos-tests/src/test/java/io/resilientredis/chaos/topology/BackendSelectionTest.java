package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/** The backend decision as a pure function, and the container backend's failure where Docker is absent. */
class BackendSelectionTest {

    private final AtomicInteger dockerAsked = new AtomicInteger();

    private BooleanSupplier docker(boolean answers) {
        return () -> {
            dockerAsked.incrementAndGet();
            return answers;
        };
    }

    @Test
    void autoPrefersProcessesWheneverABinaryExistsWithoutAskingDocker() {
        assertThat(BackendSelection.choose(BackendType.AUTO, true, docker(true))).isEqualTo(BackendType.PROCESS);
        assertThat(dockerAsked).hasValue(0);
    }

    @Test
    void autoFallsBackToContainersOnlyWithoutABinaryAndWithDocker() {
        assertThat(BackendSelection.choose(BackendType.AUTO, false, docker(true))).isEqualTo(BackendType.CONTAINER);
        assertThatThrownBy(() -> BackendSelection.choose(BackendType.AUTO, false, docker(false)))
                .isInstanceOf(RedisTopologyException.class)
                .hasMessageContaining("no redis-server binary")
                .hasMessageContaining("Docker");
    }

    @Test
    void forcedProcessNeedsABinaryAndNeverAsksDocker() {
        assertThat(BackendSelection.choose(BackendType.PROCESS, true, docker(true))).isEqualTo(BackendType.PROCESS);
        assertThatThrownBy(() -> BackendSelection.choose(BackendType.PROCESS, false, docker(true)))
                .isInstanceOf(RedisTopologyException.class)
                .hasMessageContaining(RedisBinary.PROPERTY);
        assertThat(dockerAsked).hasValue(0);
    }

    @Test
    void forcedContainerNeedsDockerEvenWhenABinaryExists() {
        assertThat(BackendSelection.choose(BackendType.CONTAINER, true, docker(true))).isEqualTo(BackendType.CONTAINER);
        assertThatThrownBy(() -> BackendSelection.choose(BackendType.CONTAINER, true, docker(false)))
                .isInstanceOf(RedisTopologyException.class)
                .hasMessageContaining("no Docker engine answers")
                .hasMessageContaining(BackendType.PROPERTY + "=process");
    }

    @Test
    void parsesTheBackendProperty() {
        assertThat(BackendType.parse(null)).isEqualTo(BackendType.AUTO);
        assertThat(BackendType.parse(" ")).isEqualTo(BackendType.AUTO);
        assertThat(BackendType.parse("Process")).isEqualTo(BackendType.PROCESS);
        assertThat(BackendType.parse("container")).isEqualTo(BackendType.CONTAINER);
        assertThat(BackendType.parse("AUTO")).isEqualTo(BackendType.AUTO);
        assertThatThrownBy(() -> BackendType.parse("kubernetes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kubernetes")
                .hasMessageContaining("process, container or auto");
    }

    @Test
    void forcingContainersWhereNoDockerEngineAnswersFailsClearly() {
        // This machine has the docker CLI but no daemon; where Docker runs, the forced backend starts instead.
        org.junit.jupiter.api.Assumptions.assumeFalse(ContainerRedisNode.dockerAnswers(),
                "a Docker engine answers here; the container backend would start");
        assertThatThrownBy(() -> RedisTopology.standalone().backend(BackendType.CONTAINER).start())
                .isInstanceOf(RedisTopologyException.class)
                .hasMessageContaining("no Docker engine answers");
    }
}
