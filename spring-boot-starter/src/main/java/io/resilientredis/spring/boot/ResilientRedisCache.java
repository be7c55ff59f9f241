package io.resilientredis.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.failover.FailoverStatus;
import io.resilientredis.failover.RedisUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.core.serializer.support.SerializationFailedException;

/**
 * A Spring {@code Cache} on a {@link ResilientRedis}: entries are Redis strings under
 * {@code <prefix><cache name>::<key>}. A read that cannot be served is a miss, not an exception, so a
 * {@code @Cacheable} method is simply called during an outage; a put while writes cannot reach Redis is
 * dropped (or, with {@link OutagePuts#SPILL}, kept in the spill store like any write). Evictions and
 * clears are writes: they are spilled during an outage, so a stale entry cannot outlive it. The
 * change between serving and missing is logged once per change, not per call. Values are stored by a
 * {@link CacheValueSerializer}; a cached null is stored as the empty string, which no serializer
 * produces. An entry the serializer cannot read (written by another serializer, or naming a class
 * that is not trusted) is a miss, and the method's result then replaces it.
 */
final class ResilientRedisCache extends AbstractValueAdaptingCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientRedisCache.class);

    /** What a put does while the client cannot write to Redis. */
    enum OutagePuts {
        /** Drop it: a cache can be refilled, and the spill store is kept for data. */
        DROP,
        /** Write it like any write (spilled, replayed later). */
        SPILL
    }

    private final String name;
    private final String prefix;
    private final ResilientRedis redis;
    private final ClientHooks hooks;
    private final Duration ttl;
    private final OutagePuts outagePuts;
    private final CacheValueSerializer serializer;
    private final AtomicBoolean missing = new AtomicBoolean();

    /** How a cached null is stored: no serializer writes an empty string. */
    private static final String NULL = "";

    ResilientRedisCache(String name, String keyPrefix, ResilientRedis redis, Duration ttl, OutagePuts outagePuts,
                        CacheValueSerializer serializer) {
        super(true);
        this.name = name;
        this.prefix = keyPrefix + name + "::";
        this.redis = redis;
        this.hooks = ClientHooks.of(redis);
        this.ttl = ttl;
        this.outagePuts = outagePuts;
        this.serializer = serializer;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object getNativeCache() {
        return redis;
    }

    @Override
    protected Object lookup(Object key) {
        String raw;
        try {
            raw = redis.get(prefix + key);
        } catch (RedisUnavailableException e) {
            if (missing.compareAndSet(false, true)) {
                LOG.warn("cache '{}': Redis unavailable, reads are misses until it is back", name);
            }
            return null;
        }
        if (missing.compareAndSet(true, false)) {
            LOG.info("cache '{}': Redis serves reads again", name);
        }
        if (raw == null) {
            return null;
        }
        if (raw.equals(NULL)) {
            return NullValue.INSTANCE;
        }
        try {
            return serializer.deserialize(raw);
        } catch (SerializationFailedException e) {
            // the message names no stored data; the cause (which may) is not logged
            LOG.warn("cache '{}': an entry could not be read, treated as a miss: {}", name, e.getMessage());
            return null;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        ValueWrapper cached = get(key);
        if (cached != null) {
            return (T) cached.get();
        }
        T value;
        try {
            value = valueLoader.call();
        } catch (Exception e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
        put(key, value);
        return value;
    }

    @Override
    public void put(Object key, Object value) {
        if (outagePuts == OutagePuts.DROP && writesWouldSpill()) {
            return;
        }
        String k = prefix + key;
        Object stored = toStoreValue(value);
        String v = stored == NullValue.INSTANCE ? NULL : serializer.serialize(stored);
        try {
            if (ttl == null || ttl.isZero()) {
                redis.set(k, v);
            } else {
                redis.set(k, v, ttl);
            }
        } catch (RedisUnavailableException e) {
            // no spill store and no endpoint: the entry is simply not cached
        }
    }

    @Override
    public void evict(Object key) {
        redis.del(prefix + key);
    }

    @Override
    public void clear() {
        String cursor = "0";
        do {
            List<?> reply = (List<?>) redis.execute(RedisCommand.read("SCAN", cursor, "MATCH", escape(prefix) + "*",
                    "COUNT", "500").reply(RedisCommand.Reply.MULTI));
            cursor = String.valueOf(reply.get(0));
            List<String> keys = new ArrayList<>();
            for (Object k : (List<?>) reply.get(1)) {
                keys.add(String.valueOf(k));
            }
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(new String[0]));
            }
        } while (!"0".equals(cursor));
    }

    private boolean writesWouldSpill() {
        FailoverStatus s = hooks.status();
        return s.activeEndpoint() == null || s.maintenance() || s.spill().depth() > 0;
    }

    private static String escape(String glob) {
        return glob.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }
}
