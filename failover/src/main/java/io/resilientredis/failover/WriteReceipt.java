package io.resilientredis.failover;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the caller gets back for a write: where it went, its id, Redis's reply when it was written
 * directly, and a stage that completes with Redis's reply once the write is applied in Redis (at
 * once when written directly, after its replay when spilled).
 *
 * @param <T> the reply type
 */
public final class WriteReceipt<T> {

    private final WriteStatus status;
    private final String id;
    private final T reply;
    private final CompletionStage<T> applied;

    private WriteReceipt(WriteStatus status, String id, T reply, CompletionStage<T> applied) {
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
     * @return the receipt, {@link WriteStatus#WRITTEN}, its {@code applied()} stage complete with
     *         {@code reply}
     */
    public static <T> WriteReceipt<T> written(String id, T reply) {
        return new WriteReceipt<>(WriteStatus.WRITTEN, id, reply, CompletableFuture.completedFuture(reply));
    }

    /**
     * A write kept in the spill store (the engine makes receipts; applications only read them).
     *
     * @param id the write's id
     * @param applied completes with the write's reply from its replay when it was replayed into Redis
     * @param <T> the reply type
     * @return the receipt, {@link WriteStatus#SPILLED}
     */
    public static <T> WriteReceipt<T> spilled(String id, CompletionStage<T> applied) {
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

    /** @return Redis's reply when written directly; null when spilled (see {@link #applied()}) */
    public T reply() {
        return reply;
    }

    /**
     * A stage that completes when the write is applied in Redis, with Redis's reply to it.
     *
     * <ul>
     *   <li>{@link WriteStatus#WRITTEN}: complete at once, with the same reply as {@link #reply()}.</li>
     *   <li>{@link WriteStatus#SPILLED}: completes when the replayer applied the write, with the reply
     *       of that replay, typed as a direct write's reply (with the Redisson client: XADD's entry id,
     *       the new value of an INCRBY, the value a GETDEL removed). An exactly-once write that had
     *       landed before it was spilled (its first attempt's reply was lost) is not applied again: the
     *       stage completes with the reply recorded at that first application. Null where the replay
     *       gives no reply: writes whose reply is null anyway, writes replayed in a form that does not
     *       return the command's reply (the Redisson client's idempotent writes replayed through its
     *       apply script: all but {@code set}, {@code setIfAbsent}, {@code hset} and {@code expire},
     *       unless durability is REPLICATED), and writes of a binding that gives no replay replies. Fails
     *       when the write will never be applied (Redis refused it for good on replay, or it was found
     *       damaged in the store).</li>
     * </ul>
     *
     * Only while this client runs: after a restart the replay still happens, but nobody is told.
     *
     * @return the stage
     */
    public CompletionStage<T> applied() {
        return applied;
    }

    @Override
    public String toString() {
        return "WriteReceipt{" + status + ", id=" + id + '}';
    }
}
