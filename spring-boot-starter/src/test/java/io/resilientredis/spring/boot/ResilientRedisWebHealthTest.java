package io.resilientredis.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteStatus;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A web application with the actuator and the starter: {@code /actuator/health} answers HTTP 200 with
 * the {@code resilientRedis} details, also while a full outage keeps the writes in the spill store.
 */
class ResilientRedisWebHealthTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @Test
    void actuatorHealthStaysHttp200WithSpillingThroughAnOutage() throws Exception {
        String address = chaos.get().clientAddress(chaos.get().topology().primary());
        String[] hostPort = address.split(":");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApp.class)
                .properties("server.address=127.0.0.1", "server.port=0",
                        "management.endpoint.health.show-details=always",
                        "spring.data.redis.host=" + hostPort[0], "spring.data.redis.port=" + hostPort[1],
                        "resilient-redis.spill.directory=" + spillDir, "resilient-redis.timeout=500ms",
                        "resilient-redis.breaker.open-delay=500ms", "resilient-redis.breaker.probe-interval=100ms")
                .run()) {
            String port = context.getEnvironment().getProperty("local.server.port");
            URI health = URI.create("http://127.0.0.1:" + port + "/actuator/health");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest get = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build();

            HttpResponse<String> up = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).contains("\"resilientRedis\"").contains("\"writes\":\"direct\"");

            ResilientRedis redis = context.getBean(ResilientRedis.class);
            chaos.get().disableAll();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> redis.set("web:k", "v").status() == WriteStatus.SPILLED);
                HttpResponse<String> spilling = http.send(get, HttpResponse.BodyHandlers.ofString());
                assertThat(spilling.statusCode()).isEqualTo(200);
                assertThat(spilling.body()).contains("\"status\":\"UP\"").contains("\"writes\":\"spilling\"")
                        .contains("\"spilling\":true");
            } finally {
                chaos.get().resetAll();
            }
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()).body()
                            .contains("\"writes\":\"direct\""));
            assertThat(redis.get("web:k")).isEqualTo("v");
        }
    }

    /** No component scan: only auto-configuration, as an application that adds the starter gets. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WebApp {
    }
}
