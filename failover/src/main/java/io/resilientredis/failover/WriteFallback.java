package io.resilientredis.failover;

import java.util.concurrent.CompletableFuture;

/**
 * Where writes go that no endpoint takes, and that must queue behind such writes (the spill
 * store). Without one, such writes fail with {@link RedisUnavailableException}.
 */
interface WriteFallback<C> extends AutoCloseable {

    /** @return true while earlier writes wait here, so a new write must queue behind them */
    boolean engaged();

    /**
     * Takes a write no endpoint took.
     *
     * @param op the write
     * @param reason why (the last failure), or null for maintenance mode or a non-empty backlog
     * @return the receipt, or a failure (e.g. spill full)
     */
    <T> CompletableFuture<WriteReceipt<T>> accept(WriteOp<C, T> op, Throwable reason);

    /** Wakes the replayer: an endpoint may admit writes again, or maintenance ended. */
    void wake();

    /** @return the store's and replayer's state */
    SpillStatus status();

    @Override
    void close();
}
