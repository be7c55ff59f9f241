package io.resilientredis.failover;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the whole engine.
 *
 * @param time when the snapshot was taken
 * @param endpoints every endpoint in priority order (replica-read paths after the masters)
 * @param activeEndpoint the endpoint writes go to now, or null when none admits calls
 * @param maintenance whether maintenance mode is on
 * @param spill the spill store and replayer
 * @param journal the failover journal (acknowledged writes kept for re-applying after a master change)
 */
public record FailoverStatus(Instant time, List<EndpointStatus> endpoints, String activeEndpoint,
                             boolean maintenance, SpillStatus spill, JournalStatus journal) {

    /**
     * @param time snapshot time
     * @param endpoints endpoints
     * @param activeEndpoint active endpoint or null
     * @param maintenance maintenance mode
     * @param spill spill status
     * @param journal journal status
     */
    public FailoverStatus {
        endpoints = List.copyOf(endpoints);
    }
}
