package io.resilientredis.client.internal;

import io.resilientredis.failover.FailoverEvent;

/**
 * Not API: receives every facade call's outcome and every state change of one client, for the
 * metrics module. {@link #call} runs on the caller's thread or a Redisson thread, once per call:
 * it must not block and should not allocate. It may change in any release without notice.
 */
public interface CallObserver {

    /**
     * One facade call ended.
     *
     * @param command the operation
     * @param endpoint the priority of the endpoint active when it ended (0 for the primary), or -1
     *     when none admitted calls
     * @param outcome how it ended
     * @param nanos how long it took
     */
    void call(Command command, int endpoint, Outcome outcome, long nanos);

    /**
     * A state change of the engine, on its event thread, in order.
     *
     * @param event the change
     */
    void event(FailoverEvent event);
}
