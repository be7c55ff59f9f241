package io.resilientredis.client.internal;

import java.util.Locale;

/**
 * Not API: the facade's operations, as metrics name them (a fixed set, so that a meter per
 * operation can be made once and found by ordinal). It may change in any release without notice.
 */
public enum Command {
    /** GET. */
    GET,
    /** SET, with or without a TTL. */
    SET,
    /** SET NX PX. */
    SETNX,
    /** DEL. */
    DEL,
    /** EXISTS. */
    EXISTS,
    /** PEXPIRE. */
    PEXPIRE,
    /** INCRBY. */
    INCRBY,
    /** HGET. */
    HGET,
    /** HSET. */
    HSET,
    /** HGETALL. */
    HGETALL,
    /** HDEL. */
    HDEL,
    /** LPUSH. */
    LPUSH,
    /** RPUSH. */
    RPUSH,
    /** LRANGE. */
    LRANGE,
    /** LLEN. */
    LLEN,
    /** MGET. */
    MGET,
    /** MSET. */
    MSET,
    /** GETDEL. */
    GETDEL,
    /** INCRBYFLOAT. */
    INCRBYFLOAT,
    /** PTTL. */
    PTTL,
    /** PERSIST. */
    PERSIST,
    /** HINCRBY. */
    HINCRBY,
    /** HMGET. */
    HMGET,
    /** HSET with several fields. */
    HSETALL,
    /** SADD. */
    SADD,
    /** SREM. */
    SREM,
    /** SMEMBERS. */
    SMEMBERS,
    /** SISMEMBER. */
    SISMEMBER,
    /** SCARD. */
    SCARD,
    /** ZADD. */
    ZADD,
    /** ZINCRBY. */
    ZINCRBY,
    /** ZREM. */
    ZREM,
    /** ZSCORE. */
    ZSCORE,
    /** ZRANGE. */
    ZRANGE,
    /** ZRANGEBYSCORE. */
    ZRANGEBYSCORE,
    /** ZCARD. */
    ZCARD,
    /** XADD. */
    XADD,
    /** XRANGE. */
    XRANGE,
    /** XLEN. */
    XLEN,
    /** XTRIM. */
    XTRIM,
    /** PUBLISH. */
    PUBLISH,
    /** An application's script ({@code execute(RedisScript)}). */
    SCRIPT,
    /** A generic read ({@code execute(RedisCommand.Read)}); its name is not a tag (unbounded). */
    EXECUTE_READ,
    /** A generic write ({@code execute(RedisCommand.Write)}). */
    EXECUTE_WRITE,
    /** A batch's {@code send()} ({@code RedisBatch}), one call for the whole batch. */
    BATCH;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** @return the tag value: the command in lower case */
    public String tag() {
        return tag;
    }
}
