package io.resilientredis.spring.boot;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.resilientredis.client.ResilientRedis;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Spring's {@code CacheManager} on a {@link ResilientRedis}, so {@code @Cacheable} keeps working
 * through an outage: a read that cannot be served is a miss (the method is called), and puts are
 * dropped while writes cannot reach Redis unless {@code resilient-redis.cache.spill-puts} is set.
 * Values are stored by a {@link CacheValueSerializer} (JSON by default), under
 * {@code <key-prefix><cache>::<key>}.
 * Enabled by {@code resilient-redis.cache.enabled=true}.
 */
public final class ResilientRedisCacheManager implements CacheManager {

    private final ResilientRedis redis;
    private final String keyPrefix;
    private final Duration defaultTtl;
    private final Map<String, Duration> ttls;
    private final boolean spillPuts;
    private final CacheValueSerializer serializer;
    private final Map<String, Cache> caches = new ConcurrentHashMap<>();

    /**
     * @param redis the client
     * @param keyPrefix prefix of every cache key
     * @param defaultTtl entries' time to live, or null for none
     * @param ttls time to live by cache name, overriding the default
     * @param spillPuts whether puts during an outage are spilled (true) or dropped (false)
     * @param serializer how values are stored
     */
    public ResilientRedisCacheManager(ResilientRedis redis, String keyPrefix, Duration defaultTtl,
                                      Map<String, Duration> ttls, boolean spillPuts, CacheValueSerializer serializer) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.defaultTtl = defaultTtl;
        this.ttls = Map.copyOf(ttls);
        this.spillPuts = spillPuts;
        this.serializer = serializer;
    }

    @Override
    public Cache getCache(String name) {
        return caches.computeIfAbsent(name, n -> new ResilientRedisCache(n, keyPrefix, redis,
                ttls.getOrDefault(n, defaultTtl),
                spillPuts ? ResilientRedisCache.OutagePuts.SPILL : ResilientRedisCache.OutagePuts.DROP, serializer));
    }

    @Override
    public Collection<String> getCacheNames() {
        return List.copyOf(caches.keySet());
    }
}
