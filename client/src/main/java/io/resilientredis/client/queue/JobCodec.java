package io.resilientredis.client.queue;

import java.nio.charset.StandardCharsets;

/**
 * Turns job payloads of type {@code T} into bytes and back, for
 * {@link JobQueue#enqueue(Object, JobCodec)} and {@link Job#payload(JobCodec)}. Plug in JSON,
 * Protobuf or anything else; the queue itself stores bytes.
 *
 * @param <T> the payload type
 */
public interface JobCodec<T> {

    /**
     * @param value the payload
     * @return its bytes
     */
    byte[] encode(T value);

    /**
     * @param bytes bytes {@link #encode} produced
     * @return the payload
     */
    T decode(byte[] bytes);

    /** @return the UTF-8 codec for strings (what the String overloads use) */
    static JobCodec<String> utf8() {
        return Utf8.INSTANCE;
    }

    /** The UTF-8 string codec. */
    enum Utf8 implements JobCodec<String> {
        /** The one instance. */
        INSTANCE;

        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
