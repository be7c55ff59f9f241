package io.resilientredis.spring.boot;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.micrometer.ResilientRedisMetrics;
import io.resilientredis.micrometer.ResilientRedisObservations;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of one {@link ResilientRedis} client from {@link ResilientRedisProperties}
 * (or, when they name no endpoint, from {@code spring.data.redis.*}), closed with the context. A
 * {@code ResilientRedis} bean of the application's own replaces it. With Spring Boot's health
 * module present it adds the {@code resilientRedis} health indicator; with a Micrometer
 * {@code MeterRegistry} and {@code resilient-redis-micrometer} on the class path, the client's
 * meters; with an {@code ObservationRegistry}, an observation per call.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration", afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass(ResilientRedis.class)
@EnableConfigurationProperties(ResilientRedisProperties.class)
public class ResilientRedisAutoConfiguration {

    private static final String PREFIX_CACHE = "resilient-redis.cache.";

    /** Called by Spring. */
    public ResilientRedisAutoConfiguration() {
    }

    /**
     * @param properties the {@code resilient-redis.*} properties
     * @param environment where {@code spring.data.redis.*} are read when no endpoint is configured
     * @return the client; it connects lazily, so the context starts with Redis down
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ResilientRedis resilientRedis(ResilientRedisProperties properties, Environment environment) {
        return new ClientFactory(properties, environment).build();
    }

    /**
     * @param client the client
     * @param properties the drain timeout
     * @return what waits, when the context stops, for the spill backlog to replay
     */
    @Bean
    @ConditionalOnProperty(prefix = "resilient-redis.shutdown", name = "drain-timeout")
    ShutdownDrain resilientRedisShutdownDrain(ResilientRedis client, ResilientRedisProperties properties) {
        return new ShutdownDrain(client, properties.getShutdown().getDrainTimeout());
    }

    /**
     * The Spring Cache manager, when {@code resilient-redis.cache.enabled=true}, with the
     * {@link CacheValueSerializer} bean: the application's own, or the one
     * {@code resilient-redis.cache.serializer} names.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(org.springframework.cache.CacheManager.class)
    @ConditionalOnProperty(prefix = "resilient-redis.cache", name = "enabled", havingValue = "true")
    static class Cache {

        @Bean
        @ConditionalOnMissingBean(org.springframework.cache.CacheManager.class)
        ResilientRedisCacheManager cacheManager(ResilientRedis client, ResilientRedisProperties properties,
                                                ObjectProvider<CacheValueSerializer> serializers) {
            ResilientRedisProperties.CacheProperties c = properties.getCache();
            CacheValueSerializer serializer = serializers.getIfUnique();
            if (serializer == null) {
                throw new ResilientRedisPropertyException(PREFIX_CACHE + "serializer",
                        c.getSerializer().name().toLowerCase(java.util.Locale.ROOT),
                        "the JSON serializer needs Jackson 3 (tools.jackson.core:jackson-databind), which is not on "
                                + "the class path",
                        "Add spring-boot-starter-jackson (or tools.jackson.core:jackson-databind), set "
                                + "resilient-redis.cache.serializer=java, or declare a CacheValueSerializer bean.",
                        null);
            }
            return new ResilientRedisCacheManager(client, c.getKeyPrefix(), c.getTtl(), c.getTtls(), c.isSpillPuts(),
                    serializer);
        }

        /** JSON, the default: with the application's {@code JsonMapper} when it has exactly one. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
        @ConditionalOnProperty(prefix = "resilient-redis.cache", name = "serializer", havingValue = "json",
                matchIfMissing = true)
        static class Json {

            @Bean
            @ConditionalOnMissingBean(CacheValueSerializer.class)
            JsonCacheValueSerializer resilientRedisCacheValueSerializer(
                    ObjectProvider<tools.jackson.databind.json.JsonMapper> mapper, ResilientRedisProperties properties,
                    BeanFactory beanFactory) {
                return new JsonCacheValueSerializer(
                        mapper.getIfUnique(() -> tools.jackson.databind.json.JsonMapper.builder().build()),
                        trustedPackages(properties, beanFactory));
            }
        }

        /** Java serialization, with {@code resilient-redis.cache.serializer=java}. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnProperty(prefix = "resilient-redis.cache", name = "serializer", havingValue = "java")
        static class Java {

            @Bean
            @ConditionalOnMissingBean(CacheValueSerializer.class)
            JavaCacheValueSerializer resilientRedisCacheValueSerializer(ResilientRedisProperties properties,
                                                                        BeanFactory beanFactory) {
                return new JavaCacheValueSerializer(trustedPackages(properties, beanFactory));
            }
        }

        /** @return the application's packages (its {@code @SpringBootApplication}'s) and the configured ones */
        static List<String> trustedPackages(ResilientRedisProperties properties, BeanFactory beanFactory) {
            List<String> packages = new ArrayList<>();
            if (AutoConfigurationPackages.has(beanFactory)) {
                packages.addAll(AutoConfigurationPackages.get(beanFactory));
            }
            packages.addAll(properties.getCache().getTrustedPackages());
            return packages;
        }
    }

    /** The health indicator, when Spring Boot's health module is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("resilient-redis")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "resilientRedisHealthIndicator")
        ResilientRedisHealthIndicator resilientRedisHealthIndicator(ResilientRedis client,
                                                                    ResilientRedisProperties properties,
                                                                    Environment environment) {
            ClientFactory.SpillBounds bounds = new ClientFactory(properties, environment).spillBounds();
            return new ResilientRedisHealthIndicator(client, bounds.maxBytes(), bounds.maxEntries());
        }
    }

    /**
     * The client's meters: a {@code MeterBinder} bean, which Spring Boot binds to the application's
     * registry.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, ResilientRedisMetrics.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ResilientRedisMetrics resilientRedisMetrics(ResilientRedis client) {
            return ResilientRedisMetrics.of(client);
        }
    }

    /** An observation per call, with the application's {@code ObservationRegistry}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ObservationRegistry.class, ResilientRedisObservations.class})
    @ConditionalOnBean(ObservationRegistry.class)
    static class Observations {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ResilientRedisObservations resilientRedisObservations(ResilientRedis client,
                                                              ObjectProvider<ObservationRegistry> registry) {
            return ResilientRedisObservations.install(client, registry.getObject());
        }
    }
}
