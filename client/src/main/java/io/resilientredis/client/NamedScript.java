package io.resilientredis.client;

import java.util.Map;
import org.redisson.api.RScript;

/**
 * A Lua script known by a stable name, so that a spilled write names its script instead of
 * carrying the Lua, and a newer client can replay it. A script's name carries its version: a
 * changed script gets a new name, and the old one stays registered as long as spilled writes may
 * still name it.
 *
 * @param name the stable name, e.g. {@code queue.enqueue.v1}
 * @param body the Lua source
 * @param sha its SHA-1, for EVALSHA
 */
record NamedScript(String name, String body, String sha) {

    /** Every script a spilled write may name (a holder, so that the scripts' own initialisation comes first). */
    private static final class Registry {
        static final Map<String, NamedScript> BY_NAME = Map.of(
                QueueScripts.ENQUEUE.name(), QueueScripts.ENQUEUE,
                QueueScripts.ACK.name(), QueueScripts.ACK,
                QueueScripts.NACK.name(), QueueScripts.NACK);
    }

    static NamedScript of(String name, String body) {
        return new NamedScript(name, body, Scripts.sha1(body));
    }

    /**
     * @param name a script name from a spilled write
     * @return the script
     * @throws IllegalArgumentException when this client does not know it (a write spilled by a
     *         newer client)
     */
    static NamedScript byName(String name) {
        NamedScript s = Registry.BY_NAME.get(name);
        if (s == null) {
            throw new IllegalArgumentException("spilled write names the script '" + name + "', which this client "
                    + "does not know; replay it with the client version that spilled it (or newer)");
        }
        return s;
    }

    /** The reply type of every named script: a Lua table. */
    static final RScript.ReturnType REPLY = RScript.ReturnType.LIST;
}
