package io.resilientredis.client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write and job ids: time-ordered, unique across processes. The form is
 * {@code <millis, 9 base-36 digits>-<process nonce>-<counter, 8 base-36 digits>}, so ids sort by
 * creation time (to the millisecond across processes, exactly within one).
 */
final class Ids {

    private static final String NODE;
    private static final byte[] NODE_BYTES;
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final int MILLIS_DIGITS = 9;
    private static final int COUNTER_DIGITS = 8;
    /** 36^9 and 36^8: the values that still fit their fixed widths. */
    private static final long MILLIS_LIMIT = 101_559_956_668_416L;
    private static final long COUNTER_LIMIT = 2_821_109_907_456L;
    private static final byte[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

    static {
        SecureRandom random = new SecureRandom();
        NODE = pad(Long.toUnsignedString(random.nextLong() >>> 12, 36), 11);
        NODE_BYTES = NODE.getBytes(StandardCharsets.US_ASCII);
    }

    private Ids() {
    }

    /** @return a fresh id; written straight into one array (every write takes one, so it is on the hot path) */
    static String next() {
        return of(System.currentTimeMillis(), COUNTER.incrementAndGet());
    }

    /** @return the id of {@code millis} and {@code counter} in this process */
    static String of(long millis, long counter) {
        if (millis < 0 || millis >= MILLIS_LIMIT || counter < 0 || counter >= COUNTER_LIMIT) {
            return pad(Long.toString(millis, 36), MILLIS_DIGITS) + "-" + NODE + "-"
                    + pad(Long.toString(counter, 36), COUNTER_DIGITS);
        }
        int node = NODE_BYTES.length;
        byte[] b = new byte[MILLIS_DIGITS + 1 + node + 1 + COUNTER_DIGITS];
        digits(millis, b, 0, MILLIS_DIGITS);
        b[MILLIS_DIGITS] = '-';
        System.arraycopy(NODE_BYTES, 0, b, MILLIS_DIGITS + 1, node);
        b[MILLIS_DIGITS + 1 + node] = '-';
        digits(counter, b, MILLIS_DIGITS + 2 + node, COUNTER_DIGITS);
        return new String(b, StandardCharsets.ISO_8859_1); // ASCII: the cheapest decoding, a copy
    }

    /** Writes {@code value} in base 36, zero-padded to {@code width} digits (it fits) at {@code at}. */
    private static void digits(long value, byte[] b, int at, int width) {
        long v = value;
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = DIGITS[(int) (v % 36)];
            v /= 36;
        }
    }

    private static String pad(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        return "0".repeat(width - s.length()) + s;
    }
}
