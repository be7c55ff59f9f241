package io.resilientredis.client;

import io.resilientredis.failover.spi.WriteOp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.redisson.api.RedissonClient;

/**
 * One write through the facade. Idempotent writes go through Redisson's typed call (the fast
 * path); non-idempotent ones through the exactly-once script, keyed by the write's id, so that a
 * retry, a spill and a replay of the same write apply it once.
 */
final class RedisWrite<T> implements WriteOp<RedissonClient, T> {

    private final String id;
    /** The spill form; built on first use when {@link #lazyForm} is set (direct writes never need it). */
    private volatile SpilledWrite form;
    private final Supplier<SpilledWrite> lazyForm;
    private final long spillSize;
    private final long largestArg;
    private final long markerTtlSeconds;
    private final Function<RedissonClient, CompletionStage<T>> direct;
    /** Turns the reply the exactly-once script recorded (bytes, or null) into this write's reply type. */
    private final Function<Object, T> onceReply;
    /**
     * Turns a script's reply, as Redis sent it, into this write's reply: a named script's table, or
     * whatever an application's script returned (an integer, a string, a table).
     */
    private final Function<Object, T> scriptReply;
    /** Whether {@link #firstKey} was given (else it is read from the spill form when asked). */
    private final boolean firstKeyKnown;
    /** The key that routes the write (to its lane on a cluster), null for none; see {@link #firstKeyKnown}. */
    private final byte[] firstKey;

    private RedisWrite(SpilledWrite form, long markerTtlSeconds, Function<RedissonClient, CompletionStage<T>> direct,
                       Function<Object, T> onceReply) {
        this(form, markerTtlSeconds, direct, onceReply, null);
    }

    private RedisWrite(SpilledWrite form, long markerTtlSeconds, Function<RedissonClient, CompletionStage<T>> direct,
                       Function<Object, T> onceReply, Function<Object, T> scriptReply) {
        this(form.id(), form, null, form.encodedSize(), form.largestArg(), markerTtlSeconds, direct, onceReply,
                scriptReply);
    }

    private RedisWrite(String id, SpilledWrite form, Supplier<SpilledWrite> lazyForm, long spillSize, long largestArg,
                       long markerTtlSeconds, Function<RedissonClient, CompletionStage<T>> direct,
                       Function<Object, T> onceReply, Function<Object, T> scriptReply) {
        this(id, form, lazyForm, spillSize, largestArg, markerTtlSeconds, direct, onceReply, scriptReply, false,
                null);
    }

    private RedisWrite(String id, SpilledWrite form, Supplier<SpilledWrite> lazyForm, long spillSize, long largestArg,
                       long markerTtlSeconds, Function<RedissonClient, CompletionStage<T>> direct,
                       Function<Object, T> onceReply, Function<Object, T> scriptReply, boolean firstKeyKnown,
                       byte[] firstKey) {
        this.firstKeyKnown = firstKeyKnown;
        this.firstKey = firstKey;
        this.id = id;
        this.form = form;
        this.lazyForm = lazyForm;
        this.spillSize = spillSize;
        this.largestArg = largestArg;
        this.markerTtlSeconds = markerTtlSeconds;
        this.direct = direct;
        this.onceReply = onceReply;
        this.scriptReply = scriptReply;
    }

    /**
     * A write applied by a named script (several commands atomically), spilled and replayed in the
     * script form of {@link SpilledWrite}. An exactly-once script checks its own marker.
     */
    static <T> RedisWrite<T> script(String id, boolean exactlyOnce, NamedScript script, List<String> keys,
                                    List<byte[]> args, long markerTtlSeconds, Function<List<Object>, T> reply) {
        return new RedisWrite<>(SpilledWrite.script(id, exactlyOnce, script.name(), keys, args), markerTtlSeconds,
                null, null, raw -> reply.apply(table(raw)));
    }

    /**
     * An application's own script ({@link RedisScript}), spilled with its body. Sent alone by its SHA; an
     * exactly-once one runs inside the marker wrapper, under the write's id.
     */
    static RedisWrite<Object> userScript(boolean exactlyOnce, String body, List<String> keys, List<byte[]> args,
                                         long markerTtlSeconds, Function<Object, Object> reply) {
        SpilledWrite form = SpilledWrite.userScript(Ids.next(), exactlyOnce, body, keys, args);
        WireForm wire = new WireForm(markerTtlSeconds);
        return new RedisWrite<>(form.id(), form, null, form.encodedSize(), form.largestArg(), markerTtlSeconds,
                c -> wire.sendUserScript(c, form).thenApply(reply), null, reply);
    }

