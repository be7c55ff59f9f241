package io.resilientredis.client.queue;

import io.resilientredis.client.internal.QueuePort;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Not API: the job queues' side of one client, which the client creates with its
 * {@link QueuePort} and closes with itself. Applications open queues with
 * {@code ResilientRedis.queue(name)}; this class may change in any release without notice.
 */
public final class JobQueues implements AutoCloseable {

    private final QueuePort port;
    private final Heartbeats heartbeats;

    /**
     * @param port what the queues need from the client
     * @param closeBound how long {@link #close()} waits for the workers' deregistration
     */
    public JobQueues(QueuePort port, Duration closeBound) {
        this.port = Objects.requireNonNull(port, "port");
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
        return new JobQueue(port, new AsyncJobQueue(port, name, options), heartbeats);
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
