package io.resilientredis.client;

import java.util.Map;

/**
 * One entry of a Redis stream.
 *
 * @param id the entry id, e.g. {@code 1700000000000-0}
 * @param fields its fields and values, in the order they were added
 */
public record StreamEntry(String id, Map<String, String> fields) {

    /**
     * @param id the entry id
     * @param fields its fields, copied
     */
    public StreamEntry {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
