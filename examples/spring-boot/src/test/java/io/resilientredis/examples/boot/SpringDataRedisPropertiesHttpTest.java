package io.resilientredis.examples.boot;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The outage over HTTP with the client wired from {@code spring.data.redis.*} alone (plus the spill
 * directory): every other setting is the client's default.
 */
class SpringDataRedisPropertiesHttpTest extends OrderServiceOutageScenario {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", () -> address()[0]);
        registry.add("spring.data.redis.port", () -> address()[1]);
        registry.add("resilient-redis.spill.directory", () -> spillDir.toString());
    }

    private static String[] address() {
        return chaos.get().clientAddress(chaos.get().topology().primary()).split(":");
    }

    @Override
    ChaosTopology chaos() {
        return chaos.get();
    }
}
