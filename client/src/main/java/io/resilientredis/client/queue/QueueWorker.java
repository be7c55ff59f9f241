package io.resilientredis.client.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's registration on a queue, from {@link JobQueue#worker(String)}: a key with a TTL that
 * a heartbeat renews every third of the TTL, so that operators can list live workers
 * ({@link JobQueue#workers()}) and a worker that died disappears by itself. Heartbeats are not
 * spilled (a stale one is worthless): a failed beat is retried within a quarter second, and every
 * worker beats at once when an endpoint comes back. Close it when the worker stops; closing the
 * client closes it too.
 */
public final class QueueWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");

    private final AsyncJobQueue queue;
    private final String name;
    private final Duration ttl;
    private final long intervalMillis;
    private final long retryMillis;
    private final ScheduledExecutorService scheduler;
    private final Runnable onClose;
    private final String description;
    private final AtomicBoolean beating = new AtomicBoolean();
    private ScheduledFuture<?> next;
    private volatile boolean closed;
    private volatile Instant expiresAt;
    private volatile boolean failing;

    QueueWorker(AsyncJobQueue queue, String name, Duration ttl, ScheduledExecutorService scheduler, Runnable onClose) {
        this.queue = queue;
        this.name = name;
        this.ttl = ttl;
        this.intervalMillis = Math.max(100, ttl.toMillis() / 3);
        this.retryMillis = Math.min(250, intervalMillis);
        this.scheduler = scheduler;
        this.onClose = onClose;
        this.description = "pid " + ProcessHandle.current().pid() + " on "
                + System.getenv().getOrDefault("HOSTNAME", "localhost") + " since " + Instant.now();
    }

    static void validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("a worker name must be 1 to 200 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isWhitespace(name.charAt(i)) || Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("worker name '" + name + "' contains whitespace or a control character");
            }
        }
    }

    /** @return the worker's name */
    public String name() {
        return name;
    }

    /** @return the queue's name */
    public String queue() {
        return queue.name();
    }

    /** @return when the registration lapses as of the last successful heartbeat (Redis's clock), or null before the first */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** Beats as soon as the heartbeat thread is free (a beat in progress reschedules itself). */
    void beatNow() {
        schedule(0);
    }

    private synchronized void schedule(long delayMillis) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        try {
            next = scheduler.schedule(this::beat, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the client is closing
        }
    }

    private void beat() {
        if (closed || !beating.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Instant> beat;
        try {
            beat = queue.heartbeat(name, ttl, description).toCompletableFuture();
        } catch (RuntimeException e) {
            beat = CompletableFuture.failedFuture(e);
        }
        beat.whenComplete((expiry, failure) -> {
            beating.set(false);
            if (failure == null) {
                expiresAt = expiry;
                if (failing) {
                    failing = false;
                    LOG.info("worker '{}' of queue '{}' registered again after failed heartbeats", name, queue.name());
                }
                schedule(intervalMillis);
            } else {
                if (!failing) {
                    failing = true;
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    String why = String.valueOf(cause.getMessage());
                    int nl = why.indexOf('\n');
                    LOG.warn("heartbeat of worker '{}' of queue '{}' failed; retrying every {} ms until Redis answers: {}",
                            name, queue.name(), retryMillis, nl > 0 ? why.substring(0, nl) : why);
                }
                schedule(retryMillis);
            }
        });
    }

    /** Stops heartbeats and starts the deregistration; the returned stage completes when it is done. */
    CompletableFuture<?> stop() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        onClose.run();
        try {
            return queue.deregister(name).toCompletableFuture().exceptionally(e -> false);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Stops the heartbeats and removes the registration (waits briefly; if Redis is unreachable it expires by itself). */
    @Override
    public void close() {
        try {
            stop().get(Math.max(1000, ttl.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // best effort, see above
        }
    }

    @Override
    public String toString() {
        return "QueueWorker{" + name + " on " + queue.name() + "}";
    }
}
