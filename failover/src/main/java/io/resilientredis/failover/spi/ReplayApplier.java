package io.resilientredis.failover.spi;

import io.resilientredis.failover.spill.SpillEntry;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Applies spilled writes to an endpoint, supplied by the client binding (which knows the byte form
 * it gave {@link WriteOp#encode()}).
 *
 * @param <C> the connection handle type
 */
@FunctionalInterface
public interface ReplayApplier<C> {

    /**
     * Applies the entries in order, pipelined where the binding can. May be called again with the
     * same entries after a failure, so each entry must be safe to apply twice (idempotent, or
     * applied through its exactly-once marker).
     *
     * <p>Its replies: one per entry, in the entries' order, each what {@link WriteOp#replayReply}
     * of that write decodes (so the spilled write's {@code applied()} stage completes with it); null
     * where the binding has no reply for an entry. A null list, or one of another size, counts as no
     * replies at all. Collecting them must cost no extra round trip: they are the replies of the
     * calls that applied the entries. The failover journal's re-apply (after a master change, or of
     * the previous run's journal) ignores them: its writes completed their receipts before.
     *
     * @param connection the endpoint's handle
     * @param entries the entries, in sequence order
     * @return completes normally, with the replies, once Redis acknowledged every entry;
     *         exceptionally with the first failure otherwise
     */
    CompletionStage<List<Object>> apply(C connection, List<SpillEntry> entries);
}
