package io.resilientredis.client;

import java.util.Map;

/**
 * One entry of a Redis stream.
 *
 * @param id the entry id, e.g. {@code 1700000000000-0}
 * @param fields its fields and values, in the order they were added
 * @param <K> the field name type (the view's key type)
 * @param <V> the field value type (the view's value type)
 */
public record StreamEntry<K, V>(String id, Map<K, V> fields) {

    /**
     * @param id the entry id
     * @param fields its fields, copied
     */
    public StreamEntry {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
