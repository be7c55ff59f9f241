package io.resilientredis.chaos.drill;

import io.resilientredis.client.RedisEndpoint;
import java.util.List;

/**
 * Read access to one Redis deployment, for the {@link HistoryChecker}: the values a workload's keys hold
 * after the run. A drill with a standby reads both deployments, because a write applied on the standby
 * during an outage lives there.
 */
public interface DataSource extends AutoCloseable {

    /** @return the deployment's name (no credentials), for findings */
    String name();

    /**
     * @param key a string key
     * @return its value, or null when absent
     * @throws IllegalStateException when the deployment cannot be read (never treated as "absent")
     */
    String get(String key);

    /**
     * @param key a list key
     * @return every element, head first; empty when absent
     * @throws IllegalStateException when the deployment cannot be read
     */
    List<String> list(String key);

    /** Releases the connections this source opened. */
    @Override
    void close();

    /**
     * Reads a deployment through its own short-lived client, with the endpoint's credentials. Reads are
     * retried for up to 20 s so that a deployment still settling after a failover is read, not misread.
     *
     * @param endpoint the deployment (standalone or Sentinel group)
     * @return the source; close it
     */
    static DataSource connect(RedisEndpoint endpoint) {
        return new ClientDataSource(endpoint.displayName(), endpoint);
    }

    /**
     * @param name a short name for findings, such as {@code primary}
     * @param endpoint the deployment
     * @return the source; close it
     * @see #connect(RedisEndpoint)
     */
    static DataSource connect(String name, RedisEndpoint endpoint) {
        return new ClientDataSource(name, endpoint);
    }
}
