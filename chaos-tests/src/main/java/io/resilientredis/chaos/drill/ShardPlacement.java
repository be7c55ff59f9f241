package io.resilientredis.chaos.drill;

import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Places the drill's keys on a Redis Cluster's shards, so every shard carries every kind of write and a
 * fault on one shard hits a known share of the load: a built-in key ends with its writer's or counter's
 * number {@code n} ({@code ...:last:3}, {@code ...:counter:1}) and goes to shard {@code n % shards}. A
 * key is placed by a suffix ({@code :1}, {@code :2}, ...) picked so that its slot is one the shard serves;
 * a job queue's keys carry the queue's name as their hash tag, so the same rule places a queue. Each key
 * stays one key in one slot: no write of the drill spans slots.
 */
final class ShardPlacement {

    /** The shard serving each slot when the drill started. */
    private final int[] shardOfSlot;
    private final int shards;
    private final Map<String, String> placed = new ConcurrentHashMap<>();

    /**
     * @param shardOfSlot the shard serving each of the 16384 slots
     * @param shards how many shards
     */
    ShardPlacement(int[] shardOfSlot, int shards) {
        if (shardOfSlot.length != ClusterSlots.SLOTS || shards < 1) {
            throw new IllegalArgumentException("a slot map of 16384 entries and at least one shard");
        }
        this.shardOfSlot = shardOfSlot.clone();
        this.shards = shards;
    }

    /** @return the shard that served {@code slot} when the drill started */
    int shardOf(int slot) {
        return shardOfSlot[slot];
    }

    /** @return {@code key} with the suffix that puts it on the shard its number names */
    String place(String key) {
        return placed.computeIfAbsent(key, k -> {
            int target = Math.floorMod(number(k), shards);
            for (int n = 0; n < 10_000; n++) {
                String candidate = n == 0 ? k : k + ":" + n;
                if (shardOfSlot[ClusterSlots.slot(candidate)] == target) {
                    return candidate;
                }
            }
            throw new IllegalStateException("no suffix places " + k + " on shard " + target);
        });
    }

    private static int number(String key) {
        int colon = key.lastIndexOf(':');
        try {
            return Integer.parseInt(key.substring(colon + 1));
        } catch (NumberFormatException e) {
            return key.hashCode();
        }
    }

    /**
     * @param kinds operation kinds
     * @return the same kinds, each key placed by {@link #place}
     */
    List<OperationKind> placeAll(List<OperationKind> kinds) {
        List<OperationKind> out = new ArrayList<>(kinds.size());
        for (OperationKind k : kinds) {
            out.add(new Placed(k, this));
        }
        return List.copyOf(out);
    }

    /** An operation kind whose keys are placed on shards; everything else is the wrapped kind's. */
    private record Placed(OperationKind kind, ShardPlacement placement) implements OperationKind {
        @Override
        public String name() {
            return kind.name();
        }

        @Override
        public String key(String namespace, int writer, long seq) {
            return placement.place(kind.key(namespace, writer, seq));
        }

        @Override
        public long value(int writer, long seq, SplittableRandom random) {
            return kind.value(writer, seq, random);
        }

        @Override
        public WriteReceipt<?> perform(ResilientRedis redis, String key, long value, long seq) {
            return kind.perform(redis, key, value, seq);
        }

        @Override
        public void check(List<WriteRecord> records, List<DataSource> deployments, Verdict.Builder verdict) {
            kind.check(records, deployments, verdict);
        }

        @Override
        public List<String> redisKeys(ResilientRedis redis, String key) {
            return kind.redisKeys(redis, key);
        }
    }
}
