package io.resilientredis.client;

import io.resilientredis.client.queue.QueueStatus;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.JournalStatus;
import io.resilientredis.failover.SpillStatus;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a {@link ResilientRedis}: the failover engine's state and the job queues opened
 * through this client.
 *
 * @param time when the snapshot was taken
 * @param endpoints every endpoint in priority order (replica-read paths after the masters)
 * @param activeEndpoint the endpoint writes go to now, or null when none admits calls
 * @param maintenance whether maintenance mode is on
 * @param spill the spill store and replayer
 * @param journal the failover journal: recently acknowledged writes kept for re-applying after a
 *                Sentinel master change
 * @param queues each queue opened with {@link ResilientRedis#queue(String)}, by name
 * @param lanes each spill lane of a Redis Cluster primary (its slots, master, breaker and spill store);
 *              empty for other primaries. With lanes, {@code endpoints} lists each lane's endpoints and
 *              {@code spill} sums the lanes' stores.
 */
public record ClientStatus(Instant time, List<EndpointStatus> endpoints, String activeEndpoint, boolean maintenance,
                           SpillStatus spill, JournalStatus journal, List<QueueStatus> queues,
                           List<LaneStatus> lanes) {

    /**
     * @param time snapshot time
     * @param endpoints endpoints
     * @param activeEndpoint active endpoint or null
     * @param maintenance maintenance mode
     * @param spill spill status
     * @param journal journal status
     * @param queues queue statuses
     * @param lanes spill lanes (Redis Cluster)
     */
    public ClientStatus {
        endpoints = List.copyOf(endpoints);
        queues = List.copyOf(queues);
        lanes = List.copyOf(lanes);
    }
}
