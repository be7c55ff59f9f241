package io.resilientredis.client;

import io.resilientredis.failover.ReplayApplier;
import io.resilientredis.failover.spill.SpillEntry;
import java.util.List;
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
 * again), idempotent ones through a script that applies the command.
 */
final class RedissonReplayApplier implements ReplayApplier<RedissonClient> {

    private final long markerTtlSeconds;
    private final Durability durability;

    RedissonReplayApplier(long markerTtlSeconds, Durability durability) {
        this.markerTtlSeconds = markerTtlSeconds;
        this.durability = durability;
    }

    @Override
    public CompletionStage<Void> apply(RedissonClient client, List<SpillEntry> entries) {
        BatchOptions options = BatchOptions.defaults().retryAttempts(0);
        if (durability.isReplicated()) {
            // A replayed write leaves the store only once the replicas have it too.
            options.sync(durability.replicas(), durability.timeout());
        }
        RBatch batch = client.createBatch(options);
        RScriptAsync script = batch.getScript(ByteArrayCodec.INSTANCE);
        for (SpillEntry entry : entries) {
            SpilledWrite write = SpilledWrite.decode(entry.payload());
            if (write.exactlyOnce()) {
                script.evalAsync(RScript.Mode.READ_WRITE, Scripts.ONCE, RScript.ReturnType.LIST,
                        List.of(write.markerKey()), write.onceArgv(markerTtlSeconds));
            } else {
                script.evalAsync(RScript.Mode.READ_WRITE, Scripts.APPLY, RScript.ReturnType.LONG, List.of(),
                        write.commandArgv());
            }
        }
        return batch.executeAsync().thenApply(result -> {
            if (durability.isReplicated() && result.getSyncedSlaves() < durability.replicas()) {
                throw new ReplicationTimeoutException("replay: only " + result.getSyncedSlaves() + " of "
                        + durability.replicas() + " required replicas confirmed " + entries.size()
                        + " replayed write(s); they stay in the spill store and are replayed again");
            }
            return null;
        });
    }
}
