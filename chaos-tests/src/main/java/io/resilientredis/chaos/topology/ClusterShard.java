package io.resilientredis.chaos.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * One shard of a {@link RedisCluster} as the cluster reported it when this snapshot was taken: its
 * master, its replicas and the slot ranges the master serves. A shard's members stay the nodes it was
 * started with; which of them is master changes with failovers.
 *
 * @param index the shard's number, from 0, in start order
 * @param master the member the cluster has as master of the shard's slots
 * @param replicas the other members (a killed or failed member stays listed here)
 * @param slotRanges the slot ranges the master serves, in order
 */
public record ClusterShard(int index, RedisNode master, List<RedisNode> replicas, List<SlotRange> slotRanges) {

    /**
     * Copies the lists.
     *
     * @param index the shard's number
     * @param master its master
     * @param replicas its other members
     * @param slotRanges the master's slot ranges
     */
    public ClusterShard {
        replicas = List.copyOf(replicas);
        slotRanges = List.copyOf(slotRanges);
    }

    /** {@return the master, then the replicas} */
    public List<RedisNode> nodes() {
        List<RedisNode> all = new ArrayList<>(replicas.size() + 1);
        all.add(master);
        all.addAll(replicas);
        return List.copyOf(all);
    }

    /**
     * Whether the shard's master serves a slot.
     *
     * @param slot a slot
     * @return whether one of {@link #slotRanges()} holds it
     */
    public boolean owns(int slot) {
        return slotRanges.stream().anyMatch(range -> range.contains(slot));
    }

    /** {@return how many slots the shard serves} */
    public int slotCount() {
        return slotRanges.stream().mapToInt(SlotRange::size).sum();
    }
}
