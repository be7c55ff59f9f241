package io.resilientredis.client;

import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.failover.spi.FailoverEngine;
import java.time.Duration;
import org.redisson.api.RedissonClient;

/**
 * The asynchronous operations of a {@link ResilientRedis} on string keys and values (UTF-8): every
 * operation of {@link AsyncRedisView}, returning {@link java.util.concurrent.CompletionStage}s. Stages
 * complete on Redisson's I/O threads: do not block in callbacks. Writes complete with a
 * {@link io.resilientredis.failover.WriteReceipt}: {@code WRITTEN}, or {@code SPILLED} when no endpoint
 * took the write and it waits, durably, for replay.
 */
public final class AsyncRedis extends AsyncRedisView<String, String> {

    AsyncRedis(FailoverEngine<RedissonClient> engine, ClusterLanes lanes, Duration markerTtl, Durability durability,
               long maxBulkBytes, long maxEntryBytes, boolean cluster) {
        super(engine, lanes, markerTtl, durability, maxBulkBytes, maxEntryBytes, cluster, Codec.utf8(), Codec.utf8());
    }

    private AsyncRedis(AsyncRedis of, ClientHooks hooks) {
        super(of, Codec.utf8(), Codec.utf8(), hooks);
    }

    @Override
    AsyncRedis observedBy(ClientHooks observer) {
        return new AsyncRedis(this, observer);
    }
}
