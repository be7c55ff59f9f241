package io.resilientredis.client;

import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.client.internal.Command;
import io.resilientredis.client.internal.HashSlots;
import io.resilientredis.failover.spi.FailoverEngine;
import io.resilientredis.failover.spi.WriteOp;
import io.resilientredis.failover.WriteReceipt;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The asynchronous operations of a {@link ResilientRedis}: the same calls, returning
 * {@link CompletionStage}s. Stages complete on Redisson's I/O threads: do not block in callbacks.
 * Writes complete with a {@link WriteReceipt}: {@code WRITTEN}, or {@code SPILLED} when no
 * endpoint took the write and it waits, durably, for replay.
 */
public final class AsyncRedis {

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

    AsyncRedis(FailoverEngine<RedissonClient> engine, ClusterLanes lanes, Duration markerTtl, Durability durability,
               long maxBulkBytes, long maxEntryBytes, boolean cluster) {
        this(engine, lanes, markerTtl, durability, maxBulkBytes, maxEntryBytes, new ConcurrentHashMap<>(), null,
                cluster);
    }

    private AsyncRedis(FailoverEngine<RedissonClient> engine, ClusterLanes lanes, Duration markerTtl,
                       Durability durability, long maxBulkBytes, long maxEntryBytes,
                       Map<Object, ReplicationBatcher> batchers, ClientHooks hooks, boolean cluster) {
        this.engine = engine;
        this.lanes = lanes;
        this.cluster = cluster;
        this.batchers = batchers;
        this.hooks = hooks;
        this.markerTtlSeconds = Math.max(1, markerTtl.toSeconds());
        this.durability = durability;
        this.maxBulkBytes = maxBulkBytes;
        this.maxEntryBytes = maxEntryBytes;
    }

    /** @return the same operations, each call reported to the hooks' observer when one is installed */
    AsyncRedis observedBy(ClientHooks observer) {
        return new AsyncRedis(engine, lanes, Duration.ofSeconds(markerTtlSeconds), durability, maxBulkBytes,
                maxEntryBytes, batchers, observer, cluster);
    }

    private long start() {
        return hooks == null ? ClientHooks.NOT_OBSERVED : hooks.start();
    }

    private <T> CompletionStage<T> observed(Command command, long start, CompletionStage<T> call) {
        return hooks == null ? call : hooks.observe(command, start, call);
    }

    /**
     * Sends a write through the engine, waiting for replicas when the durability level asks for it.
     *
     * @throws IllegalArgumentException at once when the write is too large to send or to spill
     */
    <T> CompletionStage<WriteReceipt<T>> write(RedisWrite<T> write) {
        write.checkSize(maxBulkBytes, maxEntryBytes);
        if (cluster) {
            write.checkOneSlot();
        }
        if (lanes == null) {
            return engine.write(replicated(write, null));
        }
        List<byte[]> keys = write.form().dataKeys();
        ClusterLanes.Lane lane = lanes.enter(keys.isEmpty() ? 0 : HashSlots.slot(keys.get(0)));
        CompletableFuture<WriteReceipt<T>> receipt;
        try {
            receipt = lane.engine.write(replicated(write, lane.number));
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
            @Override public Function<Object, ? extends T> replayReply() { return write.replayReply(); } // applied()'s reply
        };
    }

    /** @return the engine that reads of {@code key} go through */
    private FailoverEngine<RedissonClient> engineFor(String key) {
        return lanes == null ? engine : lanes.engineFor(HashSlots.slot(key));
    }

    /** @return the engine that a read of these keys goes through */
    private FailoverEngine<RedissonClient> engineFor(List<Object> keys) {
        if (lanes == null) {
            return engine;
        }
        if (keys.isEmpty()) {
            return lanes.anyEngine();
        }
        Object k = keys.get(0);
        return lanes.engineFor(HashSlots.slot(k instanceof byte[] b ? b : RedisWrite.bytes(k.toString())));
    }

    // ------------------------------------------------------------------ strings

