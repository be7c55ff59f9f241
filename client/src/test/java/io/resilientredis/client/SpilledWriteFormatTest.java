package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.client.internal.QueuePort;
import io.resilientredis.client.queue.JobQueues;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spill byte format: version 1 (commands) unchanged and still read, version 2 (named scripts) round-trips. */
class SpilledWriteFormatTest {

    @Test
    void versionOneBytesWrittenByAnOlderClientAreStillRead() {
        byte[] bytes = SpilledWriteBytes.versionOne("id-1", "INCRBY", "counter", "5");
        SpilledWrite w = SpilledWrite.decode(bytes);
        assertThat(w.isScript()).isFalse();
        assertThat(w.exactlyOnce()).isTrue();
        assertThat(w.id()).isEqualTo("id-1");
        assertThat(w.command()).isEqualTo("INCRBY");
        assertThat(w.args()).extracting(String::new).containsExactly("counter", "5");
        assertThat(w.encode()).as("commands are still written as version 1").isEqualTo(bytes);
    }

    @Test
    void namedScriptFormRoundTripsAsVersionTwo() {
        SpilledWrite w = SpilledWrite.script("job-1", true, enqueue().name(), List.of("k1", "k2"),
                List.of("a".getBytes(), new byte[] {0, (byte) 0xff}));
        byte[] encoded = w.encode();
        assertThat(encoded[0]).isEqualTo((byte) 2);
        SpilledWrite back = SpilledWrite.decode(encoded);
        assertThat(back.isScript()).isTrue();
        assertThat(back.script()).isEqualTo("queue.enqueue.v1");
        assertThat(back.keys()).containsExactly("k1", "k2");
        assertThat(back.args()).hasSize(2);
        assertThat(back.args().get(1)).containsExactly(0, 0xff);
        Object[] argv = back.scriptArgv(60, false);
        assertThat(new String((byte[]) argv[0])).isEqualTo("60");
        assertThat(new String((byte[]) argv[1])).as("replay flag").isEqualTo("0");
        assertThat(NamedScript.byName(back.script())).isSameAs(NamedScript.of(enqueue()));
        assertThat(NamedScript.byName(back.script()).body()).isEqualTo(enqueue().body());
    }

    @Test
    void unknownVersionsAndScriptsFailWithTheFix() {
        assertThatThrownBy(() -> SpilledWrite.decode(new byte[] {9, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format version 9");
        assertThatThrownBy(() -> NamedScript.byName("queue.enqueue.v99"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue.enqueue.v99")
                .hasMessageContaining("replay it with the client version that spilled it");
        // A queue name with braces: QueueKeysTest (the queue's package).
    }

    /** The job queue's enqueue script, as the queue lists it for replay. */
    private static QueuePort.Script enqueue() {
        return JobQueues.spilledScripts().stream().filter(s -> s.name().equals("queue.enqueue.v1")).findFirst()
                .orElseThrow();
    }
}
