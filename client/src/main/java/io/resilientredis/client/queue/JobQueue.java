package io.resilientredis.client.queue;

import io.resilientredis.client.internal.QueuePort;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A job queue in Redis whose producers and workers survive outages and failovers. Get one with
 * {@link io.resilientredis.client.ResilientRedis#queue(String)}.
 *
 * <pre>{@code
 * JobQueue emails = redis.queue("emails");
 * WriteReceipt<Long> r = emails.enqueue("{\"to\":\"ada@example.com\"}");   // r.id() is the job id
 *
 * try (QueueWorker worker = emails.worker("mailer-1")) {                  // heartbeats while open
 *     while (running) {
 *         Optional<Job> job = emails.poll(Duration.ofSeconds(5));
 *         if (job.isPresent()) {
 *             send(job.get().payloadString());
 *             emails.ack(job.get());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Guarantees: an enqueue is applied exactly once under its job id, also when its outcome was
 * unknown (a timeout), when it was spilled during an outage and replayed, and across restarts of
 * the producer (the spill store is durable). A take marks the job in flight in the same atomic
 * step; a job not acknowledged within the visibility timeout goes back to the queue (delivery is
 * at least once: a worker that outlives its visibility timeout, or a Redis failover that loses the
 * last writes, can cause a second delivery). Takes, reaps, heartbeats and reads go to the active
 * master and are never spilled; enqueues, acks and nacks are writes and are spilled when no
 * endpoint takes them.
 *
 * <p>Thread-safe: share one instance between producer and worker threads.
 */
public final class JobQueue {

    /** Waits for the asynchronous form's stages the way the client's synchronous calls do. */
    private final QueuePort port;
    private final AsyncJobQueue async;
    private final Heartbeats heartbeats;

    JobQueue(QueuePort port, AsyncJobQueue async, Heartbeats heartbeats) {
        this.port = port;
        this.async = async;
        this.heartbeats = heartbeats;
    }

    /** @return the queue's name */
    public String name() {
        return async.name();
    }

    /** @return the options this client uses for the queue */
    public QueueOptions options() {
        return async.options();
    }

    /**
     * The Redis keys this queue keeps its jobs, leases, dead letters and worker list in, all in the hash
     * slot of {@code {name}}: for inspection, an expiry, or removing a queue for good. A registered worker
     * also has a key of its own, which expires by itself.
     *
     * @return the keys, in a fixed order
     */
    public List<String> redisKeys() {
        return async.redisKeys();
    }

    /** @return the asynchronous form of this queue */
    public AsyncJobQueue async() {
        return async;
    }

    // ------------------------------------------------------------------ producers

    /**
     * Enqueues a job that may run at once.
     *
     * @param payload the payload
     * @return the receipt: its id is the job id; WRITTEN (reply: queue length) or SPILLED
     * @throws QueueFullException when the queue is at its maximum length
     * @throws IllegalArgumentException for a payload above the size limit
     */
    public WriteReceipt<Long> enqueue(byte[] payload) {
        return port.join(async.enqueue(payload));
    }

    /**
     * @param payload the payload, stored as UTF-8
     * @return the receipt
     * @see #enqueue(byte[])
     */
    public WriteReceipt<Long> enqueue(String payload) {
        return port.join(async.enqueue(payload));
    }

    /**
     * @param payload the payload
     * @param when when the job may run: {@link EnqueueOptions#delay(Duration)} or
     *             {@link EnqueueOptions#notBefore(java.time.Instant)}
     * @return the receipt
     * @see #enqueue(byte[])
     */
    public WriteReceipt<Long> enqueue(byte[] payload, EnqueueOptions when) {
        return port.join(async.enqueue(payload, when));
    }

    /**
     * @param payload the payload, stored as UTF-8
     * @param when when the job may run
     * @return the receipt
     * @see #enqueue(byte[])
     */
    public WriteReceipt<Long> enqueue(String payload, EnqueueOptions when) {
        return port.join(async.enqueue(payload, when));
    }

    /**
     * @param payload the payload
     * @param codec turns it into bytes (decode with {@link Job#payload(JobCodec)})
     * @param <T> the payload type
     * @return the receipt
     * @see #enqueue(byte[])
     */
    public <T> WriteReceipt<Long> enqueue(T payload, JobCodec<T> codec) {
        return port.join(async.enqueue(payload, codec, EnqueueOptions.now()));
    }

    /**
     * @param payload the payload
     * @param codec turns it into bytes
     * @param when when the job may run
     * @param <T> the payload type
     * @return the receipt
     * @see #enqueue(byte[])
     */
    public <T> WriteReceipt<Long> enqueue(T payload, JobCodec<T> codec, EnqueueOptions when) {
        return port.join(async.enqueue(payload, codec, when));
    }

    /**
     * Enqueues several jobs in one atomic, exactly-once write: all or (queue full) none.
     *
     * @param payloads the payloads
     * @return the receipt with the job ids in payload order
     * @throws QueueFullException when they do not all fit
     */
    public BatchReceipt enqueueAll(List<byte[]> payloads) {
        return port.join(async.enqueueAll(payloads, EnqueueOptions.now()));
    }

    /**
     * @param payloads the payloads
     * @param when when the jobs may run
     * @return the receipt with the job ids in payload order
     * @see #enqueueAll(List)
     */
    public BatchReceipt enqueueAll(List<byte[]> payloads, EnqueueOptions when) {
        return port.join(async.enqueueAll(payloads, when));
    }

    // ------------------------------------------------------------------ workers

    /**
     * Waits up to {@code timeout} for a job and takes it. Polls the active master with a short
     * jittered backoff (no blocking Redis command), so after a failover the next attempt goes to
     * the new master; while Redis is unreachable it keeps trying until the timeout.
     *
     * @param timeout how long to wait
     * @return the job, or empty when none arrived in time (or the thread was interrupted; its
     *         interrupt flag is then set)
     * @throws RedisUnavailableException when Redis stayed unreachable until the timeout
     */
    public Optional<Job> poll(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        // One lease token for the whole poll: an attempt whose reply was lost is answered by the
        // next attempt with the job it already took.
        String token = port.newId();
        long backoff = options().pollMinBackoff().toNanos();
        long maxBackoff = options().pollMaxBackoff().toNanos();
        while (true) {
            RedisUnavailableException unavailable = null;
            try {
                Optional<Job> job = port.join(async.take(token));
                if (job.isPresent()) {
                    return job;
                }
            } catch (RedisUnavailableException e) {
                unavailable = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (unavailable != null) {
                    throw unavailable;
                }
                return Optional.empty();
            }
            long pause = Math.min(left, backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            backoff = Math.min(maxBackoff, backoff * 2);
            try {
                TimeUnit.NANOSECONDS.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /**
     * Acknowledges a job: done, removed for good.
     *
     * @param job a job this queue delivered
     * @return the receipt; reply false when this delivery's lease had already ended
     */
    public WriteReceipt<Boolean> ack(Job job) {
        return port.join(async.ack(job));
    }

    /**
     * Gives a job back for another attempt (dead-lettered after {@link QueueOptions#maxAttempts()}).
     *
     * @param job a job this queue delivered
     * @return the receipt; reply false when this delivery's lease had already ended
     */
    public WriteReceipt<Boolean> nack(Job job) {
        return port.join(async.nack(job));
    }

    /**
     * @param job a job this queue delivered
     * @param delay how long before it may run again
     * @return the receipt
     * @see #nack(Job)
     */
    public WriteReceipt<Boolean> nack(Job job, Duration delay) {
        return port.join(async.nack(job, delay));
    }

    /**
     * Re-queues in-flight jobs past their visibility timeout; every poll does this too.
     *
     * @return how many expired jobs were moved
     */
    public long reap() {
        return port.join(async.reap());
    }

    /**
     * Registers a worker: a registration key with a TTL ({@link QueueOptions#workerTtl()}),
     * renewed by a heartbeat on the client's heartbeat thread until {@link QueueWorker#close()}
     * or the client closes. Heartbeats are not spilled; after an outage they resume at once.
     *
     * @param name the worker's name, unique among this queue's workers (e.g. host and pid)
     * @return the registration
     * @throws IllegalStateException when this client already has a live worker of that name on this queue
     */
    public QueueWorker worker(String name) {
        return heartbeats.register(async, name, options().workerTtl());
    }

    // ------------------------------------------------------------------ inspection

    /** @return counts, the next job's age and live workers */
    public QueueStats stats() {
        return port.join(async.stats());
    }

    /** @return the live workers */
    public List<WorkerInfo> workers() {
        return port.join(async.workers());
    }

    /**
     * @param max the most to return
     * @return dead-lettered jobs, oldest first
     */
    public List<Job> deadLetters(int max) {
        return port.join(async.deadLetters(max));
    }

    /** @return how many dead-lettered jobs were deleted */
    public long purgeDeadLetters() {
        return port.join(async.purgeDeadLetters());
    }

    @Override
    public String toString() {
        return "JobQueue{" + name() + "}";
    }
}
