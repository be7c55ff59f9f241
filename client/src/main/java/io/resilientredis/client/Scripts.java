package io.resilientredis.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * The Lua scripts that make non-idempotent writes exactly-once, and that replay spilled writes.
 */
final class Scripts {

    /** What a marker holds for a write whose reply was nil (a GETDEL of a missing key). */
    static final String NIL_MARK = "rr:nil";

    /**
     * Applies a write once per id. KEYS[1] is the marker key (in the slot of the write's first key);
     * KEYS[2..] the write's own keys, declared so Redis Cluster routes and checks the call (the
     * command reads them from ARGV); ARGV[1] the marker TTL in seconds; ARGV[2..] the command and its
     * arguments. A marker that exists means the write was applied
     * before: its stored reply is returned and nothing is applied. Returns {applied (1|0), reply}; a nil
     * reply is kept as {@link #NIL_MARK} and returned as nil.
     */
    static final String ONCE = String.join("\n",
            "local seen = redis.call('GET', KEYS[1])",
            "if seen then",
            "  if seen == '" + NIL_MARK + "' then return {0, false} end",
            "  return {0, seen}",
            "end",
            "local res = redis.call(unpack(ARGV, 2))",
            "if type(res) == 'table' then res = res['ok'] or 'OK' end",
            "if res == false then",
            "  redis.call('SET', KEYS[1], '" + NIL_MARK + "', 'EX', ARGV[1])",
            "  return {1, false}",
            "end",
            "redis.call('SET', KEYS[1], tostring(res), 'EX', ARGV[1])",
            "return {1, tostring(res)}");

    /** Applies an idempotent write given as ARGV (command and arguments), its keys declared in KEYS; returns 1. */
    static final String APPLY = "redis.call(unpack(ARGV))\nreturn 1";

    static final String ONCE_SHA = sha1(ONCE);

    /**
     * Runs a read given as ARGV (command and arguments), its keys declared in KEYS, and returns its reply
     * as the one element of a table, so a batch reads replies of every type with one return type. A
     * batch's reads go through it to stay in the pipeline, in order with its writes.
     */
    static final String READ = "return {redis.call(unpack(ARGV))}";

    static final String READ_SHA = sha1(READ);

    /**
     * An application's script made exactly-once: KEYS[1] is the marker (in the slot of the script's first
     * key), ARGV[1] its TTL; the script itself runs as a function of the remaining KEYS and ARGV, in the
     * same script run, so its effects and the marker are atomic. A marker that exists means it ran before:
     * the reply it recorded (as a string, or nil) is returned and nothing runs. An error reply is returned
     * without a marker.
     *
     * @param body the application's Lua source
     * @return the wrapped source
     */
    /**
     * A script whose reply comes back as the one element of a table ({@code {}} for nil); an error reply
     * stays an error reply.
     *
     * @param body the Lua source
     * @return the wrapped source
     */
    static String tabled(String body) {
        return String.join("\n",
                "local res = (function()",
                body,
                "end)()",
                "if type(res) == 'table' and res['err'] then return res end",
                "return {res}");
    }

    static String onceWrapper(String body) {
        return String.join("\n",
                "local seen = redis.call('GET', KEYS[1])",
                "if seen then",
                "  if seen == '" + NIL_MARK + "' then return false end",
                "  return seen",
                "end",
                "local keys, argv = {}, {}",
                "for i = 2, #KEYS do keys[i - 1] = KEYS[i] end",
                "for i = 2, #ARGV do argv[i - 1] = ARGV[i] end",
                "local res = (function(KEYS, ARGV)",
                body,
                "end)(keys, argv)",
                "if type(res) == 'table' and res['err'] then return res end",
                "if res == nil or res == false then",
                "  redis.call('SET', KEYS[1], '" + NIL_MARK + "', 'EX', ARGV[1])",
                "  return false",
                "end",
                "local kept = res",
                "if type(res) == 'table' then kept = res['ok'] or 'OK' end",
                "redis.call('SET', KEYS[1], tostring(kept), 'EX', ARGV[1])",
                "return res");
    }
    static final String APPLY_SHA = sha1(APPLY);

    private Scripts() {
    }

    /** Runs {@code script} by its SHA, loading it with EVAL when the server does not know it (new master). */
    static <R> CompletionStage<R> evalSha(RScriptAsync script, String sha, String body, RScript.ReturnType type,
                                          List<Object> keys, Object... values) {
        return script.<R>evalShaAsync(RScript.Mode.READ_WRITE, sha, type, keys, values)
                .exceptionallyCompose(failure -> isNoScript(failure)
                        ? script.<R>evalAsync(RScript.Mode.READ_WRITE, body, type, keys, values)
                        : java.util.concurrent.CompletableFuture.failedStage(failure));
    }

    static RScriptAsync bytes(RedissonClient client) {
        return client.getScript(ByteArrayCodec.INSTANCE);
    }

    static boolean isNoScript(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisNoScriptException
                    || (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static String sha1(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
