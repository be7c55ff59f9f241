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
 */
public record WriteRecord(int writer, long seq, String kind, String key, long value, Outcome outcome,
                          String failure, long atMillis) {

    /** What the caller was told about a write. */
    public enum Outcome {
        /** Redis acknowledged it. */
        WRITTEN,
        /** The client kept it in the spill store for replay. */
        SPILLED,
        /** The call threw: the write was not accepted. */
        FAILED;

        /** @return whether the client accepted the write (written or spilled) */
        public boolean accepted() {
            return this != FAILED;
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
     */
    public WriteRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
    }
}
