package io.resilientredis.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * The one place that knows how a write in its spill form ({@link SpilledWrite}) goes on the wire:
 * which script applies it (the exactly-once marker script, a named script, the apply script) or
 * which plain command, with which keys and arguments, and how the scripts get into a server's
 * cache. The direct path ({@link RedisWrite}), the {@code WAIT} pipeline ({@link ReplicationBatcher})
 * and the replayer ({@link RedissonReplayApplier}) all send through it, so the marker protocol is
 * written once.
 */
final class WireForm {

    /** Why the write is being sent: it decides the form. */
    enum Pass {
        /**
         * The write's own attempt (not spilled): exactly-once and named-script writes through their
         * script, and, for REPLICATED durability, idempotent ones through the marker script too.
         */
        FIRST,
        /**
         * A replay of a spilled write: exactly-once ones through their marker, named scripts told it
         * is a replay, idempotent ones as plain commands where the facade knows them, else through the
         * apply script.
         */
        REPLAY,
        /**
         * A re-apply of REPLICATED writes (the failover journal): every write through its marker, so
         * one the new master already has is skipped rather than written again.
         */
        REAPPLY
    }

    /**
     * A replayed write's reply in the exactly-once marker's form: the command's reply as the marker
     * script records it ({@code tostring} of it, as bytes; null for nil). A write's {@code onceReply} reads
     * it, as it reads a direct marker reply. Plain commands' replies are turned into this form too.
     *
     * @param raw the recorded reply (bytes, or a String for a plain command's), or null for nil
     */
    record Recorded(Object raw) {
    }

    /**
     * A replayed script's reply (a named script's table, an application script's reply), as the
     * pipeline returned it.
     *
     * @param value the reply
     */
    record Returned(Object value) {
    }

    /** The idempotent writes replayed as a plain Redisson call, and the form of each. */
    private enum Plain { SET, SET_PX, SET_NX_PX, HSET, PEXPIRE }

    /** One script call: what EVALSHA needs, and the body to load. */
    private record ScriptCall(String sha, String body, RScript.ReturnType type, List<Object> keys, Object[] argv) {
    }

    private final long markerTtlSeconds;

    /** @param markerTtlSeconds how long exactly-once markers live */
    WireForm(long markerTtlSeconds) {
        this.markerTtlSeconds = markerTtlSeconds;
    }

    /**
     * Sends one write alone, on its first attempt, by its script's SHA; a server that does not know
     * the script (a new master) gets it with EVAL.
     *
     * @return the script's reply: {@code {applied, reply}} for the marker script, the named script's table
     */
    CompletionStage<List<Object>> send(RedissonClient client, SpilledWrite write) {
        ScriptCall call = call(write, Pass.FIRST);
        return Scripts.evalSha(Scripts.bytes(client), call.sha(), call.body(), call.type(), call.keys(), call.argv());
    }

    /**
     * Adds one write to a pipeline.
     *
     * @param script the pipeline's script handle (byte-array codec)
     * @return the write's reply in the pipeline (a table for {@link Pass#FIRST})
     */
    CompletionStage<?> add(RBatch batch, RScriptAsync script, SpilledWrite write, Pass pass) {
        Plain plain = pass == Pass.REPLAY ? plainForm(write) : null;
        if (plain != null) {
            return plainCommand(batch, write, plain);
        }
        ScriptCall call = call(write, pass);
        if (pass != Pass.FIRST) {
            // A replayed or re-applied batch must never fail part-way on NOSCRIPT (a fresh master after a
            // failover knows no script): the writes after the failed one would be applied before it is, and
            // sending the batch again would apply an older idempotent write over a newer exactly-once one.
            // EVAL carries the body, so no write of the batch can miss its script.
            return script.evalAsync(RScript.Mode.READ_WRITE, call.body(), call.type(), call.keys(), call.argv());
        }
        return script.evalShaAsync(RScript.Mode.READ_WRITE, call.sha(), call.type(), call.keys(), call.argv());
    }

    /**
     * Turns a replayed write's reply in the pipeline into the form its {@link RedisWrite#replayReply}
     * reader reads: {@link Recorded} for a write through the marker script or a plain command, {@link Returned}
     * for a script, null for a write through the apply script (which returns no reply of the command).
     *
     * @param write the write {@link #add} sent in {@code pass}
     * @param reply its reply in the pipeline
     * @return the reply, or null when there is none
     */
    static Object replayed(SpilledWrite write, Pass pass, Object reply) {
        if (write.isScript()) {
            return new Returned(scriptReply(write, reply));
        }
        Plain plain = pass == Pass.REPLAY ? plainForm(write) : null;
        if (plain != null) {
            return new Recorded(switch (plain) {
                case SET, SET_PX -> "OK";
                case SET_NX_PX -> Boolean.TRUE.equals(reply) ? "OK" : null;
                case HSET, PEXPIRE -> Boolean.TRUE.equals(reply) ? "1" : "0";
            });
        }
        if (write.exactlyOnce() || pass != Pass.REPLAY) {
            List<?> table = (List<?>) reply; // {applied, recorded reply}
            return new Recorded(table.get(1));
        }
        return null;
    }

