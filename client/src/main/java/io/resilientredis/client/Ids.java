package io.resilientredis.client;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write and job ids: time-ordered, unique across processes. The form is
 * {@code <millis, 9 base-36 digits>-<process nonce>-<counter, 8 base-36 digits>}, so ids sort by
 * creation time (to the millisecond across processes, exactly within one).
 */
final class Ids {

    private static final String NODE;
    private static final AtomicLong COUNTER = new AtomicLong();

    static {
        SecureRandom random = new SecureRandom();
        NODE = pad(Long.toUnsignedString(random.nextLong() >>> 12, 36), 11);
    }

    private Ids() {
    }

    static String next() {
        return pad(Long.toString(System.currentTimeMillis(), 36), 9) + "-" + NODE + "-"
                + pad(Long.toString(COUNTER.incrementAndGet(), 36), 8);
    }

    private static String pad(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        return "0".repeat(width - s.length()) + s;
    }
}
