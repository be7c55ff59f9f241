package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;

import static io.resilientredis.failover.spi.EngineFixture.APPLIER;
import static io.resilientredis.failover.spi.EngineFixture.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.failover.spill.SpillStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The engine with a real spill store and a fake endpoint: spill, ordered replay, maintenance, poison writes. */
class SpillReplayTest {

    @RegisterExtension
    final EngineFixture fx = new EngineFixture();

    @TempDir
    Path dir;

    private final FakeRedis redis = new FakeRedis("redis://fake:6379");
    private FailoverEngine<FakeRedis> engine;

    private FailoverEngine<FakeRedis> engine(SpillStoreConfig store) {
        return fx.start(fx.builder(redis)
                .spill(store, APPLIER, ReplaySettings.builder().batchSize(7).maxWritesPerSecond(0).build()));
    }

    @Test
    void anOutageCostsWritersNothingAndReplayKeepsEachWritersOrder() throws Exception {
        engine = engine(SpillStoreConfig.builder(dir).build());
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<WriteReceipt<String>> spilled = new CopyOnWriteArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        if (writer == 0 && i == 100) {
                            redis.down();
                        }
                        if (writer == 0 && i == 200) {
                            redis.up();
                        }
                        WriteReceipt<String> r = fx.join(engine.write(append("w" + writer + "-" + i)));
                        if (r.status() == WriteStatus.SPILLED) {
                            spilled.add(r);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // no writer saw an exception
            }
        } finally {
            writers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.status().spill().depth() == 0
                && engine.status().spill().pendingAppends() == 0);
        assertThat(spilled).isNotEmpty();
        for (WriteReceipt<String> r : spilled) {
            r.applied().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        List<String> log = new ArrayList<>(redis.log);
        // Every write once (the fake applies a write whose failure was a refusal zero times)...
        assertThat(log).hasSize(1200).doesNotHaveDuplicates();
        // ...and each writer's writes in its order.
        for (int w = 0; w < 4; w++) {
            String prefix = "w" + w + "-";
            List<Integer> order = log.stream().filter(v -> v.startsWith(prefix))
                    .map(v -> Integer.parseInt(v.substring(prefix.length()))).toList();
            assertThat(order).isSorted().hasSize(300);
        }
        assertThat(fx.events).extracting(FailoverEvent::type)
                .contains(FailoverEvent.Type.SPILL_STARTED, FailoverEvent.Type.REPLAY_STARTED,
                        FailoverEvent.Type.REPLAY_DONE);
        assertThat(engine.status().spill().replayedTotal()).isEqualTo(spilled.size());
    }

    @Test
    void awaitSpillDrainedWaitsForTheReplayAndIsBounded() throws Exception {
        engine = engine(SpillStoreConfig.builder(dir).build());
        assertThat(engine.awaitSpillDrained(Duration.ofMillis(1))).as("nothing spilled").isTrue();
        redis.down();
        List<WriteReceipt<String>> spilled = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            spilled.add(fx.join(engine.write(append("d" + i))));
        }
        assertThat(spilled).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
        long start = System.nanoTime();
        assertThat(engine.awaitSpillDrained(Duration.ofMillis(300))).as("Redis still down").isFalse();
        assertThat(System.nanoTime() - start).as("waited about its bound").isGreaterThanOrEqualTo(
                TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(engine.status().spill().depth()).isEqualTo(50);
        redis.up();
        assertThat(engine.awaitSpillDrained(Duration.ofSeconds(20))).as("drained once Redis is back").isTrue();
        for (WriteReceipt<String> r : spilled) {
            assertThat(r.applied().toCompletableFuture().isDone()).isTrue();
        }
    }

