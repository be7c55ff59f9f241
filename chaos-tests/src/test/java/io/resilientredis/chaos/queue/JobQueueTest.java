package io.resilientredis.chaos.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ClientStatus;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.BatchReceipt;
import io.resilientredis.client.queue.EnqueueOptions;
import io.resilientredis.client.queue.Job;
import io.resilientredis.client.queue.JobCodec;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.client.queue.QueueFullException;
import io.resilientredis.client.queue.QueueOptions;
import io.resilientredis.client.queue.QueueStats;
import io.resilientredis.client.queue.QueueStatus;
import io.resilientredis.client.queue.QueueWorker;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The queue's contract on one real Redis behind a fault proxy. */
class JobQueueTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spill;
    private ResilientRedis redis;
    private String name;

    @BeforeEach
    void client() {
        redis = QueueClients.fast(chaos.get().primaryEndpoint(), spill);
        name = "q-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeClient() {
        chaos.get().resetAll();
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void jobsComeOutInOrderOnceAndAckRemovesThem() {
        JobQueue q = redis.queue(name);
        Instant before = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            WriteReceipt<Long> r = q.enqueue("job " + i);
            assertThat(r.status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(r.reply()).isEqualTo(i + 1L);
            ids.add(r.id());
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        QueueStats stats = q.stats();
        assertThat(stats.ready()).isEqualTo(5);
        assertThat(stats.depth()).isEqualTo(5);
        assertThat(stats.inFlight()).isZero();

        for (int i = 0; i < 5; i++) {
            Job job = q.poll(Duration.ofSeconds(2)).orElseThrow();
            assertThat(job.id()).isEqualTo(ids.get(i));
            assertThat(job.payloadString()).isEqualTo("job " + i);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(job.enqueuedAt()).isBetween(before.minusMillis(1), Instant.now().plusMillis(1));
            assertThat(job.leaseExpiresAt()).isAfter(job.enqueuedAt());
            assertThat(q.stats().inFlight()).isEqualTo(1);
            assertThat(q.ack(job).reply()).isTrue();
            assertThat(q.ack(job).reply()).as("a second ack changes nothing").isFalse();
        }
        assertThat(q.poll(Duration.ofMillis(100))).isEmpty();
        stats = q.stats();
        assertThat(stats.ready() + stats.inFlight() + stats.delayed() + stats.deadLetters()).isZero();
        assertThat(hashLength("jobs")).as("payloads are deleted on ack").isZero();
    }

    @Test
    void bytesCodecsAndBatches() {
        JobQueue q = redis.queue(name);
        byte[] binary = {0, 1, 2, (byte) 0xff, 10, 13};
        String binId = q.enqueue(binary).id();
        JobCodec<Point> codec = new JobCodec<>() {
            @Override
            public byte[] encode(Point p) {
                return (p.x() + "," + p.y()).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Point decode(byte[] bytes) {
                String[] parts = new String(bytes, StandardCharsets.UTF_8).split(",");
                return new Point(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        };
        q.enqueue(new Point(3, 4), codec);
        BatchReceipt batch = q.enqueueAll(List.of("a".getBytes(), "b".getBytes(), "c".getBytes()));
        assertThat(batch.status()).isEqualTo(WriteStatus.WRITTEN);
        assertThat(batch.jobIds()).hasSize(3).doesNotHaveDuplicates();
        assertThat(batch.receipt().reply()).isEqualTo(5L);

        Job first = q.poll(Duration.ofSeconds(1)).orElseThrow();
        assertThat(first.id()).isEqualTo(binId);
        assertThat(first.payload()).isEqualTo(binary);
        assertThat(q.poll(Duration.ofSeconds(1)).orElseThrow().payload(codec)).isEqualTo(new Point(3, 4));
        List<String> batchOrder = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batchOrder.add(q.poll(Duration.ofSeconds(1)).orElseThrow().id());
        }
        assertThat(batchOrder).isEqualTo(batch.jobIds());
    }

    @Test
    void delayedJobsWaitForTheirTime() {
        JobQueue q = redis.queue(name);
        String later = q.enqueue("later", EnqueueOptions.delay(Duration.ofMillis(1500))).id();
        String past = q.enqueue("past", EnqueueOptions.notBefore(Instant.now().minusSeconds(5))).id();
        QueueStats stats = q.stats();
        assertThat(stats.delayed()).isEqualTo(1);
        assertThat(stats.ready()).isEqualTo(1);
        assertThat(q.poll(Duration.ofSeconds(1)).orElseThrow().id()).isEqualTo(past);
        long start = System.nanoTime();
        assertThat(q.poll(Duration.ofMillis(200))).as("not yet due").isEmpty();
        Job job = q.poll(Duration.ofSeconds(10)).orElseThrow();
        assertThat(job.id()).isEqualTo(later);
        System.out.printf("[measure] delayed job (1500 ms) delivered %d ms after the first empty poll began%n",
                (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void maximumLengthRefusesWithAClearErrorAndOversizePayloadsFailBeforeAnyWrite() {
        JobQueue q = redis.queue(name, QueueOptions.builder().maxLength(3).maxPayloadBytes(16).build());
        q.enqueue("1");
        q.enqueue("2");
        assertThatThrownBy(() -> q.enqueueAll(List.of("3".getBytes(), "4".getBytes())))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("'" + name + "'").hasMessageContaining("holds 2 jobs")
                .hasMessageContaining("maximum length is 3").hasMessageContaining("QueueOptions.maxLength");
        assertThat(q.stats().ready()).as("a refused batch adds none").isEqualTo(2);
        q.enqueue("3");
        assertThatThrownBy(() -> q.enqueue("4"))
                .isInstanceOfSatisfying(QueueFullException.class, e -> {
                    assertThat(e.queue()).isEqualTo(name);
                    assertThat(e.length()).isEqualTo(3);
                    assertThat(e.limit()).isEqualTo(3);
                });
        Job taken = q.poll(Duration.ofSeconds(1)).orElseThrow();
        assertThatThrownBy(() -> q.enqueue("4")).as("in-flight jobs count").isInstanceOf(QueueFullException.class);
        q.ack(taken);
        q.enqueue("4");

        assertThatThrownBy(() -> q.enqueue("x".repeat(17)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("17 bytes").hasMessageContaining("limit of 16")
                .hasMessageContaining("enqueue a reference");
        assertThat(q.stats().ready()).isEqualTo(3);
    }

    @Test
    void nackRetriesThenDeadLettersAndExpiredLeasesComeBack() {
        JobQueue q = redis.queue(name, QueueOptions.builder().maxAttempts(3)
                .visibilityTimeout(Duration.ofMillis(700)).build());
        String id = q.enqueue("flaky").id();

        Job first = q.poll(Duration.ofSeconds(1)).orElseThrow();
        assertThat(q.nack(first).reply()).isTrue();
        Job second = q.poll(Duration.ofSeconds(1)).orElseThrow();
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(q.ack(first).reply()).as("an old delivery's ack does nothing").isFalse();

        // Not acknowledged: the visibility timeout gives it back with the next poll.
        Job third = q.poll(Duration.ofSeconds(10)).orElseThrow();
        assertThat(third.id()).isEqualTo(id);
        assertThat(third.attempts()).isEqualTo(3);
        assertThat(q.ack(second).reply()).as("the expired lease is gone").isFalse();

        assertThat(q.nack(third).reply()).isTrue();
        assertThat(q.poll(Duration.ofMillis(200))).isEmpty();
        QueueStats stats = q.stats();
        assertThat(stats.deadLetters()).isEqualTo(1);
        assertThat(stats.ready() + stats.inFlight()).isZero();
        List<Job> dead = q.deadLetters(10);
        assertThat(dead).extracting(Job::id).containsExactly(id);
        assertThat(dead.get(0).payloadString()).isEqualTo("flaky");
        assertThat(dead.get(0).attempts()).isEqualTo(3);
        assertThat(q.purgeDeadLetters()).isEqualTo(1);
        assertThat(q.stats().deadLetters()).isZero();
        assertThat(hashLength("jobs")).isZero();
    }

    @Test
    void nackWithDelayAndExplicitReap() {
        JobQueue q = redis.queue(name, QueueOptions.builder().visibilityTimeout(Duration.ofMillis(300)).build());
        q.enqueue("x");
        Job job = q.poll(Duration.ofSeconds(1)).orElseThrow();
        q.nack(job, Duration.ofMillis(800));
        assertThat(q.stats().delayed()).isEqualTo(1);
        Job again = q.poll(Duration.ofSeconds(10)).orElseThrow();
        assertThat(again.attempts()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.reap() == 1);
        assertThat(q.stats().ready()).isEqualTo(1);
        assertThat(q.stats().inFlight()).isZero();
    }

    @Test
    void anEnqueueWhoseReplyIsLostIsAppliedOnceThroughRetryAndReplay() throws Exception {
        JobQueue q = redis.queue(name);
        Proxy proxy = chaos.get().proxy(chaos.get().topology().primary());
        // Connected first, as a client in service is: a fresh connection's set-up PING would be late too.
        assertThat(redis.get("warm-up")).isNull();
        // Requests reach Redis; replies arrive after the client's timeout: the outcome is unknown.
        proxy.toxics().latency("slow-replies", ToxicDirection.DOWNSTREAM, 1500);
        WriteReceipt<Long> receipt = q.enqueue("once");
        assertThat(receipt.status()).isEqualTo(WriteStatus.SPILLED);
        // It did land: the first attempt went through.
        await().atMost(Duration.ofSeconds(5)).until(() -> rawLength() >= 1);
        proxy.toxics().get("slow-replies").remove();
        receipt.applied().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
        // Applied in Redis; its entry leaves the spill store when the (background) delete commits.
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.status().spill().depth() == 0);
        assertThat(rawLength()).as("retried and replayed under its job id: still one job").isEqualTo(1);
        Job job = q.poll(Duration.ofSeconds(2)).orElseThrow();
        assertThat(job.id()).isEqualTo(receipt.id());
        q.ack(job);
        assertThat(q.poll(Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void spilledEnqueuesReplayAfterARestartOnTheSameSpillStore() throws Exception {
        JobQueue q = redis.queue(name);
        redis.maintenance(true);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WriteReceipt<Long> r = q.enqueue("spilled " + i);
            assertThat(r.status()).isEqualTo(WriteStatus.SPILLED);
            ids.add(r.id());
        }
        assertThat(rawLength()).isZero();
        redis.close();
        redis = QueueClients.fast(chaos.get().primaryEndpoint(), spill);
        JobQueue again = redis.queue(name);
        List<String> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            again.poll(Duration.ofMillis(50)).ifPresent(j -> {
                got.add(j.id());
                again.ack(j);
            });
            return got.size() == 3;
        });
        assertThat(got).isEqualTo(ids);
    }

    @Test
    void workersAreListedAndStatusListsQueuesEvenWhenRedisIsUnreachable() throws Exception {
        JobQueue q = redis.queue(name, QueueOptions.builder().workerTtl(Duration.ofSeconds(3)).build());
        q.enqueue("one");
        try (QueueWorker worker = q.worker("w-1")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> worker.expiresAt() != null);
            assertThat(q.workers()).extracting(w -> w.name()).containsExactly("w-1");
            assertThatThrownBy(() -> q.worker("w-1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already registered");
            ClientStatus status = redis.status();
            assertThat(status.activeEndpoint()).isEqualTo(chaos.get().primaryEndpoint().displayName());
            assertThat(status.spill().enabled()).isTrue();
            QueueStatus qs = status.queues().stream().filter(s -> s.queue().equals(name)).findFirst().orElseThrow();
            assertThat(qs.available()).isTrue();
            assertThat(qs.stats().ready()).isEqualTo(1);
            assertThat(qs.stats().workers()).extracting(w -> w.name()).containsExactly("w-1");
            assertThat(qs.stats().oldestJobAge()).isLessThan(Duration.ofMinutes(1));

            chaos.get().proxy(chaos.get().topology().primary()).disable();
            long start = System.nanoTime();
            ClientStatus down = redis.status();
            long millis = (System.nanoTime() - start) / 1_000_000;
            QueueStatus unavailable = down.queues().stream().filter(s -> s.queue().equals(name)).findFirst().orElseThrow();
            assertThat(unavailable.available()).isFalse();
            assertThat(unavailable.problem()).isNotBlank();
            assertThat(millis).as("status() is bounded").isLessThan(5_000);
            System.out.printf("[measure] status() with Redis unreachable: %d ms (%s)%n", millis, unavailable.problem());
            chaos.get().proxy(chaos.get().topology().primary()).enable();
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> q.workers().isEmpty());
    }

    private long rawLength() throws java.io.IOException {
        try (RespConnection c = chaos.get().topology().primary().connect(Duration.ofSeconds(2))) {
            return (Long) c.call("LLEN", "rr:q:{" + name + "}:ready");
        }
    }

    private long hashLength(String which) {
        try (RespConnection c = chaos.get().topology().primary().connect(Duration.ofSeconds(2))) {
            return (Long) c.call("HLEN", "rr:q:{" + name + "}:" + which);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Point(int x, int y) {
    }
}
