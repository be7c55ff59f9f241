package io.resilientredis.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.spring.gadget.Gadget;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code @Cacheable} on the starter's cache manager, through a full outage of a real Redis; typed
 * values through the JSON (default, on the application's {@code JsonMapper}) and Java serializers, an
 * application's own serializer, and a planted value naming an untrusted class read as a miss.
 */
class ResilientRedisCacheTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @BeforeEach
    void freshRedis() throws IOException {
        chaos.get().resetAll();
        try (RespConnection c = direct()) {
            c.call("FLUSHALL");
        }
        Gadget.BUILT.set(0);
    }

    private static RespConnection direct() throws IOException {
        return chaos.get().topology().primary().connect(Duration.ofSeconds(2));
    }

    /** A context with the application's JsonMapper and the application's package registered. */
    private ApplicationContextRunner typedApp() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
                        ResilientRedisAutoConfiguration.class))
                .withUserConfiguration(QuotingApp.class)
                .withPropertyValues("resilient-redis.urls=redis://" + chaos.get().clientAddress(
                        chaos.get().topology().primary()), "resilient-redis.cache.enabled=true");
    }

    @Test
    void jsonIsTheDefaultAndACachedRecordComesBackAsItsClassThroughTheApplicationsJsonMapper() {
        typedApp().withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE").run(context -> {
            assertThat(context).hasNotFailed().getBean(CacheValueSerializer.class)
                    .isInstanceOf(JsonCacheValueSerializer.class);
            Quotes quotes = context.getBean(Quotes.class);
            Quote first = quotes.quote("pear");
            Object second = quotes.quote("pear");
            assertThat(quotes.calls()).as("the second call is served by the cache").isEqualTo(1);
            assertThat(second).isInstanceOf(Quote.class).isEqualTo(first).isNotSameAs(first);
            try (RespConnection c = direct()) {
                String raw = c.callString("GET", "cache:quotes::pear");
                assertThat(raw).contains("\"@class\":\"" + Quote.class.getName() + "\"")
                        // the application's mapper settings apply
                        .contains("\"quoted_at\"");
            }
        });
    }

    @Test
    void javaSerializationIsSelectedByProperty() {
        typedApp().withPropertyValues("resilient-redis.cache.serializer=java").run(context -> {
            assertThat(context).hasNotFailed().getBean(CacheValueSerializer.class)
                    .isInstanceOf(JavaCacheValueSerializer.class);
            Quotes quotes = context.getBean(Quotes.class);
            Quote first = quotes.quote("plum");
            assertThat((Object) quotes.quote("plum")).isInstanceOf(Quote.class).isEqualTo(first);
            assertThat(quotes.calls()).isEqualTo(1);
            try (RespConnection c = direct()) {
                assertThat(c.callString("GET", "cache:quotes::plum")).startsWith("rO0AB");
            }
        });
    }

    @Test
    void anApplicationsSerializerBeanReplacesTheDefault() {
        AtomicInteger writes = new AtomicInteger();
        CacheValueSerializer own = new CacheValueSerializer() {
            private final CacheValueSerializer json = new JsonCacheValueSerializer(List.of("io.resilientredis"));

            @Override
            public String serialize(Object value) {
                writes.incrementAndGet();
                return json.serialize(value);
            }

            @Override
            public Object deserialize(String stored) {
                return json.deserialize(stored);
            }
        };
        typedApp().withBean(CacheValueSerializer.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheValueSerializer.class);
            assertThat(context.getBean(CacheValueSerializer.class)).isSameAs(own);
            Quotes quotes = context.getBean(Quotes.class);
            quotes.quote("fig");
            assertThat((Object) quotes.quote("fig")).isInstanceOf(Quote.class);
            assertThat(writes).hasValue(1);
        });
    }

    @Test
    void jsonWithoutJacksonFailsStartUpNamingTheProperty() {
        // only the starter: a CGLIB proxy of a test class cannot be defined in a filtering class loader
        ApplicationContextRunner withoutJackson = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ResilientRedisAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("tools.jackson."))
                .withPropertyValues("resilient-redis.urls=redis://" + chaos.get().clientAddress(
                        chaos.get().topology().primary()), "resilient-redis.cache.enabled=true");
        withoutJackson.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(ResilientRedisPropertyException.class)
                    .hasMessageContaining("resilient-redis.cache.serializer=json");
        });
        withoutJackson.withPropertyValues("resilient-redis.cache.serializer=java")
                .run(context -> assertThat(context).hasNotFailed().getBean(CacheValueSerializer.class)
                        .isInstanceOf(JavaCacheValueSerializer.class));
    }

    @Test
    void aPlantedValueNamingAnUntrustedClassIsAMissAndIsNeverBuilt() {
        typedApp().run(context -> {
            try (RespConnection c = direct()) {
                c.call("SET", "cache:quotes::kiwi",
                        "{\"@class\":\"" + Gadget.class.getName() + "\",\"command\":\"rm -rf /\"}");
            }
            Quotes quotes = context.getBean(Quotes.class);
            assertThat(quotes.quote("kiwi").item()).isEqualTo("kiwi");
            assertThat(quotes.calls()).as("the planted entry is a miss").isEqualTo(1);
            assertThat(Gadget.BUILT).hasValue(0);
            try (RespConnection c = direct()) {
                assertThat(c.callString("GET", "cache:quotes::kiwi")).contains(Quote.class.getName());
            }
            quotes.quote("kiwi");
            assertThat(quotes.calls()).as("the method's result replaced it").isEqualTo(1);
        });
    }

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

    /** A record return type, as {@code @Cacheable} methods commonly have. */
    record Quote(String item, BigDecimal amount, Instant quotedAt) implements java.io.Serializable {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    @AutoConfigurationPackage
    static class QuotingApp {
        @Bean
        Quotes quotes() {
            return new Quotes();
        }
    }

    static class Quotes {
        final AtomicInteger calls = new AtomicInteger();

        /** @return calls of {@link #quote} so far */
        public int calls() {
            return calls.get();
        }

        @Cacheable("quotes")
        public Quote quote(String item) {
            calls.incrementAndGet();
            return new Quote(item, new BigDecimal("1.25"), Instant.now());
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
