package io.resilientredis.client.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * A live worker of a queue, as its last heartbeat registered it.
 *
 * @param name the worker's name
 * @param expiresAt when its registration lapses unless it heartbeats again (Redis's clock)
 */
public record WorkerInfo(String name, Instant expiresAt) {

    /**
     * @param name the worker's name
     * @param expiresAt registration expiry
     */
    public WorkerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
