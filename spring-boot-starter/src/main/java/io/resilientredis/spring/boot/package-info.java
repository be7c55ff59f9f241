/**
 * Spring Boot auto-configuration for a ResilientRedis client: {@link
 * io.resilientredis.spring.boot.ResilientRedisProperties} ({@code resilient-redis.*}, or the
 * application's {@code spring.data.redis.*}), the {@code resilientRedis} health indicator, meters and
 * observations, and start-up failure analysis for bad properties.
 */
package io.resilientredis.spring.boot;
