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
     * Turns what the binding's {@link ReplayApplier} returned for this write, when it replayed it from
     * the spill store, into the write's reply: what the receipt's {@code applied()} stage completes
     * with. Decoded as {@link #apply} decodes a direct reply, so a spilled write's caller gets the same
     * type of reply as a direct one. Called on the replayer's thread, only with a non-null reply; a
     * failure here completes the stage with null (the write is applied all the same).
     *
     * @param raw the applier's reply for this write's entry
     * @return the reply; the default, null, for a binding whose replay gives no replies
     */
    default T replayReply(Object raw) {
        return null;
    }

    /**
     * @return roughly how many bytes this write holds (keys, values, overhead), for bounding the
     *     failover journal without encoding every write; the default encodes it
     */
    default int sizeHint() {
        return encode().length + 64;
    }
}
