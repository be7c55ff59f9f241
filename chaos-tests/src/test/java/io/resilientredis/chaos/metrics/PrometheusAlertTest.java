package io.resilientredis.chaos.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's, unpacked by {@code .ci/run}) scrapes a client every second and
 * evaluates the shipped {@code observability/prometheus/alerts.yml}: during a full Redis outage the
 * spill-backlog alert goes pending and fires, and once Redis is back and the backlog is replayed it
 * resolves. The rule's {@code for: 1m} is shortened to 3 s here (its expression is the shipped one),
 * so that the test takes seconds, not minutes.
 */
class PrometheusAlertTest {

    private static final String ALERT = "ResilientRedisSpillBacklog";

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path dir;

    @AfterEach
    void heal() {
        chaos.get().resetAll();
    }

    @Test
    void theSpillBacklogAlertFiresDuringAnOutageAndResolvesAfterTheReplay() throws Exception {
        Path binary = PrometheusServer.binary();
        Assumptions.assumeTrue(binary != null, PrometheusServer::missingReason);
        Path rules = dir.resolve("alerts.yml");
        String shipped = Files.readString(Path.of("..", "observability", "prometheus", "alerts.yml"));
        String backlogRule = "expr: resilientredis_spill_depth > 0\n        for: 1m";
        assertThat(shipped).as("the shipped backlog rule").contains(backlogRule);
        Files.writeString(rules, shipped.replace(backlogRule, "expr: resilientredis_spill_depth > 0\n        for: 3s"));
        Files.createDirectories(dir.resolve("prometheus"));

        try (ResilientRedis redis = MetricsBinderTest.client(chaos.get()).spill(dir.resolve("spill")).build();
             MetricsEndpoint endpoint = MetricsEndpoint.start(redis, "127.0.0.1", 0);
             PrometheusServer prometheus = PrometheusServer.start(binary, dir.resolve("prometheus"),
                     endpoint.target(), rules)) {
            redis.set("pa:before", "1");
            await("Prometheus scrapes the client").atMost(Duration.ofSeconds(20))
                    .until(() -> "up".equals(prometheus.targetHealth())
                            && prometheus.query("resilientredis_spill_depth") == 0);
            assertThat(prometheus.alertState(ALERT)).isEqualTo("inactive");

            chaos.get().disableAll();
            await("writes spill").atMost(Duration.ofSeconds(20))
                    .until(() -> redis.set("pa:outage", "w").status() == WriteStatus.SPILLED);
            for (int i = 0; i < 10; i++) {
                redis.set("pa:o:" + i, "w");
            }
            await("Prometheus sees the backlog").atMost(Duration.ofSeconds(10))
                    .until(() -> prometheus.query("resilientredis_spill_depth") >= 10);
            await("the backlog alert fires").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "firing".equals(prometheus.alertState(ALERT)));
            assertThat(prometheus.query("resilientredis_breaker_state{state=\"open\"}")).isEqualTo(1);

            chaos.get().resetAll();
            await("the backlog is replayed").atMost(Duration.ofSeconds(30))
                    .until(() -> redis.status().spill().depth() == 0);
            await("the backlog alert resolves").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "inactive".equals(prometheus.alertState(ALERT)));
            assertThat(prometheus.query("resilientredis_spill_replayed_total")).isGreaterThanOrEqualTo(11);
            assertThat(redis.get("pa:o:9")).isEqualTo("w");
        }
    }
}
