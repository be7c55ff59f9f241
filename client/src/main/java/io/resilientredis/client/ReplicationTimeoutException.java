package io.resilientredis.client;

import io.resilientredis.failover.ResilientRedisException;

/**
 * The master applied the writes but too few replicas confirmed them in time, so their outcome is
 * unknown across a failover. With a spill store the caller never sees this: the writes are
 * spilled and replayed under their ids. Counts against the endpoint like a timeout.
 */
public class ReplicationTimeoutException extends ResilientRedisException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message how many replicas confirmed, how many were required, within how long
     */
    public ReplicationTimeoutException(String message) {
        super(message, null);
    }
}
