package io.resilientredis.spring.boot;

/**
 * Turns a cached value into the string the cache stores in Redis, and back. The starter's cache
 * manager uses the {@code CacheValueSerializer} bean: {@link JsonCacheValueSerializer} by default
 * ({@code resilient-redis.cache.serializer=json}), {@link JavaCacheValueSerializer} with
 * {@code resilient-redis.cache.serializer=java}, or a bean of the application's own of this type.
 * Cached {@code null}s never reach a serializer: the cache stores them itself.
 */
public interface CacheValueSerializer {

    /**
     * @param value the value to cache, never null
     * @return its stored form, never null or empty
     * @throws org.springframework.core.serializer.support.SerializationFailedException when the value
     *         cannot be stored (such as a type the serializer does not support)
     */
    String serialize(Object value);

    /**
     * @param stored what {@link #serialize} returned
     * @return the value, of the class it was cached with
     * @throws org.springframework.core.serializer.support.SerializationFailedException when the stored
     *         form cannot be read, or names a type that is not allowed; the cache treats it as a miss.
     *         Its message never holds the stored data.
     */
    Object deserialize(String stored);
}
