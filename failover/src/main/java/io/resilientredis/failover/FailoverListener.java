package io.resilientredis.failover;

/**
 * Receives the engine's state-change events. Called on the engine's own event thread, one event
 * at a time, in order; a listener that throws is logged and does not stop the others.
 */
@FunctionalInterface
public interface FailoverListener {

    /**
     * @param event the state change
     */
    void onEvent(FailoverEvent event);
}
