package io.resilientredis.client;

import io.resilientredis.failover.spi.ReplayApplier;
import io.resilientredis.failover.spill.SpillEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Replays spilled writes as one Redisson pipeline per batch: exactly-once writes through the
 * marker script under their original id (so a write whose first attempt did land is not applied
 * again), idempotent ones through a script that applies the command, and named-script writes
 * (job queue) through their script, told that this is a replay. Its replies are the pipeline's, one
 * per write, in the form the {@link RedisWrite#replayReply} reader reads ({@link WireForm#replayed}).
 */
final class RedissonReplayApplier implements ReplayApplier<RedissonClient> {

    private final WireForm wire;
    private final Durability durability;
    private final WireForm.Pass pass;

    RedissonReplayApplier(long markerTtlSeconds, Durability durability) {
        this(markerTtlSeconds, durability, false);
    }

    /**
     * @param allThroughMarkers apply idempotent writes through the marker script too: under REPLICATED
     *                          durability every write carries its marker (direct, replayed or re-applied),
     *                          so that the journal's re-apply skips exactly the writes the master has and
     *                          never writes an older value over a newer one
     */
    RedissonReplayApplier(long markerTtlSeconds, Durability durability, boolean allThroughMarkers) {
        this.wire = new WireForm(markerTtlSeconds);
        this.durability = durability;
        this.pass = allThroughMarkers ? WireForm.Pass.REAPPLY : WireForm.Pass.REPLAY;
    }

    @Override
    public CompletionStage<List<Object>> apply(RedissonClient client, List<SpillEntry> entries) {
        List<SpilledWrite> writes = new ArrayList<>(entries.size());
        // How many writes each spilled batch (RedisBatch) holds, expanded in order; -1 for a single write.
        int[] counts = new int[entries.size()];
        boolean batches = false;
        for (int i = 0; i < entries.size(); i++) {
            byte[] payload = entries.get(i).payload();
            List<SpilledWrite> held = SpilledWrite.decodeAll(payload);
            counts[i] = SpilledWrite.isBatch(payload) ? held.size() : -1;
            batches |= counts[i] >= 0;
            writes.addAll(held);
        }
        boolean grouped = batches;
        // EVALSHA keeps the scripts' bodies off the wire; a master that does not know them yet (a
        // fresh one after a failover) answers NOSCRIPT: load them and send the batch again. Every
        // write in it is safe to apply twice (marker or idempotent).
        return send(client, writes).exceptionallyCompose(failure -> Scripts.isNoScript(failure)
                ? wire.loadScripts(client, writes, pass).thenCompose(x -> send(client, writes))
                : CompletableFuture.failedStage(failure)).thenApply(replies -> grouped ? perEntry(replies, counts) : replies);
    }

    /** @return one reply per entry: a write's own, or for a batch the list of its writes' replies */
    private static List<Object> perEntry(List<Object> replies, int[] counts) {
        List<Object> out = new ArrayList<>(counts.length);
        int at = 0;
        for (int count : counts) {
            if (count < 0) {
                out.add(replies.get(at++));
            } else {
                out.add(new ArrayList<>(replies.subList(at, at + count)));
                at += count;
            }
        }
        return out;
    }

    private CompletionStage<List<Object>> send(RedissonClient client, List<SpilledWrite> writes) {
        BatchOptions options = BatchOptions.defaults().retryAttempts(0);
        if (durability.isReplicated()) {
            // A replayed write leaves the store only once the replicas have it too.
            options.sync(durability.replicas(), durability.timeout());
        }
        RBatch batch = client.createBatch(options);
        RScriptAsync script = batch.getScript(ByteArrayCodec.INSTANCE);
        List<CompletableFuture<?>> replies = new ArrayList<>(writes.size());
        for (SpilledWrite write : writes) {
            replies.add(wire.add(batch, script, write, pass).toCompletableFuture());
        }
        return batch.executeAsync().thenApply(result -> {
            if (durability.isReplicated() && result.getSyncedSlaves() < durability.replicas()) {
                throw new ReplicationTimeoutException("replay: only " + result.getSyncedSlaves() + " of "
                        + durability.replicas() + " required replicas confirmed " + writes.size()
                        + " replayed write(s); they stay in the spill store and are replayed again");
            }
            // Each write's own stage holds its reply, as its call decodes it (a plain SET's Void, an HSET's
            // Boolean, a script's table), complete before the batch is: reading them costs no round trip.
            // The batch is applied whatever they hold: a reply that cannot be read is none, never a failure.
            List<Object> out = new ArrayList<>(writes.size());
            for (int i = 0; i < writes.size(); i++) {
                out.add(replayed(writes.get(i), replies.get(i)));
            }
            return out;
        });
    }

    private Object replayed(SpilledWrite write, CompletableFuture<?> reply) {
        if (!reply.isDone() || reply.isCompletedExceptionally()) {
            return null; // not seen: no reply rather than a wait
        }
        try {
            return WireForm.replayed(write, pass, reply.join());
        } catch (RuntimeException unexpected) {
            return null;
        }
    }
}
