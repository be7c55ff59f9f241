package io.resilientredis.client.internal.resp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shapes of common replies: the text of {@code INFO}, and flat field/value arrays. */
public final class RespReplies {

    private RespReplies() {
    }

    /**
     * Parses the text of an {@code INFO} reply into field name to value, in the server's order;
     * section headers ({@code # Server}) and blank lines are skipped, values are trimmed.
     *
     * @param info the text of an INFO reply, or null
     * @return the fields (empty for null)
     */
    public static Map<String, String> info(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (info == null) {
            return fields;
        }
        for (String raw : info.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    /**
     * A flat {@code [k1, v1, k2, v2, ...]} reply (as {@code SENTINEL MASTER} sends) as a map.
     *
     * @param reply the array reply; anything else gives an empty map
     * @return the fields, in order
     */
    public static Map<String, String> pairs(Object reply) {
        Map<String, String> map = new LinkedHashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                map.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
            }
        }
        return map;
    }
}
