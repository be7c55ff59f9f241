package io.resilientredis.client;

import io.resilientredis.failover.ReplayApplier;
import io.resilientredis.failover.spill.SpillEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Replays spilled writes as one Redisson pipeline per batch: exactly-once writes through the
 * marker script under their original id (so a write whose first attempt did land is not applied
 * again), idempotent ones through a script that applies the command, and named-script writes
 * (job queue) through their script, told that this is a replay.
 */
final class RedissonReplayApplier implements ReplayApplier<RedissonClient> {

    private final long markerTtlSeconds;
    private final Durability durability;
    private final boolean allThroughMarkers;

    RedissonReplayApplier(long markerTtlSeconds, Durability durability) {
        this(markerTtlSeconds, durability, false);
    }

    /**
     * @param allThroughMarkers apply idempotent writes through the marker script too: for re-applying
     *                          REPLICATED writes (each was written with its marker), so that one the
     *                          master already has is skipped rather than written again
     */
    RedissonReplayApplier(long markerTtlSeconds, Durability durability, boolean allThroughMarkers) {
        this.markerTtlSeconds = markerTtlSeconds;
        this.durability = durability;
        this.allThroughMarkers = allThroughMarkers;
    }

    @Override
    public CompletionStage<Void> apply(RedissonClient client, List<SpillEntry> entries) {
        List<SpilledWrite> writes = new ArrayList<>(entries.size());
        for (SpillEntry entry : entries) {
            writes.add(SpilledWrite.decode(entry.payload()));
        }
        // EVALSHA keeps the scripts' bodies off the wire; a master that does not know them yet (a
        // fresh one after a failover) answers NOSCRIPT: load them and send the batch again. Every
        // write in it is safe to apply twice (marker or idempotent).
        return send(client, writes).exceptionallyCompose(failure -> Scripts.isNoScript(failure)
                ? load(client, writes, allThroughMarkers).thenCompose(x -> send(client, writes))
                : CompletableFuture.failedStage(failure));
    }

    private CompletionStage<Void> send(RedissonClient client, List<SpilledWrite> writes) {
        BatchOptions options = BatchOptions.defaults().retryAttempts(0);
        if (durability.isReplicated()) {
            // A replayed write leaves the store only once the replicas have it too.
            options.sync(durability.replicas(), durability.timeout());
        }
        RBatch batch = client.createBatch(options);
        RScriptAsync script = batch.getScript(ByteArrayCodec.INSTANCE);
        for (SpilledWrite write : writes) {
            if (write.isScript()) {
                NamedScript named = NamedScript.byName(write.script());
                script.evalShaAsync(RScript.Mode.READ_WRITE, named.sha(), NamedScript.REPLY, write.scriptKeys(),
                        write.scriptArgv(markerTtlSeconds, false));
            } else if (write.exactlyOnce() || allThroughMarkers) {
                script.evalShaAsync(RScript.Mode.READ_WRITE, Scripts.ONCE_SHA, RScript.ReturnType.LIST,
                        List.of(write.markerKey()), write.onceArgv(markerTtlSeconds));
            } else if (!plainCommand(batch, write)) {
                script.evalShaAsync(RScript.Mode.READ_WRITE, Scripts.APPLY_SHA, RScript.ReturnType.LONG, List.of(),
                        write.commandArgv());
            }
        }
        return batch.executeAsync().thenApply(result -> {
            if (durability.isReplicated() && result.getSyncedSlaves() < durability.replicas()) {
                throw new ReplicationTimeoutException("replay: only " + result.getSyncedSlaves() + " of "
                        + durability.replicas() + " required replicas confirmed " + writes.size()
                        + " replayed write(s); they stay in the spill store and are replayed again");
            }
            return null;
        });
    }

    /**
     * Sends the idempotent writes the facade itself makes as plain commands (a Lua call costs Redis
     * several times a SET). Anything else goes through the apply script.
     *
     * @return whether the write was added to the batch
     */
    static boolean plainCommand(RBatch batch, SpilledWrite write) {
        List<byte[]> a = write.args();
        switch (write.command()) {
            case "SET" -> {
                if (a.size() == 2) {
                    batch.<byte[]>getBucket(text(a.get(0)), ByteArrayCodec.INSTANCE).setAsync(a.get(1));
                    return true;
                }
                if (a.size() == 4 && "PX".equals(text(a.get(2)))) {
                    batch.<byte[]>getBucket(text(a.get(0)), ByteArrayCodec.INSTANCE)
                            .setAsync(a.get(1), Duration.ofMillis(Long.parseLong(text(a.get(3)))));
                    return true;
                }
                if (a.size() == 5 && "NX".equals(text(a.get(2))) && "PX".equals(text(a.get(3)))) {
                    batch.<byte[]>getBucket(text(a.get(0)), ByteArrayCodec.INSTANCE)
                            .setIfAbsentAsync(a.get(1), Duration.ofMillis(Long.parseLong(text(a.get(4)))));
                    return true;
                }
                return false;
            }
            case "HSET" -> {
                if (a.size() == 3) {
                    batch.<byte[], byte[]>getMap(text(a.get(0)), ByteArrayCodec.INSTANCE).fastPutAsync(a.get(1), a.get(2));
                    return true;
                }
                return false;
            }
            case "PEXPIRE" -> {
                if (a.size() == 2) {
                    batch.getBucket(text(a.get(0)), ByteArrayCodec.INSTANCE)
                            .expireAsync(Duration.ofMillis(Long.parseLong(text(a.get(1)))));
                    return true;
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Loads every script the batch uses into the server's script cache. */
    private static CompletionStage<Void> load(RedissonClient client, List<SpilledWrite> writes,
                                              boolean allThroughMarkers) {
        Set<String> bodies = new LinkedHashSet<>();
        for (SpilledWrite w : writes) {
            bodies.add(w.isScript() ? NamedScript.byName(w.script()).body()
                    : w.exactlyOnce() || allThroughMarkers ? Scripts.ONCE : Scripts.APPLY);
        }
        CompletableFuture<?>[] loads = bodies.stream()
                .map(b -> client.getScript().scriptLoadAsync(b).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(loads);
    }
}
