package io.resilientredis.failover.spi;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

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
     * How to turn what the binding's {@link ReplayApplier} returned for this write, when it replayed it
     * from the spill store, into the write's reply: what the receipt's {@code applied()} stage completes
     * with. It reads the reply as {@link #apply} reads a direct one, so a spilled write's caller gets
     * the same type of reply as a direct one. Asked for once, when the write is spilled, and kept until
     * it is replayed, so it must hold nothing of the write's data (the spill store keeps that off the
     * heap). It runs on the replayer's thread, only for a non-null reply; a failure in it completes the
     * stage with null (the write is applied all the same).
     *
     * @return the reader; the default, null, for a binding whose replay gives no replies (the
     *     {@code applied()} stage then completes with null)
     */
    default Function<Object, ? extends T> replayReply() {
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
