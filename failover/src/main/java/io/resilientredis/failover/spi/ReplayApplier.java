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
     * @param connection the endpoint's handle
     * @param entries the entries, in sequence order
     * @return completes normally once Redis acknowledged every entry; exceptionally with the
     *         first failure otherwise
     */
    CompletionStage<Void> apply(C connection, List<SpillEntry> entries);
}
