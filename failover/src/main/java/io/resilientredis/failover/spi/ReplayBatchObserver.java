package io.resilientredis.failover.spi;

/**
 * Sees each batch of spilled writes the engine replays, for tracing: {@link #started} on the
 * replayer's thread before the batch is sent, {@link #ended} where its acknowledgement (or failure)
 * arrives. Installed with {@link FailoverEngine#replayBatchObserver}; it must not block.
 */
public interface ReplayBatchObserver {

    /**
     * @param endpoint the endpoint's display name
     * @param writes the writes in the batch
     * @return what {@link #ended} gets back for this batch
     */
    Object started(String endpoint, int writes);

    /**
     * @param context what {@link #started} returned
     * @param failure what the batch failed with, or null when Redis acknowledged it
     */
    void ended(Object context, Throwable failure);
}
