package io.resilientredis.chaos.toxiproxy;

import java.util.Locale;

/** Direction of a toxic: upstream is client to server, downstream is server to client. */
enum Stream {
    UPSTREAM("upstream"),
    DOWNSTREAM("downstream");

    private final String wireName;

    Stream(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    /** Parses a stream name case-insensitively; {@code null} when it is neither direction. */
    static Stream fromWire(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (Stream stream : values()) {
            if (stream.wireName.equals(lower)) {
                return stream;
            }
        }
        return null;
    }
}
