package io.resilientredis.failover.spi;

import java.util.concurrent.CompletionStage;

/**
 * A write as the engine sees it: something to apply on an endpoint, with an id that makes
 * re-applying it harmless, and a byte form for the spill store.
 *
 * @param <C> the connection handle type
 * @param <T> the reply type
 */
public interface WriteOp<C, T> {

    /** @return the write's id: unique, and the same every time this write is attempted */
    String id();

    /**
     * Applies the write. Must be safe to call again with the same id (idempotent, or applied
     * through an exactly-once marker).
     *
     * @param connection the endpoint's handle
     * @return the reply
     */
    CompletionStage<T> apply(C connection);

    /** @return the write in the byte form the binding's replayer decodes */
    byte[] encode();

    /**
     * @return roughly how many bytes this write holds (keys, values, overhead), for bounding the
     *     failover journal without encoding every write; the default encodes it
     */
    default int sizeHint() {
        return encode().length + 64;
    }
}