    /**
     * @param scriptReply how to read this write's reply when it is applied through the
     *                    exactly-once script (the REPLICATED durability level does that)
     * @return a copy that knows it
     */
    RedisWrite<T> withScriptReply(Function<String, T> scriptReply) {
        return new RedisWrite<>(id, form, lazyForm, spillSize, largestArg, markerTtlSeconds, direct,
                raw -> scriptReply.apply(text(raw)), null, firstKeyKnown, firstKey);
    }

    /** Applies the write through its exactly-once script in a pipeline that waits for replicas. */
    CompletionStage<T> applyReplicated(ReplicationBatcher batcher) {
        SpilledWrite form = form();
        if (form.isScript()) {
            return batcher.submit(form).thenApply(r -> scriptReply.apply(WireForm.scriptReply(form, r)));
        }
        Function<Object, T> reply = onceReply == null ? s -> null : onceReply;
        return batcher.submit(form).thenApply(r -> reply.apply(r.get(1)));
    }

    /** An idempotent write with a typed fast path. */
    static <T> RedisWrite<T> idempotent(String command, List<byte[]> args,
                                        Function<RedissonClient, CompletionStage<T>> direct) {
        return new RedisWrite<>(new SpilledWrite(Ids.next(), false, command, args), 0, direct, null);
    }

    /**
     * An idempotent command sent as one plain call, its spill form built only if it is needed (spilled,
     * journaled, sent through its script form, or checked for one slot): a direct write never builds it.
     *
     * @param command the command name
     * @param args its arguments, not changed afterwards
     * @param firstKey the key that routes it, or null for none
     * @param reply reads the command's reply, sent directly or through its script form
     */
    static <T> RedisWrite<T> idempotentCommand(String command, List<byte[]> args, byte[] firstKey,
                                               Function<Object, T> reply) {
        String id = Ids.next();
        long largest = 0;
        long size = SpilledWrite.encodedCommandSize(id, command);
        for (byte[] a : args) {
            largest = Math.max(largest, a.length);
            size += 4 + a.length;
        }
        return new RedisWrite<>(id, null, () -> new SpilledWrite(id, false, command, args), size, largest, 0,
                c -> RawCommands.call(c, true, command, args, firstKey).thenApply(reply),
                raw -> reply.apply(text(raw)), null, true, firstKey);
    }

    /**
     * An idempotent write with a typed fast path whose arguments are strings: they are turned into
     * the spill form only if the write is spilled (or needs its script form), not for a direct
     * write.
     */
    static <T> RedisWrite<T> idempotent(String command, Function<RedissonClient, CompletionStage<T>> direct,
                                        String... args) {
        String id = Ids.next();
        long largest = 0;
        for (String a : args) {
            largest = Math.max(largest, SpilledWrite.utf8Length(a));
        }
        return new RedisWrite<>(id, null, () -> new SpilledWrite(id, false, command, bytesOf(args)),
                SpilledWrite.encodedCommandSize(id, command, args), largest, 0, direct, null, null);
    }

    private static List<byte[]> bytesOf(String... args) {
        List<byte[]> out = new java.util.ArrayList<>(args.length);
        for (String a : args) {
            out.add(bytes(a));
        }
        return out;
    }

    /**
     * Throws if the write cannot be sent or spilled: an argument larger than Redis's
     * proto-max-bulk-len, or a spill form larger than the spill store's entry limit. Checked at
     * call time, before the write goes anywhere, so the outcome does not depend on whether Redis
     * happens to be up.
     *
     * @throws IllegalArgumentException naming the limit
     */
    void checkSize(long maxBulkBytes, long maxEntryBytes) {
        if (largestArg > maxBulkBytes) {
            throw new IllegalArgumentException("The write has an argument of " + largestArg + " bytes, larger than"
                    + " Redis's proto-max-bulk-len of " + maxBulkBytes + " bytes (ResilientRedis.Builder"
                    + ".protoMaxBulkLen); it was not sent. Fix: split the value, or raise proto-max-bulk-len on"
                    + " the server and in the builder.");
        }
        if (spillSize > maxEntryBytes) {
            throw new IllegalArgumentException("The write is " + spillSize + " bytes in spill form, larger than the"
                    + " spill store's entry limit of " + maxEntryBytes + " bytes (SpillStoreConfig.maxEntryBytes);"
                    + " it was not sent. Fix: split the value, or raise maxEntryBytes.");
        }
    }

    /**
     * Throws if the write's keys span hash slots (checked only when an endpoint is a Redis Cluster).
     *
     * @throws IllegalArgumentException naming the keys' slots and the fix
     */
    void checkOneSlot() {
        SpilledWrite f = form();
        CommandKeys.requireOneSlot(f.isScript() ? f.script() : f.command(), f.dataKeys());
    }

