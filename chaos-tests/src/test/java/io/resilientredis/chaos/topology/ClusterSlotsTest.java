package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The slot arithmetic the cluster handles and tests rely on, against values Redis's own docs give. */
class ClusterSlotsTest {

    @Test
    void hashesLikeRedisCluster() {
        assertThat(ClusterSlots.crc16("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9)).isEqualTo(0x31C3);
        assertThat(ClusterSlots.slot("foo")).isEqualTo(12182);
        assertThat(ClusterSlots.slot("bar")).isEqualTo(5061);
    }

    @Test
    void hashesOnlyANonEmptyHashTag() {
        assertThat(ClusterSlots.slot("{user1000}.following")).isEqualTo(ClusterSlots.slot("user1000"));
        assertThat(ClusterSlots.slot("foo{}{bar}")).isEqualTo(ClusterSlots.slot("foo{}{bar}".getBytes(
                StandardCharsets.UTF_8)));
        assertThat(ClusterSlots.slot("foo{{bar}}zap")).isEqualTo(ClusterSlots.slot("{bar"));
        assertThat(ClusterSlots.slot("foo{bar}{zap}")).isEqualTo(ClusterSlots.slot("bar"));
    }

    @Test
    void findsAKeyForAnySlot() {
        for (int slot : new int[] {0, 1, 5460, 5461, 10922, 16383}) {
            assertThat(ClusterSlots.slot(ClusterSlots.keyInSlot("k", slot))).isEqualTo(slot);
        }
    }

    @Test
    void parsesClusterNodes() {
        ClusterView view = ClusterView.parse(
                "07c37dfe 127.0.0.1:30004@40004 slave e7d1eecc 0 1426238317239 4 connected\n"
                + "e7d1eecc 127.0.0.1:30001@40001,host1 myself,master - 0 0 1 connected 0-5460 6000"
                + " [5461->-292f8b36]\n"
                + "292f8b36 127.0.0.1:30003@40003 master,fail - 1426238316232 1426238315228 3 connected\n");
        assertThat(view.entry("e7d1eecc").port()).isEqualTo(30001);
        assertThat(view.entry("e7d1eecc").slots()).containsExactly(new SlotRange(0, 5460), new SlotRange(6000, 6000));
        assertThat(view.entry("07c37dfe").isMaster()).isFalse();
        assertThat(view.entry("292f8b36").failed()).isTrue();
        assertThat(view.ownerOf(6000)).isEqualTo("e7d1eecc");
        assertThat(view.ownerOf(5461)).isNull();
        assertThat(RedisCluster.Redirect.of("MOVED 3999 127.0.0.1:6381"))
                .isEqualTo(new RedisCluster.Redirect(false, 3999, "127.0.0.1", 6381));
        assertThat(RedisCluster.Redirect.of("ASK 3999 127.0.0.1:6381").ask()).isTrue();
        assertThat(RedisCluster.Redirect.of("ERR wrong")).isNull();
    }
}
