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
 * again), idempotent ones through a script that applies the command, and named-script writes
 * (job queue) through their script, told that this is a replay.
 */
final class RedissonReplayApplier implements ReplayApplier<RedissonClient> {

    private final long markerTtlSeconds;

    RedissonReplayApplier(long markerTtlSeconds) {
        this.markerTtlSeconds = markerTtlSeconds;
    }

    @Override
    public CompletionStage<Void> apply(RedissonClient client, List<SpillEntry> entries) {
        RBatch batch = client.createBatch(BatchOptions.defaults().retryAttempts(0));
        RScriptAsync script = batch.getScript(ByteArrayCodec.INSTANCE);
        for (SpillEntry entry : entries) {
            SpilledWrite write = SpilledWrite.decode(entry.payload());
            if (write.isScript()) {
                NamedScript named = NamedScript.byName(write.script());
                script.evalAsync(RScript.Mode.READ_WRITE, named.body(), NamedScript.REPLY, write.scriptKeys(),
                        write.scriptArgv(markerTtlSeconds, false));
            } else if (write.exactlyOnce()) {
                script.evalAsync(RScript.Mode.READ_WRITE, Scripts.ONCE, RScript.ReturnType.LIST,
                        List.of(write.markerKey()), write.onceArgv(markerTtlSeconds));
            } else {
                script.evalAsync(RScript.Mode.READ_WRITE, Scripts.APPLY, RScript.ReturnType.LONG, List.of(),
                        write.commandArgv());
            }
        }
        return batch.executeAsync().thenApply(result -> null);
    }
}
