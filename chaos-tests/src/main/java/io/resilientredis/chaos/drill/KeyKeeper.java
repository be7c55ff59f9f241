package io.resilientredis.chaos.drill;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.Markers;
import io.resilientredis.failover.RetrySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps a drill's keys from outliving it on a user's Redis: while the drill runs, every key it wrote gets
 * (again, every few seconds) a TTL of {@link OperationKinds#KEY_TTL}, so a drill that dies leaves nothing
 * for good; after the check, every key and exactly-once marker of the run is deleted.
 *
 * <p>Every key of a run names it: the data keys start with the run's namespace
 * ({@code drill:<time>:<id>:}), its job queues' keys with {@code rr:q:{drill:<time>:<id>:jobs:}, and its
 * markers are {@code rr:once:{<slot tag>}:<write id>} of its own writes (created with that TTL too; see
 * {@link Markers}). Keys are deleted slot by slot ({@link #bySlot}), so the same code cleans a Redis Cluster.
 */
final class KeyKeeper {

    private static final int DELETE_BATCH = 500;

    private final History history;
    private final Map<String, OperationKind> kinds;
    private final Set<String> keys = new LinkedHashSet<>();
    private int seenRecords;

    KeyKeeper(History history, List<OperationKind> kinds) {
        this.history = history;
        this.kinds = kinds.stream().collect(Collectors.toMap(OperationKind::name, Function.identity()));
    }

    /** Gives every key written so far the TTL again; a key that fails now is tried on the next round. */
    void expire(ResilientRedis redis) {
        List<WriteRecord> all = history.allWrites();
        for (int i = seenRecords; i < all.size(); i++) {
            keys.add(all.get(i).key());
        }
        seenRecords = all.size();
        for (String key : redisKeys(redis, history, kinds, keys)) {
            try {
                redis.expire(key, OperationKinds.KEY_TTL);
            } catch (RuntimeException e) {
                // Next round; the drill reports outages through its own counters.
            }
        }
    }

    private static List<String> redisKeys(ResilientRedis redis, History history, Map<String, OperationKind> kinds,
                                          Set<String> keys) {
        Map<String, String> kindOf = history.allWrites().stream()
                .collect(Collectors.toMap(WriteRecord::key, WriteRecord::kind, (a, b) -> a));
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            OperationKind kind = kinds.get(kindOf.get(key));
            out.addAll(kind == null ? List.of(key) : kind.redisKeys(redis, key));
        }
        return out;
    }

    /**
     * @return the marker key of every write with a receipt: a marker lives in the slot of its write's
     *     first Redis key, so each Redis key of the write's record names a candidate (deleting one that
     *     does not exist costs nothing)
     */
    private static Set<String> markers(ResilientRedis redis, History history, Map<String, OperationKind> kinds,
                                       Map<String, String> receiptKeys) {
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : receiptKeys.entrySet()) {
            for (String redisKey : redisKeys(redis, history, kinds, Set.of(e.getValue()))) {
                out.add(Markers.key(e.getKey(), redisKey));
            }
        }
        return out;
    }

    /**
     * Groups keys by hash slot: a multi-key DEL must stay in one slot on a Redis Cluster (the client refuses
     * one that spans slots). A run's keys fall in few slots (a marker shares its data key's slot), so this
     * costs a few DELs on any deployment.
     *
     * @param keys keys
     * @return the keys per slot, slots in the order their first key came
     */
    static List<List<String>> bySlot(List<String> keys) {
        Map<Integer, List<String>> slots = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            slots.computeIfAbsent(io.resilientredis.chaos.topology.ClusterSlots.slot(key), s -> new ArrayList<>())
                    .add(key);
        }
        return List.copyOf(slots.values());
    }

    /**
     * Deletes the run's keys and markers from each deployment.
     *
     * @return one line for the console: what was removed, or what is left and when it expires
     */
    static String removeAll(History history, List<OperationKind> kindList, RedisEndpoint primary,
                            RedisEndpoint standby) {
        Map<String, OperationKind> kinds = kindList.stream()
                .collect(Collectors.toMap(OperationKind::name, Function.identity()));
        Set<String> dataKeys = new LinkedHashSet<>();
        Map<String, String> receiptKeys = new java.util.LinkedHashMap<>();
        for (WriteRecord r : history.allWrites()) {
            dataKeys.add(r.key());
            if (r.receiptId() != null) {
                receiptKeys.put(r.receiptId(), r.key());
            }
        }
        long removed = 0;
        List<String> problems = new ArrayList<>();
        List<RedisEndpoint> endpoints = standby == null ? List.of(primary) : List.of(primary, standby);
        for (RedisEndpoint endpoint : endpoints) {
            try (ResilientRedis redis = ResilientRedis.builder().primary(endpoint)
                    .timeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2))
                    .retry(RetrySettings.none()).build()) {
                List<String> all = new ArrayList<>(redisKeys(redis, history, kinds, dataKeys));
                all.addAll(markers(redis, history, kinds, receiptKeys));
                for (List<String> slot : bySlot(all)) {
                    for (int i = 0; i < slot.size(); i += DELETE_BATCH) {
                        List<String> batch = slot.subList(i, Math.min(slot.size(), i + DELETE_BATCH));
                        Long n = redis.del(batch.toArray(String[]::new)).reply();
                        removed += n == null ? 0 : n;
                    }
                }
            } catch (RuntimeException e) {
                problems.add(endpoint.displayName() + " (" + e.getMessage() + ")");
            }
        }
        String done = String.format(java.util.Locale.ROOT, "Removed the drill's %,d keys and markers from your Redis "
                + "(namespace %s).", removed, history.namespace());
        return problems.isEmpty() ? done : done + " Could not remove them from " + String.join(", ", problems)
                + "; they expire within " + OperationKinds.KEY_TTL.toMinutes() + " minutes.";
    }
}
