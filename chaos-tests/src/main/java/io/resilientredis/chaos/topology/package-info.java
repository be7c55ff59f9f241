/**
 * Real Redis, Sentinel and Redis Cluster topologies for tests: {@link io.resilientredis.chaos.topology.RedisTopology}
 * starts them, {@link io.resilientredis.chaos.topology.RedisCluster} handles a cluster's shards, {@link io.resilientredis.chaos.topology.RedisNode} kills, freezes, resumes and restarts
 * single nodes, and {@link io.resilientredis.chaos.topology.RedisTopologyTest} gives a JUnit 5 test class
 * a started topology.
 *
 * <p>Settings read from system properties (or the environment variables in brackets):
 * <ul>
 *   <li>{@code resilientredis.redis.server} ({@code RESILIENTREDIS_REDIS_SERVER}): the
 *       {@code redis-server} to run, or {@code embedded} for the binary inside the
 *       {@code com.github.codemonstur:embedded-redis} jar. Unset: {@code redis-server} on PATH, else
 *       the embedded one, extracted once to {@code ~/.cache/resilient-redis/<binary>/redis-server}.</li>
 *   <li>{@code resilientredis.backend} ({@code RESILIENTREDIS_BACKEND}): {@code process},
 *       {@code container} or {@code auto} (default: processes whenever a binary exists; containers of
 *       {@code redis:7} with host networking only when none exists and a Docker engine answers).</li>
 *   <li>{@code resilientredis.workdir}: where each topology gets its folder (one sub-folder per node,
 *       holding its config, data and {@code redis.log}); default {@code java.io.tmpdir/resilient-redis}.
 *       The build sets {@code target/redis-work}.</li>
 * </ul>
 *
 * <p>Every node listens on its own free port on 127.0.0.1; replication and Sentinel traffic go directly
 * between nodes. Child processes are killed on {@code close()}, by a shutdown hook, and, if the JVM is
 * killed with SIGKILL, by a small per-JVM {@code sh} watchdog within about a second.
 */
package io.resilientredis.chaos.topology;
