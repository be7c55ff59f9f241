package io.resilientredis.chaos.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.ChildJvm;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.Job;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.client.queue.QueueOptions;
import io.resilientredis.client.queue.WorkerInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker JVM takes a job and is killed with SIGKILL before acknowledging it: the job is
 * delivered again after the visibility timeout, its registration expires, and nacks past the
 * attempt limit move it to the dead-letter list.
 */
class WorkerCrashTest {

    private static final long VISIBILITY_MS = 1500;
    private static final long WORKER_TTL_MS = 1500;

    private ChaosTopology chaos;
    private ResilientRedis redis;
    private ChildJvm child;

    @AfterEach
    void tearDown() {
        if (child != null) {
            child.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (chaos != null) {
            chaos.close();
        }
    }

    @Test
    void aKilledWorkersJobComesBackAndNacksPastTheLimitDeadLetterIt() throws Exception {
        chaos = ChaosTopology.start(RedisTopology.standalone());
        String url = "redis://" + chaos.clientAddress(chaos.topology().primary());
        redis = QueueClients.fast(chaos.primaryEndpoint()).build();
        JobQueue queue = redis.queue("crash", QueueOptions.builder().maxAttempts(3)
                .visibilityTimeout(Duration.ofMillis(VISIBILITY_MS)).build());
        String id = queue.enqueue("survives its worker").id();

        child = ChildJvm.start(QueueWorkerChildMain.class, List.of(), url, "crash", Long.toString(VISIBILITY_MS),
                Long.toString(WORKER_TTL_MS));
        assertThat(child.awaitLine("the worker JVM taking the job", Duration.ofSeconds(60), l -> l.startsWith("TOOK ")))
                .isEqualTo("TOOK " + id + " child-worker");
        assertThat(queue.stats().inFlight()).isEqualTo(1);
        // The child registers on its heartbeat thread, which may run just after the take.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(queue.workers()).extracting(WorkerInfo::name).contains("child-worker"));

        child.kill(Duration.ofSeconds(10)); // SIGKILL: no ack, no deregistration, no shutdown hook
        long killedAt = System.nanoTime();

        Job again = queue.poll(Duration.ofSeconds(20)).orElseThrow();
        long redeliveredMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.payloadString()).isEqualTo("survives its worker");

        await("the dead worker's registration to expire").atMost(Duration.ofSeconds(15))
                .until(() -> queue.workers().stream().noneMatch(w -> w.name().equals("child-worker")));
        long expiredMillis = (System.nanoTime() - killedAt) / 1_000_000;
        try (RespConnection c = chaos.topology().primary().connect(Duration.ofSeconds(2))) {
            assertThat(c.call("EXISTS", "rr:q:{crash}:worker:child-worker")).isEqualTo(0L);
        }

        assertThat(queue.nack(again).reply()).isTrue();
        Job last = queue.poll(Duration.ofSeconds(5)).orElseThrow();
        assertThat(last.attempts()).isEqualTo(3);
        assertThat(queue.nack(last).reply()).isTrue();
        assertThat(queue.poll(Duration.ofMillis(300))).as("dead-lettered, not re-queued").isEmpty();
        assertThat(queue.deadLetters(10)).extracting(Job::id).containsExactly(id);
        assertThat(queue.stats().deadLetters()).isEqualTo(1);
        System.out.printf("[measure] worker JVM SIGKILLed holding a job (visibility %d ms, worker TTL %d ms): job "
                + "redelivered %d ms after the kill, registration gone %d ms after the kill%n", VISIBILITY_MS,
                WORKER_TTL_MS, redeliveredMillis, expiredMillis);
    }
}
