package io.resilientredis.client;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns keys or values into the bytes Redis stores and back. The facade's own operations use
 * {@link #utf8()} for both; {@link ResilientRedis#withCodecs(Codec, Codec)} gives the same operations for
 * other key and value types: {@link #bytes()} for raw bytes, {@link JsonCodec} for objects as JSON, or an
 * application's own.
 *
 * <p>A codec must be thread-safe, must round-trip ({@code decode(encode(v))} equals {@code v}) and must not
 * depend on the time or the process: a spilled write is stored in its encoded form and may be replayed by
 * the next run of the service. {@code null} is never passed to either method.
 *
 * @param <T> the type it encodes
 */
public interface Codec<T> {

    /**
     * @param value a key or value, never null
     * @return its bytes
     */
    byte[] encode(T value);

    /**
     * @param bytes bytes as Redis returned them, never null
     * @return the key or value they encode
     */
    T decode(byte[] bytes);

    /** @return the codec of Java strings as UTF-8 (the facade's own) */
    static Codec<String> utf8() {
        return Utf8.INSTANCE;
    }

    /** @return the codec of raw bytes: every byte value kept as it is */
    static Codec<byte[]> bytes() {
        return Bytes.INSTANCE;
    }

    /** Strings as UTF-8. */
    enum Utf8 implements Codec<String> {
        /** The one instance. */
        INSTANCE;

        @Override
        public byte[] encode(String value) {
            return Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Codec.utf8()";
        }
    }

    /** Bytes as they are; arrays are passed through, not copied. */
    enum Bytes implements Codec<byte[]> {
        /** The one instance. */
        INSTANCE;

        @Override
        public byte[] encode(byte[] value) {
            return Objects.requireNonNull(value, "value");
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }

        @Override
        public String toString() {
            return "Codec.bytes()";
        }
    }
}
