/**
 * A client's meters over HTTP in Prometheus's text format ({@link
 * io.resilientredis.chaos.metrics.MetricsEndpoint}), for the drill and for tests that watch a
 * client with a real Prometheus. Needs {@code resilient-redis-micrometer} and
 * {@code micrometer-registry-prometheus} on the class path (optional dependencies of this module).
 */
package io.resilientredis.chaos.metrics;
