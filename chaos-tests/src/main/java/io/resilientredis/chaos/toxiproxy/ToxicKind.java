package io.resilientredis.chaos.toxiproxy;

import java.util.List;
import java.util.Locale;

/** The seven toxic types Toxiproxy 2.12 knows, with the attributes each one always carries. */
enum ToxicKind {
    LATENCY("latency", "latency", "jitter"),
    BANDWIDTH("bandwidth", "rate"),
    SLOW_CLOSE("slow_close", "delay"),
    TIMEOUT("timeout", "timeout"),
    RESET_PEER("reset_peer", "timeout"),
    SLICER("slicer", "average_size", "size_variation", "delay"),
    LIMIT_DATA("limit_data", "bytes");

    private final String wireName;
    private final List<String> attributes;

    ToxicKind(String wireName, String... attributes) {
        this.wireName = wireName;
        this.attributes = List.of(attributes);
    }

    String wireName() {
        return wireName;
    }

    /** Attribute names in the order they are reported. */
    List<String> attributes() {
        return attributes;
    }

    /** Returns the kind for a wire name, or {@code null} when no such type exists. */
    static ToxicKind fromWire(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (ToxicKind kind : values()) {
            if (kind.wireName.equals(lower)) {
                return kind;
            }
        }
        return null;
    }
}
