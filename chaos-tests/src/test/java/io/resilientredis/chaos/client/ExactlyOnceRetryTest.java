package io.resilientredis.chaos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An INCRBY whose reply is delayed past the call timeout (a downstream latency toxic: the command reaches
 * Redis and is applied, only the reply is late) has an unknown outcome, so the engine retries it; the
 * exactly-once marker makes every retry, and a replay from the spill store, a no-op on Redis. Redis's own
 * counters show how many attempts arrived and that the value moved once.
 */
class ExactlyOnceRetryTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final long REPLY_DELAY_MS = 600;

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @AfterEach
    void reset() throws IOException {
        chaos.get().resetAll();
        redis("FLUSHALL");
        redis("CONFIG", "RESETSTAT");
    }

    private static Proxy proxy() {
        return chaos.get().proxy(chaos.get().topology().primary());
    }

    private static ResilientRedis.Builder client(RetrySettings retry) {
        return ResilientRedis.builder()
                .primary(chaos.get().primaryEndpoint())
                .timeout(TIMEOUT)
                .connectTimeout(TIMEOUT)
                .retry(retry);
    }

    @Test
    void aTimedOutIncrRetriedWhileRepliesStayLateIsAppliedOnceAndReportedUnavailable() throws Exception {
        try (ResilientRedis redis = client(RetrySettings.defaults()).build()) {
            warmUp(redis);
            proxy().toxics().latency("late-replies", ToxicDirection.DOWNSTREAM, REPLY_DELAY_MS);

            RedisUnavailableException e = catchThrowableOfType(RedisUnavailableException.class,
                    () -> redis.incrBy("counter", 1));

            assertThat(e).as("no attempt got a reply in time, so the caller learns the outcome is unknown")
                    .isNotNull().hasMessageContaining("No Redis endpoint could take the write");
            assertThat(scriptRuns()).as("attempts that reached Redis").isGreaterThanOrEqualTo(2);
            assertThat(redis("GET", "counter")).as("applied exactly once").isEqualTo("1");
            System.out.printf("[measure] INCRBY with replies %d ms late: %d attempts reached Redis, value 1%n",
                    REPLY_DELAY_MS, scriptRuns());
        }
    }

    @Test
    void aTimedOutIncrRetriedAfterRepliesAreOnTimeAgainIsWrittenOnceWithTheFirstAttemptsReply() throws Exception {
        // A backoff long enough for the test to remove the toxic between the first attempt's timeout and the retry.
        RetrySettings slowRetry = RetrySettings.builder().maxAttempts(2).backoff(Duration.ofMillis(1_500),
                Duration.ofMillis(1_500)).jitter(0).maxDuration(Duration.ofSeconds(10)).build();
        // The late health probes must not open the breaker before the retry: this test is about the retry.
        BreakerSettings tolerant = BreakerSettings.builder().failureRate(100, 50).build();
        try (ResilientRedis redis = client(slowRetry).breaker(tolerant).build()) {
            warmUp(redis);
            assertThat(redis.incrBy("counter", 1).reply()).isEqualTo(1L);
            proxy().toxics().latency("late-replies", ToxicDirection.DOWNSTREAM, REPLY_DELAY_MS);

            CompletableFuture<WriteReceipt<Long>> call = redis.async().incrBy("counter", 10).toCompletableFuture();
            await("the first attempt to time out").atMost(Duration.ofSeconds(10))
                    .until(() -> redis.status().endpoints().get(0).lastFailure() != null);
            assertThat(call).as("waiting for its retry").isNotDone();
            assertThat(redis("GET", "counter")).as("the first attempt landed").isEqualTo("11");
            proxy().toxics().get("late-replies").remove();

            WriteReceipt<Long> receipt = call.get(20, TimeUnit.SECONDS);
            assertThat(receipt.status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(receipt.reply()).as("the retry returns the reply the first attempt produced").isEqualTo(11L);
            assertThat(redis("GET", "counter")).as("the retry added nothing").isEqualTo("11");
            assertThat(scriptRuns()).as("the first incr, the timed-out attempt and its retry").isEqualTo(3);
            assertThat(redis.incrBy("counter", 1).reply()).as("a new write applies normally").isEqualTo(12L);
        }
    }

    @Test
    void aTimedOutIncrThatExhaustsItsRetriesIsSpilledAndReplayedWithoutApplyingTwice(@TempDir Path spill)
            throws Exception {
        try (ResilientRedis redis = client(RetrySettings.defaults()).spill(spill).build()) {
            warmUp(redis);
            proxy().toxics().latency("late-replies", ToxicDirection.DOWNSTREAM, REPLY_DELAY_MS);

            WriteReceipt<Long> receipt = redis.incrBy("counter", 1);

            assertThat(receipt.status()).isEqualTo(WriteStatus.SPILLED);
            assertThat(redis("GET", "counter")).as("an attempt landed before the write was spilled").isEqualTo("1");
            assertThat(redis("EXISTS", io.resilientredis.client.internal.Markers.key(receipt.id(), "counter"))).as("its marker, under the receipt's id")
                    .isEqualTo(1L);
            assertThat(redis.status().spill().depth()).isEqualTo(1);
            long attemptsBeforeReplay = scriptRuns();

            proxy().toxics().get("late-replies").remove();
            receipt.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);

            // Applied in Redis; its entry leaves the spill store when the (background) delete commits.
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.status().spill().depth() == 0);
            assertThat(scriptRuns()).as("the replay reached Redis").isGreaterThan(attemptsBeforeReplay);
            assertThat(redis("GET", "counter")).as("replayed under the same id: applied once in all").isEqualTo("1");
            assertThat(redis.incrBy("counter", 1).status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis("GET", "counter")).isEqualTo("2");
        }
    }

    @Test
    void everyExactlyOnceOperationTimedOutAfterLandingIsSpilledAndReplayedOnce(@TempDir Path spill) throws Exception {
        // The late replies must not open the breaker: every write is to reach Redis, then be spilled.
        BreakerSettings tolerant = BreakerSettings.builder().failureRate(100, 50).build();
        try (ResilientRedis redis = client(RetrySettings.none()).breaker(tolerant).spill(spill).build()) {
            warmUp(redis);
            redis.zadd("eo:z", 1.0, "m");
            redis.set("eo:gone", "x");
            io.resilientredis.client.RedisScript add = io.resilientredis.client.RedisScript.of(
                    "redis.call('INCRBY', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])");
            redis.execute(add.keys("eo:warm").args("1")); // the server knows the script by its SHA now
            // One at a time: while one waits in the spill store, later writes queue behind it unsent.
            Map<String, java.util.function.Supplier<WriteReceipt<?>>> ops = new java.util.LinkedHashMap<>();
            ops.put("ZINCRBY", () -> redis.zincrBy("eo:z", 2.0, "m"));
            ops.put("HINCRBY", () -> redis.hincrBy("eo:h", "f", 3));
            ops.put("INCRBYFLOAT", () -> redis.incrByFloat("eo:f", 0.5));
            ops.put("XADD", () -> redis.xadd("eo:x", Map.of("k", "v")));
            ops.put("GETDEL", () -> redis.getDel("eo:gone"));
            ops.put("script", () -> redis.execute(add.keys("eo:s").args("7")));
            for (Map.Entry<String, java.util.function.Supplier<WriteReceipt<?>>> op : ops.entrySet()) {
                Map<String, Object> before = state();
                proxy().toxics().latency("late-replies", ToxicDirection.DOWNSTREAM, REPLY_DELAY_MS);
                assertThat(op.getValue().get().status()).as(op.getKey() + " timed out").isEqualTo(WriteStatus.SPILLED);
                Map<String, Object> landed = state();
                assertThat(landed).as(op.getKey() + " landed before it was spilled").isNotEqualTo(before);
                proxy().toxics().get("late-replies").remove();
                assertThat(redis.awaitSpillDrained(Duration.ofSeconds(30))).isTrue();
                assertThat(state()).as(op.getKey() + " replayed under its id: not applied again").isEqualTo(landed);
            }
            assertThat(state()).isEqualTo(Map.of("z", "3", "h", "3", "f", "0.5", "x", 1L, "gone", 0L, "s", "7"));
        }
    }

    private static Map<String, Object> state() throws IOException {
        Map<String, Object> s = new java.util.TreeMap<>();
        s.put("z", String.valueOf(redis("ZSCORE", "eo:z", "m")));
        s.put("h", String.valueOf(redis("HGET", "eo:h", "f")));
        s.put("f", String.valueOf(redis("GET", "eo:f")));
        s.put("x", redis("XLEN", "eo:x"));
        s.put("gone", redis("EXISTS", "eo:gone"));
        s.put("s", String.valueOf(redis("GET", "eo:s")));
        return s;
    }

    /**
     * One exactly-once write first, as a client in service has made: Redis then knows the script by its
     * SHA. (On a fresh server the first EVALSHA's NOSCRIPT reply would be the late one, and nothing would
     * be applied before the retries: a different, simpler case.) Resets the counters afterwards.
     */
    private static void warmUp(ResilientRedis redis) throws IOException {
        assertThat(redis.incrBy("warm-up", 1).status()).isEqualTo(WriteStatus.WRITTEN);
        redis("CONFIG", "RESETSTAT");
    }

    /** Lua script executions Redis counted (EVAL and EVALSHA, minus EVALSHAs refused with NOSCRIPT). */
    private static long scriptRuns() throws IOException {
        Map<String, String> stats;
        Map<String, String> errors;
        try (RespConnection c = chaos.get().topology().primary().connect(Duration.ofSeconds(2))) {
            stats = c.info("commandstats");
            errors = c.info("errorstats");
        }
        return calls(stats.get("cmdstat_eval")) + calls(stats.get("cmdstat_evalsha"))
                - calls(errors.get("errorstat_NOSCRIPT"));
    }

    /** The {@code calls=} (or {@code count=}) figure of one commandstats / errorstats line. */
    private static long calls(String line) {
        if (line == null) {
            return 0;
        }
        for (String part : line.split(",")) {
            String[] kv = part.split("=");
            if (kv[0].equals("calls") || kv[0].equals("count")) {
                return Long.parseLong(kv[1]);
            }
        }
        throw new IllegalStateException("no call count in '" + line + "'");
    }

    private static Object redis(String... command) throws IOException {
        try (RespConnection c = chaos.get().topology().primary().connect(Duration.ofSeconds(2))) {
            return c.call(command);
        }
    }
}
