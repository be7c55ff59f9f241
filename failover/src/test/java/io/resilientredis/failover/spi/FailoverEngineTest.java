package io.resilientredis.failover.spi;

import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisConfigurationException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.RedisWriteRefusedException;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;

import static io.resilientredis.failover.spi.EngineFixture.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FailoverEngineTest {

    /** Opens on half of three calls failing within 2 s; two trial calls close it again. */
    private static final BreakerSettings BREAKER = BreakerSettings.builder()
            .failureRate(50, 3)
            .window(Duration.ofSeconds(2))
            .openDelay(Duration.ofMillis(150))
            .halfOpenTrials(2)
            .probeInterval(Duration.ofMillis(20))
            .build();

    @RegisterExtension
    final EngineFixture fx = new EngineFixture(Duration.ofSeconds(5));

    private final FakeRedis primary = new FakeRedis("redis://primary:6379");
    private final FakeRedis standby = new FakeRedis("redis://standby:6379");
    private FailoverEngine<FakeRedis> engine;

    private FailoverEngine.Builder<FakeRedis> builder() {
        return fx.builder(primary, standby)
                .breaker(BREAKER)
                .retry(RetrySettings.builder().maxAttempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(10)).build())
                .failbackGrace(Duration.ofMillis(400));
    }

    @Test
    void callsGoToThePrimaryWhileItIsHealthy() {
        engine = fx.start(builder());
        WriteReceipt<String> receipt = fx.join(engine.write(set("k", "v")));
        assertThat(receipt.status()).isEqualTo(WriteStatus.WRITTEN);
        assertThat(receipt.reply()).isEqualTo("OK");
        String read = fx.join(engine.read(c -> c.get("k")));
        assertThat(read).isEqualTo("v");
        assertThat(primary.data).containsEntry("k", "v");
        assertThat(standby.data).isEmpty();
        assertThat(engine.status().activeEndpoint()).isEqualTo("redis://primary:6379");
    }

    @Test
    void failsOverToTheStandbyAndBackAfterTheGracePeriod() {
        engine = fx.start(builder());
        primary.down();
        // Writes fail on the primary (retries stay there) until its breaker opens; then they go to the standby.
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
            fx.join(engine.write(set("k", "v")));
            assertThat(engine.status().activeEndpoint()).isEqualTo("redis://standby:6379");
        });
        assertThat(standby.data).containsEntry("k", "v");
        // Events are delivered on the engine thread, a moment later.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fx.eventTypes())
                .contains(FailoverEvent.Type.ENDPOINT_DOWN, FailoverEvent.Type.SWITCHED));

        primary.up();
        // The probe closes the primary's breaker without user traffic; failback waits for the grace.
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.eventTypes().contains(FailoverEvent.Type.ENDPOINT_UP));
        assertThat(engine.status().activeEndpoint()).isEqualTo("redis://standby:6379");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "redis://primary:6379".equals(engine.status().activeEndpoint()));
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.eventTypes().contains(FailoverEvent.Type.FAILED_BACK));
        fx.join(engine.write(set("k2", "v2")));
        assertThat(primary.data).containsEntry("k2", "v2");
    }

    @Test
    void aFlappingPrimaryCausesABoundedNumberOfSwitches() throws Exception {
        engine = fx.start(builder().failbackGrace(Duration.ofSeconds(1)));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        boolean down = false;
        long nextFlip = System.nanoTime();
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextFlip) {
                down = !down;
                if (down) {
                    primary.down();
                } else {
                    primary.up();
                }
                nextFlip = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
            }
            // Without a spill store, writes made while the primary's breaker is still closed fail;
            // only the switching is under test here.
            engine.write(set("k", "v")).exceptionally(t -> null).join();
        }
        primary.up();
        long switches = fx.events.stream()
                .filter(e -> e.type() == FailoverEvent.Type.SWITCHED || e.type() == FailoverEvent.Type.FAILED_BACK)
                .count();
        // 20 flips in 3 s; with a 1 s grace the primary is not taken back while it flaps: one switch
        // away, and at most one failback should the machine stall a flip past the grace.
        assertThat(switches).as("switches in %s", fx.eventTypes()).isLessThanOrEqualTo(2);
    }

    @Test
    void readsFailFastOnceEveryBreakerIsOpen() {
        engine = fx.start(builder());
        primary.down();
        standby.down();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.status().activeEndpoint() == null);
        int callsBefore = primary.calls.get() + standby.calls.get();

        assertThatThrownBy(() -> fx.join(engine.read(c -> c.get("k"))))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("redis://primary:6379 breaker OPEN since")
                .hasMessageContaining("redis://standby:6379 breaker OPEN since")
                .hasMessageContaining("Connection refused");
        // Not one call reached an endpoint: the breakers refused it.
        assertThat(primary.calls.get() + standby.calls.get()).isEqualTo(callsBefore);
        RedisUnavailableException e = (RedisUnavailableException) engine.read(c -> c.get("k"))
                .handle((v, t) -> Failures.unwrap(t)).join();
        assertThat(e.endpoints()).extracting(EndpointStatus::state).containsOnly(BreakerState.OPEN);
    }

    @Test
    void withoutAFallbackAWriteNoEndpointTakesFailsWithUnavailable() {
        engine = fx.start(builder());
        primary.down();
        standby.down();
        assertThatThrownBy(() -> fx.join(engine.write(set("k", "v"))))
                .cause()
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageStartingWith("No Redis endpoint could take the write");
    }

    @Test
    void callerErrorsAreThrownAndNeverOpenTheBreaker() {
        engine = fx.start(builder());
        primary.replyWithError("WRONGTYPE Operation against a key holding the wrong kind of value");
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> fx.join(engine.read(c -> c.get("k"))))
                    .cause()
                    .isInstanceOf(RedisCommandException.class)
                    .hasMessageContaining("WRONGTYPE");
        }
        assertThat(engine.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
        // Each caller error was one call: no retries.
        assertThat(primary.calls.get()).isEqualTo(20);
    }

    @Test
    void configurationErrorsNameTheEndpointAndTheFix() {
        engine = fx.start(builder());
        primary.replyWithError("WRONGPASS invalid username-password pair or user is disabled.");
        assertThatThrownBy(() -> fx.join(engine.write(set("k", "v"))))
                .cause()
                .isInstanceOf(RedisConfigurationException.class)
                .hasMessageContaining("redis://primary:6379")
                .hasMessageContaining("WRONGPASS")
                .hasMessageContaining("Fix: the username or password");
        assertThat(engine.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void outOfMemoryIsAWriteRefusalNotAnOutage() {
        engine = fx.start(builder());
        primary.replyWithError("OOM command not allowed when used memory > 'maxmemory'.");
        assertThatThrownBy(() -> fx.join(engine.write(set("k", "v"))))
                .cause()
                .isInstanceOf(RedisWriteRefusedException.class)
                .hasMessageContaining("maxmemory");
        assertThat(standby.data).isEmpty();
    }

    @Test
    void aTransientFailureIsRetriedWithinTheBudget() {
        engine = fx.start(builder());
        AtomicLong attempts = new AtomicLong();
        String value = fx.join(engine.read(c -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new RuntimeException("LOADING Redis is loading the dataset"))
                : c.get("missing").thenApply(v -> "second attempt")));
        assertThat(value).isEqualTo("second attempt");
        assertThat(attempts.get()).isEqualTo(2);
    }

    @Test
    void aReadStartsNoRetryThatCouldNotFinishWithinTheRetryBudget() {
        // Each attempt times out after the call timeout; the budget leaves room for the first only.
        engine = fx.start(builder().callTimeout(Duration.ofMillis(300))
                .retry(RetrySettings.builder().maxAttempts(3).backoff(Duration.ofMillis(5), Duration.ofMillis(10))
                        .maxDuration(Duration.ofMillis(500)).build()));
        AtomicLong attempts = new AtomicLong();
        assertThatThrownBy(() -> fx.join(engine.read(c -> {
            attempts.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> (String) null,
                            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> CompletableFuture.<String>failedFuture(new java.net.SocketTimeoutException("timed out")));
        }))).hasCauseInstanceOf(RedisUnavailableException.class);
        assertThat(attempts.get()).as("a second 300 ms attempt would end past the 500 ms budget").isEqualTo(1);
        // A fast failure leaves room: the same budget allows the retry.
        AtomicLong fast = new AtomicLong();
        String value = fx.join(engine.read(c -> fast.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new java.net.SocketException("Connection reset"))
                : c.get("missing").thenApply(v -> "retried")));
        assertThat(value).isEqualTo("retried");
    }

    @Test
    void equalBackoffBoundsMeanAFixedRetryDelay() {
        engine = fx.start(builder().retry(RetrySettings.builder().maxAttempts(2)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(20)).jitter(0).build()));
        AtomicLong attempts = new AtomicLong();
        String value = fx.join(engine.read(c -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new RuntimeException("LOADING Redis is loading the dataset"))
                : c.get("missing").thenApply(v -> "second attempt")));
        assertThat(value).isEqualTo("second attempt");
        assertThat(attempts.get()).isEqualTo(2);
    }

    @Test
    void readsMayFallBackToAReplicaPathWhenAllowed() {
        FakeRedis replicas = new FakeRedis("replicas");
        replicas.data.put("k", "stale");
        engine = fx.start(FailoverEngine.<FakeRedis>builder()
                .endpoint(primary.endpoint().withReplicaReads(replicas))
                .breaker(BREAKER)
                .retry(RetrySettings.none())
                .replicaReads(true));
        primary.down();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.status().activeEndpoint() == null);
        String read = fx.join(engine.read(c -> c.get("k")));
        assertThat(read).isEqualTo("stale");
        assertThat(engine.status().endpoints()).extracting(EndpointStatus::role).containsExactly("master", "replicas");
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        List<FailoverEvent> seen = new CopyOnWriteArrayList<>();
        engine = fx.start(builder().listener(e -> {
            throw new IllegalStateException("listener bug");
        }).listener(seen::add));
        engine.maintenance(false);
        primary.down();
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertThat(seen.get(0).type()).isEqualTo(FailoverEvent.Type.ENDPOINT_DOWN);
    }

    @Test
    void aProbeThatBlocksItsThreadHoldsUpNeitherRetriesNorEvents() throws Exception {
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Like a client that connects lazily on its first call, to an endpoint that answers slowly.
        Endpoint<FakeRedis> blocking = Endpoint.of("redis://primary:6379", primary, c -> {
            probing.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return c.ping();
        });
        engine = fx.start(FailoverEngine.<FakeRedis>builder().endpoint(blocking).endpoint(standby.endpoint()).breaker(BREAKER)
                .retry(RetrySettings.builder().maxAttempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(10)).build())
                .listener(fx.events::add));
        try {
            assertThat(probing.await(5, TimeUnit.SECONDS)).as("a probe started and blocks").isTrue();

            AtomicLong attempts = new AtomicLong();
            String value = engine.read(c -> attempts.incrementAndGet() == 1
                            ? CompletableFuture.<String>failedFuture(new RuntimeException("LOADING Redis is loading"))
                            : CompletableFuture.completedFuture("retried"))
                    .get(5, TimeUnit.SECONDS);
            assertThat(value).as("the retry delay ran while the probe blocked").isEqualTo("retried");

            primary.down();
            // Writes fail until the breaker opens (retries stay on the primary); then they go to the standby.
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
                fx.join(engine.write(set("k", "v")));
                assertThat(fx.eventTypes()).contains(FailoverEvent.Type.ENDPOINT_DOWN, FailoverEvent.Type.SWITCHED);
            });
        } finally {
            release.countDown();
        }
    }

    @Test
    void closeStopsTheEngineThread() {
        engine = fx.start(builder());
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("resilient-redis-engine"));
        engine.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("resilient-redis-engine") && t.isAlive()));
    }
}