    /**
     * @param key the key
     * @return the value, or null when absent
     */
    public CompletionStage<String> get(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.GET, t, engineFor(key).read(c -> c.<String>getBucket(key, StringCodec.INSTANCE).getAsync()));
    }

    /**
     * SET key value.
     *
     * @param key the key
     * @param value the value
     * @return the receipt
     */
    public CompletionStage<WriteReceipt<Void>> set(String key, String value) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return observed(Command.SET, t, write(RedisWrite.idempotent("SET",
                c -> c.<String>getBucket(key, StringCodec.INSTANCE).setAsync(value), key, value)
                .withScriptReply(r -> null)));
    }

    /**
     * SET key value PX ttl. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt
     */
    public CompletionStage<WriteReceipt<Void>> set(String key, String value, Duration ttl) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        long ms = ttlMillis(ttl);
        return observed(Command.SET, t, write(RedisWrite.idempotent("SET",
                c -> c.<String>getBucket(key, StringCodec.INSTANCE).setAsync(value, Duration.ofMillis(ms)),
                key, value, "PX", Long.toString(ms)).withScriptReply(r -> null)));
    }

    /**
     * SET key value NX PX ttl. The reply (whether it was set) is null when the write was spilled.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is true when the key was set
     */
    public CompletionStage<WriteReceipt<Boolean>> setIfAbsent(String key, String value, Duration ttl) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        long ms = ttlMillis(ttl);
        return observed(Command.SETNX, t, write(RedisWrite.idempotent("SET",
                c -> c.<String>getBucket(key, StringCodec.INSTANCE).setIfAbsentAsync(value, Duration.ofMillis(ms)),
                key, value, "NX", "PX", Long.toString(ms)).withScriptReply("OK"::equals)));
    }

    /**
     * DEL key [key ...].
     *
     * @param keys the keys
     * @return the receipt; its reply is the number of keys removed
     */
    public CompletionStage<WriteReceipt<Long>> del(String... keys) {
        long t = start();
        requireKeys(keys);
        List<byte[]> a = new ArrayList<>(keys.length);
        for (String k : keys) {
            a.add(RedisWrite.bytes(k));
        }
        return observed(Command.DEL, t, write(RedisWrite.idempotent("DEL", a, c -> c.getKeys().deleteAsync(keys)).withScriptReply(Long::valueOf)));
    }

    /**
     * @param key the key
     * @return whether it exists
     */
    public CompletionStage<Boolean> exists(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.EXISTS, t, engineFor(key).read(c -> c.getKeys().countExistsAsync(key).thenApply(n -> n > 0)));
    }

    /**
     * PEXPIRE key ttl. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is whether the key exists
     */
    public CompletionStage<WriteReceipt<Boolean>> expire(String key, Duration ttl) {
        long t = start();
        Objects.requireNonNull(key, "key");
        long ms = ttlMillis(ttl);
        return observed(Command.PEXPIRE, t, write(RedisWrite.idempotent("PEXPIRE", args(key, Long.toString(ms)),
                c -> c.getBucket(key).expireAsync(Duration.ofMillis(ms))).withScriptReply("1"::equals)));
    }

    /**
     * INCRBY key delta, exactly once: a retry, spill or replay of this call never adds twice.
     *
     * @param key the key
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> incrBy(String key, long delta) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.INCRBY, t, write(RedisWrite.exactlyOnce("INCRBY", args(key, Long.toString(delta)), markerTtlSeconds,
                Long::valueOf)));
    }

    // ------------------------------------------------------------------ hashes

    /**
     * @param key the hash
     * @param field the field
     * @return the value, or null
     */
    public CompletionStage<String> hget(String key, String field) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(field, "field");
        return observed(Command.HGET, t, engineFor(key).read(c -> c.<String, String>getMap(key, StringCodec.INSTANCE).getAsync(field)));
    }

    /**
     * HSET key field value.
     *
     * @param key the hash
     * @param field the field
     * @param value the value
     * @return the receipt; its reply is true when the field is new
     */
    public CompletionStage<WriteReceipt<Boolean>> hset(String key, String field, String value) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        return observed(Command.HSET, t, write(RedisWrite.idempotent("HSET",
                c -> c.<String, String>getMap(key, StringCodec.INSTANCE).fastPutAsync(field, value),
                key, field, value).withScriptReply("1"::equals)));
    }

    /**
     * @param key the hash
     * @return every field and value (empty when absent)
     */
    public CompletionStage<Map<String, String>> hgetAll(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.HGETALL, t, engineFor(key).read(c -> c.<String, String>getMap(key, StringCodec.INSTANCE).readAllMapAsync()));
    }

    /**
     * HDEL key field [field ...].
     *
     * @param key the hash
     * @param fields the fields
     * @return the receipt; its reply is the number removed
     */
    public CompletionStage<WriteReceipt<Long>> hdel(String key, String... fields) {
        long t = start();
        Objects.requireNonNull(key, "key");
        requireKeys(fields);
        List<byte[]> a = new ArrayList<>(fields.length + 1);
        a.add(RedisWrite.bytes(key));
        for (String f : fields) {
            a.add(RedisWrite.bytes(f));
        }
        return observed(Command.HDEL, t, write(RedisWrite.idempotent("HDEL", a,
                c -> c.<String, String>getMap(key, StringCodec.INSTANCE).fastRemoveAsync(fields))
                .withScriptReply(Long::valueOf)));
    }

    // ------------------------------------------------------------------ lists

    /**
     * LPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> lpush(String key, String... values) {
        long t = start();
        return observed(Command.LPUSH, t, push("LPUSH", key, values));
    }

    /**
     * RPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> rpush(String key, String... values) {
        long t = start();
        return observed(Command.RPUSH, t, push("RPUSH", key, values));
    }

    private CompletionStage<WriteReceipt<Long>> push(String command, String key, String... values) {
        Objects.requireNonNull(key, "key");
        requireKeys(values);
        List<byte[]> a = new ArrayList<>(values.length + 1);
        a.add(RedisWrite.bytes(key));
        for (String v : values) {
            a.add(RedisWrite.bytes(v));
        }
        return write(RedisWrite.exactlyOnce(command, a, markerTtlSeconds, Long::valueOf));
    }

    /**
     * LRANGE key start stop.
     *
     * @param key the list
     * @param start first index (negative counts from the end)
     * @param stop last index, inclusive
     * @return the elements
     */
    public CompletionStage<List<String>> lrange(String key, int start, int stop) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.LRANGE, t, engineFor(key).read(c -> Scripts.bytes(c).<List<Object>>evalAsync(RScript.Mode.READ_ONLY,
                        "return redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])", RScript.ReturnType.LIST,
                        List.of(key), RedisWrite.bytes(Integer.toString(start)), RedisWrite.bytes(Integer.toString(stop)))
                .thenApply(AsyncRedis::texts)));
    }

    /**
     * @param key the list
     * @return its length (0 when absent)
     */
    public CompletionStage<Long> llen(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.LLEN, t, engineFor(key).read(c -> c.getList(key, StringCodec.INSTANCE).sizeAsync().thenApply(Integer::longValue)));
    }

    // ------------------------------------------------------------------ strings, hashes, sets, sorted sets, streams

    /**
     * MGET key [key ...]: one slot's keys on a Redis Cluster.
     *
     * @param keys the keys
     * @return each key's value, null where absent, in order
     */
    public CompletionStage<List<String>> mget(String... keys) {
        long t = start();
        requireKeys(keys);
        List<byte[]> a = args(keys);
        return query(Command.MGET, t, "MGET", a, AsyncRedis::texts);
    }

    /**
     * MSET key value [key value ...], idempotent: one slot's keys on a Redis Cluster.
     *
     * @param values keys and values, set in the map's order
     * @return the receipt
     */
    public CompletionStage<WriteReceipt<Void>> mset(Map<String, String> values) {
        long t = start();
        Objects.requireNonNull(values, "values");
        List<byte[]> a = pairs(values);
        return command(Command.MSET, t, false, "MSET", a, r -> null);
    }

    /**
     * GETDEL key (Redis 6.2+), exactly once: a retry or replay returns the value the first run removed.
     *
     * @param key the key
     * @return the receipt; its reply is the value removed, null when there was none (and when spilled)
     */
    public CompletionStage<WriteReceipt<String>> getDel(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key);
        return command(Command.GETDEL, t, true, "GETDEL", a, RawCommands::asText);
    }

    /**
     * INCRBYFLOAT key delta, exactly once.
     *
     * @param key the key
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public CompletionStage<WriteReceipt<Double>> incrByFloat(String key, double delta) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key, number(delta));
        return command(Command.INCRBYFLOAT, t, true, "INCRBYFLOAT", a, RawCommands::asDouble);
    }

    /**
     * PTTL key.
     *
     * @param key the key
     * @return the time to live in milliseconds; -1 when the key has no TTL, -2 when it does not exist
     */
    public CompletionStage<Long> ttl(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key);
        return query(Command.PTTL, t, "PTTL", a, RawCommands::asLong);
    }

    /**
     * PERSIST key, idempotent: removes the key's TTL.
     *
     * @param key the key
     * @return the receipt; its reply is whether a TTL was removed
     */
    public CompletionStage<WriteReceipt<Boolean>> persist(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key);
        return command(Command.PERSIST, t, false, "PERSIST", a, RawCommands::asFlag);
    }

    /**
     * HINCRBY key field delta, exactly once.
     *
     * @param key the hash
     * @param field the field
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> hincrBy(String key, String field, long delta) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(field, "field");
        List<byte[]> a = args(key, field, Long.toString(delta));
        return command(Command.HINCRBY, t, true, "HINCRBY", a, RawCommands::asLong);
    }

    /**
     * HMGET key field [field ...].
     *
     * @param key the hash
     * @param fields the fields
     * @return each field's value, null where absent, in order
     */
    public CompletionStage<List<String>> hmget(String key, String... fields) {
        long t = start();
        Objects.requireNonNull(key, "key");
        requireKeys(fields);
        List<byte[]> a = args(key);
        a.addAll(args(fields));
        return query(Command.HMGET, t, "HMGET", a, AsyncRedis::texts);
    }

    /**
     * HSET key field value [field value ...], idempotent.
     *
     * @param key the hash
     * @param fields fields and values
     * @return the receipt; its reply is the number of fields added
     */
    public CompletionStage<WriteReceipt<Long>> hsetAll(String key, Map<String, String> fields) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fields, "fields");
        List<byte[]> a = args(key);
        a.addAll(pairs(fields));
        return command(Command.HSETALL, t, false, "HSET", a, RawCommands::asLong);
    }

    /**
     * SADD key member [member ...], idempotent.
     *
     * @param key the set
     * @param members the members
     * @return the receipt; its reply is the number added
     */
    public CompletionStage<WriteReceipt<Long>> sadd(String key, String... members) {
        long t = start();
        Objects.requireNonNull(key, "key");
        requireKeys(members);
        List<byte[]> a = args(key);
        a.addAll(args(members));
        return command(Command.SADD, t, false, "SADD", a, RawCommands::asLong);
    }

    /**
     * SREM key member [member ...], idempotent.
     *
     * @param key the set
     * @param members the members
     * @return the receipt; its reply is the number removed
     */
    public CompletionStage<WriteReceipt<Long>> srem(String key, String... members) {
        long t = start();
        Objects.requireNonNull(key, "key");
        requireKeys(members);
        List<byte[]> a = args(key);
        a.addAll(args(members));
        return command(Command.SREM, t, false, "SREM", a, RawCommands::asLong);
    }

    /**
     * SMEMBERS key.
     *
     * @param key the set
     * @return its members (empty when absent)
     */
    public CompletionStage<Set<String>> smembers(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key);
        return query(Command.SMEMBERS, t, "SMEMBERS", a, r -> new LinkedHashSet<>(texts(r)));
    }

    /**
     * SISMEMBER key member.
     *
     * @param key the set
     * @param member the member
     * @return whether it is a member
     */
    public CompletionStage<Boolean> sismember(String key, String member) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(member, "member");
        List<byte[]> a = args(key, member);
        return query(Command.SISMEMBER, t, "SISMEMBER", a, RawCommands::asFlag);
    }

    /**
     * SCARD key.
     *
     * @param key the set
     * @return its size (0 when absent)
     */
    public CompletionStage<Long> scard(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key);
        return query(Command.SCARD, t, "SCARD", a, RawCommands::asLong);
    }

    /**
     * ZADD key score member, idempotent (it sets the score).
     *
     * @param key the sorted set
     * @param score the score
     * @param member the member
     * @return the receipt; its reply is 1 when the member is new, else 0
     */
    public CompletionStage<WriteReceipt<Long>> zadd(String key, double score, String member) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(member, "member");
        List<byte[]> a = args(key, number(score), member);
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
    public CompletionStage<WriteReceipt<Double>> zincrBy(String key, double delta, String member) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(member, "member");
        List<byte[]> a = args(key, number(delta), member);
        return command(Command.ZINCRBY, t, true, "ZINCRBY", a, RawCommands::asDouble);
    }

    /**
     * ZREM key member [member ...], idempotent.
     *
     * @param key the sorted set
     * @param members the members
     * @return the receipt; its reply is the number removed
     */
    public CompletionStage<WriteReceipt<Long>> zrem(String key, String... members) {
        long t = start();
        Objects.requireNonNull(key, "key");
        requireKeys(members);
        List<byte[]> a = args(key);
        a.addAll(args(members));
        return command(Command.ZREM, t, false, "ZREM", a, RawCommands::asLong);
    }

    /**
     * ZSCORE key member.
     *
     * @param key the sorted set
     * @param member the member
     * @return its score, or null
     */
    public CompletionStage<Double> zscore(String key, String member) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(member, "member");
        List<byte[]> a = args(key, member);
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
    public CompletionStage<List<ScoredMember>> zrange(String key, long start, long stop) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key, Long.toString(start), Long.toString(stop), "WITHSCORES");
        return query(Command.ZRANGE, t, "ZRANGE", a, AsyncRedis::scored);
    }

    /**
     * ZRANGEBYSCORE key min max WITHSCORES: inclusive bounds, lowest score first.
     *
     * @param key the sorted set
     * @param min the lowest score
     * @param max the highest score
     * @return the members with their scores
     */
    public CompletionStage<List<ScoredMember>> zrangeByScore(String key, double min, double max) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key, number(min), number(max), "WITHSCORES");
        return query(Command.ZRANGEBYSCORE, t, "ZRANGEBYSCORE", a, AsyncRedis::scored);
    }

    /**
     * ZCARD key.
     *
     * @param key the sorted set
     * @return its size (0 when absent)
     */
    public CompletionStage<Long> zcard(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key);
        return query(Command.ZCARD, t, "ZCARD", a, RawCommands::asLong);
    }

    /**
     * XADD key * field value [field value ...], exactly once under the write's id: a retry or replay never adds a second entry.
     *
     * @param key the stream
     * @param fields the entry's fields and values
     * @return the receipt; its reply is the entry id Redis chose (null when spilled)
     */
    public CompletionStage<WriteReceipt<String>> xadd(String key, Map<String, String> fields) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fields, "fields");
        if (fields.isEmpty()) { throw new IllegalArgumentException("a stream entry needs at least one field");
        } List<byte[]> a = args(key, "*");
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
    public CompletionStage<List<StreamEntry>> xrange(String key, String start, String end) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        List<byte[]> a = args(key, start, end);
        return query(Command.XRANGE, t, "XRANGE", a, AsyncRedis::entries);
    }

    /**
     * XLEN key.
     *
     * @param key the stream
     * @return its length (0 when absent)
     */
    public CompletionStage<Long> xlen(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key);
        return query(Command.XLEN, t, "XLEN", a, RawCommands::asLong);
    }

    /**
     * XTRIM key MAXLEN maxLength, idempotent: keeps the newest {@code maxLength} entries.
     *
     * @param key the stream
     * @param maxLength how many entries to keep
     * @return the receipt; its reply is the number of entries removed
     */
    public CompletionStage<WriteReceipt<Long>> xtrim(String key, long maxLength) {
        long t = start();
        Objects.requireNonNull(key, "key");
        List<byte[]> a = args(key, "MAXLEN", Long.toString(maxLength));
        return command(Command.XTRIM, t, false, "XTRIM", a, RawCommands::asLong);
    }

    /**
     * PUBLISH channel message, exactly once. A spilled message is delivered when it is replayed, late, to whoever subscribes then.
     *
     * @param channel the channel
     * @param message the message
     * @return the receipt; its reply is the number of subscribers that received it (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> publish(String channel, String message) {
        long t = start();
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(message, "message");
        List<byte[]> a = args(channel, message);
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
            w = RedisWrite.exactlyOnce(name, a, markerTtlSeconds, reply::apply);
        } else {
            byte[] first = firstKey(name, a);
            w = RedisWrite.<T>idempotent(name, a, c -> RawCommands.call(c, true, name, a, first).thenApply(reply))
                    .withScriptReply(reply::apply);
        }
        return observed(metric, t, write(w));
    }

    /** A read in command form, through the engine of its first key's lane. */
    private <T> CompletionStage<T> query(Command metric, long t, String name, List<byte[]> a,
                                         Function<Object, T> reply) {
        List<byte[]> keys = CommandKeys.of(name, a);
        if (cluster) {
            CommandKeys.requireOneSlot(name, keys);
        }
        byte[] first = keys.isEmpty() ? null : keys.get(0);
        FailoverEngine<RedissonClient> e = lanes == null ? engine
                : lanes.engineFor(first == null ? 0 : HashSlots.slot(first));
        return observed(metric, t, e.read(c -> RawCommands.call(c, false, name, a, first).thenApply(reply)));
    }

    private static byte[] firstKey(String name, List<byte[]> a) {
        List<byte[]> keys = CommandKeys.of(name, a);
        return keys.isEmpty() ? null : keys.get(0);
    }

    private static List<byte[]> pairs(Map<String, String> map) {
        if (map.isEmpty()) {
            throw new IllegalArgumentException("give at least one");
        }
        List<byte[]> out = new ArrayList<>(map.size() * 2);
        for (Map.Entry<String, String> e : map.entrySet()) {
            out.add(RedisWrite.bytes(Objects.requireNonNull(e.getKey(), "key")));
            out.add(RedisWrite.bytes(Objects.requireNonNull(e.getValue(), "value")));
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

    private static List<String> texts(Object reply) {
        if (!(reply instanceof List<?> list)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(RawCommands.asText(o));
        }
        return out;
    }

    private static List<ScoredMember> scored(Object reply) {
        List<String> flat = texts(reply);
        List<ScoredMember> out = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            out.add(new ScoredMember(flat.get(i), Double.parseDouble(flat.get(i + 1))));
        }
        return out;
    }

    private static List<StreamEntry> entries(Object reply) {
        List<StreamEntry> out = new ArrayList<>();
        if (reply instanceof List<?> list) {
            for (Object item : list) {
                List<?> entry = (List<?>) item;
                List<String> kv = texts(entry.get(1));
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i + 1 < kv.size(); i += 2) {
                    fields.put(kv.get(i), kv.get(i + 1));
                }
                out.add(new StreamEntry(RawCommands.asText(entry.get(0)), fields));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ any command

    /**
     * Runs any read command.
     *
     * @param command the command
     * @return the reply, typed as the command declares
     */
    public CompletionStage<Object> execute(RedisCommand.Read command) {
        long t = start();
        Objects.requireNonNull(command, "command");
        String name = command.name();
        List<byte[]> a = command.args();
        List<byte[]> keys = command.keyCount() >= 0 ? a.subList(0, command.keyCount()) : CommandKeys.of(name, a);
        if (cluster) {
            CommandKeys.requireOneSlot(name, keys);
        }
        byte[] first = keys.isEmpty() ? null : keys.get(0);
        FailoverEngine<RedissonClient> e = lanes == null ? engine
                : lanes.engineFor(first == null ? 0 : HashSlots.slot(first));
        Function<Object, Object> reply = replyOf(command.replyType());
        return observed(Command.EXECUTE_READ, t,
                e.read(c -> RawCommands.call(c, false, name, a, first).thenApply(reply)));
    }

    /**
     * Runs any write command: exactly once unless declared idempotent.
     *
     * @param command the command
     * @return the receipt; its reply is typed as the command declares (as a String for exactly-once writes)
     */
    public CompletionStage<WriteReceipt<Object>> execute(RedisCommand.Write command) {
        long t = start();
        Objects.requireNonNull(command, "command");
        String name = command.name();
        List<byte[]> a = command.args();
        if (!command.isIdempotent()) {
            return observed(Command.EXECUTE_WRITE, t,
                    write(RedisWrite.exactlyOnce(name, a, command.keyCount(), markerTtlSeconds, s -> s)));
        }
        List<byte[]> keys = command.keyCount() >= 0 ? a.subList(0, command.keyCount()) : CommandKeys.of(name, a);
        byte[] first = keys.isEmpty() ? null : keys.get(0);
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
    public CompletionStage<WriteReceipt<Object>> execute(RedisScript script) {
        long t = start();
        Objects.requireNonNull(script, "script");
        return observed(Command.SCRIPT, t, write(RedisWrite.userScript(!script.isIdempotent(), script.body(),
                script.keyNames(), script.argValues(), markerTtlSeconds, AsyncRedis::plain)));
    }

    /** @return how a generic command's raw reply is returned, as its declared reply type says */
    private static Function<Object, Object> replyOf(RedisCommand.Reply type) {
        return switch (type) {
            case BYTES -> r -> r;
            case INTEGER -> r -> r instanceof Long ? r : RawCommands.asLong(r);
            default -> AsyncRedis::plain;
        };
    }

    // ------------------------------------------------------------------ helpers

    private static List<byte[]> args(String... parts) {
        List<byte[]> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            out.add(RedisWrite.bytes(p));
        }
        return out;
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

    private static List<String> texts(List<Object> reply) {
        List<String> out = new ArrayList<>(reply.size());
        for (Object o : reply) {
            out.add(RedisWrite.text(o));
        }
        return out;
    }

    private static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        long ms = ttl.toMillis();
        if (ms < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        return ms;
    }

    private static void requireKeys(String[] items) {
        Objects.requireNonNull(items, "arguments");
        if (items.length == 0) {
            throw new IllegalArgumentException("give at least one");
        }
        for (String s : items) {
            Objects.requireNonNull(s, "argument");
        }
    }
}
