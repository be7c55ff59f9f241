package io.resilientredis.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.micrometer.ResilientRedisMetrics;
import io.resilientredis.micrometer.ResilientRedisObservations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
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

    /** The Spring Cache manager, when {@code resilient-redis.cache.enabled=true}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(org.springframework.cache.CacheManager.class)
    @ConditionalOnProperty(prefix = "resilient-redis.cache", name = "enabled", havingValue = "true")
    static class Cache {

        @Bean
        @ConditionalOnMissingBean(org.springframework.cache.CacheManager.class)
        ResilientRedisCacheManager cacheManager(ResilientRedis client, ResilientRedisProperties properties) {
            ResilientRedisProperties.CacheProperties c = properties.getCache();
            return new ResilientRedisCacheManager(client, c.getKeyPrefix(), c.getTtl(), c.getTtls(), c.isSpillPuts());
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
