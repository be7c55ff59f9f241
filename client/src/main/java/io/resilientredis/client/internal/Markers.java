package io.resilientredis.client.internal;

import java.nio.charset.StandardCharsets;

/**
 * How exactly-once markers are named: {@code rr:once:{<slot tag>}:<write id>}, where the slot tag
 * ({@link HashSlots#tag}) puts the marker in the hash slot of the write's first key, so marker and
 * data live on one Redis Cluster shard and one script can touch both. A write with no key gets
 * {@code rr:once:<write id>}.
 */
public final class Markers {

    /** The prefix every marker key starts with. */
    public static final String PREFIX = "rr:once:";

    private Markers() {
    }

    /**
     * @param writeId the write's id
     * @param firstKey the write's first key, or null for a write with no key
     * @return the marker key
     */
    public static String key(String writeId, byte[] firstKey) {
        if (firstKey == null) {
            return PREFIX + writeId;
        }
        return PREFIX + "{" + HashSlots.tag(HashSlots.slot(firstKey)) + "}:" + writeId;
    }

    /**
     * @param writeId the write's id
     * @param firstKey the write's first key (UTF-8), or null for a write with no key
     * @return the marker key
     */
    public static String key(String writeId, String firstKey) {
        return key(writeId, firstKey == null ? null : firstKey.getBytes(StandardCharsets.UTF_8));
    }
}
