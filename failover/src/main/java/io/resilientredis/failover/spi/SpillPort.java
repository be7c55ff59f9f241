package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;

import io.resilientredis.failover.spill.SpillEntry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the spill side (intake and replayer) may ask of the engine, and nothing more: the engine
 * alone routes writes, so the spill side never sends a write itself. It learns where writes go
 * ({@link #activeEndpoint()}, {@link #maintenance()}), applies spilled writes on one endpoint with
 * the breaker's accounting and the endpoint's fence ({@link #replayOn}, {@link #reapplyRecovered}),
 * and reports ({@link #emit}, {@link #translate}).
 *
 * @param <C> the binding's connection handle type
 */
interface SpillPort<C> {

    /** @return the endpoint writes go to now, or null when no breaker admits calls */
    EndpointHealth<C> activeEndpoint();

    /** @return the master path of that priority, or null */
    EndpointHealth<C> endpointAt(int priority);

    /** @return whether maintenance mode is on (writes are spilled, nothing is replayed) */
    boolean maintenance();

    /**
     * Asks the endpoint's authority (its Sentinels) whether its node is still the master, moving it
     * if not; bounded. Called before a replay starts or resumes on an endpoint that just recovered.
     */
    void confirmTarget(EndpointHealth<C> endpoint);

    /**
     * Applies one replay batch on one endpoint, fenced like a write, counted by its breaker, and
     * journaled once Redis acknowledged it.
     *
     * @return completes when Redis acknowledged the whole batch, with the applier's replies (see
     *         {@link ReplayApplier#apply}); fails with the attempt's failure
     */
    CompletableFuture<List<Object>> replayOn(EndpointHealth<C> endpoint, List<SpillEntry> entries);

    /**
     * Re-applies writes the previous run journaled on disk, under their ids, on the endpoint that
     * acknowledged them (their replies go nowhere: no caller of this run waits for them).
     */
    CompletableFuture<?> reapplyRecovered(EndpointHealth<C> endpoint, List<SpillEntry> entries);

    /** @return the exception a caller sees for a failure that does not count against an endpoint */
    RuntimeException translate(AttemptFailure failure);

    /** Delivers an event to the listeners, on the engine's thread. */
    void emit(FailoverEvent event);

    /** @return the clock for event timestamps */
    Clock clock();
}
