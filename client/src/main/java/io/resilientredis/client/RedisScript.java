package io.resilientredis.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An application's own Lua script, run with {@link ResilientRedis#execute(RedisScript)}: by its SHA
 * ({@code EVALSHA}), loaded with {@code EVAL} when the server does not know it (a fresh master). A write like
 * any other: exactly once by default (the marker is checked and set inside the same script run, so the
 * script's effects and its marker are atomic), or {@link #idempotent()} when running it twice is harmless;
 * spilled with its body and replayed when Redis is back. Declare every key the script touches in
 * {@link #keys(String...)}: on a Redis Cluster they must share one hash slot. Immutable.
 *
 * <p>An exactly-once script's reply, when it ran before, is what its marker recorded: its reply as a string
 * (a table reply as {@code OK}), or null. A script that fails part-way keeps the writes it made before the
 * error (Redis does not roll a script back) and sets no marker: make such scripts check before they write.
 */
public final class RedisScript {

    private final String body;
    private final List<String> keys;
    private final List<byte[]> args;
    private final boolean idempotent;

    private RedisScript(String body, List<String> keys, List<byte[]> args, boolean idempotent) {
        this.body = body;
        this.keys = keys;
        this.args = args;
        this.idempotent = idempotent;
    }

    /**
     * @param body the Lua source, using {@code KEYS} and {@code ARGV} as Redis scripts do
     * @return a script with no keys and no arguments, exactly once
     */
    public static RedisScript of(String body) {
        Objects.requireNonNull(body, "body");
        if (body.isBlank()) {
            throw new IllegalArgumentException("a script needs a body");
        }
        return new RedisScript(body, List.of(), List.of(), false);
    }

    /**
     * @param names every key the script touches, as {@code KEYS[1..n]}
     * @return a copy with these keys
     */
    public RedisScript keys(String... names) {
        List<String> k = new ArrayList<>(names.length);
        for (String n : names) {
            k.add(Objects.requireNonNull(n, "key"));
        }
        return new RedisScript(body, Collections.unmodifiableList(k), args, idempotent);
    }

    /**
     * @param values the script's {@code ARGV}
     * @return a copy with these arguments
     */
    public RedisScript args(String... values) {
        List<byte[]> a = new ArrayList<>(values.length);
        for (String v : values) {
            a.add(Objects.requireNonNull(v, "argument").getBytes(StandardCharsets.UTF_8));
        }
        return new RedisScript(body, keys, Collections.unmodifiableList(a), idempotent);
    }

    /**
     * @param values the script's {@code ARGV} as bytes
     * @return a copy with these arguments
     */
    public RedisScript binaryArgs(byte[]... values) {
        List<byte[]> a = new ArrayList<>(values.length);
        for (byte[] v : values) {
            a.add(Objects.requireNonNull(v, "argument").clone());
        }
        return new RedisScript(body, keys, Collections.unmodifiableList(a), idempotent);
    }

    /** @return a copy declared safe to run more than once: no marker */
    public RedisScript idempotent() {
        return new RedisScript(body, keys, args, true);
    }

    String body() {
        return body;
    }

    List<String> keyNames() {
        return keys;
    }

    List<byte[]> argValues() {
        return args;
    }

    boolean isIdempotent() {
        return idempotent;
    }

    @Override
    public String toString() {
        return "RedisScript(" + keys.size() + " keys, " + args.size() + " args" + (idempotent ? ", idempotent)"
                : ", exactly once)");
    }
}