    @Test
    void underSteadyLoadTheClientReturnsToDirectWritesAfterTheBacklogDrains() throws Exception {
        // New writes join the backlog about as fast as it drains; without the handover gate the
        // backlog never reaches zero and every write keeps being spilled long after Redis is back.
        // Each replayed batch takes a few milliseconds, as a round trip to Redis does; writers
        // spill meanwhile, so the backlog drains fast but almost never finds itself empty.
        ReplayApplier<FakeRedis> roundTrip = (c, entries) -> CompletableFuture
                .runAsync(() -> { }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS))
                .thenCompose(x -> APPLIER.apply(c, entries));
        engine = fx.start(fx.builder(redis)
                .spill(SpillStoreConfig.builder(dir).build(), roundTrip,
                        ReplaySettings.builder().batchSize(500).maxWritesPerSecond(0).build()));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong writtenAfterUp = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
        int[] counts = new int[4];
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int w = 0; w < 4; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        WriteReceipt<String> r = fx.join(engine.write(append("s" + writer + "-" + i)));
                        if (up.get() && r.status() == WriteStatus.WRITTEN) {
                            writtenAfterUp.incrementAndGet();
                        }
                        counts[writer] = i + 1;
                    }
                    return null;
                }));
            }
            redis.down();
            await().atMost(Duration.ofSeconds(20)).until(() -> engine.status().spill().depth() >= 300);
            redis.up();
            up.set(true);
            await("direct writes again under load").atMost(Duration.ofSeconds(20))
                    .until(() -> writtenAfterUp.get() >= 200);
        } finally {
            stop.set(true);
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS); // no writer saw an exception
            }
            writers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.status().spill().depth() == 0
                && engine.status().spill().pendingAppends() == 0);
        List<String> log = new ArrayList<>(redis.log);
        assertThat(log).doesNotHaveDuplicates();
        for (int w = 0; w < 4; w++) {
            String prefix = "s" + w + "-";
            List<Integer> order = log.stream().filter(v -> v.startsWith(prefix))
                    .map(v -> Integer.parseInt(v.substring(prefix.length()))).toList();
            assertThat(order).isEqualTo(java.util.stream.IntStream.range(0, counts[w]).boxed().toList());
        }
    }

    @Test
    void theRateLimitCapsTheReplayRateWithoutPausingAfterEveryBatch() {
        // Batches of 100 that take 100 ms to apply, under a limit of 1,000 writes/s (a 100 ms slot
        // per batch). The limit should cost nothing here: 10 batches in about 1 s. Counting each slot
        // from the batch's end instead would add a pause per batch: at least 1.9 s.
        ReplayApplier<FakeRedis> slowApply = (c, entries) -> CompletableFuture
                .runAsync(() -> { }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
                .thenCompose(x -> APPLIER.apply(c, entries));
        engine = fx.start(fx.builder(redis)
                .spill(SpillStoreConfig.builder(dir).build(), slowApply,
                        ReplaySettings.builder().batchSize(100).maxWritesPerSecond(1000).build()));
        engine.maintenance(true);
        List<CompletableFuture<WriteReceipt<String>>> receipts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            receipts.add(engine.write(append("r" + i)));
        }
        CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        long start = System.nanoTime();
        engine.maintenance(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> redis.log.size() == 1000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[measure] 1,000 writes replayed under a 1,000/s limit with 100 ms batches in %d ms%n", millis);
        assertThat(millis).as("drain time: the limit alone allows ~1,000 ms; a pause per batch makes it >= 1,900 ms")
                .isLessThan(1700);
    }

    @Test
    void maintenanceModeSpillsWritesAndReplaysThemWhenSwitchedOff() {
        engine = engine(SpillStoreConfig.builder(dir).build());
        engine.maintenance(true);
        for (int i = 0; i < 20; i++) {
            assertThat(fx.join(engine.write(append("m" + i))).status()).isEqualTo(WriteStatus.SPILLED);
        }
        assertThat(redis.log).isEmpty();
        assertThat(engine.status().spill().depth()).isEqualTo(20);
        assertThat(engine.status().maintenance()).isTrue();

        engine.maintenance(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.log.size() == 20);
        assertThat(redis.log).containsExactly(
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> "m" + i).toArray(String[]::new));
        // Back to direct writes once the backlog is gone.
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.status().spill().depth() == 0);
        assertThat(fx.join(engine.write(append("direct"))).status()).isEqualTo(WriteStatus.WRITTEN);
        assertThat(fx.events).extracting(FailoverEvent::type)
                .contains(FailoverEvent.Type.MAINTENANCE_ON, FailoverEvent.Type.MAINTENANCE_OFF);
    }

    @Test
    void aWriteRedisRejectsOnReplayIsReportedAndDoesNotBlockTheRest() throws Exception {
        engine = engine(SpillStoreConfig.builder(dir).build());
        engine.maintenance(true);
        fx.join(engine.write(append("a")));
        WriteReceipt<String> poison = fx.join(engine.write(append("poison-1")));
        fx.join(engine.write(append("b")));
        engine.maintenance(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.log.size() == 2);
        assertThat(redis.log).containsExactly("a", "b");
        assertThat(poison.applied().toCompletableFuture().handle((v, t) -> t).get(5, TimeUnit.SECONDS))
                .isInstanceOf(RedisCommandException.class).hasMessageContaining("WRONGTYPE");
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.status().spill().rejectedTotal() == 1);
        assertThat(fx.events).anyMatch(e -> e.type() == FailoverEvent.Type.REPLAY_REJECTED
                && e.detail().contains("poison-1"));
    }

    @Test
    void aBacklogLeftByAnEarlierRunIsReplayedFirst() {
        engine = engine(SpillStoreConfig.builder(dir).build());
        engine.maintenance(true);
        fx.join(engine.write(append("old-1")));
        fx.join(engine.write(append("old-2")));
        engine.close();
        engine = null;
        assertThat(redis.log).isEmpty();

        engine = engine(SpillStoreConfig.builder(dir).build());
        // New writes queue behind the backlog, then everything is applied in order.
        fx.join(engine.write(append("new-1")));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.log.size() == 3);
        assertThat(redis.log).containsExactly("old-1", "old-2", "new-1");
    }

    @Test
    void aFullStoreRejectsWithTheBoundsInTheMessage() {
        engine = engine(SpillStoreConfig.builder(dir).maxEntries(3).build());
        engine.maintenance(true);
        for (int i = 0; i < 3; i++) {
            fx.join(engine.write(append("x" + i)));
        }
        Throwable failure = engine.write(append("x3")).handle((v, t) -> Failures.unwrap(t)).join();
        assertThat(failure).isInstanceOf(io.resilientredis.failover.spill.SpillFullException.class)
                .hasMessageContaining("3");
    }
}
