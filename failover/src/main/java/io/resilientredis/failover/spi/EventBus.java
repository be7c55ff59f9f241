package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.FailoverListener;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each state change once and hands it to the listeners, in order, on the engine thread. */
final class EventBus {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");

    private final List<FailoverListener> listeners;
    private final Executor executor;

    EventBus(List<FailoverListener> listeners, Executor executor) {
        this.listeners = List.copyOf(listeners);
        this.executor = executor;
    }

    void emit(FailoverEvent event) {
        try {
            executor.execute(() -> deliver(event));
        } catch (RejectedExecutionException closed) {
            deliver(event);
        }
    }

    private void deliver(FailoverEvent event) {
        switch (event.type()) {
            case ENDPOINT_DOWN, SWITCHED, SPILL_STARTED, REPLAY_PAUSED, REPLAY_REROUTED -> LOG.warn("{}", event.detail());
            case REPLAY_REJECTED -> LOG.error("{}", event.detail());
            // The spill store logs these itself (ERROR for damage, loss and a failed commit).
            case SPILL_DEGRADED, SPILL_RECOVERED, SPILL_QUARANTINED, SPILL_LOST -> LOG.debug("{}", event.detail());
            default -> LOG.info("{}", event.detail());
        }
        for (FailoverListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("A failover listener threw on {}; the others still get it", event.type(), e);
            }
        }
    }
}
