package io.resilientredis.client.queue;

import io.resilientredis.client.internal.QueuePort;
import io.resilientredis.failover.WriteReceipt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The asynchronous form of a {@link JobQueue}: the same operations, returning
 * {@link CompletionStage}s that complete on Redisson's I/O threads (do not block in callbacks).
 * Instead of a waiting poll it offers {@link #take()}, one attempt that completes with a job or
 * nothing; schedule your own retries.
 */
public final class AsyncJobQueue {

    /** Most expired or due jobs one take or reap moves, so one script stays short. */
    private static final int REAP_LIMIT = 100;

    /** Scripts run through the client; writes go the client's way, so they follow its durability level. */
    private final QueuePort port;
    private final QueueKeys keys;

    private final QueueOptions options;

    AsyncJobQueue(QueuePort port, String name, QueueOptions options) {
        this.port = port;
        this.keys = new QueueKeys(name);
        this.options = options;
    }

    /** @return the queue's Redis keys (see {@link JobQueue#redisKeys()}) */
    List<String> redisKeys() {
        return List.copyOf(keys.fixed());
    }

    /** @return the queue's name */
    public String name() {
        return keys.name();
    }

    /** @return the options this client uses for the queue */
    public QueueOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ producers

    /**
     * @param payload the job's payload
     * @return the receipt; see {@link JobQueue#enqueue(byte[], EnqueueOptions)}
     */
    public CompletionStage<WriteReceipt<Long>> enqueue(byte[] payload) {
        return enqueue(payload, EnqueueOptions.now());
    }

    /**
     * @param payload the job's payload, stored as UTF-8
     * @return the receipt
     */
    public CompletionStage<WriteReceipt<Long>> enqueue(String payload) {
        return enqueue(utf8(payload), EnqueueOptions.now());
    }

    /**
     * @param payload the job's payload, stored as UTF-8
     * @param when when the job may run
     * @return the receipt
     */
    public CompletionStage<WriteReceipt<Long>> enqueue(String payload, EnqueueOptions when) {
        return enqueue(utf8(payload), when);
    }

    /**
     * @param payload the payload
     * @param codec turns it into bytes
     * @param when when the job may run
     * @param <T> the payload type
     * @return the receipt
     */
    public <T> CompletionStage<WriteReceipt<Long>> enqueue(T payload, JobCodec<T> codec, EnqueueOptions when) {
        Objects.requireNonNull(codec, "codec");
        return enqueue(codec.encode(Objects.requireNonNull(payload, "payload")), when);
    }

    /**
     * Enqueues one job, exactly once under its job id (the receipt's id).
     *
     * @param payload the job's payload
     * @param when when the job may run
     * @return the receipt, WRITTEN (its reply is the queue's length after the enqueue) or SPILLED;
     *         completes exceptionally with {@link QueueFullException} when a maximum length is set
     *         and reached
     * @throws IllegalArgumentException at once, before anything is written, for a payload above
     *         {@link QueueOptions#maxPayloadBytes()}
     */
    public CompletionStage<WriteReceipt<Long>> enqueue(byte[] payload, EnqueueOptions when) {
        checkPayload(payload, 0);
        Objects.requireNonNull(when, "when");
        String id = port.newId();
        return enqueueWrite(id, List.of(id), List.of(payload), when).thenApply(r -> refuseWhenFull(r, 1));
    }

    /**
     * Enqueues several jobs as one write: all of them or (queue full) none, exactly once.
     *
     * @param payloads the payloads, at least one
     * @param when when the jobs may run
     * @return the receipt with the job ids in payload order
     * @throws IllegalArgumentException at once for an empty list or an oversize payload
     */
    public CompletionStage<BatchReceipt> enqueueAll(List<byte[]> payloads, EnqueueOptions when) {
        Objects.requireNonNull(payloads, "payloads");
        Objects.requireNonNull(when, "when");
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("enqueueAll needs at least one payload");
        }
        long total = 0;
        for (int i = 0; i < payloads.size(); i++) {
            checkPayload(payloads.get(i), i);
            total += payloads.get(i).length;
        }
        if (total > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("a batch of " + payloads.size() + " jobs holds " + total
                    + " payload bytes; split it into batches below 256 MiB");
        }
        List<String> ids = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            ids.add(port.newId());
        }
        String batchId = port.newId();
        return enqueueWrite(batchId, ids, payloads, when)
                .thenApply(r -> new BatchReceipt(refuseWhenFull(r, ids.size()), ids));
    }

    private CompletionStage<WriteReceipt<Long>> enqueueWrite(String writeId, List<String> ids, List<byte[]> payloads,
                                                             EnqueueOptions when) {
        long now = System.currentTimeMillis();
        long notBefore = when.notBeforeMillis(now);
        List<byte[]> args = new ArrayList<>(2 + ids.size() * 4);
        args.add(utf8(Long.toString(options.maxLength())));
        args.add(utf8(Integer.toString(ids.size())));
        for (int i = 0; i < ids.size(); i++) {
            args.add(utf8(ids.get(i)));
            args.add(utf8(Long.toString(notBefore)));
            args.add(utf8(Long.toString(now)));
            args.add(payloads.get(i));
        }
        // The reply is the queue length; a refusal (queue full) is encoded as -1 - length, so that it
        // reaches refuseWhenFull as a reply rather than as a failure the engine would classify.
        return port.write(writeId, true, QueueScripts.ENQUEUE, keys.with(port.markerKey(writeId, keys.ready())), args,
                reply -> number(reply.get(0)) == 2 ? -1 - number(reply.get(1)) : number(reply.get(1)));
    }

    private WriteReceipt<Long> refuseWhenFull(WriteReceipt<Long> receipt, int adding) {
        Long reply = receipt.reply();
        if (reply != null && reply < 0) {
            throw new CompletionException(new QueueFullException(name(), -1 - reply, adding, options.maxLength()));
        }
        return receipt;
    }

    private void checkPayload(byte[] payload, int index) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > options.maxPayloadBytes()) {
            throw new IllegalArgumentException("job payload" + (index > 0 ? " #" + index : "") + " for queue '" + name()
                    + "' is " + payload.length + " bytes, above the limit of " + options.maxPayloadBytes()
                    + " bytes; store large data elsewhere (object store, database) and enqueue a reference to it, "
                    + "or raise QueueOptions.maxPayloadBytes");
        }
    }

    // ------------------------------------------------------------------ workers

    /**
     * One attempt to take the next job: atomically marks it in flight until its visibility
     * timeout, after first re-queueing expired in-flight jobs. Never spilled: it goes to the
     * active master, or fails with {@link io.resilientredis.failover.RedisUnavailableException}.
     *
     * @return the job, or empty when none is ready
     */
    public CompletionStage<Optional<Job>> take() {
        return take(port.newId());
    }

    /** A take under a caller-chosen lease token: a repeat with the same token returns the job it holds. */
    CompletionStage<Optional<Job>> take(String token) {
        List<Object> k = new ArrayList<>(keys.all());
        Object[] argv = {utf8(token), utf8(Long.toString(options.visibilityTimeout().toMillis())),
                utf8(Integer.toString(options.maxAttempts())), utf8(Integer.toString(REAP_LIMIT))};
        return port.run(QueueScripts.TAKE, k, argv).thenApply(reply -> {
            if (reply == null || reply.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Job(name(), text(reply.get(0)), bytes(reply.get(1)),
                    (int) number(reply.get(2)), Instant.ofEpochMilli(number(reply.get(3))),
                    Instant.ofEpochMilli(number(reply.get(4))), token));
        });
    }

    /**
     * Acknowledges a job: it is done and removed. Idempotent, and spilled like any write when
     * Redis is unreachable (replayed before its lease would matter only if the outage is shorter
     * than the visibility timeout; otherwise the job may run again).
     *
     * @param job a job this queue delivered
     * @return the receipt; its reply is false when this delivery's lease had ended (the job went
     *         back to the queue or was delivered again), null when spilled
     */
    public CompletionStage<WriteReceipt<Boolean>> ack(Job job) {
        checkJob(job);
        List<byte[]> args = List.of(utf8(job.id()), utf8(job.lease()));
        return port.write(port.newId(), false, QueueScripts.ACK, keys.all(), args, reply -> number(reply.get(0)) == 1);
    }

    /**
     * Gives a job back for another attempt, at the tail of the queue; after
     * {@link QueueOptions#maxAttempts()} deliveries it goes to the dead-letter list instead.
     *
     * @param job a job this queue delivered
     * @return the receipt; its reply is false when this delivery's lease had ended
     */
    public CompletionStage<WriteReceipt<Boolean>> nack(Job job) {
        return nack(job, Duration.ZERO);
    }

    /**
     * Like {@link #nack(Job)}, with the job becoming available again only after {@code delay}.
     *
     * @param job a job this queue delivered
     * @param delay how long before it may run again (counts from when Redis applies the nack)
     * @return the receipt; its reply is false when this delivery's lease had ended
     */
    public CompletionStage<WriteReceipt<Boolean>> nack(Job job, Duration delay) {
        checkJob(job);
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("nack delay must not be negative, was " + delay);
        }
        List<byte[]> args = List.of(utf8(job.id()), utf8(job.lease()), utf8(Integer.toString(options.maxAttempts())),
                utf8(Long.toString(delay.toMillis())));
        return port.write(port.newId(), false, QueueScripts.NACK, keys.all(), args, reply -> number(reply.get(0)) != 0);
    }

    private void checkJob(Job job) {
        Objects.requireNonNull(job, "job");
        if (!job.queue().equals(name()) || job.lease() == null) {
            throw new IllegalArgumentException(job + " was not delivered by queue '" + name() + "'");
        }
    }

    /**
     * Re-queues in-flight jobs whose visibility timeout passed (dead-letters those out of
     * attempts) and releases due delayed jobs. Every take does this too, so call it only where no
     * worker polls. Not spilled.
     *
     * @return how many expired jobs were moved (re-queued or dead-lettered), up to 100 per call
     */
    public CompletionStage<Long> reap() {
        List<Object> k = new ArrayList<>(keys.all());
        Object[] argv = {utf8(Integer.toString(options.maxAttempts())), utf8(Integer.toString(REAP_LIMIT))};
        return port.run(QueueScripts.REAP, k, argv)
                .thenApply(reply -> number(reply.get(0)) + number(reply.get(1)));
    }

    // ------------------------------------------------------------------ inspection

    /** @return the queue's counts, next job's age and live workers, read atomically */
    public CompletionStage<QueueStats> stats() {
        List<Object> k = new ArrayList<>(keys.all());
        return port.run(QueueScripts.STATS, k).thenApply(reply -> {
            long now = number(reply.get(5));
            long enqueued = number(reply.get(4));
            Duration age = enqueued < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, now - enqueued));
            List<WorkerInfo> workers = new ArrayList<>();
            for (int i = 6; i + 1 < reply.size(); i += 2) {
                workers.add(new WorkerInfo(text(reply.get(i)),
                        Instant.ofEpochMilli((long) Double.parseDouble(text(reply.get(i + 1))))));
            }
            return new QueueStats(name(), number(reply.get(0)), number(reply.get(1)), number(reply.get(2)),
                    number(reply.get(3)), age, workers);
        });
    }

    /** @return the workers whose registration is live */
    public CompletionStage<List<WorkerInfo>> workers() {
        return stats().thenApply(QueueStats::workers);
    }

    /**
     * @param max the most to return
     * @return dead-lettered jobs, oldest first (they cannot be acknowledged; inspect, then
     *         {@link #purgeDeadLetters()})
     */
    public CompletionStage<List<Job>> deadLetters(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        List<Object> k = new ArrayList<>(keys.all());
        Object[] argv = {utf8(Integer.toString(max))};
        return port.run(QueueScripts.DEAD, k, argv).thenApply(reply -> {
            List<Job> jobs = new ArrayList<>(reply.size() / 3);
            for (int i = 0; i + 2 < reply.size(); i += 3) {
                String[] meta = text(reply.get(i + 2)).split(":");
                jobs.add(new Job(name(), text(reply.get(i)), bytes(reply.get(i + 1)), Integer.parseInt(meta[0]),
                        Instant.ofEpochMilli(Long.parseLong(meta[1])), null, null));
            }
            return jobs;
        });
    }

    /**
     * Deletes every dead-lettered job. Not spilled: fails with
     * {@link io.resilientredis.failover.RedisUnavailableException} while Redis is unreachable.
     *
     * @return how many were deleted
     */
    public CompletionStage<Long> purgeDeadLetters() {
        List<Object> k = new ArrayList<>(keys.all());
        return port.run(QueueScripts.PURGE_DEAD, k).thenApply(reply -> number(reply.get(0)));
    }

    // ------------------------------------------------------------------ worker registration

    /** Writes a worker's registration with its TTL; not spilled. Completes with the expiry (Redis's clock). */
    CompletionStage<Instant> heartbeat(String worker, Duration ttl, String description) {
        List<Object> k = new ArrayList<>(keys.with(keys.workerKey(worker)));
        Object[] argv = {utf8(worker), utf8(Long.toString(ttl.toMillis())), utf8(description)};
        return port.run(QueueScripts.HEARTBEAT, k, argv)
                .thenApply(reply -> Instant.ofEpochMilli(number(reply.get(0))));
    }

    /** Removes a worker's registration; not spilled. */
    CompletionStage<Boolean> deregister(String worker) {
        List<Object> k = new ArrayList<>(keys.with(keys.workerKey(worker)));
        Object[] argv = {utf8(worker)};
        return port.run(QueueScripts.DEREGISTER, k, argv).thenApply(reply -> number(reply.get(0)) == 1);
    }

    // ------------------------------------------------------------------ helpers

    static byte[] utf8(String s) {
        return Objects.requireNonNull(s, "payload").getBytes(StandardCharsets.UTF_8);
    }

    static String text(Object reply) {
        if (reply == null) {
            return null;
        }
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply.toString();
    }

    static byte[] bytes(Object reply) {
        if (reply instanceof byte[] b) {
            return b;
        }
        return reply == null ? new byte[0] : reply.toString().getBytes(StandardCharsets.UTF_8);
    }

    static long number(Object reply) {
        if (reply instanceof Number n) {
            return n.longValue();
        }
        String s = text(reply);
        if (s == null) {
            throw new IllegalStateException("queue script replied nil where a number was expected");
        }
        return s.indexOf('.') >= 0 || s.indexOf('e') >= 0 ? (long) Double.parseDouble(s) : Long.parseLong(s);
    }

    @Override
    public String toString() {
        return "AsyncJobQueue{" + name() + ", " + options + "}";
    }
}
