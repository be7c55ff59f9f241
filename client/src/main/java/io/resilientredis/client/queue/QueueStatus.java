package io.resilientredis.client.queue;

/**
 * One queue in {@link io.resilientredis.client.ClientStatus#queues()}: its stats, or why they could
 * not be read just now (Redis unreachable, or no answer within the status bound).
 *
 * @param queue the queue's name
 * @param stats the stats, or null when unavailable
 * @param problem why the stats are unavailable, or null
 */
public record QueueStatus(String queue, QueueStats stats, String problem) {

    /** @return whether {@link #stats()} is there */
    public boolean available() {
        return stats != null;
    }
}
