package io.resilientredis.chaos.queue;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import java.nio.file.Path;
import java.time.Duration;

/** Clients with short timeouts, so that outages are noticed in well under a second. */
final class QueueClients {

    private QueueClients() {
    }

    static ResilientRedis.Builder fast(RedisEndpoint endpoint) {
        return ResilientRedis.builder()
                .primary(endpoint)
                .timeout(Duration.ofMillis(400))
                .connectTimeout(Duration.ofMillis(400))
                .nettyThreads(2)
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(300))
                        .probeInterval(Duration.ofMillis(100)).build());
    }

    static ResilientRedis fast(RedisEndpoint endpoint, Path spill) {
        return fast(endpoint).spill(spill).build();
    }
}
