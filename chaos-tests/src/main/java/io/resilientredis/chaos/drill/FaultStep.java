package io.resilientredis.chaos.drill;

import io.resilientredis.chaos.ChaosTopology;
import java.time.Duration;
import java.util.Objects;

/**
 * One scheduled step of a {@link FaultTimeline}: at an offset from the start, do something to the
 * topology (kill, freeze, cut off, slow down, heal).
 *
 * @param at when, from the start of the timeline
 * @param label what it does, in a few words ("master killed"); shown in progress and reports
 * @param action what it does
 * @param shard on a Redis Cluster, the one shard (its index) this step faults or heals, so the drill can tell
 *     the lanes the fault hit from the healthy ones; {@link #ALL_SHARDS} when it hits every shard (a full
 *     outage), {@link #NO_SHARD} when it is not about one shard (every step of a Sentinel scenario)
 */
public record FaultStep(Duration at, String label, Action action, int shard) {

    /** {@link #shard()} of a step that is not about one cluster shard. */
    public static final int NO_SHARD = -1;
    /** {@link #shard()} of a step that hits every shard of a cluster. */
    public static final int ALL_SHARDS = -2;

    /** What a step does to the topology. */
    @FunctionalInterface
    public interface Action {
        /**
         * @param chaos the topology behind its fault proxies
         * @throws Exception when the fault cannot be applied; the timeline records it and goes on
         */
        void apply(ChaosTopology chaos) throws Exception;
    }

    /**
     * @param at offset from the start
     * @param label description
     * @param action the action
     * @param shard the cluster shard it is about, {@link #ALL_SHARDS} or {@link #NO_SHARD}
     */
    public FaultStep {
        if (shard < ALL_SHARDS) {
            throw new IllegalArgumentException("shard is an index, ALL_SHARDS or NO_SHARD, was " + shard);
        }
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(action, "action");
        if (at.isNegative()) {
            throw new IllegalArgumentException("a step cannot happen before the start: " + at);
        }
    }

    /**
     * A step that is not about one cluster shard ({@link #NO_SHARD}).
     *
     * @param at offset from the start
     * @param label description
     * @param action the action
     */
    public FaultStep(Duration at, String label, Action action) {
        this(at, label, action, NO_SHARD);
    }
}
