package io.resilientredis.chaos.spill;

import static io.resilientredis.chaos.spill.SpillChaos.get;
import static io.resilientredis.chaos.spill.SpillChaos.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full outage (every proxy disabled) in the middle of a multi-threaded workload: writers see no
 * exception, and after recovery every write is applied exactly once and in each writer's order.
 */
class OutageWorkloadTest {

    private static final int WRITERS = 6;

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @Test
    void writersSeeNoExceptionAndEveryWriteIsAppliedOnceInOrder() throws Exception {
        RedisNode redis = chaos.get().topology().primary();
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Queue<CompletionStage<?>> applied = new ConcurrentLinkedQueue<>();
        AtomicLong written = new AtomicLong();
        AtomicLong spilled = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger[] done = new AtomicInteger[WRITERS];
        List<Thread> writers = new ArrayList<>();

        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(spillDir).listener(events::add).build()) {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done[w] = new AtomicInteger();
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            // Four kinds of write per step: exactly-once list push and counters, idempotent set.
                            List<WriteReceipt<?>> step = List.of(
                                    client.rpush("ow:list:" + writer, Integer.toString(i)),
                                    client.incrBy("ow:count:" + writer, 1),
                                    client.incrBy("ow:total", i + 1),
                                    client.set("ow:last:" + writer, Integer.toString(i)));
                            for (WriteReceipt<?> r : step) {
                                (r.status() == WriteStatus.WRITTEN ? written : spilled).incrementAndGet();
                                applied.add(r.applied());
                            }
                            done[writer].set(i + 1);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "ow-writer-" + w);
                writers.add(t);
            }
            try {
                writers.forEach(Thread::start);
                await("every writer past 30 steps").atMost(Duration.ofSeconds(30))
                        .until(() -> IntStream.range(0, WRITERS).allMatch(w -> done[w].get() >= 30));

                long outageStart = System.nanoTime();
                chaos.get().disableAll();
                await("writes spilled and the endpoint's breaker open").atMost(Duration.ofSeconds(30))
                        .until(() -> client.status().spill().depth() >= 600
                                && client.status().endpoints().get(0).state() == BreakerState.OPEN);
                SpillStatus during = client.status().spill();
                assertThat(during.bytes()).isPositive();
                await("oldest spilled write ages").atMost(Duration.ofSeconds(10))
                        .until(() -> client.status().spill().oldestEntryAge().toMillis() >= 500);
                int[] atRecovery = IntStream.range(0, WRITERS).map(w -> done[w].get()).toArray();
                long writtenAtRecovery = written.get();

                chaos.get().resetAll();
                long recoveryStart = System.nanoTime();
                await("backlog replayed and writes direct again").atMost(Duration.ofSeconds(60))
                        .until(() -> client.status().spill().depth() == 0
                                && written.get() >= writtenAtRecovery + 200);
                System.out.printf("[measure] outage %d ms with %d writes spilled at its deepest; backlog drained"
                                + " and direct writes resumed %d ms after the proxies came back%n",
                        (recoveryStart - outageStart) / 1_000_000, during.depth(),
                        (System.nanoTime() - recoveryStart) / 1_000_000);
                await("every writer made progress after recovery").atMost(Duration.ofSeconds(30))
                        .until(() -> IntStream.range(0, WRITERS).allMatch(w -> done[w].get() >= atRecovery[w] + 20));
            } finally {
                stop.set(true);
                for (Thread t : writers) {
                    t.join(30_000);
                }
            }
            assertThat(writers).noneMatch(Thread::isAlive);
            assertThat(errors).as("exceptions seen by writers").isEmpty();
            assertThat(spilled.get()).as("writes spilled").isGreaterThanOrEqualTo(600);
            assertThat(written.get()).as("writes written directly").isPositive();
            SpillChaos.awaitAll(new ArrayList<>(applied), Duration.ofSeconds(30));
            assertThat(client.status().spill().depth()).isZero();
        }

        long expectedTotal = 0;
        for (int w = 0; w < WRITERS; w++) {
            int n = done[w].get();
            List<String> expected = IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.toList());
            assertThat(list(redis, "ow:list:" + w)).as("writer %d's list", w).isEqualTo(expected);
            assertThat(get(redis, "ow:count:" + w)).as("writer %d's counter", w).isEqualTo(Integer.toString(n));
            assertThat(get(redis, "ow:last:" + w)).as("writer %d's last set", w).isEqualTo(Integer.toString(n - 1));
            expectedTotal += (long) n * (n + 1) / 2;
        }
        assertThat(get(redis, "ow:total")).isEqualTo(Long.toString(expectedTotal));
        assertThat(events).extracting(FailoverEvent::type).contains(FailoverEvent.Type.ENDPOINT_DOWN,
                FailoverEvent.Type.SPILL_STARTED, FailoverEvent.Type.REPLAY_STARTED, FailoverEvent.Type.REPLAY_DONE);
        System.out.printf("[measure] workload: %d writers, %d writes written directly, %d spilled%n",
                WRITERS, written.get(), spilled.get());
    }
}
