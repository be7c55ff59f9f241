package io.resilientredis.chaos.topology;

import io.resilientredis.client.internal.HashSlots;
import java.nio.charset.StandardCharsets;

/**
 * The hash slot of a key as Redis Cluster computes it: CRC16 (XMODEM) of the key, or of its hash tag
 * (the text between the first <code>{</code> and the first <code>}</code> after it, when not empty), modulo
 * 16384.
 */
public final class ClusterSlots {

    /** The number of hash slots of a Redis Cluster. */
    public static final int SLOTS = HashSlots.SLOTS;

    private ClusterSlots() {
    }

    /**
     * The slot of a key.
     *
     * @param key the key (UTF-8)
     * @return its slot, 0 to 16383
     */
    public static int slot(String key) {
        return slot(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The slot of a key given as bytes.
     *
     * @param key the key
     * @return its slot, 0 to 16383
     */
    public static int slot(byte[] key) {
        return HashSlots.slot(key);
    }

    /**
     * CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with.
     *
     * @param bytes the data
     * @param from the first index, inclusive
     * @param to the last index, exclusive
     * @return the checksum, 0 to 65535
     */
    static int crc16(byte[] bytes, int from, int to) {
        return HashSlots.crc16(bytes, from, to);
    }

    /**
     * A key that hashes to {@code slot}: {@code prefix} followed by a hash tag chosen for it.
     *
     * @param prefix the start of the key
     * @param slot the slot, 0 to 16383
     * @return a key in that slot
     */
    public static String keyInSlot(String prefix, int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("a slot is 0 to 16383, got " + slot);
        }
        return prefix + "{" + HashSlots.tag(slot) + "}";
    }
}
