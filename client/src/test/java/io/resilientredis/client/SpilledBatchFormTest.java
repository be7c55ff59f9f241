package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.client.queue.JobQueues;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spill form of a batch (format version 5): its writes, each in its own form, in order; a damaged batch
 * refused whole with a clear message; every single-write payload still read by {@link SpilledWrite#decodeAll}.
 */
class SpilledBatchFormTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One write of each form a batch holds: every one through its marker, as {@link RedisBatch} makes them. */
    private static List<SpilledWrite> writes() {
        String enqueue = JobQueues.spilledScripts().get(0).name();
        return List.of(
                new SpilledWrite("w1", false, "SET", List.of(b("{t}:s"), new byte[] {0, -1, 7})).once(),
                new SpilledWrite("w2", true, "INCRBY", List.of(b("{t}:c"), b("5"))),
                new SpilledWrite("w3", true, "SMOVE", List.of(b("{t}:a"), b("{t}:b"), b("m")), 2),
                SpilledWrite.script("w4", true, enqueue, List.of("{t}:q"), List.of(b("job"))),
                SpilledWrite.userScript("w5", true, "return redis.call('INCR', KEYS[1])", List.of("{t}:u"),
                        List.of()));
    }

    @Test
    void aBatchRoundTripsItsWritesInOrderEachInItsOwnForm() {
        List<SpilledWrite> writes = writes();
        byte[] payload = SpilledWrite.encodeBatch("batch-1", writes);
        assertThat(payload[0]).as("format version 5").isEqualTo((byte) SpilledWrite.VERSION_BATCH);
        assertThat((long) payload.length).isEqualTo(SpilledWrite.encodedBatchSize("batch-1", writes));

        List<SpilledWrite> back = SpilledWrite.decodeAll(payload);

        assertThat(back).hasSize(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            assertThat(back.get(i).encode()).as("write %d", i + 1).isEqualTo(writes.get(i).encode());
        }
        assertThat(back).extracting(SpilledWrite::id).containsExactly("w1", "w2", "w3", "w4", "w5");
        assertThat(back).extracting(SpilledWrite::exactlyOnce).as("a batch sends every write through its marker")
                .containsOnly(true);
        assertThat(back.get(0).args().get(1)).containsExactly(0, -1, 7);
        assertThat(back.get(2).keyCount()).isEqualTo(2);
        assertThat(back.get(3).script()).isEqualTo(writes.get(3).script());
        assertThat(back.get(4).body()).isEqualTo("return redis.call('INCR', KEYS[1])");
        assertThat(SpilledWrite.decodeAll(SpilledWrite.encodeBatch("empty", List.of()))).isEmpty();
    }

    @Test
    void everyTruncationOfABatchIsRefusedWhole() {
        byte[] payload = SpilledWrite.encodeBatch("batch-2", writes());
        for (int length = 1; length < payload.length; length++) {
            byte[] cut = Arrays.copyOf(payload, length);
            assertThatThrownBy(() -> SpilledWrite.decodeAll(cut)).as("cut to %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spilled batch")
                    .hasMessageContaining("truncated or corrupt");
        }
    }

    @Test
    void aCorruptCountOrLengthIsRefusedWithWhatDoesNotAddUp() {
        List<SpilledWrite> writes = writes();
        byte[] payload = SpilledWrite.encodeBatch("batch-3", writes);
        int countAt = 1 + 2 + "batch-3".length();
        int firstLengthAt = countAt + 4;

        byte[] fewer = payload.clone();
        ByteBuffer.wrap(fewer).putInt(countAt, 2);
        assertThatThrownBy(() -> SpilledWrite.decodeAll(fewer)).as("a smaller count must not drop writes silently")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch-3")
                .hasMessageContaining("bytes left after its 2 writes");

        byte[] more = payload.clone();
        ByteBuffer.wrap(more).putInt(countAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> SpilledWrite.decodeAll(more)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a count of " + Integer.MAX_VALUE + " writes");

        byte[] huge = payload.clone();
        ByteBuffer.wrap(huge).putInt(firstLengthAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> SpilledWrite.decodeAll(huge)).as("no 2 GiB allocation for a damaged length")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write 1 of 5 says it is " + Integer.MAX_VALUE + " bytes");

        byte[] negative = payload.clone();
        ByteBuffer.wrap(negative).putInt(firstLengthAt, -1);
        assertThatThrownBy(() -> SpilledWrite.decodeAll(negative)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write 1 of 5 says it is -1 bytes");

        byte[] damagedWrite = payload.clone();
        damagedWrite[firstLengthAt + 4] = 9; // the first write's own format version
        assertThatThrownBy(() -> SpilledWrite.decodeAll(damagedWrite)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spilled batch batch-3, write 1 of 5").hasMessageContaining("format version 9");

        byte[] nested = SpilledWrite.encodeBatch("outer", List.of());
        byte[] inner = SpilledWrite.encodeBatch("inner", writes);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(nested, 0, nested.length - 4);
            out.writeInt(1);
            out.writeInt(inner.length);
            out.write(inner);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> SpilledWrite.decodeAll(bytes.toByteArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is itself a batch");
    }

    @Test
    void singleWritePayloadsOfEveryEarlierVersionStillDecodeThroughDecodeAll() {
        List<SpilledWrite> one = SpilledWrite.decodeAll(SpilledWriteBytes.versionOne("id-1", "INCRBY", "counter", "5"));
        assertThat(one).hasSize(1);
        assertThat(one.get(0).command()).isEqualTo("INCRBY");
        assertThat(one.get(0).args()).extracting(String::new).containsExactly("counter", "5");

        for (SpilledWrite w : writes()) {
            byte[] payload = w.encode();
            assertThat(payload[0]).isBetween((byte) 1, (byte) 4);
            List<SpilledWrite> back = SpilledWrite.decodeAll(payload);
            assertThat(back).hasSize(1);
            assertThat(back.get(0).encode()).as("version %d", payload[0]).isEqualTo(payload);
        }
        assertThatThrownBy(() -> SpilledWrite.decodeAll(new byte[] {6, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format version 6")
                .hasMessageContaining("reads versions 1 to 5");
        assertThatThrownBy(() -> SpilledWrite.decodeAll(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated or corrupt");
    }
}
