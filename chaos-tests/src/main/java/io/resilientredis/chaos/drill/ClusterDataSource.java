package io.resilientredis.chaos.drill;

import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.client.RedisEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link DataSource} over the drill's own Redis Cluster: each key is read from the master serving its
 * slot now, directly (not through the fault proxies, not through the client under test), with
 * {@link RedisCluster#call}, which follows {@code MOVED} and {@code ASK}. Job queues are drained through a
 * plain client on the cluster endpoint, since taking and acknowledging is the library's queue protocol.
 */
final class ClusterDataSource implements DataSource {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final String name;
    private final RedisCluster cluster;
    private final RedisEndpoint endpoint;
    private ClientDataSource queues;

    ClusterDataSource(String name, RedisCluster cluster, RedisEndpoint endpoint) {
        this.name = name;
        this.cluster = cluster;
        this.endpoint = endpoint;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String get(String key) {
        Object v = patiently(key, "GET", key);
        return v == null ? null : String.valueOf(v);
    }

    @Override
    public List<String> list(String key) {
        Object v = patiently(key, "LRANGE", key, "0", "-1");
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(e -> out.add(String.valueOf(e)));
        }
        return out;
    }

    @Override
    public List<DeliveredJob> drainQueue(String queue) {
        if (queues == null) {
            queues = new ClientDataSource(name, endpoint);
        }
        return queues.drainQueue(queue);
    }

    private Object patiently(String key, String... command) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Exception last;
        do {
            try {
                return cluster.call(key, command);
            } catch (IOException | RuntimeException e) {
                last = e;
            }
            // Back off before the next attempt: pacing a retry, not waiting for a condition.
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        } while (System.nanoTime() - deadline < 0);
        throw new IllegalStateException("could not read " + command[0] + " " + key + " from " + name + " within "
                + PATIENCE.toSeconds() + " s: " + last.getMessage()
                + ". Check that the cluster is up; the history cannot be checked without it.", last);
    }

    @Override
    public void close() {
        if (queues != null) {
            queues.close();
        }
    }

    @Override
    public String toString() {
        return "DataSource[" + name + " (cluster)]";
    }
}
