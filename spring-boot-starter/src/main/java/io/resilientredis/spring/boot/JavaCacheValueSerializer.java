package io.resilientredis.spring.boot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Base64;
import java.util.Collection;

import org.springframework.core.serializer.support.SerializationFailedException;

/**
 * Cache values with Java serialization, Base64-encoded ({@code resilient-redis.cache.serializer=java}):
 * values must be {@code Serializable}. Reading is filtered like {@link JsonCacheValueSerializer}: only
 * classes in the trusted packages, {@code java.lang}, {@code java.math}, {@code java.time} and the JDK's
 * collections and maps may appear in a stored value; a stream naming any other class is refused.
 */
public final class JavaCacheValueSerializer implements CacheValueSerializer {

    private final TrustedTypes trusted;

    /** @param trustedPackages packages whose classes (and their subpackages' classes) may be read back */
    public JavaCacheValueSerializer(Collection<String> trustedPackages) {
        this.trusted = new TrustedTypes(trustedPackages);
    }

    @Override
    public String serialize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new SerializationFailedException("a cached value must be Serializable: "
                    + value.getClass().getName(), e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @Override
    public Object deserialize(String stored) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(stored);
        } catch (IllegalArgumentException e) {
            throw new SerializationFailedException("a cached value is not Base64 Java serialization", e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(this::check);
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new SerializationFailedException("a cached value could not be read with Java serialization "
                    + "(or names a class that is not trusted)", e);
        }
    }

    private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
        Class<?> c = info.serialClass();
        if (c == null) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        // java.util.CollSer: the serial form of List.of, Set.of and Map.of
        boolean jdkBasics = c.getClassLoader() == null && (c.getPackageName().equals("java.lang")
                || c.getPackageName().equals("java.math") || c.getName().equals("java.util.CollSer"));
        return jdkBasics || trusted.trusted(c) ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
    }
}
