package io.resilientredis.failover;

/**
 * A spilled write was found damaged in the spill store (its checksum did not match: the disk or
 * file system altered it) and was never replayed; it was moved to the store's quarantine table.
 * The {@code applied()} stage of that write fails with this exception. The write may be retried
 * by the caller, who knows its intent; the library cannot, since the stored form is unreliable.
 */
public class SpilledWriteDamagedException extends ResilientRedisException {

    private static final long serialVersionUID = 1L;

    /** The damaged write's id (as read; it may be damaged too). */
    private final String writeId;
    /** The damaged write's spill sequence. */
    private final long sequence;

    /**
     * @param message what was found, which store, and the fix
     * @param writeId the write's id (as read; it may itself be damaged)
     * @param sequence the entry's sequence in the store
     */
    public SpilledWriteDamagedException(String message, String writeId, long sequence) {
        super(message, null);
        this.writeId = writeId;
        this.sequence = sequence;
    }

    /** @return the damaged write's id */
    public String writeId() {
        return writeId;
    }

    /** @return the entry's sequence in the spill store */
    public long sequence() {
        return sequence;
    }
}
