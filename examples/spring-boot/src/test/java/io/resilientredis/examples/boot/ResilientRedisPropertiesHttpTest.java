package io.resilientredis.examples.boot;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The outage over HTTP with the client wired from {@code resilient-redis.*}: the URL, short timeouts
 * and breaker delays; {@code spring.data.redis.port} points nowhere, so it must not be used.
 */
class ResilientRedisPropertiesHttpTest extends OrderServiceOutageScenario {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("resilient-redis.urls", () -> "redis://" + chaos.get().clientAddress(
                chaos.get().topology().primary()));
        registry.add("spring.data.redis.port", () -> "1");
        registry.add("resilient-redis.spill.directory", () -> spillDir.toString());
        registry.add("resilient-redis.timeout", () -> "500ms");
        registry.add("resilient-redis.connect-timeout", () -> "1s");
        registry.add("resilient-redis.breaker.open-delay", () -> "500ms");
        registry.add("resilient-redis.breaker.probe-interval", () -> "100ms");
    }

    @Override
    ChaosTopology chaos() {
        return chaos.get();
    }
}
