package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpilledWriteTest {

    @Test
    void roundTripsEveryField() {
        SpilledWrite w = new SpilledWrite("id-1", true, "LPUSH",
                List.of("list".getBytes(StandardCharsets.UTF_8), new byte[] {0, -1, 7}));
        SpilledWrite back = SpilledWrite.decode(w.encode());
        assertThat(back.id()).isEqualTo("id-1");
        assertThat(back.exactlyOnce()).isTrue();
        assertThat(back.command()).isEqualTo("LPUSH");
        assertThat(back.args()).hasSize(2);
        assertThat(back.args().get(1)).containsExactly(0, -1, 7);
        // The marker lives in the slot of the first key ("list"), whatever that key is.
        assertThat(back.markerKey()).isEqualTo("rr:once:{" + io.resilientredis.client.internal.HashSlots.tag(
                io.resilientredis.client.internal.HashSlots.slot("list")) + "}:id-1");
        assertThat(io.resilientredis.client.internal.HashSlots.slot(back.markerKey()))
                .isEqualTo(io.resilientredis.client.internal.HashSlots.slot("list"));
        Object[] argv = back.onceArgv(3600);
        assertThat(new String((byte[]) argv[0], StandardCharsets.UTF_8)).isEqualTo("3600");
        assertThat(new String((byte[]) argv[1], StandardCharsets.UTF_8)).isEqualTo("LPUSH");
    }

    @Test
    void anUnknownFormatVersionOrATruncatedPayloadIsReportedClearly() {
        byte[] payload = new SpilledWrite("x", false, "SET", List.of(new byte[] {1})).encode();
        payload[0] = 99;
        assertThatThrownBy(() -> SpilledWrite.decode(payload)).hasMessageContaining("format version 99");
        byte[] good = new SpilledWrite("x", false, "SET", List.of(new byte[] {1, 2, 3})).encode();
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 2);
        assertThatThrownBy(() -> SpilledWrite.decode(cut)).hasMessageContaining("truncated or corrupt");
    }

    @Test
    void idsAreUniqueAndSortByCreation() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ids.next());
        }
        assertThat(ids).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void declaredKeysSurviveTheSpillForm() {
        SpilledWrite w = new SpilledWrite("id-2", true, "SMOVE",
                List.of("{t}src".getBytes(StandardCharsets.UTF_8), "{t}dst".getBytes(StandardCharsets.UTF_8),
                        "m".getBytes(StandardCharsets.UTF_8)), 2);
        byte[] payload = w.encode();
        assertThat(payload[0]).as("format version 3").isEqualTo((byte) 3);
        assertThat((long) payload.length).isEqualTo(w.encodedSize());
        SpilledWrite back = SpilledWrite.decode(payload);
        assertThat(back.keyCount()).isEqualTo(2);
        assertThat(back.dataKeys()).extracting(k -> new String(k, StandardCharsets.UTF_8))
                .containsExactly("{t}src", "{t}dst");
        assertThat(new SpilledWrite("id-3", false, "SET", List.of(new byte[] {1}, new byte[] {2})).encode()[0])
                .as("without declared keys: version 1, as older clients read it").isEqualTo((byte) 1);
    }
}
