package io.resilientredis.client.internal;

import java.nio.charset.StandardCharsets;

/**
 * The hash slot of a key as Redis Cluster computes it (CRC16/XMODEM of the key, or of its hash tag:
 * the text between the first <code>{</code> and the first <code>}</code> after it, when not empty,
 * modulo 16384), and a short hash tag for every slot, so that a key of ours (an exactly-once marker)
 * can be put in the slot of any data key, whatever bytes that key holds.
 *
 * <p>The tag of a slot is the smallest non-negative decimal number whose CRC16 falls in that slot.
 * Markers written by one run are looked up by the next, so this rule must never change.
 */
public final class HashSlots {

    /** The number of hash slots of a Redis Cluster. */
    public static final int SLOTS = 16384;

    private HashSlots() {
    }

    /** The tag of each slot, built on first use (about 10 ms). */
    private static final class Tags {
        static final String[] BY_SLOT = build();

        private static String[] build() {
            String[] tags = new String[SLOTS];
            int found = 0;
            for (int n = 0; found < SLOTS; n++) {
                byte[] digits = Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
                int slot = crc16(digits, 0, digits.length) & (SLOTS - 1);
                if (tags[slot] == null) {
                    tags[slot] = Integer.toString(n);
                    found++;
                }
            }
            return tags;
        }
    }

    /**
     * @param key the key (UTF-8)
     * @return its slot, 0 to 16383
     */
    public static int slot(String key) {
        return slot(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param key the key
     * @return its slot, 0 to 16383
     */
    public static int slot(byte[] key) {
        int start = 0;
        int end = key.length;
        for (int open = 0; open < key.length; open++) {
            if (key[open] == '{') {
                for (int close = open + 1; close < key.length; close++) {
                    if (key[close] == '}') {
                        if (close > open + 1) {
                            start = open + 1;
                            end = close;
                        }
                        break;
                    }
                }
                break;
            }
        }
        return crc16(key, start, end) & (SLOTS - 1);
    }

    /**
     * @param slot a slot, 0 to 16383
     * @return a short tag whose slot is {@code slot}: a key containing <code>{tag}</code> as its first
     *     braces lives in that slot
     */
    public static String tag(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("a slot is 0 to 16383, got " + slot);
        }
        return Tags.BY_SLOT[slot];
    }

    /**
     * CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum Redis Cluster hashes keys with.
     *
     * @param bytes the data
     * @param from the first index, inclusive
     * @param to the last index, exclusive
     * @return the checksum, 0 to 65535
     */
    public static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }
}
