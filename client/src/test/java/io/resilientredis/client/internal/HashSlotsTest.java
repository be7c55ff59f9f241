package io.resilientredis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashSlotsTest {

    @Test
    void slotsAreRedisClusters() {
        // The CRC16/XMODEM check value, and slots Redis Cluster gives these keys (CLUSTER KEYSLOT).
        assertThat(HashSlots.crc16("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9)).isEqualTo(0x31C3);
        assertThat(HashSlots.slot("foo")).isEqualTo(12182);
        assertThat(HashSlots.slot("bar")).isEqualTo(5061);
        assertThat(HashSlots.slot("{user1000}.following")).isEqualTo(HashSlots.slot("user1000"));
        // Empty tag, or no closing brace: the whole key is hashed.
        assertThat(HashSlots.slot("foo{}{bar}")).isEqualTo(HashSlots.crc16(bytes("foo{}{bar}"), 0, 10) & 16383);
        assertThat(HashSlots.slot("foo{bar")).isEqualTo(HashSlots.crc16(bytes("foo{bar"), 0, 7) & 16383);
        assertThat(HashSlots.slot("foo{{bar}}zap")).isEqualTo(HashSlots.slot("{bar"));
    }

    @Test
    void everySlotHasATagThatHashesToIt() {
        for (int slot = 0; slot < HashSlots.SLOTS; slot++) {
            String tag = HashSlots.tag(slot);
            assertThat(HashSlots.slot("rr:once:{" + tag + "}:any")).isEqualTo(slot);
        }
        // Fixed for good: markers written by one run are looked up by the next.
        assertThat(HashSlots.tag(HashSlots.slot("0"))).isEqualTo("0");
        assertThatThrownBy(() -> HashSlots.tag(16384)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMarkerLivesInTheSlotOfItsWritesFirstKeyWhateverItsBytes() {
        byte[] binary = {'{', '}', (byte) 0xff, '{', 0, '}', 7};
        assertThat(HashSlots.slot(Markers.key("w1", binary))).isEqualTo(HashSlots.slot(binary));
        assertThat(HashSlots.slot(Markers.key("w1", "a}b{c"))).isEqualTo(HashSlots.slot("a}b{c"));
        assertThat(Markers.key("w1", (String) null)).isEqualTo("rr:once:w1");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
