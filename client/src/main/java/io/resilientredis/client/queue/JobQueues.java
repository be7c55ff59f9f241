package io.resilientredis.client.queue;

import io.resilientredis.client.internal.QueuePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Not API: the job queues' side of one client, which the client creates with its
 * {@link QueuePort} and closes with itself. Applications open queues with
 * {@code ResilientRedis.queue(name)}; this class may change in any release without notice.
 */
public final class JobQueues implements AutoCloseable {

    private final QueuePort port;
    private final Duration statusBound;
    private final Heartbeats heartbeats;
    /** Every queue opened, by name, for {@link #status()}. */
    private final Map<String, AsyncJobQueue> queues = new ConcurrentSkipListMap<>();
    /** The stats {@link #refreshSnapshot()} read last, by queue name. */
    private final Map<String, QueueStatus> lastRead = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param port what the queues need from the client
     * @param statusBound how long {@link #status()} waits for the queues' stats
     * @param closeBound how long {@link #close()} waits for the workers' deregistration
     */
    public JobQueues(QueuePort port, Duration statusBound, Duration closeBound) {
        this.port = Objects.requireNonNull(port, "port");
        this.statusBound = Objects.requireNonNull(statusBound, "statusBound");
        this.heartbeats = new Heartbeats(closeBound);
    }

    /**
     * @return the scripts a spilled write may name, for the client's replay to find by name (also
     *         before any queue is opened: the writes may have been spilled by an earlier process)
     */
    public static List<QueuePort.Script> spilledScripts() {
        return QueueScripts.spilled();
    }

    /**
     * @param name the queue's name (no braces or whitespace)
     * @param options the queue's options
     * @return the queue
     */
    public JobQueue open(String name, QueueOptions options) {
        Objects.requireNonNull(options, "options");
        AsyncJobQueue q = new AsyncJobQueue(port, name, options);
        queues.put(q.name(), q);
        return new JobQueue(port, q, heartbeats);
    }

    /**
     * Reads the stats of every queue opened, within the status bound: a queue whose stats cannot be
     * read then is listed as unavailable, with the reason, rather than failing the call.
     *
     * @return one status per queue, by name
     */
    public List<QueueStatus> status() {
        Map<String, CompletableFuture<QueueStats>> reads = new LinkedHashMap<>();
        for (AsyncJobQueue q : queues.values()) {
            CompletableFuture<QueueStats> f;
            try {
                f = q.stats().toCompletableFuture();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            reads.put(q.name(), f);
        }
        long deadline = System.nanoTime() + statusBound.toNanos();
        List<QueueStatus> out = new ArrayList<>(reads.size());
        for (Map.Entry<String, CompletableFuture<QueueStats>> e : reads.entrySet()) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                out.add(new QueueStatus(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS), null));
            } catch (TimeoutException ex) {
                out.add(new QueueStatus(e.getKey(), null, "stats not read within " + statusBound.toMillis() + " ms"));
            } catch (ExecutionException ex) {
                Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                String message = String.valueOf(cause.getMessage());
                int nl = message.indexOf('\n');
                String line = nl > 0 ? message.substring(0, nl) : message;
                out.add(new QueueStatus(e.getKey(), null, line.endsWith(" Endpoints:")
                        ? line.substring(0, line.length() - " Endpoints:".length()) : line));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                out.add(new QueueStatus(e.getKey(), null, "interrupted"));
            }
        }
        return out;
    }

    /**
     * The stats of every queue opened, as {@link #refreshSnapshot()} last read them: no Redis call,
     * no wait. A queue opened since, or whose stats were never read, is listed as unavailable.
     *
     * @return one status per queue, by name
     */
    public List<QueueStatus> snapshot() {
        List<QueueStatus> out = new ArrayList<>(queues.size());
        for (String name : queues.keySet()) {
            QueueStatus s = lastRead.get(name);
            out.add(s != null ? s : new QueueStatus(name, null, "stats not read yet"));
        }
        return out;
    }

    /**
     * Starts reading the stats of every queue opened, for {@link #snapshot()}, and returns at once;
     * a queue whose stats cannot be read keeps its last figures.
     */
    public void refreshSnapshot() {
        for (AsyncJobQueue q : queues.values()) {
            try {
                q.stats().whenComplete((stats, failure) -> {
                    if (stats != null) {
                        lastRead.put(q.name(), new QueueStatus(q.name(), stats, null));
                    }
                });
            } catch (RuntimeException e) {
                // Read again at the next refresh; the last figures stay.
            }
        }
    }

    /** An endpoint came back: every worker re-asserts its registration now (heartbeats are not spilled). */
    public void endpointRecovered() {
        heartbeats.endpointRecovered();
    }

    /** Stops every worker's heartbeats and removes their registrations (bounded wait). */
    @Override
    public void close() {
        heartbeats.close();
    }
}
