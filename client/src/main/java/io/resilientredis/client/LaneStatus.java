package io.resilientredis.client;

import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.SpillStatus;
import java.util.List;

/**
 * One spill lane of a Redis Cluster client: the slots it routes, the shard master serving them,
 * its breaker and its own spill store. A lane normally is one shard; a slot the cluster moved to
 * another shard while its lane held spilled writes stays in that lane until the lane is empty, so
 * that a key's writes are never reordered.
 *
 * @param lane the lane's number (its spill store is {@code lanes/<lane>} in the spill directory)
 * @param slots the hash slots it routes, as {@code first-last} ranges
 * @param master the address (as the cluster announces it) of the master serving most of them, or
 *               null while unknown
 * @param breaker the lane's breaker on the cluster
 * @param active the endpoint the lane's writes go to now, or null when none admits them
 * @param spill the lane's spill store and replayer
 */
public record LaneStatus(int lane, List<String> slots, String master, BreakerState breaker, String active,
                         SpillStatus spill) {

    /**
     * @param lane lane number
     * @param slots slot ranges
     * @param master master address or null
     * @param breaker breaker state
     * @param active active endpoint or null
     * @param spill spill status
     */
    public LaneStatus {
        slots = List.copyOf(slots);
    }
}
