package io.resilientredis.client.queue;

import io.resilientredis.failover.internal.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The heartbeats of every worker registered through one client, on one small daemon thread
 * ({@code resilient-redis-heartbeat-<n>}), started with the first worker and stopped when the
 * client closes. When an endpoint comes back, every worker beats at once.
 */
final class Heartbeats implements AutoCloseable {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final Map<String, QueueWorker> workers = new ConcurrentHashMap<>();
    private final Duration closeBound;
    private ScheduledThreadPoolExecutor scheduler;
    private boolean closed;

    /** @param closeBound how long close waits for the workers' deregistration */
    Heartbeats(Duration closeBound) {
        this.closeBound = closeBound;
    }

    QueueWorker register(AsyncJobQueue queue, String name, Duration ttl) {
        QueueWorker.validName(name);
        String key = queue.name() + "\u0000" + name;
        QueueWorker worker;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the client is closed; workers cannot register");
            }
            if (scheduler == null) {
                int id = IDS.incrementAndGet();
                scheduler = new ScheduledThreadPoolExecutor(1, r -> Threads.daemon("resilient-redis-heartbeat-" + id, r));
                scheduler.setRemoveOnCancelPolicy(true);
                scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            }
            worker = new QueueWorker(queue, name, ttl, scheduler, () -> workers.remove(key));
            if (workers.putIfAbsent(key, worker) != null) {
                throw new IllegalStateException("worker '" + name + "' of queue '" + queue.name()
                        + "' is already registered by this client; close it first or pick another name");
            }
        }
        worker.beatNow();
        return worker;
    }

    /** An endpoint came back: re-assert every registration now rather than at the next beat. */
    void endpointRecovered() {
        for (QueueWorker w : workers.values()) {
            w.beatNow();
        }
    }

    /** Stops every heartbeat, removes the registrations (bounded wait), stops the thread. */
    @Override
    public void close() {
        ScheduledThreadPoolExecutor s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = scheduler;
        }
        List<CompletableFuture<?>> deregistrations = new ArrayList<>();
        for (QueueWorker w : new ArrayList<>(workers.values())) {
            deregistrations.add(w.stop());
        }
        try {
            CompletableFuture.allOf(deregistrations.toArray(new CompletableFuture<?>[0]))
                    .get(closeBound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Best effort: an unreachable Redis lets the registrations expire by themselves.
        }
        if (s != null) {
            s.shutdownNow();
            try {
                s.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
