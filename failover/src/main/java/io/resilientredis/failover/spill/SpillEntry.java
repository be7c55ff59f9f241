package io.resilientredis.failover.spill;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One durable entry of a {@link SpillStore}.
 *
 * @param sequence position in the store; increasing in append order, never reused
 * @param id the caller's id of the write (opaque to the store)
 * @param payload the caller's serialised write (opaque to the store); do not modify the array
 * @param appendedAt when {@link SpillStore#append} was called
 */
public record SpillEntry(long sequence, String id, byte[] payload, Instant appendedAt) {

    /**
     * Checks that no component is null.
     *
     * @param appendedAt when the write was appended
     * @param id the write id
     * @param payload the write in spill form
     * @param sequence the position in the store, increasing
     */
    public SpillEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(appendedAt, "appendedAt");
    }

    /** Equal when all components are, comparing the payload by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SpillEntry e
                && sequence == e.sequence
                && id.equals(e.id)
                && Arrays.equals(payload, e.payload)
                && appendedAt.equals(e.appendedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, id, Arrays.hashCode(payload), appendedAt);
    }

    /** Shows the payload's length only: payloads may hold user data. */
    @Override
    public String toString() {
        return "SpillEntry[sequence="
                + sequence
                + ", id="
                + id
                + ", payload="
                + payload.length
                + " bytes, appendedAt="
                + appendedAt
                + "]";
    }
}
