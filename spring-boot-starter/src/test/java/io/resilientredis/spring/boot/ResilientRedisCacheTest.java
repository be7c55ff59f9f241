package io.resilientredis.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;


import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ResilientRedis;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code @Cacheable} on the starter's cache manager, through a full outage of a real Redis. */
class ResilientRedisCacheTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @Test
    void cacheableMethodsAreCalledOnMissDuringAnOutageAndPutsAreDropped() {
        String address = chaos.get().clientAddress(chaos.get().topology().primary());
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ResilientRedisAutoConfiguration.class))
                .withUserConfiguration(CachingApp.class)
                .withPropertyValues("resilient-redis.urls=redis://" + address,
                        "resilient-redis.spill.directory=" + spillDir, "resilient-redis.cache.enabled=true",
                        "resilient-redis.cache.ttls.prices=1h", "resilient-redis.timeout=500ms",
                        "resilient-redis.retry.max-attempts=1", "resilient-redis.breaker.minimum-calls=2",
                        "resilient-redis.breaker.open-delay=500ms", "resilient-redis.breaker.probe-interval=100ms")
                .run(context -> {
                    assertThat(context).hasNotFailed().getBean(CacheManager.class)
                            .isInstanceOf(ResilientRedisCacheManager.class);
                    Prices prices = context.getBean(Prices.class);
                    ResilientRedis redis = context.getBean(ResilientRedis.class);
                    assertThat(prices.price("a")).isEqualTo("price-a");
                    assertThat(prices.price("a")).isEqualTo("price-a");
                    assertThat(prices.calls()).isEqualTo(1);
                    try (RespConnection c = chaos.get().topology().primary().connect(Duration.ofSeconds(2))) {
                        assertThat(Long.parseLong(String.valueOf(c.call("TTL", "cache:prices::a"))))
                                .isBetween(3500L, 3600L);
                    }

                    chaos.get().disableAll();
                    // every call during the outage is a miss: the method runs, nothing is thrown
                    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                            .until(() -> prices.price("a").equals("price-a")
                                    && redis.status().activeEndpoint() == null);
                    int before = prices.calls();
                    long spilled = redis.status().spill().depth();
                    for (int i = 0; i < 10; i++) {
                        assertThat(prices.price("b")).isEqualTo("price-b");
                    }
                    assertThat(prices.calls()).as("each call a miss").isEqualTo(before + 10);
                    assertThat(redis.status().spill().depth()).as("puts are dropped, not spilled").isEqualTo(spilled);

                    chaos.get().resetAll();
                    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                        prices.price("c");
                        int calls = prices.calls();
                        prices.price("c");
                        return prices.calls() == calls;
                    });
                    context.getBean(CacheManager.class).getCache("prices").clear();
                    try (RespConnection c = chaos.get().topology().primary().connect(Duration.ofSeconds(2))) {
                        assertThat(String.valueOf(c.call("EXISTS", "cache:prices::a", "cache:prices::c")))
                                .isEqualTo("0");
                    }
                });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingApp {
        @Bean
        Prices prices() {
            return new Prices();
        }
    }

    static class Prices {
        final AtomicInteger calls = new AtomicInteger();

        /** @return calls of {@link #price} so far (a method: the bean is a proxy) */
        public int calls() {
            return calls.get();
        }

        @Cacheable("prices")
        public String price(String item) {
            calls.incrementAndGet();
            return "price-" + item;
        }
    }

}
