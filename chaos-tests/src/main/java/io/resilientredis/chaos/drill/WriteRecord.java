package io.resilientredis.chaos.drill;

import java.util.Objects;

/**
 * One write a workload writer attempted, and what the client told it.
 *
 * @param writer the writer's number (0-based)
 * @param seq the writer's own sequence number for this write (1, 2, 3, ... across all kinds)
 * @param kind the {@link OperationKind#name()} of the write
 * @param key the Redis key it wrote
 * @param value the value it carried (the increment for counters, the sequence number otherwise)
 * @param outcome what the caller was told
 * @param failure for {@link Outcome#FAILED}, the exception's class and message; else null
 * @param atMillis when the call started, in milliseconds since the history was created
 * @param receiptId the id on the client's receipt (for a job enqueue, the job id); null when the call threw
 *     or the kind does not use it
 */
public record WriteRecord(int writer, long seq, String kind, String key, long value, Outcome outcome,
                          String failure, long atMillis, String receiptId) {

    /** What the caller was told about a write. */
    public enum Outcome {
        /** Redis acknowledged it. */
        WRITTEN,
        /** The client kept it in the spill store for replay. */
        SPILLED,
        /** The call threw: the write was not accepted. */
        FAILED,
        /**
         * The caller never learned the outcome: its process died during the call. Not accepted, and not an
         * outage exception either; like a failed call it may or may not have been applied.
         */
        IN_DOUBT;

        /** @return whether the client accepted the write (written or spilled) */
        public boolean accepted() {
            return this == WRITTEN || this == SPILLED;
        }
    }

    /**
     * @param writer writer number
     * @param seq sequence number
     * @param kind operation kind
     * @param key key
     * @param value value
     * @param outcome outcome
     * @param failure failure text or null
     * @param atMillis start time
     * @param receiptId the receipt's id or null
     */
    public WriteRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * A record without a receipt id.
     *
     * @param writer writer number
     * @param seq sequence number
     * @param kind operation kind
     * @param key key
     * @param value value
     * @param outcome outcome
     * @param failure failure text or null
     * @param atMillis start time
     */
    public WriteRecord(int writer, long seq, String kind, String key, long value, Outcome outcome, String failure,
                       long atMillis) {
        this(writer, seq, kind, key, value, outcome, failure, atMillis, null);
    }
}
