package io.resilientredis.client.queue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A job a worker took from a queue. Give it back with {@link JobQueue#ack(Job)} when done or
 * {@link JobQueue#nack(Job)} to retry it; unacknowledged, it returns to the queue by itself at
 * {@link #leaseExpiresAt()}. Acknowledgement is tied to this delivery: after the lease expired
 * and the job was delivered again, acknowledging this copy changes nothing.
 */
public final class Job {

    private final String queue;
    private final String id;
    private final byte[] payload;
    private final int attempts;
    private final Instant enqueuedAt;
    private final Instant leaseExpiresAt;
    private final String lease;

    Job(String queue, String id, byte[] payload, int attempts, Instant enqueuedAt, Instant leaseExpiresAt, String lease) {
        this.queue = queue;
        this.id = id;
        this.payload = payload;
        this.attempts = attempts;
        this.enqueuedAt = enqueuedAt;
        this.leaseExpiresAt = leaseExpiresAt;
        this.lease = lease;
    }

    /** @return the queue's name */
    public String queue() {
        return queue;
    }

    /** @return the job id the enqueue returned (time-ordered, unique across processes) */
    public String id() {
        return id;
    }

    /** @return a copy of the payload bytes */
    public byte[] payload() {
        return payload.clone();
    }

    /** @return the payload as UTF-8 text */
    public String payloadString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * @param codec the codec the producer used
     * @param <T> the payload type
     * @return the decoded payload
     */
    public <T> T payload(JobCodec<T> codec) {
        return codec.decode(payload.clone());
    }

    /** @return which delivery this is: 1 the first time, then 2, 3, ... */
    public int attempts() {
        return attempts;
    }

    /** @return when the producer enqueued it (the producer's clock) */
    public Instant enqueuedAt() {
        return enqueuedAt;
    }

    /** @return when this delivery's lease ends and the job goes back to the queue unless acknowledged (Redis's clock); null for a dead-lettered job */
    public Instant leaseExpiresAt() {
        return leaseExpiresAt;
    }

    String lease() {
        return lease;
    }

    byte[] rawPayload() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Job j && id.equals(j.id) && queue.equals(j.queue) && attempts == j.attempts
                && Arrays.equals(payload, j.payload);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + attempts;
    }

    @Override
    public String toString() {
        return "Job{queue=" + queue + ", id=" + id + ", attempts=" + attempts + ", " + payload.length + " bytes}";
    }
}
