package io.resilientredis.client.internal;

import io.resilientredis.failover.WriteReceipt;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Not API: what the job queue ({@code io.resilientredis.client.queue}) needs from the client that
 * opened it, and nothing else. The client implements it; applications neither call nor implement
 * it. It may change in any release without notice.
 */
public interface QueuePort {

    /**
     * A Lua script of the queue, known by a stable name that carries its version: a spilled write
     * names its script rather than carrying the Lua, so a changed script gets a new name.
     *
     * @param name the stable name, e.g. {@code queue.enqueue.v1}
     * @param body the Lua source
     */
    record Script(String name, String body) {

        /**
         * @param name the stable name
         * @param body the Lua source
         */
        public Script {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(body, "body");
        }
    }

    /** @return a new id: time-ordered, unique across processes (job ids, write ids, lease tokens) */
    String newId();

    /**
     * @param writeId an exactly-once write's id
     * @param firstKey the script's first key: the marker goes into its hash slot
     * @return the key of its marker, which an exactly-once script sets and checks
     */
    String markerKey(String writeId, String firstKey);

    /**
     * Runs a script on the active master like a read: never spilled; completes exceptionally with
     * {@link io.resilientredis.failover.RedisUnavailableException} when no endpoint serves it.
     *
     * @param script the script
     * @param keys its KEYS
     * @param args its ARGV ({@code byte[]} each)
     * @return its reply, a Lua table (bulk strings as {@code byte[]})
     */
    CompletionStage<List<Object>> run(Script script, List<Object> keys, Object... args);

    /**
     * Sends a script as a write, the way the client sends its own: size limits, durability, and
     * spill and replay under {@code writeId} when no endpoint takes it. The script receives ARGV[1] =
     * the marker TTL and ARGV[2] = 1 (direct) or 0 (replay) before {@code args}.
     *
     * @param writeId the write's id (the receipt's)
     * @param exactlyOnce whether the script checks its own marker ({@link #markerKey(String, String)})
     * @param script one of the scripts a spilled write may name
     * @param keys its KEYS
     * @param args its arguments after the two the client puts first
     * @param reply reads the script's reply
     * @param <T> the reply type
     * @return the receipt: WRITTEN with the reply, or SPILLED
     */
    <T> CompletionStage<WriteReceipt<T>> write(String writeId, boolean exactlyOnce, Script script, List<String> keys,
                                               List<byte[]> args, Function<List<Object>, T> reply);

    /**
     * Waits for a stage the way the client's synchronous calls do: bounded, rethrowing what it
     * completed with.
     *
     * @param stage the stage
     * @param <T> its result type
     * @return its result
     */
    <T> T join(CompletionStage<T> stage);
}
