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

    /**
     * A job a drained queue delivered.
     *
     * @param id the job id
     * @param payload the payload as UTF-8 text
     */
    record DeliveredJob(String id, String payload) {
    }

    /**
     * Takes and acknowledges every job the queue holds, the way a worker would, and returns them in
     * delivery order. Consumes the queue: a second call returns only jobs enqueued since.
     *
     * @param queue the queue's name
     * @return every delivered job, first delivered first; empty when the queue is empty or absent
     * @throws IllegalStateException when the deployment cannot be read
     * @throws UnsupportedOperationException when this source cannot drain queues (the default)
     */
    default List<DeliveredJob> drainQueue(String queue) {
        throw new UnsupportedOperationException(name() + " cannot drain job queues; use DataSource.connect(...)");
    }

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