    /** @return the body of the script that applies this write in that pass */
    String scriptBody(SpilledWrite write, Pass pass) {
        return call(write, pass).body();
    }

    /** Loads every script these writes use in that pass into the server's script cache. */
    CompletionStage<Void> loadScripts(RedissonClient client, Collection<SpilledWrite> writes, Pass pass) {
        Set<String> bodies = new LinkedHashSet<>();
        for (SpilledWrite w : writes) {
            bodies.add(call(w, pass).body());
        }
        return CompletableFuture.allOf(bodies.stream()
                .map(b -> client.getScript().scriptLoadAsync(b).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    private ScriptCall call(SpilledWrite w, Pass pass) {
        if (w.isUserScript()) {
            return userScript(w, markerTtlSeconds, true);
        }
        if (w.isScript()) {
            NamedScript named = NamedScript.byName(w.script());
            return new ScriptCall(named.sha(), named.body(), NamedScript.REPLY, w.scriptKeys(),
                    w.scriptArgv(markerTtlSeconds, pass == Pass.FIRST));
        }
        if (w.exactlyOnce() || pass != Pass.REPLAY) {
            return new ScriptCall(Scripts.ONCE_SHA, Scripts.ONCE, RScript.ReturnType.LIST, w.onceKeys(),
                    w.onceArgv(markerTtlSeconds));
        }
        return new ScriptCall(Scripts.APPLY_SHA, Scripts.APPLY, RScript.ReturnType.LONG,
                new java.util.ArrayList<>(w.dataKeys()), w.commandArgv());
    }

    /**
     * An application's script: as it is when idempotent, else inside the marker wrapper.
     *
     * @param tabled whether its reply comes back as the one element of a table (a pipeline's form: Redisson
     *               reads a pipelined script's reply as a table, and one pipelined with {@code WAIT} whose
     *               reply is an integer or a string never completed); {@link #scriptReply} takes it out
     */
    private static ScriptCall userScript(SpilledWrite w, long markerTtlSeconds, boolean tabled) {
        UserScriptForms forms = UserScriptForms.of(w.body());
        List<Object> keys = new java.util.ArrayList<>(w.keys().size() + 1);
        if (!w.exactlyOnce()) {
            keys.addAll(w.keys());
            return tabled ? new ScriptCall(forms.tabledSha(), forms.tabled(), RScript.ReturnType.LIST, keys,
                    w.args().toArray())
                    : new ScriptCall(forms.sha(), w.body(), RScript.ReturnType.LIST, keys, w.args().toArray());
        }
        keys.add(w.markerKey());
        keys.addAll(w.keys());
        Object[] argv = new Object[w.args().size() + 1];
        argv[0] = Long.toString(markerTtlSeconds).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < w.args().size(); i++) {
            argv[i + 1] = w.args().get(i);
        }
        return tabled ? new ScriptCall(forms.tabledOnceSha(), forms.tabledOnce(), RScript.ReturnType.LIST, keys, argv)
                : new ScriptCall(forms.onceSha(), forms.once(), RScript.ReturnType.LIST, keys, argv);
    }

    /**
     * @param write a write sent in a pipeline ({@link #add})
     * @param reply its reply there
     * @return the script's reply as Redis would have sent it alone: an application's script, pipelined in its
     *     tabled form, answers inside a one-element table (empty for nil); a named script's table as it is
     */
    static Object scriptReply(SpilledWrite write, Object reply) {
        if (!write.isUserScript()) {
            return reply;
        }
        return reply instanceof List<?> table && !table.isEmpty() ? table.get(0) : null;
    }

    /**
     * Sends an application's script alone, on its first attempt, as one plain {@code EVALSHA} (any reply
     * type), with {@code EVAL} when the server does not know it.
     *
     * @return the script's reply as Redis sent it
     */
    CompletionStage<Object> sendUserScript(RedissonClient client, SpilledWrite write) {
        ScriptCall call = userScript(write, markerTtlSeconds, false);
        List<byte[]> args = new java.util.ArrayList<>(call.keys().size() + call.argv().length + 2);
        args.add(null); // the script, by SHA or body
        args.add(Integer.toString(call.keys().size()).getBytes(StandardCharsets.UTF_8));
        for (Object k : call.keys()) {
            args.add(k instanceof byte[] b ? b : k.toString().getBytes(StandardCharsets.UTF_8));
        }
        for (Object a : call.argv()) {
            args.add((byte[]) a);
        }
        byte[] first = call.keys().isEmpty() ? null : args.get(2);
        List<byte[]> bySha = new java.util.ArrayList<>(args);
        bySha.set(0, call.sha().getBytes(StandardCharsets.UTF_8));
        return RawCommands.call(client, true, "EVALSHA", bySha, first).exceptionallyCompose(failure -> {
            if (!Scripts.isNoScript(failure)) {
                return CompletableFuture.failedStage(failure);
            }
            List<byte[]> byBody = new java.util.ArrayList<>(args);
            byBody.set(0, call.body().getBytes(StandardCharsets.UTF_8));
            return RawCommands.call(client, true, "EVAL", byBody, first);
        });
    }

    /**
     * An application script's forms and their SHAs, computed once for the scripts used most: as it is, inside
     * the marker wrapper, and both tabled for pipelines.
     */
    private record UserScriptForms(String sha, String once, String onceSha, String tabled, String tabledSha,
                                   String tabledOnce, String tabledOnceSha) {
        private static final Map<String, UserScriptForms> CACHE = new ConcurrentHashMap<>();
        private static final int CACHED = 256;

        static UserScriptForms of(String body) {
            UserScriptForms f = CACHE.get(body);
            if (f == null) {
                String once = Scripts.onceWrapper(body);
                String tabled = Scripts.tabled(body);
                String tabledOnce = Scripts.tabled(once);
                f = new UserScriptForms(Scripts.sha1(body), once, Scripts.sha1(once), tabled, Scripts.sha1(tabled),
                        tabledOnce, Scripts.sha1(tabledOnce));
                if (CACHE.size() < CACHED) {
                    CACHE.putIfAbsent(body, f);
                }
            }
            return f;
        }
    }

    /**
     * @return the plain form of an idempotent write the facade itself makes, replayed as a plain command
     *     (a Lua call costs Redis several times a SET); null when it has none here (the apply script takes it)
     */
    private static Plain plainForm(SpilledWrite write) {
        if (write.isScript() || write.exactlyOnce()) {
            return null;
        }
        List<byte[]> a = write.args();
        if (a.isEmpty() || !utf8(a.get(0))) {
            // Redisson names keys as Strings: a binary key would not survive; the apply script sends bytes.
            return null;
        }
        return switch (write.command()) {
            case "SET" -> a.size() == 2 ? Plain.SET
                    : a.size() == 4 && "PX".equals(text(a.get(2))) ? Plain.SET_PX
                    : a.size() == 5 && "NX".equals(text(a.get(2))) && "PX".equals(text(a.get(3))) ? Plain.SET_NX_PX
                    : null;
            case "HSET" -> a.size() == 3 ? Plain.HSET : null;
            case "PEXPIRE" -> a.size() == 2 ? Plain.PEXPIRE : null;
            default -> null;
        };
    }

    /** Adds a write in its plain form: SET as {@code Void}, the others as a {@code Boolean} reply. */
    private static CompletionStage<?> plainCommand(RBatch batch, SpilledWrite write, Plain plain) {
        List<byte[]> a = write.args();
        String key = text(a.get(0));
        return switch (plain) {
            case SET -> batch.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE).setAsync(a.get(1));
            case SET_PX -> batch.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE)
                    .setAsync(a.get(1), Duration.ofMillis(Long.parseLong(text(a.get(3)))));
            case SET_NX_PX -> batch.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE)
                    .setIfAbsentAsync(a.get(1), Duration.ofMillis(Long.parseLong(text(a.get(4)))));
            case HSET -> batch.<byte[], byte[]>getMap(key, ByteArrayCodec.INSTANCE).fastPutAsync(a.get(1), a.get(2));
            case PEXPIRE -> batch.getBucket(key, ByteArrayCodec.INSTANCE)
                    .expireAsync(Duration.ofMillis(Long.parseLong(text(a.get(1)))));
        };
    }

    /** @return whether {@code b} is UTF-8 that decodes and encodes back to the same bytes */
    private static boolean utf8(byte[] b) {
        return java.util.Arrays.equals(text(b).getBytes(StandardCharsets.UTF_8), b);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
