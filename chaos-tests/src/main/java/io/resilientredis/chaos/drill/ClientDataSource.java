package io.resilientredis.chaos.drill;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.Job;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.failover.RetrySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** A {@link DataSource} over a plain {@link ResilientRedis} with one endpoint and no spill store. */
final class ClientDataSource implements DataSource {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final String name;
    private final ResilientRedis redis;

    ClientDataSource(String name, RedisEndpoint endpoint) {
        this.name = name;
        this.redis = ResilientRedis.builder().primary(endpoint)
                .timeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(2))
                .retry(RetrySettings.none())
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String get(String key) {
        return patiently(() -> redis.get(key), "GET " + key);
    }

    @Override
    public List<String> list(String key) {
        return patiently(() -> redis.lrange(key, 0, -1), "LRANGE " + key);
    }

    @Override
    public List<DeliveredJob> drainQueue(String queue) {
        JobQueue q = redis.queue(queue);
        List<DeliveredJob> delivered = new ArrayList<>();
        while (true) {
            Optional<Job> job = patiently(() -> q.poll(Duration.ZERO), "a take from queue " + queue);
            if (job.isEmpty()) {
                return delivered;
            }
            delivered.add(new DeliveredJob(job.get().id(), job.get().payloadString()));
            patiently(() -> q.ack(job.get()), "an ack on queue " + queue);
        }
    }

    private <T> T patiently(Supplier<T> read, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        RuntimeException last;
        do {
            try {
                return read.get();
            } catch (RuntimeException e) {
                last = e;
            }
            // Back off before the next attempt: pacing a retry, not waiting for a condition.
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        } while (System.nanoTime() - deadline < 0);
        throw new IllegalStateException("could not read " + what + " from " + name + " within "
                + PATIENCE.toSeconds() + " s: " + last.getMessage()
                + ". Check that the deployment is up; the history cannot be checked without it.", last);
    }

    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "DataSource[" + name + "]";
    }
}
