package io.resilientredis.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * Values as JSON through Jackson ({@code com.fasterxml.jackson.core:jackson-databind}, an optional
 * dependency of this library: add it to the application to use this class). Values are read back as
 * the one type the codec was made for, never as a type named in the stored data.
 *
 * <pre>{@code
 * RedisView<String, Order> orders = redis.withCodecs(Codec.utf8(), JsonCodec.of(Order.class));
 * orders.set("order:42", new Order(42, "paid"));
 * Order o = orders.get("order:42");
 * }</pre>
 *
 * @param <T> the value type
 */
public final class JsonCodec<T> implements Codec<T> {

    private final ObjectMapper mapper;
    private final JavaType type;

    private JsonCodec(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
    }

    /**
     * @param type the value type
     * @param <T> the value type
     * @return a codec of that type with a plain {@link ObjectMapper}
     */
    public static <T> JsonCodec<T> of(Class<T> type) {
        return of(new ObjectMapper(), type);
    }

    /**
     * @param mapper the application's mapper (its modules and settings apply); not changed by the codec
     * @param type the value type
     * @param <T> the value type
     * @return a codec of that type
     */
    public static <T> JsonCodec<T> of(ObjectMapper mapper, Class<T> type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new JsonCodec<>(mapper, mapper.constructType(type));
    }

    /**
     * @param mapper the application's mapper
     * @param type a generic type, e.g. {@code mapper.getTypeFactory().constructCollectionType(List.class, Item.class)}
     * @param <T> the value type
     * @return a codec of that type
     */
    public static <T> JsonCodec<T> of(ObjectMapper mapper, JavaType type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new JsonCodec<>(mapper, type);
    }

    /** @throws IllegalArgumentException when Jackson cannot write the value, naming its type and the cause */
    @Override
    public byte[] encode(T value) {
        Objects.requireNonNull(value, "value");
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JsonCodec cannot write a " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage() + ". Fix: make the type serializable by Jackson (getters or a module), or"
                    + " give JsonCodec.of a mapper configured for it", e);
        }
    }

    /** @throws IllegalStateException when the stored bytes are no JSON of this codec's type, naming the type */
    @Override
    public T decode(byte[] bytes) {
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalStateException("the value in Redis is not JSON of " + type.toCanonical() + " ("
                    + bytes.length + " bytes): " + (e instanceof JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage()) + ". Was it written with another codec or"
                    + " an older version of the type?", e);
        }
    }

    @Override
    public String toString() {
        return "JsonCodec[" + type.toCanonical() + "]";
    }
}
