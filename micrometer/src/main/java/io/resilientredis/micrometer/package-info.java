/**
 * Micrometer meters for a {@code ResilientRedis}: bind a
 * {@link io.resilientredis.micrometer.ResilientRedisMetrics} to a registry.
 */
package io.resilientredis.micrometer;
