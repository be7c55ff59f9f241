package io.resilientredis.chaos.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.Job;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.client.queue.QueueOptions;
import io.resilientredis.client.queue.QueueStats;
import io.resilientredis.client.queue.QueueWorker;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several producers (each its own client and spill store, like separate services) enqueue before,
 * during and after a full outage (every proxy disabled) while workers (two more clients) poll:
 * every job is delivered once, and the workers' registrations, expired during the outage, come
 * back by themselves afterwards.
 */
class QueueOutageTest {

    private static final String QUEUE = "outage";
    private static final int PRODUCERS = 3;
    private static final int WORKER_CLIENTS = 2;
    private static final int THREADS_PER_WORKER_CLIENT = 2;
    private static final int JOBS_PER_PHASE = 60;
    private static final Duration WORKER_TTL = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    private ChaosTopology chaos;
    private final List<ResilientRedis> clients = new ArrayList<>();
    private final List<QueueWorker> registrations = new ArrayList<>();
    private ExecutorService threads;
    private final AtomicBoolean stop = new AtomicBoolean();

    @AfterEach
    void tearDown() throws InterruptedException {
        stop.set(true);
        if (threads != null) {
            threads.shutdownNow();
            threads.awaitTermination(20, TimeUnit.SECONDS);
        }
        for (QueueWorker w : registrations) {
            w.close();
        }
        for (ResilientRedis c : clients) {
            c.close();
        }
        if (chaos != null) {
            chaos.close();
        }
    }

    @Test
    void everyJobEnqueuedAroundAFullOutageIsDeliveredOnceAndWorkersReRegister() throws Exception {
        chaos = ChaosTopology.start(RedisTopology.standalone());
        QueueOptions options = QueueOptions.builder().workerTtl(WORKER_TTL).build();
        List<JobQueue> producers = new ArrayList<>();
        for (int i = 0; i < PRODUCERS; i++) {
            producers.add(client("producer-" + i).queue(QUEUE, options));
        }
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        AtomicInteger pollFailures = new AtomicInteger();
        threads = Executors.newFixedThreadPool(PRODUCERS + WORKER_CLIENTS * THREADS_PER_WORKER_CLIENT);
        List<Future<?>> workerLoops = new ArrayList<>();
        for (int c = 0; c < WORKER_CLIENTS; c++) {
            JobQueue q = client("workers-" + c).queue(QUEUE, options);
            registrations.add(q.worker("worker-" + c));
            for (int t = 0; t < THREADS_PER_WORKER_CLIENT; t++) {
                workerLoops.add(threads.submit(() -> work(q, deliveries, pollFailures)));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> liveWorkerKeys() == WORKER_CLIENTS);

        Set<String> enqueued = ConcurrentHashMap.newKeySet();
        Map<WriteStatus, AtomicInteger> before = produce(producers, "before", enqueued);
        assertThat(before.get(WriteStatus.WRITTEN)).hasValue(PRODUCERS * JOBS_PER_PHASE);

        long outageStart = System.nanoTime();
        chaos.disableAll();
        Map<WriteStatus, AtomicInteger> during = produce(producers, "during", enqueued);
        // Keep the outage on until the workers' registrations lapsed in Redis (it keeps running).
        await().atMost(Duration.ofSeconds(20)).until(() -> liveWorkerKeys() == 0);
        long outageMillis = (System.nanoTime() - outageStart) / 1_000_000;
        assertThat(during.get(WriteStatus.SPILLED)).as("enqueues during the outage are spilled")
                .hasValue(PRODUCERS * JOBS_PER_PHASE);
        assertThat(pollFailures.get()).as("workers noticed the outage").isPositive();

        chaos.resetAll();
        long recovered = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> liveWorkerKeys() == WORKER_CLIENTS);
        long reRegisteredMillis = (System.nanoTime() - recovered) / 1_000_000;
        Map<WriteStatus, AtomicInteger> after = produce(producers, "after", enqueued);

        int total = 3 * PRODUCERS * JOBS_PER_PHASE;
        assertThat(enqueued).hasSize(total);
        await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.size() >= total);
        long drainedMillis = (System.nanoTime() - recovered) / 1_000_000;
        // Give any would-be duplicate a chance to show up, then stop the workers.
        JobQueue probe = producers.get(0);
        // This client may still be closing its breaker after the outage: a poll tolerates that.
        await().atMost(Duration.ofSeconds(20)).ignoreException(RedisUnavailableException.class).until(() -> {
            QueueStats s = probe.stats();
            return s.ready() + s.inFlight() + s.delayed() == 0;
        });
        stop.set(true);
        for (Future<?> loop : workerLoops) {
            loop.get(20, TimeUnit.SECONDS);
        }

