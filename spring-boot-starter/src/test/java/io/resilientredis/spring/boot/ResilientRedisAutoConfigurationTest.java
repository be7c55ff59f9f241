package io.resilientredis.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.micrometer.ResilientRedisMetrics;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * The starter in real application contexts against a real Redis behind the harness's fault proxy:
 * wiring from {@code spring.data.redis.*} and from {@code resilient-redis.*}, a full outage ridden out
 * with health UP and every accepted write in Redis once afterwards, failure analysis of a bad
 * property, and a user bean replacing the auto-configured client.
 */
class ResilientRedisAutoConfigurationTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    /** Loads the starter the way Spring Boot does: through its AutoConfiguration.imports. */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    ResilientRedisAutoConfiguration.class));

    @TempDir
    Path spillDir;

    @BeforeEach
    void freshRedis() throws IOException {
        chaos.get().resetAll();
        try (RespConnection c = direct()) {
            c.call("FLUSHALL");
        }
    }

    private static RespConnection direct() throws IOException {
        return chaos.get().topology().primary().connect(Duration.ofSeconds(2));
    }

    private static String proxied() {
        return chaos.get().clientAddress(chaos.get().topology().primary());
    }

    /** Short timeouts, so that the outage is noticed in well under a second. */
    private static String[] fastFailure() {
        return new String[] {"resilient-redis.timeout=500ms", "resilient-redis.connect-timeout=1s",
                "resilient-redis.breaker.open-delay=500ms", "resilient-redis.breaker.probe-interval=100ms"};
    }

    @Test
    void wiresTheClientFromSpringDataRedisAloneWithHealthAndMeters() {
        String[] hostPort = proxied().split(":");
        runner.withPropertyValues("spring.data.redis.host=" + hostPort[0], "spring.data.redis.port=" + hostPort[1],
                        "spring.data.redis.database=3", "resilient-redis.spill.directory=" + spillDir)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ResilientRedis.class)
                            .hasSingleBean(ResilientRedisHealthIndicator.class)
                            .hasSingleBean(ResilientRedisMetrics.class);
                    ResilientRedis redis = context.getBean(ResilientRedis.class);
                    assertThat(redis.set("sb:wired", "yes").status()).isEqualTo(WriteStatus.WRITTEN);
                    assertThat(redis.get("sb:wired")).isEqualTo("yes");
                    try (RespConnection c = direct()) {
                        c.call("SELECT", "3");
                        assertThat(c.callString("GET", "sb:wired")).isEqualTo("yes");
                    }

                    Health health = context.getBean(ResilientRedisHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("writes", "direct").containsEntry("spilling", false)
                            .containsKeys("endpoints", "activeEndpoint", "spill");
                    assertThat(health.getDetails().get("activeEndpoint").toString()).contains(hostPort[1]);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("resilientredis.spill.depth").gauge()).isNotNull();
                    assertThat(registry.find("resilientredis.commands").tag("outcome", "written").timer())
                            .isNotNull();
                });
    }

    @Test
    void wiresTheClientFromResilientRedisPropertiesBeforeSpringDataRedis() {
        runner.withPropertyValues("resilient-redis.urls=redis://" + proxied(), "spring.data.redis.port=1",
                        "resilient-redis.replay.batch-size=10", "resilient-redis.marker-ttl=1h")
                .withPropertyValues(fastFailure())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ResilientRedis redis = context.getBean(ResilientRedis.class);
                    assertThat(redis.incrBy("sb:counter", 5).status()).isEqualTo(WriteStatus.WRITTEN);
                    try (RespConnection c = direct()) {
                        assertThat(c.callString("GET", "sb:counter")).isEqualTo("5");
                        // the exactly-once marker lives resilient-redis.marker-ttl
                        Object keys = c.call("KEYS", "rr:once:*");
                        String marker = String.valueOf(((List<?>) keys).get(0));
                        assertThat(Long.parseLong(String.valueOf(c.call("TTL", marker)))).isBetween(3000L, 3600L);
                    }
                });
    }

    @Test
    void ridesOutAFullOutageHealthyAndReplaysEveryAcceptedWriteOnce() {
        runner.withPropertyValues("resilient-redis.urls=redis://" + proxied(),
                        "resilient-redis.spill.directory=" + spillDir, "resilient-redis.shutdown.drain-timeout=5s")
                .withPropertyValues(fastFailure())
                .run(context -> {
                    ResilientRedis redis = context.getBean(ResilientRedis.class);
                    ResilientRedisHealthIndicator health = context.getBean(ResilientRedisHealthIndicator.class);
                    List<WriteReceipt<Long>> accepted = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        accepted.add(redis.rpush("sb:orders", "before-" + i));
                    }

                    chaos.get().disableAll();
                    int[] n = {0};
                    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                            .until(() -> {
                                WriteReceipt<Long> r = redis.rpush("sb:orders", "outage-" + n[0]++);
                                accepted.add(r);
                                return r.status() == WriteStatus.SPILLED;
                            });
                    for (int i = 0; i < 50; i++) {
                        accepted.add(redis.rpush("sb:orders", "outage-" + n[0]++));
                    }
                    Health during = health.health();
                    assertThat(during.getStatus()).isEqualTo(Status.UP);
                    assertThat(during.getDetails()).containsEntry("writes", "spilling").containsEntry("spilling", true);
                    Map<?, ?> spill = (Map<?, ?>) during.getDetails().get("spill");
                    assertThat((Long) spill.get("depth")).isPositive();

                    chaos.get().resetAll();
                    Awaitility.await().atMost(Duration.ofSeconds(20))
                            .until(() -> redis.status().spill().depth() == 0 && health.health().getDetails()
                                    .get("writes").equals("direct"));
                    for (WriteReceipt<Long> r : accepted) {
                        r.applied().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    try (RespConnection c = direct()) {
                        List<?> stored = (List<?>) c.call("LRANGE", "sb:orders", "0", "-1");
                        List<String> expected = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            expected.add("before-" + i);
                        }
                        for (int i = 0; i < n[0]; i++) {
                            expected.add("outage-" + i);
                        }
                        assertThat(stored).map(String::valueOf).containsExactlyElementsOf(expected);
                    }
                    assertThat(accepted).hasSize(20 + n[0]);
                });
    }

    @Test
    void closingTheContextWaitsForTheBacklogWithADrainTimeout() throws IOException {
        runner.withPropertyValues("resilient-redis.urls=redis://" + proxied(),
                        "resilient-redis.spill.directory=" + spillDir, "resilient-redis.shutdown.drain-timeout=15s")
                .withPropertyValues(fastFailure())
                .run(context -> {
                    ResilientRedis redis = context.getBean(ResilientRedis.class);
                    chaos.get().disableAll();
                    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                            .until(() -> redis.set("sb:drained", "yes").status() == WriteStatus.SPILLED);
                    assertThat(redis.status().spill().depth()).isPositive();
                    chaos.get().resetAll();
                    // the context closes right after this lambda: the drain holds the close until replayed
                });
        try (RespConnection c = direct()) {
            assertThat(c.callString("GET", "sb:drained")).isEqualTo("yes");
        }
    }

    @Test
    void observationsAreInstalledWithTheApplicationsObservationRegistry() {
        runner.withBean(io.micrometer.observation.ObservationRegistry.class,
                        io.micrometer.observation.ObservationRegistry::create)
                .withPropertyValues("resilient-redis.urls=redis://" + proxied())
                .run(context -> assertThat(context).hasNotFailed()
                        .hasSingleBean(io.resilientredis.micrometer.ResilientRedisObservations.class));
    }

    @Test
    void healthIsDownOnlyWhenWritesWouldFail() {
        runner.withPropertyValues("resilient-redis.urls=redis://" + proxied(), "resilient-redis.retry.max-attempts=1",
                        "resilient-redis.breaker.minimum-calls=2")
                .withPropertyValues(fastFailure())
                .run(context -> {
                    ResilientRedis redis = context.getBean(ResilientRedis.class);
                    ResilientRedisHealthIndicator health = context.getBean(ResilientRedisHealthIndicator.class);
                    redis.set("sb:k", "v");
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);

                    chaos.get().disableAll();
                    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                            .until(() -> {
                                try {
                                    redis.set("sb:k", "v");
                                } catch (RedisUnavailableException expected) {
                                    // no spill store: the write fails, and counts against the breaker
                                }
                                return redis.status().activeEndpoint() == null;
                            });
                    long started = System.nanoTime();
                    Health down = health.health();
                    long tookMillis = (System.nanoTime() - started) / 1_000_000;
                    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(down.getDetails()).containsEntry("writes", "failing")
                            .containsEntry("reason", "no endpoint admits calls and no spill store is configured");
                    assertThat(tookMillis).as("a health check during an outage never waits on Redis").isLessThan(500);
                });
    }

    @Test
    void anInvalidPropertyFailsStartUpWithTheAnalysis() {
        runner.withPropertyValues("resilient-redis.urls=redis://:s3cret-pw@127.0.0.1:70000")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription())
                            .contains("Property: resilient-redis.urls[0]")
                            .contains("Value: redis://:***@127.0.0.1:70000")
                            .contains("70000")
                            .doesNotContain("s3cret-pw");
                    assertThat(analysis.getAction()).contains("redis://[[user]:password@]host[:port][/database]");
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("resilient-redis.urls[0]");
                    assertThat(stackTrace(context.getStartupFailure())).doesNotContain("s3cret-pw");
                });
        runner.withPropertyValues("resilient-redis.urls=redis://" + proxied(), "resilient-redis.retry.jitter=5")
                .run(context -> {
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("Property: resilient-redis.retry.jitter")
                            .contains("Value: 5.0");
                    assertThat(analysis.getAction()).contains("Set resilient-redis.retry.jitter")
                            .contains("from 0 to 1");
                });
        runner.withPropertyValues("resilient-redis.urls=redis://" + proxied(), "resilient-redis.durability.mode=replicated")
                .run(context -> {
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("Property: resilient-redis.durability.mode");
                    assertThat(analysis.getAction()).contains("resilient-redis.spill.directory");
                });
    }

    @Test
    void anApplicationsOwnClientReplacesTheAutoConfiguredOne() {
        ResilientRedis own = ResilientRedis.builder().primary(chaos.get().primaryEndpoint())
                .breaker(BreakerSettings.defaults()).build();
        try {
            runner.withBean("myRedis", ResilientRedis.class, () -> own, d -> d.setDestroyMethodName(""))
                    .withPropertyValues("resilient-redis.urls=redis://127.0.0.1:1")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(ResilientRedis.class);
                        assertThat(context.getBean(ResilientRedis.class)).isSameAs(own);
                        assertThat(context).hasSingleBean(ResilientRedisHealthIndicator.class);
                        assertThat(context.getBean(ResilientRedisHealthIndicator.class).health().getDetails()
                                .get("endpoints").toString()).contains(proxied());
                    });
        } finally {
            own.close();
        }
    }

    static FailureAnalysis analyze(Throwable failure) {
        // The analyzers Spring Boot itself would run: those registered in META-INF/spring.factories.
        for (FailureAnalyzer a : SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, null, (type, name, error) -> { })) {
            if (a instanceof ResilientRedisFailureAnalyzer) {
                return a.analyze(failure);
            }
        }
        throw new AssertionError("ResilientRedisFailureAnalyzer is not registered in META-INF/spring.factories");
    }

    static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
