package io.resilientredis.client.internal;

/**
 * Not API: traces facade calls for the metrics module (one observation per call). {@link #begin}
 * runs on the caller's thread when a call starts, {@link #end} where it ends. It may change in any
 * release without notice.
 */
public interface CallTracer {

    /**
     * A call starts.
     *
     * @param command the operation
     * @return what {@link #end} gets back for this call
     */
    Object begin(Command command);

    /**
     * The call ended.
     *
     * @param context what {@link #begin} returned
     * @param endpoint the priority of the endpoint active when it ended, or -1
     * @param outcome how it ended
     * @param writeId the write's id when it was written or spilled, else null
     * @param failure what it failed with, else null
     */
    void end(Object context, int endpoint, Outcome outcome, String writeId, Throwable failure);
}