    /** A non-idempotent write, applied through the exactly-once script under a fresh id. */
    static <T> RedisWrite<T> exactlyOnce(String command, List<byte[]> args, long markerTtlSeconds,
                                         Function<String, T> reply) {
        return exactlyOnce(Ids.next(), command, args, markerTtlSeconds, reply);
    }

    /**
     * A non-idempotent write whose reply is read from the bytes the exactly-once script recorded (a
     * value the application's codec decodes), not from their UTF-8 text.
     */
    static <T> RedisWrite<T> exactlyOnceRaw(String command, List<byte[]> args, long markerTtlSeconds,
                                            Function<Object, T> rawReply) {
        return new RedisWrite<>(new SpilledWrite(Ids.next(), true, command, args), markerTtlSeconds, null, rawReply);
    }

    /** A non-idempotent write whose first {@code keyCount} arguments are keys (-1: by the command's name). */
    static <T> RedisWrite<T> exactlyOnce(String command, List<byte[]> args, int keyCount, long markerTtlSeconds,
                                         Function<String, T> reply) {
        return new RedisWrite<>(new SpilledWrite(Ids.next(), true, command, args, keyCount), markerTtlSeconds, null,
                raw -> reply.apply(text(raw)));
    }

    /** An idempotent write whose first {@code keyCount} arguments are keys (-1: by the command's name). */
    static <T> RedisWrite<T> idempotent(String command, List<byte[]> args, int keyCount,
                                        Function<RedissonClient, CompletionStage<T>> direct) {
        return new RedisWrite<>(new SpilledWrite(Ids.next(), false, command, args, keyCount), 0, direct, null);
    }

    /** A non-idempotent write under a caller-chosen id (job enqueue uses the job id). */
    static <T> RedisWrite<T> exactlyOnce(String id, String command, List<byte[]> args, long markerTtlSeconds,
                                         Function<String, T> reply) {
        return new RedisWrite<>(new SpilledWrite(id, true, command, args), markerTtlSeconds, null,
                raw -> reply.apply(text(raw)));
    }

    /**
     * @param reply what this write's script form answered, as a batch sent it: the marker script's
     *              {@code {applied, reply}}, a named script's table, or what an application's script
     *              returned (of any type)
     * @return the write's reply, decoded as a direct write decodes it
     */
    T replyOf(Object reply) {
        if (form().isScript()) {
            return scriptReply == null ? null : scriptReply.apply(WireForm.scriptReply(form(), reply));
        }
        return onceReply == null ? null : onceReply.apply(table(reply).get(1));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> table(Object reply) {
        return (List<Object>) reply;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<T> apply(RedissonClient client) {
        if (direct != null) {
            return direct.apply(client);
        }
        SpilledWrite form = form();
        CompletionStage<List<Object>> reply = new WireForm(markerTtlSeconds).send(client, form);
        return form.isScript() ? reply.thenApply(scriptReply) : reply.thenApply(r -> onceReply.apply(r.get(1)));
    }

    @Override
    public byte[] encode() {
        return form().encode();
    }

    /**
     * @return what reads the reply of this write's replay ({@link WireForm#replayed}) as its direct reply
     *     is read: the marker's recorded reply through {@code onceReply}, a script's through
     *     {@code scriptReply}; null from a form that carries none. It holds those two and nothing else
     *     of the write (it waits in memory as long as the write waits in the spill store).
     */
    @Override
    public Function<Object, T> replayReply() {
        Function<Object, T> once = onceReply;
        Function<Object, T> script = scriptReply;
        return raw -> {
            if (raw instanceof WireForm.Recorded recorded) {
                return once == null ? null : once.apply(recorded.raw());
            }
            if (raw instanceof WireForm.Returned returned) {
                return script == null ? null : script.apply(returned.value());
            }
            return null;
        };
    }

    /**
     * @return about how much heap this write holds while the failover journal keeps it: its encoded
     *     size plus ~300 bytes of objects around it (measured: 392 bytes for a SET of a 16-byte key and
     *     value, JournalCostBenchmark), without building a spill form a direct write does not need
     */
    @Override
    public int sizeHint() {
        return (int) Math.min(Integer.MAX_VALUE, spillSize + 300);
    }

    /** @return the key that routes this write (its first data key), or null for none */
    byte[] firstKey() {
        if (firstKeyKnown) {
            return firstKey;
        }
        List<byte[]> keys = form().dataKeys();
        return keys.isEmpty() ? null : keys.get(0);
    }

    SpilledWrite form() {
        SpilledWrite f = form;
        if (f == null) {
            f = lazyForm.get();
            form = f;
        }
        return f;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Object reply) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return reply.toString();
    }
}
