package io.resilientredis.chaos.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisBatch;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.micrometer.ResilientRedisMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binder's meters against a real Redis behind a fault proxy: calls by outcome, the breaker
 * opening and closing, the spill store filling during an outage and draining after it, a job
 * queue's figures read in the background, and the names Prometheus sees.
 */
class MetricsBinderTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @AfterEach
    void heal() {
        chaos.get().resetAll();
    }

    static ResilientRedis.Builder client(ChaosTopology topology) {
        return ResilientRedis.builder()
                .primary(topology.primaryEndpoint())
                .timeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofSeconds(2))
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(500)).build());
    }

    @Test
    void metersFollowCallsTheBreakerAndTheSpillThroughAnOutage() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ResilientRedis redis = client(chaos.get()).spill(spillDir).build();
             ResilientRedisMetrics metrics = ResilientRedisMetrics.builder(redis)
                     .queueRefresh(Duration.ofMillis(100)).build()) {
            metrics.bindTo(registry);
            String endpoint = redis.status().endpoints().get(0).name();

            for (int i = 0; i < 5; i++) {
                redis.set("mb:" + i, "v");
            }
            redis.async().incrBy("mb:n", 1).toCompletableFuture().join();
            assertThat(redis.get("mb:0")).isEqualTo("v");
            assertThatThrownBy(() -> redis.lpush("mb:0", "x")).isInstanceOf(RedisCommandException.class);
            assertThat(commands(registry, "set", endpoint, "written").count()).isEqualTo(5);
            assertThat(commands(registry, "incrby", endpoint, "written").count()).isEqualTo(1);
            assertThat(commands(registry, "get", endpoint, "read").count()).isEqualTo(1);
            assertThat(commands(registry, "lpush", endpoint, "caller_error").count()).isEqualTo(1);
            assertThat(commands(registry, "set", endpoint, "written").totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(gauge(registry, "resilientredis.breaker.state", "state", "closed")).isEqualTo(1);
            assertThat(gauge(registry, "resilientredis.breaker.state", "state", "open")).isZero();
            assertThat(gauge(registry, "resilientredis.breaker.state", "state", "half_open")).isZero();
            assertThat(gauge(registry, "resilientredis.endpoint.active", "endpoint", endpoint)).isEqualTo(1);

            JobQueue queue = redis.queue("mbq");
            queue.enqueue("a");
            queue.enqueue("b");
            await("the queue's depth, read in the background").atMost(Duration.ofSeconds(10))
                    .until(() -> gauge(registry, "resilientredis.queue.depth", "queue", "mbq") == 2);

            chaos.get().disableAll();
            await("writes spill and the breaker opens").atMost(Duration.ofSeconds(20)).until(() -> {
                redis.set("mb:outage", "w");
                return gauge(registry, "resilientredis.breaker.state", "state", "open") == 1;
            });
            for (int i = 0; i < 20; i++) {
                assertThat(redis.set("mb:o:" + i, "w").status()).isEqualTo(WriteStatus.SPILLED);
            }
            assertThatThrownBy(() -> redis.get("mb:0")).isInstanceOf(RedisUnavailableException.class);
            assertThat(commands(registry, "get", "none", "unavailable").count()).isEqualTo(1);
            assertThat(commands(registry, "set", "none", "spilled").count()).isGreaterThanOrEqualTo(20);
            // Gauges share one snapshot of the client for 100 ms, so that a scrape is consistent.
            await("the spill depth gauge").atMost(Duration.ofSeconds(2))
                    .until(() -> gauge(registry, "resilientredis.spill.depth", null, null) >= 20);
            assertThat(gauge(registry, "resilientredis.endpoint.active", "endpoint", endpoint)).isZero();
            assertThat(gauge(registry, "resilientredis.spill.bytes", null, null)).isPositive();
            assertThat(registry.get("resilientredis.spill.appends").functionCounter().count())
                    .isGreaterThanOrEqualTo(20);
            assertThat(registry.get("resilientredis.breaker.transitions").tag("state", "open").counter().count())
                    .isEqualTo(1);
            await("the oldest spilled write ages").atMost(Duration.ofSeconds(5))
                    .until(() -> registry.get("resilientredis.spill.oldest.age").timeGauge()
                            .value(TimeUnit.MILLISECONDS) > 100);
            // The queue's figures stay those last read: no scrape waits for a Redis that is down.
            assertThat(gauge(registry, "resilientredis.queue.depth", "queue", "mbq")).isEqualTo(2);
            String during = registry.scrape();
            assertThat(during).contains("resilientredis_spill_depth ", "resilientredis_spill_oldest_age_seconds ",
                    "resilientredis_breaker_state{endpoint=", "resilientredis_queue_depth{queue=\"mbq\"} 2");

            chaos.get().resetAll();
            await("the backlog drains").atMost(Duration.ofSeconds(30))
                    .until(() -> gauge(registry, "resilientredis.spill.depth", null, null) == 0);
            assertThat(registry.get("resilientredis.spill.replayed").functionCounter().count())
                    .isGreaterThanOrEqualTo(20);
            assertThat(registry.get("resilientredis.spill.rejected").functionCounter().count()).isZero();
            await("the breaker closes").atMost(Duration.ofSeconds(10))
                    .until(() -> gauge(registry, "resilientredis.breaker.state", "state", "closed") == 1);
            assertThat(registry.get("resilientredis.breaker.transitions").tag("state", "closed").counter().count())
                    .isEqualTo(1);
            assertThat(gauge(registry, "resilientredis.spill.oldest.age", null, null)).isZero();

            String after = registry.scrape();
            assertThat(after).contains("resilientredis_commands_seconds_count{command=\"set\"",
                    "resilientredis_spill_replayed_total ", "resilientredis_spill_rejected_total 0",
                    "resilientredis_spill_appends_total ", "resilientredis_breaker_transitions_total{",
                    "resilientredis_spill_degraded 0", "resilientredis_spill_quarantined 0",
                    "resilientredis_journal_overflowed_total 0", "resilientredis_queue_in_flight{queue=\"mbq\"} 0");
        }
    }

    @Test
    void aClientTakesOneBinderAndAClosedBinderStopsObserving() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ResilientRedis redis = client(chaos.get()).build()) {
            ResilientRedisMetrics metrics = ResilientRedisMetrics.of(redis);
            metrics.bindTo(registry);
            assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("CompositeMeterRegistry");
            SimpleMeterRegistry second = new SimpleMeterRegistry();
            assertThatThrownBy(() -> ResilientRedisMetrics.of(redis).bindTo(second))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("one binder per client");
            assertThat(second.getMeters()).as("the refused binder's meters").isEmpty();
            redis.set("mb:one", "1");
            metrics.close();
            redis.set("mb:one", "2");
            assertThat(registry.get("resilientredis.commands").tag("command", "set").timer().count()).isEqualTo(1);
            assertThat(registry.find("resilientredis.commands").tag("command", "set").timers()).hasSize(1);
            assertThat(threadsNamed("resilient-redis-metrics-")).isZero();
        }
    }

    @Test
    void aBatchCountsAsOneCallByItsOutcomeAndItsOperationsAreNotCountedOneByOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ResilientRedis redis = client(chaos.get()).spill(spillDir).build();
             ResilientRedisMetrics metrics = ResilientRedisMetrics.of(redis)) {
            metrics.bindTo(registry);
            String endpoint = redis.status().endpoints().get(0).name();

            RedisBatch<String, String> direct = redis.batch();
            direct.set("mbb:a", "1");
            direct.incrBy("mbb:n", 2);
            CompletionStage<String> read = direct.get("mbb:a");
            assertThat(direct.send().toCompletableFuture().join()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(read.toCompletableFuture().join()).isEqualTo("1");
            assertThat(commands(registry, "batch", endpoint, "written").count()).isEqualTo(1);

            RedisBatch<String, String> reads = redis.batch();
            reads.get("mbb:a");
            reads.get("mbb:n");
            reads.send().toCompletableFuture().join();
            assertThat(commands(registry, "batch", endpoint, "read").count()).isEqualTo(1);
            assertThat(registry.find("resilientredis.commands").tag("command", "set").timers())
                    .as("a batch's operations are counted with the batch, not one by one").isEmpty();
            assertThat(registry.find("resilientredis.commands").tag("command", "get").timers()).isEmpty();

            chaos.get().disableAll();
            RedisBatch<String, String> outage = redis.batch();
            outage.set("mbb:b", "2");
            outage.incrBy("mbb:n", 3);
            assertThat(outage.send().toCompletableFuture().join()).isEqualTo(WriteStatus.SPILLED);
            assertThat(registry.find("resilientredis.commands").tag("command", "batch").tag("outcome", "spilled")
                    .timers()).singleElement().satisfies(t -> assertThat(t.count()).isEqualTo(1));
            assertThat(registry.find("resilientredis.commands").tag("command", "batch").timers()
                    .stream().mapToLong(Timer::count).sum()).as("three sends, three calls").isEqualTo(3);
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix))
                .filter(Thread::isAlive).count();
    }

    private static Timer commands(MeterRegistry registry, String command, String endpoint, String outcome) {
        return registry.get("resilientredis.commands").tag("command", command).tag("endpoint", endpoint)
                .tag("outcome", outcome).timer();
    }

    private static double gauge(MeterRegistry registry, String name, String tag, String value) {
        Meter m = tag == null ? registry.get(name).meter() : registry.get(name).tag(tag, value).meter();
        return m.measure().iterator().next().getValue();
    }
}