        assertThat(deliveries.keySet()).isEqualTo(enqueued);
        assertThat(deliveries.values()).allSatisfy(n -> assertThat(n).as("deliveries of one job").hasValue(1));
        QueueStats stats = probe.stats();
        assertThat(stats.deadLetters()).isZero();
        assertThat(stats.workers()).extracting(w -> w.name()).containsExactlyInAnyOrder("worker-0", "worker-1");
        for (ResilientRedis c : clients) {
            assertThat(c.status().spill().depth()).isZero();
        }
        System.out.printf("[measure] outage %d ms; enqueues before/during/after: %s / %s / %s; worker polls that "
                        + "failed during the outage: %d; registrations back %d ms after recovery; all %d jobs "
                        + "delivered %d ms after recovery%n", outageMillis, before, during, after, pollFailures.get(),
                reRegisteredMillis, total, drainedMillis);
    }

    private ResilientRedis client(String name) {
        ResilientRedis c = QueueClients.fast(chaos.primaryEndpoint(), dir.resolve(name));
        clients.add(c);
        return c;
    }

    /** Every producer enqueues JOBS_PER_PHASE jobs, in parallel; returns the receipts' statuses. */
    private Map<WriteStatus, AtomicInteger> produce(List<JobQueue> producers, String phase, Set<String> ids)
            throws Exception {
        Map<WriteStatus, AtomicInteger> statuses = new ConcurrentHashMap<>();
        for (WriteStatus s : WriteStatus.values()) {
            statuses.put(s, new AtomicInteger());
        }
        List<Future<?>> runs = new ArrayList<>();
        for (int p = 0; p < producers.size(); p++) {
            JobQueue q = producers.get(p);
            int producer = p;
            runs.add(threads.submit(() -> {
                for (int i = 0; i < JOBS_PER_PHASE; i++) {
                    WriteReceipt<Long> r = q.enqueue(phase + " " + producer + " " + i);
                    assertThat(ids.add(r.id())).isTrue();
                    statuses.get(r.status()).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : runs) {
            f.get(60, TimeUnit.SECONDS);
        }
        return statuses;
    }

    private void work(JobQueue q, Map<String, AtomicInteger> deliveries, AtomicInteger pollFailures) {
        while (!stop.get()) {
            Optional<Job> job;
            try {
                job = q.poll(Duration.ofMillis(300));
            } catch (RedisUnavailableException e) {
                pollFailures.incrementAndGet();
                continue;
            }
            job.ifPresent(j -> {
                deliveries.computeIfAbsent(j.id(), id -> new AtomicInteger()).incrementAndGet();
                q.ack(j); // spilled while Redis is unreachable, replayed after
            });
        }
    }

    /** Worker registration keys that exist in Redis right now, read directly (not through the proxy). */
    private int liveWorkerKeys() throws IOException {
        try (RespConnection c = chaos.topology().primary().connect(Duration.ofSeconds(2))) {
            int n = 0;
            for (int i = 0; i < WORKER_CLIENTS; i++) {
                n += ((Long) c.call("EXISTS", "rr:q:{" + QUEUE + "}:worker:worker-" + i)).intValue();
            }
            return n;
        }
    }
}
