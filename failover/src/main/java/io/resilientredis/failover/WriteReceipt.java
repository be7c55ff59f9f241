package io.resilientredis.failover;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the caller gets back for a write: where it went, its id, Redis's reply when it was written
 * directly, and a stage that completes once the write is applied in Redis.
 *
 * @param <T> the reply type
 */
public final class WriteReceipt<T> {

    private final WriteStatus status;
    private final String id;
    private final T reply;
    private final CompletionStage<Void> applied;

    private WriteReceipt(WriteStatus status, String id, T reply, CompletionStage<Void> applied) {
        this.status = Objects.requireNonNull(status);
        this.id = Objects.requireNonNull(id);
        this.reply = reply;
        this.applied = Objects.requireNonNull(applied);
    }

    /**
     * A write Redis applied (the engine makes receipts; applications only read them).
     *
     * @param id the write's id
     * @param reply Redis's reply
     * @param <T> the reply type
     * @return the receipt, {@link WriteStatus#WRITTEN}, its {@code applied()} stage complete
     */
    public static <T> WriteReceipt<T> written(String id, T reply) {
        return new WriteReceipt<>(WriteStatus.WRITTEN, id, reply, CompletableFuture.completedFuture(null));
    }

    /**
     * A write kept in the spill store (the engine makes receipts; applications only read them).
     *
     * @param id the write's id
     * @param applied completes when the write was replayed into Redis
     * @param <T> the reply type
     * @return the receipt, {@link WriteStatus#SPILLED}
     */
    public static <T> WriteReceipt<T> spilled(String id, CompletionStage<Void> applied) {
        return new WriteReceipt<>(WriteStatus.SPILLED, id, null, applied);
    }

    /** @return {@link WriteStatus#WRITTEN} or {@link WriteStatus#SPILLED} */
    public WriteStatus status() {
        return status;
    }

    /** @return the write's id (the exactly-once key) */
    public String id() {
        return id;
    }

    /** @return Redis's reply when written directly; null when spilled */
    public T reply() {
        return reply;
    }

    /**
     * @return a stage that completes when the write is applied in Redis: at once when written,
     *         after replay when spilled (only while this client runs; after a restart the
     *         replay still happens, but nobody is told)
     */
    public CompletionStage<Void> applied() {
        return applied;
    }

    @Override
    public String toString() {
        return "WriteReceipt{" + status + ", id=" + id + '}';
    }
}
