package io.resilientredis.client;

import io.resilientredis.client.internal.QueuePort;
import io.resilientredis.client.queue.JobQueues;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
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

    /** Every script this process ran or sent, by name: its SHA is computed once. */
    private static final Map<String, NamedScript> KNOWN = new ConcurrentHashMap<>();

    /** Every script a spilled write may name (a holder, so that the scripts' own initialisation comes first). */
    private static final class Registry {
        static final Map<String, NamedScript> BY_NAME = JobQueues.spilledScripts().stream()
                .map(NamedScript::of).collect(Collectors.toUnmodifiableMap(NamedScript::name, s -> s));
    }

    /**
     * @param script a job queue's script
     * @return it with its SHA, the same instance for every call with that name
     * @throws IllegalArgumentException when another script of that name was seen before
     */
    static NamedScript of(QueuePort.Script script) {
        NamedScript s = KNOWN.computeIfAbsent(script.name(),
                name -> new NamedScript(name, script.body(), Scripts.sha1(script.body())));
        if (!s.body().equals(script.body())) {
            throw new IllegalArgumentException("two different scripts are named '" + script.name() + "'");
        }
        return s;
    }

    /**
     * @param script a job queue's script sent as a write
     * @return it as {@link #byName(String)} finds it when the write is replayed
     * @throws IllegalArgumentException when it is not one a spilled write may name
     */
    static NamedScript spillable(QueuePort.Script script) {
        NamedScript s = Registry.BY_NAME.get(script.name());
        if (s == null || !s.body().equals(script.body())) {
            throw new IllegalArgumentException("the script '" + script.name() + "' is not one a spilled write may "
                    + "name; list it in the queue's spilled scripts");
        }
        return s;
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
