package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.client.internal.QueuePort;
import io.resilientredis.client.queue.JobQueues;
import org.junit.jupiter.api.Test;

/** The queue's scripts as the client's replay knows them: by name, only those a spilled write may name. */
class QueueScriptRegistryTest {

    @Test
    void theReplayFindsEverySpillableQueueScriptByName() {
        assertThat(JobQueues.spilledScripts()).extracting(QueuePort.Script::name)
                .containsExactlyInAnyOrder("queue.enqueue.v1", "queue.ack.v1", "queue.nack.v1");
        for (QueuePort.Script s : JobQueues.spilledScripts()) {
            assertThat(NamedScript.spillable(s)).isSameAs(NamedScript.byName(s.name())).isSameAs(NamedScript.of(s));
            assertThat(NamedScript.byName(s.name()).sha()).isEqualTo(Scripts.sha1(s.body()));
        }
    }

    @Test
    void aScriptNoSpilledWriteMayNameIsNotSentAsAWrite() {
        assertThatThrownBy(() -> NamedScript.spillable(new QueuePort.Script("queue.take.v1", "return {}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue.take.v1");
        QueuePort.Script enqueue = JobQueues.spilledScripts().get(0);
        assertThatThrownBy(() -> NamedScript.spillable(new QueuePort.Script(enqueue.name(), "return {}")))
                .as("same name, other Lua").isInstanceOf(IllegalArgumentException.class);
    }
}
