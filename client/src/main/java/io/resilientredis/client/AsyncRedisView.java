package io.resilientredis.client;

import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.client.internal.Command;
import io.resilientredis.client.internal.HashSlots;
import io.resilientredis.failover.spi.FailoverEngine;
import io.resilientredis.failover.spi.WriteOp;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.redisson.api.RedissonClient;

/**
 * The asynchronous operations of a {@link ResilientRedis}, on keys of type {@code K} and values of type
 * {@code V} (hash fields and stream field names are keys; set, sorted-set and list members are values):
 * {@link AsyncRedis} for strings, or {@link RedisView#async()} of a view with other {@link Codec}s. Stages
 * complete on Redisson's I/O threads: do not block in callbacks. Writes complete with a
 * {@link WriteReceipt}: {@code WRITTEN}, or {@code SPILLED} when no endpoint took the write and it waits,
 * durably, for replay. Each write is exactly once (a retry, a spill and its replay apply it once) or
 * idempotent, as its Javadoc says; README.md has the table.
 *
 * <p>Values and keys given as {@code byte[]} are not copied: do not change an array after passing it.
 * Maps and sets of {@code byte[]} returned by a bytes view compare arrays by identity: iterate them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class AsyncRedisView<K, V> {

    /** The engine of a client with no cluster primary; null when {@link #lanes} routes. */
    private final FailoverEngine<RedissonClient> engine;
    /** The spill lanes of a client whose primary is a Redis Cluster, else null. */
    private final ClusterLanes lanes;
    private final long markerTtlSeconds;
    private final Durability durability;
    /** One WAIT pipeline per connection handle, and with lanes per lane (a lane's writes go to one shard). */
    private final Map<Object, ReplicationBatcher> batchers;
    private final long maxBulkBytes;
    private final long maxEntryBytes;
    /** Where metrics observe the calls; null in the sync facade's copy, which observes them itself. */
    private final ClientHooks hooks;
    /** Whether an endpoint is a Redis Cluster: writes whose keys span hash slots are then refused. */
    private final boolean cluster;
    private final Codec<K> keys;
    private final Codec<V> values;
    /** The batch this view's calls are collected into, or null when they are sent at once. */
    private final RedisBatch.Items batch;

    AsyncRedisView(FailoverEngine<RedissonClient> engine, ClusterLanes lanes, Duration markerTtl, Durability durability,
                   long maxBulkBytes, long maxEntryBytes, boolean cluster, Codec<K> keys, Codec<V> values) {
        this.engine = engine;
        this.lanes = lanes;
        this.cluster = cluster;
        this.batchers = new ConcurrentHashMap<>();
        this.hooks = null;
        this.markerTtlSeconds = Math.max(1, markerTtl.toSeconds());
        this.durability = durability;
        this.maxBulkBytes = maxBulkBytes;
        this.maxEntryBytes = maxEntryBytes;
        this.keys = Objects.requireNonNull(keys, "key codec");
        this.values = Objects.requireNonNull(values, "value codec");
        this.batch = null;
    }

    /** The same client's operations with other codecs, observed by {@code hooks} (null: not observed). */
    AsyncRedisView(AsyncRedisView<?, ?> of, Codec<K> keys, Codec<V> values, ClientHooks hooks) {
        this(of, keys, values, hooks, null);
    }

    /** The same client's operations, collected into {@code batch} (null: sent at once). */
    AsyncRedisView(AsyncRedisView<?, ?> of, Codec<K> keys, Codec<V> values, ClientHooks hooks,
                   RedisBatch.Items batch) {
        this.engine = of.engine;
        this.lanes = of.lanes;
        this.cluster = of.cluster;
        this.batchers = of.batchers;
        this.hooks = hooks;
        this.markerTtlSeconds = of.markerTtlSeconds;
        this.durability = of.durability;
        this.maxBulkBytes = of.maxBulkBytes;
        this.maxEntryBytes = of.maxEntryBytes;
        this.keys = Objects.requireNonNull(keys, "key codec");
        this.values = Objects.requireNonNull(values, "value codec");
        this.batch = batch;
    }

    /**
     * Starts a batch: the writes and reads called on it are collected, then sent as one pipeline by
     * {@link RedisBatch#send()}, in order. Each write is exactly once and gets its own receipt; when no
     * endpoint takes the batch, its writes are spilled whole, in order.
     *
     * @return a new, empty batch with this view's codecs
     */
    public RedisBatch<K, V> batch() {
        if (batch != null) {
            throw new IllegalStateException("a batch cannot hold another batch; call batch() on the client or view");
        }
        return new RedisBatch<>(this, keys, values);
    }

    /** @return these operations, each call reported to the hooks' observer */
    AsyncRedisView<K, V> observedBy(ClientHooks observer) {
        return new AsyncRedisView<>(this, keys, values, observer);
    }

    /** @return the durability level writes are sent with */
    final Durability durability() {
        return durability;
    }

    /** @return how long exactly-once markers live */
    final long markerTtlSeconds() {
        return markerTtlSeconds;
    }

    /** @return the spill store's entry limit */
    final long maxEntryBytes() {
        return maxEntryBytes;
    }

    /** @return whether an endpoint is a Redis Cluster */
    final boolean isCluster() {
        return cluster;
    }

    /** @return the key codec */
    final Codec<K> keyCodec() {
        return keys;
    }

    /** @return the value codec */
    final Codec<V> valueCodec() {
        return values;
    }

    /** @return the start of a call, for {@link #observed} */
    final long start() {
        return hooks == null ? ClientHooks.NOT_OBSERVED : hooks.start();
    }

    /** @return the call, reported to this client's metrics and tracing when it ends */
    final <T> CompletionStage<T> observed(Command command, long start, CompletionStage<T> call) {
        return hooks == null ? call : hooks.observe(command, start, call);
    }

    /**
     * Sends a write through the engine, waiting for replicas when the durability level asks for it.
     *
     * @throws IllegalArgumentException at once when the write is too large to send or to spill
     */
    final <T> CompletionStage<WriteReceipt<T>> write(RedisWrite<T> write) {
        write.checkSize(maxBulkBytes, maxEntryBytes);
        if (cluster) {
            write.checkOneSlot();
        }
        if (batch != null) {
            return batch.add(write);
        }
        return route(lane -> replicated(write, lane), write.firstKey());
    }

    /**
     * Sends a write through the engine of its key's lane (the one engine without lanes).
     *
     * @param op the write, given the lane it takes (null without lanes)
     * @param firstKey the key whose slot picks the lane, or null
     */
    final <T> CompletionStage<WriteReceipt<T>> route(Function<Integer, WriteOp<RedissonClient, T>> op,
                                                     byte[] firstKey) {
        if (lanes == null) {
            return engine.write(op.apply(null));
        }
        ClusterLanes.Lane lane = lanes.enter(firstKey == null ? 0 : HashSlots.slot(firstKey));
        CompletableFuture<WriteReceipt<T>> receipt;
        try {
            receipt = lane.engine.write(op.apply(lane.number));
        } catch (RuntimeException e) {
            lane.left();
            throw e;
        } finally {
            lanes.admitted();
        }
        receipt.whenComplete((r, e) -> lane.left());
        return receipt;
    }

    /**
     * @param lane the lane the write takes, or null without lanes
     * @return the write itself, or, for REPLICATED durability, the write sent through the WAIT pipeline
     *     of its connection (and lane)
     */
    private <T> WriteOp<RedissonClient, T> replicated(RedisWrite<T> write, Integer lane) {
        if (!durability.isReplicated()) {
            return write;
        }
        return new WriteOp<RedissonClient, T>() {
            @Override
            public String id() {
                return write.id();
            }

            @Override
            public CompletionStage<T> apply(RedissonClient client) {
                Object key = lane == null ? client : List.of(client, lane);
                return write.applyReplicated(batchers.computeIfAbsent(key,
                        k -> new ReplicationBatcher(client, durability, markerTtlSeconds)));
            }

            @Override
            public byte[] encode() {
                return write.encode();
            }

            @Override
            public Function<Object, ? extends T> replayReply() {
                return write.replayReply(); // or a spilled write's applied() would complete with null
            }
        };
    }

    // ------------------------------------------------------------------ strings

    /**
     * GET key.
     *
     * @param key the key
     * @return the value, or null when absent
     */
    public final CompletionStage<V> get(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.GET, t, "GET", a, this::decodeValue);
    }

    /**
     * SET key value, idempotent.
     *
     * @param key the key
     * @param value the value
     * @return the receipt
     */
    public final CompletionStage<WriteReceipt<Void>> set(K key, V value) {
        long t = start();
        List<byte[]> a = list(key(key), value(value));
        return command(Command.SET, t, false, "SET", a, r -> null);
    }

    /**
     * SET key value PX ttl, idempotent. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt
     */
    public final CompletionStage<WriteReceipt<Void>> set(K key, V value, Duration ttl) {
        long t = start();
        List<byte[]> a = list(key(key), value(value), text("PX"), text(Long.toString(ttlMillis(ttl))));
        return command(Command.SET, t, false, "SET", a, r -> null);
    }

    /**
     * SET key value NX PX ttl, idempotent. The reply (whether it was set) is null when the write was spilled.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is true when the key was set
     */
    public final CompletionStage<WriteReceipt<Boolean>> setIfAbsent(K key, V value, Duration ttl) {
        long t = start();
        List<byte[]> a = list(key(key), value(value), text("NX"), text("PX"), text(Long.toString(ttlMillis(ttl))));
        return command(Command.SETNX, t, false, "SET", a, r -> r != null);
    }

    /**
     * DEL key [key ...], idempotent: one slot's keys on a Redis Cluster.
     *
     * @param keys the keys
     * @return the receipt; its reply is the number of keys removed
     */
    @SafeVarargs
    public final CompletionStage<WriteReceipt<Long>> del(K... keys) {
        long t = start();
        List<byte[]> a = keyList(keys);
        return command(Command.DEL, t, false, "DEL", a, RawCommands::asLong);
    }

    /**
     * EXISTS key.
     *
     * @param key the key
     * @return whether it exists
     */
    public final CompletionStage<Boolean> exists(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.EXISTS, t, "EXISTS", a, RawCommands::asFlag);
    }

    /**
     * PEXPIRE key ttl, idempotent. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is whether the key exists
     */
    public final CompletionStage<WriteReceipt<Boolean>> expire(K key, Duration ttl) {
        long t = start();
        List<byte[]> a = list(key(key), text(Long.toString(ttlMillis(ttl))));
        return command(Command.PEXPIRE, t, false, "PEXPIRE", a, RawCommands::asFlag);
    }

    /**
     * INCRBY key delta, exactly once: a retry, spill or replay of this call never adds twice.
     *
     * @param key the key
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public final CompletionStage<WriteReceipt<Long>> incrBy(K key, long delta) {
        long t = start();
        List<byte[]> a = list(key(key), text(Long.toString(delta)));
        return command(Command.INCRBY, t, true, "INCRBY", a, RawCommands::asLong);
    }

    /**
     * MGET key [key ...]: one slot's keys on a Redis Cluster.
     *
     * @param keys the keys
     * @return each key's value, null where absent, in order
     */
    @SafeVarargs
    public final CompletionStage<List<V>> mget(K... keys) {
        long t = start();
        List<byte[]> a = keyList(keys);
        return query(Command.MGET, t, "MGET", a, this::decodeValues);
    }

    /**
     * MSET key value [key value ...], idempotent: one slot's keys on a Redis Cluster.
     *
     * @param entries keys and values, set in the map's order
     * @return the receipt
     */
    public final CompletionStage<WriteReceipt<Void>> mset(Map<K, V> entries) {
        long t = start();
        List<byte[]> a = pairs(entries);
        return command(Command.MSET, t, false, "MSET", a, r -> null);
    }

    /**
     * GETDEL key (Redis 6.2+), exactly once: a retry or replay returns the value the first run removed.
     *
     * @param key the key
     * @return the receipt; its reply is the value removed, null when there was none (and when spilled)
     */
    public final CompletionStage<WriteReceipt<V>> getDel(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        // The value is decoded after the engine's call: a value the codec cannot read is the caller's
        // error, never a failure of the endpoint (it must not open a breaker or spill the write).
        CompletionStage<WriteReceipt<Object>> raw = write(RedisWrite.exactlyOnceRaw("GETDEL", a, markerTtlSeconds,
                r -> r));
        return observed(Command.GETDEL, t, raw.thenApply(this::decodedValue));
    }

    private WriteReceipt<V> decodedValue(WriteReceipt<Object> r) {
        if (r.status() == WriteStatus.WRITTEN) {
            return WriteReceipt.written(r.id(), decodeValue(r.reply()));
        }
        return WriteReceipt.spilled(r.id(), r.applied().thenApply(this::decodeValue));
    }

    /**
     * INCRBYFLOAT key delta, exactly once.
     *
     * @param key the key
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public final CompletionStage<WriteReceipt<Double>> incrByFloat(K key, double delta) {
        long t = start();
        List<byte[]> a = list(key(key), text(number(delta)));
        return command(Command.INCRBYFLOAT, t, true, "INCRBYFLOAT", a, RawCommands::asDouble);
    }

    /**
     * PTTL key.
     *
     * @param key the key
     * @return the time to live in milliseconds; -1 when the key has no TTL, -2 when it does not exist
     */
    public final CompletionStage<Long> ttl(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.PTTL, t, "PTTL", a, RawCommands::asLong);
    }

    /**
     * PERSIST key, idempotent: removes the key's TTL.
     *
     * @param key the key
     * @return the receipt; its reply is whether a TTL was removed
     */
    public final CompletionStage<WriteReceipt<Boolean>> persist(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return command(Command.PERSIST, t, false, "PERSIST", a, RawCommands::asFlag);
    }

    // ------------------------------------------------------------------ hashes

    /**
     * HGET key field.
     *
     * @param key the hash
     * @param field the field
     * @return the value, or null
     */
    public final CompletionStage<V> hget(K key, K field) {
        long t = start();
        List<byte[]> a = list(key(key), key(field));
        return query(Command.HGET, t, "HGET", a, this::decodeValue);
    }

    /**
     * HSET key field value, idempotent.
     *
     * @param key the hash
     * @param field the field
     * @param value the value
     * @return the receipt; its reply is true when the field is new
     */
    public final CompletionStage<WriteReceipt<Boolean>> hset(K key, K field, V value) {
        long t = start();
        List<byte[]> a = list(key(key), key(field), value(value));
        return command(Command.HSET, t, false, "HSET", a, RawCommands::asFlag);
    }

    /**
     * HGETALL key.
     *
     * @param key the hash
     * @return every field and value, in Redis's order (empty when absent)
     */
    public final CompletionStage<Map<K, V>> hgetAll(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.HGETALL, t, "HGETALL", a, this::fieldMap);
    }

    /**
     * HDEL key field [field ...], idempotent.
     *
     * @param key the hash
     * @param fields the fields
     * @return the receipt; its reply is the number removed
     */
    @SafeVarargs
    public final CompletionStage<WriteReceipt<Long>> hdel(K key, K... fields) {
        long t = start();
        List<byte[]> a = keyThen(key, keyList(fields));
        return command(Command.HDEL, t, false, "HDEL", a, RawCommands::asLong);
    }

    /**
     * HINCRBY key field delta, exactly once.
     *
     * @param key the hash
     * @param field the field
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public final CompletionStage<WriteReceipt<Long>> hincrBy(K key, K field, long delta) {
        long t = start();
        List<byte[]> a = list(key(key), key(field), text(Long.toString(delta)));
        return command(Command.HINCRBY, t, true, "HINCRBY", a, RawCommands::asLong);
    }

    /**
     * HMGET key field [field ...].
     *
     * @param key the hash
     * @param fields the fields
     * @return each field's value, null where absent, in order
     */
    @SafeVarargs
    public final CompletionStage<List<V>> hmget(K key, K... fields) {
        long t = start();
        List<byte[]> a = keyThen(key, keyList(fields));
        return query(Command.HMGET, t, "HMGET", a, this::decodeValues);
    }

    /**
     * HSET key field value [field value ...], idempotent.
     *
     * @param key the hash
     * @param fields fields and values
     * @return the receipt; its reply is the number of fields added
     */
    public final CompletionStage<WriteReceipt<Long>> hsetAll(K key, Map<K, V> fields) {
        long t = start();
        List<byte[]> a = keyThen(key, pairs(fields));
        return command(Command.HSETALL, t, false, "HSET", a, RawCommands::asLong);
    }

    // ------------------------------------------------------------------ lists

    /**
     * LPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    @SafeVarargs
    public final CompletionStage<WriteReceipt<Long>> lpush(K key, V... values) {
        long t = start();
        List<byte[]> a = keyThen(key, valueList(values));
        return command(Command.LPUSH, t, true, "LPUSH", a, RawCommands::asLong);
    }

    /**
     * RPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    @SafeVarargs
    public final CompletionStage<WriteReceipt<Long>> rpush(K key, V... values) {
        long t = start();
        List<byte[]> a = keyThen(key, valueList(values));
        return command(Command.RPUSH, t, true, "RPUSH", a, RawCommands::asLong);
    }

    /**
     * LRANGE key start stop.
     *
     * @param key the list
     * @param start first index (negative counts from the end)
     * @param stop last index, inclusive
     * @return the elements
     */
    public final CompletionStage<List<V>> lrange(K key, int start, int stop) {
        long t = start();
        List<byte[]> a = list(key(key), text(Integer.toString(start)), text(Integer.toString(stop)));
        return query(Command.LRANGE, t, "LRANGE", a, this::decodeValues);
    }

    /**
     * LLEN key.
     *
     * @param key the list
     * @return its length (0 when absent)
     */
    public final CompletionStage<Long> llen(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.LLEN, t, "LLEN", a, RawCommands::asLong);
    }

    // ------------------------------------------------------------------ sets

    /**
     * SADD key member [member ...], idempotent.
     *
     * @param key the set
     * @param members the members
     * @return the receipt; its reply is the number added
     */
    @SafeVarargs
    public final CompletionStage<WriteReceipt<Long>> sadd(K key, V... members) {
        long t = start();
        List<byte[]> a = keyThen(key, valueList(members));
        return command(Command.SADD, t, false, "SADD", a, RawCommands::asLong);
    }

    /**
     * SREM key member [member ...], idempotent.
     *
     * @param key the set
     * @param members the members
     * @return the receipt; its reply is the number removed
     */
    @SafeVarargs
    public final CompletionStage<WriteReceipt<Long>> srem(K key, V... members) {
        long t = start();
        List<byte[]> a = keyThen(key, valueList(members));
        return command(Command.SREM, t, false, "SREM", a, RawCommands::asLong);
    }

    /**
     * SMEMBERS key.
     *
     * @param key the set
     * @return its members (empty when absent)
     */
    public final CompletionStage<Set<V>> smembers(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.SMEMBERS, t, "SMEMBERS", a, r -> new LinkedHashSet<>(decodeValues(r)));
    }

    /**
     * SISMEMBER key member.
     *
     * @param key the set
     * @param member the member
     * @return whether it is a member
     */
    public final CompletionStage<Boolean> sismember(K key, V member) {
        long t = start();
        List<byte[]> a = list(key(key), value(member));
        return query(Command.SISMEMBER, t, "SISMEMBER", a, RawCommands::asFlag);
    }

    /**
     * SCARD key.
     *
     * @param key the set
     * @return its size (0 when absent)
     */
    public final CompletionStage<Long> scard(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.SCARD, t, "SCARD", a, RawCommands::asLong);
    }

    // ------------------------------------------------------------------ sorted sets

    /**
     * ZADD key score member, idempotent (it sets the score).
     *
     * @param key the sorted set
     * @param score the score
     * @param member the member
     * @return the receipt; its reply is 1 when the member is new, else 0
     */
    public final CompletionStage<WriteReceipt<Long>> zadd(K key, double score, V member) {
        long t = start();
        List<byte[]> a = list(key(key), text(number(score)), value(member));
        return command(Command.ZADD, t, false, "ZADD", a, RawCommands::asLong);
    }

    /**
     * ZINCRBY key delta member, exactly once.
     *
     * @param key the sorted set
     * @param delta the increment
     * @param member the member
     * @return the receipt; its reply is the new score (null when spilled)
     */
    public final CompletionStage<WriteReceipt<Double>> zincrBy(K key, double delta, V member) {
        long t = start();
        List<byte[]> a = list(key(key), text(number(delta)), value(member));
        return command(Command.ZINCRBY, t, true, "ZINCRBY", a, RawCommands::asDouble);
    }

    /**
     * ZREM key member [member ...], idempotent.
     *
     * @param key the sorted set
     * @param members the members
     * @return the receipt; its reply is the number removed
     */
    @SafeVarargs
    public final CompletionStage<WriteReceipt<Long>> zrem(K key, V... members) {
        long t = start();
        List<byte[]> a = keyThen(key, valueList(members));
        return command(Command.ZREM, t, false, "ZREM", a, RawCommands::asLong);
    }

    /**
     * ZSCORE key member.
     *
     * @param key the sorted set
     * @param member the member
     * @return its score, or null
     */
    public final CompletionStage<Double> zscore(K key, V member) {
        long t = start();
        List<byte[]> a = list(key(key), value(member));
        return query(Command.ZSCORE, t, "ZSCORE", a, RawCommands::asDouble);
    }

    /**
     * ZRANGE key start stop WITHSCORES: by rank, lowest score first.
     *
     * @param key the sorted set
     * @param start first rank (negative counts from the end)
     * @param stop last rank, inclusive
     * @return the members with their scores
     */
    public final CompletionStage<List<ScoredMember<V>>> zrange(K key, long start, long stop) {
        long t = start();
        List<byte[]> a = list(key(key), text(Long.toString(start)), text(Long.toString(stop)), text("WITHSCORES"));
        return query(Command.ZRANGE, t, "ZRANGE", a, this::scored);
    }

    /**
     * ZRANGEBYSCORE key min max WITHSCORES: inclusive bounds, lowest score first.
     *
     * @param key the sorted set
     * @param min the lowest score
     * @param max the highest score
     * @return the members with their scores
     */
    public final CompletionStage<List<ScoredMember<V>>> zrangeByScore(K key, double min, double max) {
        long t = start();
        List<byte[]> a = list(key(key), text(number(min)), text(number(max)), text("WITHSCORES"));
        return query(Command.ZRANGEBYSCORE, t, "ZRANGEBYSCORE", a, this::scored);
    }

    /**
     * ZCARD key.
     *
     * @param key the sorted set
     * @return its size (0 when absent)
     */
    public final CompletionStage<Long> zcard(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.ZCARD, t, "ZCARD", a, RawCommands::asLong);
    }

    // ------------------------------------------------------------------ streams, pub/sub

    /**
     * XADD key * field value [field value ...], exactly once under the write's id: a retry or replay never
     * adds a second entry.
     *
     * @param key the stream
     * @param fields the entry's fields and values
     * @return the receipt; its reply is the entry id Redis chose (null when spilled)
     */
    public final CompletionStage<WriteReceipt<String>> xadd(K key, Map<K, V> fields) {
        long t = start();
        List<byte[]> a = list(key(key), text("*"));
        a.addAll(pairs(fields));
        return command(Command.XADD, t, true, "XADD", a, RawCommands::asText);
    }

    /**
     * XRANGE key start end.
     *
     * @param key the stream
     * @param start the first id ({@code -} for the first entry)
     * @param end the last id ({@code +} for the last entry)
     * @return the entries, oldest first
     */
    public final CompletionStage<List<StreamEntry<K, V>>> xrange(K key, String start, String end) {
        long t = start();
        List<byte[]> a = list(key(key), text(Objects.requireNonNull(start, "start")),
                text(Objects.requireNonNull(end, "end")));
        return query(Command.XRANGE, t, "XRANGE", a, this::entries);
    }

    /**
     * XLEN key.
     *
     * @param key the stream
     * @return its length (0 when absent)
     */
    public final CompletionStage<Long> xlen(K key) {
        long t = start();
        List<byte[]> a = list(key(key));
        return query(Command.XLEN, t, "XLEN", a, RawCommands::asLong);
    }

    /**
     * XTRIM key MAXLEN maxLength, idempotent: keeps the newest {@code maxLength} entries.
     *
     * @param key the stream
     * @param maxLength how many entries to keep
     * @return the receipt; its reply is the number of entries removed
     */
    public final CompletionStage<WriteReceipt<Long>> xtrim(K key, long maxLength) {
        long t = start();
        List<byte[]> a = list(key(key), text("MAXLEN"), text(Long.toString(maxLength)));
        return command(Command.XTRIM, t, false, "XTRIM", a, RawCommands::asLong);
    }

    /**
     * PUBLISH channel message, exactly once. A spilled message is delivered when it is replayed, late, to
     * whoever subscribes then.
     *
     * @param channel the channel
     * @param message the message
     * @return the receipt; its reply is the number of subscribers that received it (null when spilled)
     */
    public final CompletionStage<WriteReceipt<Long>> publish(K channel, V message) {
        long t = start();
        List<byte[]> a = list(key(channel), value(message));
        return command(Command.PUBLISH, t, true, "PUBLISH", a, RawCommands::asLong);
    }

    /**
     * A write in command form: exactly-once ones through the marker script, idempotent ones as one plain
     * call (replayed as the same command).
     */
    private <T> CompletionStage<WriteReceipt<T>> command(Command metric, long t, boolean exactlyOnce, String name,
                                                         List<byte[]> a, Function<Object, T> reply) {
        RedisWrite<T> w;
        if (exactlyOnce) {
            w = RedisWrite.exactlyOnceRaw(name, a, markerTtlSeconds, reply);
        } else {
            w = RedisWrite.idempotentCommand(name, a, firstKey(name, a), reply);
        }
        return observed(metric, t, write(w));
    }

    /** A read in command form, through the engine of its first key's lane. */
    private <T> CompletionStage<T> query(Command metric, long t, String name, List<byte[]> a,
                                         Function<Object, T> reply) {
        return observed(metric, t, read(name, a, CommandKeys.of(name, a), reply));
    }

    /** Sends a read with these keys through the engine of the first key's lane. */
    private <T> CompletionStage<T> read(String name, List<byte[]> a, List<byte[]> readKeys,
                                        Function<Object, T> reply) {
        if (cluster) {
            CommandKeys.requireOneSlot(name, readKeys);
        }
        byte[] first = readKeys.isEmpty() ? null : readKeys.get(0);
        if (batch != null) {
            return batch.add(name, a, readKeys, reply);
        }
        FailoverEngine<RedissonClient> e = lanes == null ? engine
                : lanes.engineFor(first == null ? 0 : HashSlots.slot(first));
        // Decoded after the engine's call: a reply the codec cannot read is no failure of the endpoint.
        return e.read(c -> RawCommands.call(c, false, name, a, first)).thenApply(reply);
    }

    /** Sends a read through the engine of {@code firstKey}'s lane (a batch of reads only). */
    final <T> CompletionStage<T> readThrough(Function<RedissonClient, CompletionStage<T>> call, byte[] firstKey) {
        FailoverEngine<RedissonClient> e = lanes == null ? engine
                : lanes.engineFor(firstKey == null ? 0 : HashSlots.slot(firstKey));
        return e.read(call::apply);
    }

    private static byte[] firstKey(String name, List<byte[]> a) {
        return CommandKeys.first(name, a);
    }

    // ------------------------------------------------------------------ codecs

    private byte[] key(K key) {
        return Objects.requireNonNull(keys.encode(Objects.requireNonNull(key, "key")), "the key codec gave null");
    }

    private byte[] value(V value) {
        return Objects.requireNonNull(values.encode(Objects.requireNonNull(value, "value")),
                "the value codec gave null");
    }

    private V decodeValue(Object reply) {
        return reply == null ? null : values.decode(raw(reply));
    }

    private K decodeKey(Object reply) {
        return reply == null ? null : keys.decode(raw(reply));
    }

    private static byte[] raw(Object reply) {
        return reply instanceof byte[] b ? b : text(reply.toString());
    }

    private List<byte[]> keyList(K[] items) {
        requireItems(items);
        List<byte[]> out = new ArrayList<>(items.length + 1);
        for (K k : items) {
            out.add(key(k));
        }
        return out;
    }

    private List<byte[]> valueList(V[] items) {
        requireItems(items);
        List<byte[]> out = new ArrayList<>(items.length);
        for (V v : items) {
            out.add(value(v));
        }
        return out;
    }

    /** @return the key's bytes followed by {@code rest} */
    private List<byte[]> keyThen(K key, List<byte[]> rest) {
        List<byte[]> out = new ArrayList<>(rest.size() + 1);
        out.add(key(key));
        out.addAll(rest);
        return out;
    }

    private <A, B> List<byte[]> pairs(Map<A, B> map) {
        Objects.requireNonNull(map, "map");
        if (map.isEmpty()) {
            throw new IllegalArgumentException("give at least one entry");
        }
        List<byte[]> out = new ArrayList<>(map.size() * 2);
        for (Map.Entry<A, B> e : map.entrySet()) {
            @SuppressWarnings("unchecked")
            K k = (K) Objects.requireNonNull(e.getKey(), "key");
            @SuppressWarnings("unchecked")
            V v = (V) Objects.requireNonNull(e.getValue(), "value");
            out.add(key(k));
            out.add(value(v));
        }
        return out;
    }

    private List<V> decodeValues(Object reply) {
        if (!(reply instanceof List<?> list)) {
            return List.of();
        }
        List<V> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(decodeValue(o));
        }
        return out;
    }

    private Map<K, V> fieldMap(Object reply) {
        Map<K, V> out = new LinkedHashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                out.put(decodeKey(list.get(i)), decodeValue(list.get(i + 1)));
            }
        }
        return out;
    }

    private List<ScoredMember<V>> scored(Object reply) {
        List<ScoredMember<V>> out = new ArrayList<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                out.add(new ScoredMember<>(decodeValue(list.get(i)), Double.parseDouble(RawCommands.asText(list.get(i + 1)))));
            }
        }
        return out;
    }

    private List<StreamEntry<K, V>> entries(Object reply) {
        List<StreamEntry<K, V>> out = new ArrayList<>();
        if (reply instanceof List<?> list) {
            for (Object item : list) {
                List<?> entry = (List<?>) item;
                out.add(new StreamEntry<>(RawCommands.asText(entry.get(0)), fieldMap(entry.get(1))));
            }
        }
        return out;
    }

    /** A double as Redis parses it (no exponent surprises, infinities as {@code +inf}/{@code -inf}). */
    private static String number(double d) {
        if (Double.isNaN(d)) {
            throw new IllegalArgumentException("NaN is not a score or increment Redis accepts");
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+inf" : "-inf";
        }
        return java.math.BigDecimal.valueOf(d).toPlainString();
    }

    // ------------------------------------------------------------------ any command

    /**
     * Runs any read command.
     *
     * @param command the command
     * @return the reply, typed as the command declares
     */
    public final CompletionStage<Object> execute(RedisCommand.Read command) {
        long t = start();
        Objects.requireNonNull(command, "command");
        String name = command.name();
        List<byte[]> a = command.args();
        List<byte[]> readKeys = command.keyCount() >= 0 ? a.subList(0, command.keyCount()) : CommandKeys.of(name, a);
        return observed(Command.EXECUTE_READ, t, read(name, a, readKeys, replyOf(command.replyType())));
    }

    /**
     * Runs any write command: exactly once unless declared idempotent.
     *
     * @param command the command
     * @return the receipt; its reply is typed as the command declares (as a String for exactly-once writes)
     */
    public final CompletionStage<WriteReceipt<Object>> execute(RedisCommand.Write command) {
        long t = start();
        Objects.requireNonNull(command, "command");
        String name = command.name();
        List<byte[]> a = command.args();
        if (!command.isIdempotent()) {
            return observed(Command.EXECUTE_WRITE, t,
                    write(RedisWrite.exactlyOnce(name, a, command.keyCount(), markerTtlSeconds, s -> s)));
        }
        List<byte[]> writeKeys = command.keyCount() >= 0 ? a.subList(0, command.keyCount()) : CommandKeys.of(name, a);
        byte[] first = writeKeys.isEmpty() ? null : writeKeys.get(0);
        Function<Object, Object> reply = replyOf(command.replyType());
        return observed(Command.EXECUTE_WRITE, t, write(RedisWrite.idempotent(name, a, command.keyCount(),
                c -> RawCommands.call(c, true, name, a, first).thenApply(reply)).withScriptReply(r -> r)));
    }

    /**
     * Runs an application's script: exactly once unless declared idempotent; spilled with its body and
     * replayed like any write.
     *
     * @param script the script, its keys and arguments
     * @return the receipt; its reply is the script's (strings as String, integers as Long, tables as Lists)
     */
    public final CompletionStage<WriteReceipt<Object>> execute(RedisScript script) {
        long t = start();
        Objects.requireNonNull(script, "script");
        return observed(Command.SCRIPT, t, write(RedisWrite.userScript(!script.isIdempotent(), script.body(),
                script.keyNames(), script.argValues(), markerTtlSeconds, AsyncRedisView::plain)));
    }

    /** @return how a generic command's raw reply is returned, as its declared reply type says */
    private static Function<Object, Object> replyOf(RedisCommand.Reply type) {
        return switch (type) {
            case BYTES -> r -> r;
            case INTEGER -> r -> r instanceof Long ? r : RawCommands.asLong(r);
            default -> AsyncRedisView::plain;
        };
    }

    // ------------------------------------------------------------------ helpers

    private static List<byte[]> list(byte[]... parts) {
        List<byte[]> out = new ArrayList<>(parts.length + 4);
        for (byte[] p : parts) {
            out.add(p);
        }
        return out;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object plain(Object reply) {
        if (reply instanceof byte[] b) {
            return RedisWrite.text(b);
        }
        if (reply instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(plain(o));
            }
            return out;
        }
        return reply;
    }

    private static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        long ms = ttl.toMillis();
        if (ms < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        return ms;
    }

    private static void requireItems(Object[] items) {
        Objects.requireNonNull(items, "arguments");
        if (items.length == 0) {
            throw new IllegalArgumentException("give at least one");
        }
    }
}
