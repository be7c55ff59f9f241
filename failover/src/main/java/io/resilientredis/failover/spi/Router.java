package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Chooses the active write endpoint: the current one while its breaker is closed; else the
 * highest-priority endpoint whose breaker is closed. A higher-priority endpoint that recovers is
 * taken back only after it stayed closed for the failback grace period, so a flapping primary
 * cannot make the client switch back and forth.
 */
final class Router<C> {

    private final List<EndpointHealth<C>> endpoints;
    private final Duration failbackGrace;
    private final ScheduledExecutorService scheduler;
    private final Consumer<FailoverEvent> events;
    private final java.time.Clock clock;
    private volatile EndpointHealth<C> current;

    Router(List<EndpointHealth<C>> endpoints, Duration failbackGrace, ScheduledExecutorService scheduler,
           Consumer<FailoverEvent> events, java.time.Clock clock) {
        this.endpoints = endpoints;
        this.failbackGrace = failbackGrace;
        this.scheduler = scheduler;
        this.events = events;
        this.clock = clock;
        this.current = endpoints.get(0);
    }

    /** @return the endpoint writes go to now, or null when no breaker admits calls */
    EndpointHealth<C> active() {
        EndpointHealth<C> c = current;
        if (c.isClosed()) {
            return c;
        }
        return reselect();
    }

    private synchronized EndpointHealth<C> reselect() {
        EndpointHealth<C> c = current;
        if (c.isClosed()) {
            return c;
        }
        for (EndpointHealth<C> e : endpoints) {
            if (e.isClosed()) {
                current = e;
                events.accept(new FailoverEvent(FailoverEvent.Type.SWITCHED, clock.instant(), e.name(), c.name(),
                        "writes switched from " + c.name() + " (" + c.state() + ") to " + e.name()));
                return e;
            }
        }
        return null;
    }

    /** Called on the engine thread when an endpoint's breaker closed. */
    void endpointUp(EndpointHealth<C> up) {
        EndpointHealth<C> c = current;
        if (!c.isClosed()) {
            reselect();
            return;
        }
        if (up.priority() < c.priority()) {
            long generation = up.closedGeneration();
            scheduler.schedule(() -> failBack(up, generation), failbackGrace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void failBack(EndpointHealth<C> up, long generation) {
        EndpointHealth<C> c = current;
        if (up.isClosed() && up.closedGeneration() == generation && up.priority() < c.priority()) {
            current = up;
            events.accept(new FailoverEvent(FailoverEvent.Type.FAILED_BACK, clock.instant(), up.name(), c.name(),
                    "writes failed back from " + c.name() + " to " + up.name() + " after it stayed healthy for "
                            + failbackGrace.toMillis() + " ms"));
        }
    }
}
