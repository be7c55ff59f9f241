package io.resilientredis.spring.boot;

import java.util.Collection;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

import org.springframework.core.serializer.support.SerializationFailedException;

/**
 * Cache values as JSON (Jackson 3), with the class of each value that is not fixed by its declared
 * type stored next to it ({@code "@class"}), so that a read gives back the class that was cached: a
 * record or bean returned by a {@code @Cacheable} method, and the elements of its collections.
 *
 * <p>Only trusted classes are ever built from a stored value: classes in the trusted packages (the
 * application's packages, and {@code resilient-redis.cache.trusted-packages}), JDK value types
 * ({@code String}, boxed primitives, {@code BigDecimal}, {@code UUID}, ...), {@code java.time} types and
 * the JDK's collections and maps. A stored value naming any other class is refused before that class
 * is loaded or instantiated, so a value planted in Redis cannot pick a deserialization gadget. The
 * same check applies to {@code @JsonTypeInfo} class names inside trusted types.
 *
 * <p>It copies the given mapper's configuration (the application's {@code JsonMapper} in the
 * starter, so its modules and settings apply); the given mapper itself is not changed.
 */
public final class JsonCacheValueSerializer implements CacheValueSerializer {

    private final ObjectWriter writer;
    private final ObjectReader reader;

    /**
     * @param mapper the mapper whose configuration to copy
     * @param trustedPackages packages whose classes (and their subpackages' classes) may be read back
     */
    public JsonCacheValueSerializer(JsonMapper mapper, Collection<String> trustedPackages) {
        PolymorphicTypeValidator validator = new Validator(new TrustedTypes(trustedPackages));
        JsonMapper typed = mapper.rebuild()
                .polymorphicTypeValidator(validator)
                .activateDefaultTyping(validator, DefaultTyping.NON_FINAL, JsonTypeInfo.As.PROPERTY)
                .build();
        // declared as Object, so the root value's class is always stored, even a record's (final)
        this.writer = typed.writerFor(Object.class);
        this.reader = typed.readerFor(Object.class);
    }

    /**
     * A serializer on Jackson's default configuration.
     *
     * @param trustedPackages packages whose classes (and their subpackages' classes) may be read back
     */
    public JsonCacheValueSerializer(Collection<String> trustedPackages) {
        this(JsonMapper.builder().build(), trustedPackages);
    }

    @Override
    public String serialize(Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JacksonException e) {
            throw new SerializationFailedException("a " + value.getClass().getName()
                    + " could not be written as JSON for the cache", e);
        }
    }

    @Override
    public Object deserialize(String stored) {
        try {
            return reader.readValue(stored);
        } catch (JacksonException e) {
            // Jackson's message may quote the stored data: keep it in the cause only
            throw new SerializationFailedException("a cached value could not be read as JSON of a trusted type", e);
        }
    }

    /** Jackson's hook for {@link TrustedTypes}: by name first, so an untrusted class is never loaded. */
    private static final class Validator extends PolymorphicTypeValidator.Base {

        private static final long serialVersionUID = 1L;

        private final transient TrustedTypes trusted;

        Validator(TrustedTypes trusted) {
            this.trusted = trusted;
        }

        @Override
        public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
            if (trusted.trustedByName(subClassName)) {
                return Validity.ALLOWED;
            }
            return trusted.worthLoading(subClassName) ? Validity.INDETERMINATE : Validity.DENIED;
        }

        @Override
        public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
            return trusted.trusted(subType.getRawClass()) ? Validity.ALLOWED : Validity.DENIED;
        }
    }
}
