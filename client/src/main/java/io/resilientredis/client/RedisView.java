package io.resilientredis.client;

import io.resilientredis.client.internal.Command;
import io.resilientredis.failover.WriteReceipt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The operations of a {@link ResilientRedis} on keys of type {@code K} and values of type {@code V}
 * (hash fields and stream field names are keys; set, sorted-set and list members are values), each
 * waiting for its reply: the client itself for strings, or {@link ResilientRedis#withCodecs(Codec, Codec)}
 * for other types. Every operation has its asynchronous twin in {@link #async()}, and throws what that
 * one completes with. Each write is exactly once (a retry, a spill and its replay apply it once) or
 * idempotent, as its Javadoc says; README.md has the table.
 *
 * <pre>{@code
 * RedisView<String, byte[]> blobs = redis.withCodecs(Codec.utf8(), Codec.bytes());
 * blobs.set("thumb:42", png);
 * }</pre>
 *
 * <p>Thread-safe. A view shares its client's connections, breakers, spill store and metrics: closing the
 * client ends every view of it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public abstract class RedisView<K, V> {

    RedisView() {
    }

    /** @return the asynchronous form of these operations */
    public abstract AsyncRedisView<K, V> async();

    /**
     * Starts a batch: the writes and reads called on it are collected, then sent as one pipeline by
     * {@link RedisBatch#send()}, in order. Each write is exactly once and gets its own receipt; when no
     * endpoint takes the batch, its writes are spilled whole, in order. A batch's calls return stages:
     * wait for {@code send()} to see them complete.
     *
     * @return a new, empty batch with this view's codecs
     */
    public final RedisBatch<K, V> batch() {
        return async().batch(); // the observed view: the batch's send() is counted as one call
    }

    /** @return the operations the sync calls wait for (not observed: {@link #call} observes them) */
    abstract AsyncRedisView<K, V> ops();

    /** @return the start of a call, for the metrics observer */
    abstract long startCall();

    /** Waits for a call, reporting its end to the metrics observer and the tracer when they are installed. */
    abstract <T> T call(Command command, long start, CompletionStage<T> stage);

    /**
     * GET key.
     *
     * @param key the key
     * @return the value, or null when absent
     */
    public final V get(K key) {
        return call(Command.GET, startCall(), ops().get(key));
    }

    /**
     * SET key value, idempotent.
     *
     * @param key the key
     * @param value the value
     * @return the receipt
     */
    public final WriteReceipt<Void> set(K key, V value) {
        return call(Command.SET, startCall(), ops().set(key, value));
    }

    /**
     * SET key value PX ttl, idempotent. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt
     */
    public final WriteReceipt<Void> set(K key, V value, Duration ttl) {
        return call(Command.SET, startCall(), ops().set(key, value, ttl));
    }

    /**
     * SET key value NX PX ttl, idempotent. The reply (whether it was set) is null when the write was spilled.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is true when the key was set
     */
    public final WriteReceipt<Boolean> setIfAbsent(K key, V value, Duration ttl) {
        return call(Command.SETNX, startCall(), ops().setIfAbsent(key, value, ttl));
    }

    /**
     * DEL key [key ...], idempotent: one slot's keys on a Redis Cluster.
     *
     * @param keys the keys
     * @return the receipt; its reply is the number of keys removed
     */
    @SafeVarargs
    public final WriteReceipt<Long> del(K... keys) {
        return call(Command.DEL, startCall(), ops().del(keys));
    }

    /**
     * EXISTS key.
     *
     * @param key the key
     * @return whether it exists
     */
    public final boolean exists(K key) {
        return call(Command.EXISTS, startCall(), ops().exists(key));
    }

    /**
     * PEXPIRE key ttl, idempotent. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is whether the key exists
     */
    public final WriteReceipt<Boolean> expire(K key, Duration ttl) {
        return call(Command.PEXPIRE, startCall(), ops().expire(key, ttl));
    }

    /**
     * INCRBY key delta, exactly once: a retry, spill or replay of this call never adds twice.
     *
     * @param key the key
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public final WriteReceipt<Long> incrBy(K key, long delta) {
        return call(Command.INCRBY, startCall(), ops().incrBy(key, delta));
    }

    /**
     * MGET key [key ...]: one slot's keys on a Redis Cluster.
     *
     * @param keys the keys
     * @return each key's value, null where absent, in order
     */
    @SafeVarargs
    public final List<V> mget(K... keys) {
        return call(Command.MGET, startCall(), ops().mget(keys));
    }

    /**
     * MSET key value [key value ...], idempotent: one slot's keys on a Redis Cluster.
     *
     * @param entries keys and values, set in the map's order
     * @return the receipt
     */
    public final WriteReceipt<Void> mset(Map<K, V> entries) {
        return call(Command.MSET, startCall(), ops().mset(entries));
    }

    /**
     * GETDEL key (Redis 6.2+), exactly once: a retry or replay returns the value the first run removed.
     *
     * @param key the key
     * @return the receipt; its reply is the value removed, null when there was none (and when spilled)
     */
    public final WriteReceipt<V> getDel(K key) {
        return call(Command.GETDEL, startCall(), ops().getDel(key));
    }

    /**
     * INCRBYFLOAT key delta, exactly once.
     *
     * @param key the key
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public final WriteReceipt<Double> incrByFloat(K key, double delta) {
        return call(Command.INCRBYFLOAT, startCall(), ops().incrByFloat(key, delta));
    }

    /**
     * PTTL key.
     *
     * @param key the key
     * @return the time to live in milliseconds; -1 when the key has no TTL, -2 when it does not exist
     */
    public final Long ttl(K key) {
        return call(Command.PTTL, startCall(), ops().ttl(key));
    }

    /**
     * PERSIST key, idempotent: removes the key's TTL.
     *
     * @param key the key
     * @return the receipt; its reply is whether a TTL was removed
     */
    public final WriteReceipt<Boolean> persist(K key) {
        return call(Command.PERSIST, startCall(), ops().persist(key));
    }

    /**
     * HGET key field.
     *
     * @param key the hash
     * @param field the field
     * @return the value, or null
     */
    public final V hget(K key, K field) {
        return call(Command.HGET, startCall(), ops().hget(key, field));
    }

    /**
     * HSET key field value, idempotent.
     *
     * @param key the hash
     * @param field the field
     * @param value the value
     * @return the receipt; its reply is true when the field is new
     */
    public final WriteReceipt<Boolean> hset(K key, K field, V value) {
        return call(Command.HSET, startCall(), ops().hset(key, field, value));
    }

    /**
     * HGETALL key.
     *
     * @param key the hash
     * @return every field and value, in Redis's order (empty when absent)
     */
    public final Map<K, V> hgetAll(K key) {
        return call(Command.HGETALL, startCall(), ops().hgetAll(key));
    }

    /**
     * HDEL key field [field ...], idempotent.
     *
     * @param key the hash
     * @param fields the fields
     * @return the receipt; its reply is the number removed
     */
    @SafeVarargs
    public final WriteReceipt<Long> hdel(K key, K... fields) {
        return call(Command.HDEL, startCall(), ops().hdel(key, fields));
    }

    /**
     * HINCRBY key field delta, exactly once.
     *
     * @param key the hash
     * @param field the field
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public final WriteReceipt<Long> hincrBy(K key, K field, long delta) {
        return call(Command.HINCRBY, startCall(), ops().hincrBy(key, field, delta));
    }

    /**
     * HMGET key field [field ...].
     *
     * @param key the hash
     * @param fields the fields
     * @return each field's value, null where absent, in order
     */
    @SafeVarargs
    public final List<V> hmget(K key, K... fields) {
        return call(Command.HMGET, startCall(), ops().hmget(key, fields));
    }

    /**
     * HSET key field value [field value ...], idempotent.
     *
     * @param key the hash
     * @param fields fields and values
     * @return the receipt; its reply is the number of fields added
     */
    public final WriteReceipt<Long> hsetAll(K key, Map<K, V> fields) {
        return call(Command.HSETALL, startCall(), ops().hsetAll(key, fields));
    }

    /**
     * LPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    @SafeVarargs
    public final WriteReceipt<Long> lpush(K key, V... values) {
        return call(Command.LPUSH, startCall(), ops().lpush(key, values));
    }

    /**
     * RPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    @SafeVarargs
    public final WriteReceipt<Long> rpush(K key, V... values) {
        return call(Command.RPUSH, startCall(), ops().rpush(key, values));
    }

    /**
     * LRANGE key start stop.
     *
     * @param key the list
     * @param start first index (negative counts from the end)
     * @param stop last index, inclusive
     * @return the elements
     */
    public final List<V> lrange(K key, int start, int stop) {
        return call(Command.LRANGE, startCall(), ops().lrange(key, start, stop));
    }

    /**
     * LLEN key.
     *
     * @param key the list
     * @return its length (0 when absent)
     */
    public final long llen(K key) {
        return call(Command.LLEN, startCall(), ops().llen(key));
    }

    /**
     * SADD key member [member ...], idempotent.
     *
     * @param key the set
     * @param members the members
     * @return the receipt; its reply is the number added
     */
    @SafeVarargs
    public final WriteReceipt<Long> sadd(K key, V... members) {
        return call(Command.SADD, startCall(), ops().sadd(key, members));
    }

    /**
     * SREM key member [member ...], idempotent.
     *
     * @param key the set
     * @param members the members
     * @return the receipt; its reply is the number removed
     */
    @SafeVarargs
    public final WriteReceipt<Long> srem(K key, V... members) {
        return call(Command.SREM, startCall(), ops().srem(key, members));
    }

    /**
     * SMEMBERS key.
     *
     * @param key the set
     * @return its members (empty when absent)
     */
    public final Set<V> smembers(K key) {
        return call(Command.SMEMBERS, startCall(), ops().smembers(key));
    }

    /**
     * SISMEMBER key member.
     *
     * @param key the set
     * @param member the member
     * @return whether it is a member
     */
    public final Boolean sismember(K key, V member) {
        return call(Command.SISMEMBER, startCall(), ops().sismember(key, member));
    }

    /**
     * SCARD key.
     *
     * @param key the set
     * @return its size (0 when absent)
     */
    public final Long scard(K key) {
        return call(Command.SCARD, startCall(), ops().scard(key));
    }

    /**
     * ZADD key score member, idempotent (it sets the score).
     *
     * @param key the sorted set
     * @param score the score
     * @param member the member
     * @return the receipt; its reply is 1 when the member is new, else 0
     */
    public final WriteReceipt<Long> zadd(K key, double score, V member) {
        return call(Command.ZADD, startCall(), ops().zadd(key, score, member));
    }

    /**
     * ZINCRBY key delta member, exactly once.
     *
     * @param key the sorted set
     * @param delta the increment
     * @param member the member
     * @return the receipt; its reply is the new score (null when spilled)
     */
    public final WriteReceipt<Double> zincrBy(K key, double delta, V member) {
        return call(Command.ZINCRBY, startCall(), ops().zincrBy(key, delta, member));
    }

    /**
     * ZREM key member [member ...], idempotent.
     *
     * @param key the sorted set
     * @param members the members
     * @return the receipt; its reply is the number removed
     */
    @SafeVarargs
    public final WriteReceipt<Long> zrem(K key, V... members) {
        return call(Command.ZREM, startCall(), ops().zrem(key, members));
    }

    /**
     * ZSCORE key member.
     *
     * @param key the sorted set
     * @param member the member
     * @return its score, or null
     */
    public final Double zscore(K key, V member) {
        return call(Command.ZSCORE, startCall(), ops().zscore(key, member));
    }

    /**
     * ZRANGE key start stop WITHSCORES: by rank, lowest score first.
     *
     * @param key the sorted set
     * @param start first rank (negative counts from the end)
     * @param stop last rank, inclusive
     * @return the members with their scores
     */
    public final List<ScoredMember<V>> zrange(K key, long start, long stop) {
        return call(Command.ZRANGE, startCall(), ops().zrange(key, start, stop));
    }

    /**
     * ZRANGEBYSCORE key min max WITHSCORES: inclusive bounds, lowest score first.
     *
     * @param key the sorted set
     * @param min the lowest score
     * @param max the highest score
     * @return the members with their scores
     */
    public final List<ScoredMember<V>> zrangeByScore(K key, double min, double max) {
        return call(Command.ZRANGEBYSCORE, startCall(), ops().zrangeByScore(key, min, max));
    }

    /**
     * ZCARD key.
     *
     * @param key the sorted set
     * @return its size (0 when absent)
     */
    public final Long zcard(K key) {
        return call(Command.ZCARD, startCall(), ops().zcard(key));
    }

    /**
     * XADD key * field value [field value ...], exactly once under the write's id: a retry or replay never
     * adds a second entry.
     *
     * @param key the stream
     * @param fields the entry's fields and values
     * @return the receipt; its reply is the entry id Redis chose (null when spilled)
     */
    public final WriteReceipt<String> xadd(K key, Map<K, V> fields) {
        return call(Command.XADD, startCall(), ops().xadd(key, fields));
    }

    /**
     * XRANGE key start end.
     *
     * @param key the stream
     * @param start the first id ({@code -} for the first entry)
     * @param end the last id ({@code +} for the last entry)
     * @return the entries, oldest first
     */
    public final List<StreamEntry<K, V>> xrange(K key, String start, String end) {
        return call(Command.XRANGE, startCall(), ops().xrange(key, start, end));
    }

    /**
     * XLEN key.
     *
     * @param key the stream
     * @return its length (0 when absent)
     */
    public final Long xlen(K key) {
        return call(Command.XLEN, startCall(), ops().xlen(key));
    }

    /**
     * XTRIM key MAXLEN maxLength, idempotent: keeps the newest {@code maxLength} entries.
     *
     * @param key the stream
     * @param maxLength how many entries to keep
     * @return the receipt; its reply is the number of entries removed
     */
    public final WriteReceipt<Long> xtrim(K key, long maxLength) {
        return call(Command.XTRIM, startCall(), ops().xtrim(key, maxLength));
    }

    /**
     * PUBLISH channel message, exactly once. A spilled message is delivered when it is replayed, late, to
     * whoever subscribes then.
     *
     * @param channel the channel
     * @param message the message
     * @return the receipt; its reply is the number of subscribers that received it (null when spilled)
     */
    public final WriteReceipt<Long> publish(K channel, V message) {
        return call(Command.PUBLISH, startCall(), ops().publish(channel, message));
    }

    /**
     * Runs any read command.
     *
     * @param command the command
     * @return the reply, typed as the command declares
     */
    public final Object execute(RedisCommand.Read command) {
        return call(Command.EXECUTE_READ, startCall(), ops().execute(command));
    }

    /**
     * Runs any write command: exactly once unless declared idempotent.
     *
     * @param command the command
     * @return the receipt; its reply is typed as the command declares (as a String for exactly-once writes)
     */
    public final WriteReceipt<Object> execute(RedisCommand.Write command) {
        return call(Command.EXECUTE_WRITE, startCall(), ops().execute(command));
    }

    /**
     * Runs an application's script: exactly once unless declared idempotent; spilled with its body and
     * replayed like any write.
     *
     * @param script the script, its keys and arguments
     * @return the receipt; its reply is the script's (strings as String, integers as Long, tables as Lists)
     */
    public final WriteReceipt<Object> execute(RedisScript script) {
        return call(Command.SCRIPT, startCall(), ops().execute(script));
    }
}
