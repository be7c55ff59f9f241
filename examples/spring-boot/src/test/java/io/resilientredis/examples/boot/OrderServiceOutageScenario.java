package io.resilientredis.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RespConnection;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The example service in a real web server with the actuator, against a real Redis behind the
 * harness's fault proxy, driven only over HTTP: a full outage (the proxy disabled) while orders are
 * posted, then recovery. No write gets a 5xx, {@code /actuator/health} stays 200 with
 * {@code spilling}, {@code /actuator/prometheus} shows the spill depth rise and fall, the
 * {@code @Cacheable} price endpoint keeps answering (each call a miss), and afterwards every accepted
 * order and its shipping job is in Redis exactly once. Subclasses wire the client two ways.
 */
@SpringBootTest(classes = OrderService.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "resilient-redis.shutdown.drain-timeout=5s"})
@DirtiesContext
abstract class OrderServiceOutageScenario {

    /** Where the spill store lives: this class's own, deleted after the context closed. */
    @TempDir
    static Path spillDir;

    private static final Pattern SPILL_DEPTH =
            Pattern.compile("(?m)^resilientredis_spill_depth(?:\\{[^}]*})? (\\S+)$");
    private static final Pattern LOOKUPS = Pattern.compile("(?m)^prices_lookups_total(?:\\{[^}]*})? (\\S+)$");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Autowired
    Environment environment;

    /** @return the running topology (the subclass's extension) */
    abstract ChaosTopology chaos();

    @Test
    void aFullOutageOverHttpLosesNoAcceptedOrderAndKeepsHealthUp() throws Exception {
        try (RespConnection c = direct()) {
            c.call("FLUSHALL");
        }
        Map<String, String> accepted = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            assertThat(place("before-" + i, accepted).body()).isEqualTo("WRITTEN");
        }
        HttpResponse<String> read = get("/orders/before-0");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(accepted.get("before-0"));
        assertThat(get("/prices/apple").body()).contains("\"item\":\"apple\"").contains("\"amount\":");
        double lookups = metric(LOOKUPS);
        assertThat(get("/prices/apple").statusCode()).isEqualTo(200);
        assertThat(metric(LOOKUPS)).as("served by the cache").isEqualTo(lookups);
        assertHealth("\"writes\":\"direct\"");
        assertThat(metric(SPILL_DEPTH)).isZero();

        List<Double> depths = new ArrayList<>();
        chaos().disableAll();
        try {
            int[] n = {0};
            Awaitility.await("a posted order is spilled").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> place("outage-" + n[0]++, accepted).body().equals("SPILLED"));
            depths.add(metric(SPILL_DEPTH));
            for (int i = 0; i < 20; i++) {
                assertThat(place("outage-" + n[0]++, accepted).body()).isEqualTo("SPILLED");
            }
            depths.add(metric(SPILL_DEPTH));
            assertThat(depths.get(0)).isPositive();
            assertThat(depths.get(1)).as("the spill depth rises with every accepted order")
                    .isGreaterThanOrEqualTo(depths.get(0) + 40);

            HttpResponse<String> health = assertHealth("\"status\":\"UP\"");
            assertThat(health.body()).contains("\"writes\":\"spilling\"").contains("\"spilling\":true");
            assertThat(get("/orders/before-0").statusCode()).as("a read nothing can serve").isEqualTo(503);

            // @Cacheable through the outage: every call is a miss that runs the method, none fails
            double before = metric(LOOKUPS);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> price = get("/prices/pear");
                assertThat(price.statusCode()).isEqualTo(200);
                assertThat(price.body()).contains("\"item\":\"pear\"");
            }
            assertThat(metric(LOOKUPS)).isEqualTo(before + 3);
        } finally {
            chaos().resetAll();
        }

        double peak = depths.get(1);
        Awaitility.await("the backlog replays").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    double d = metric(SPILL_DEPTH);
                    depths.add(d);
                    return d == 0 && get("/actuator/health").body().contains("\"writes\":\"direct\"");
                });
        assertThat(depths.get(depths.size() - 1)).as("the spill depth falls back").isZero().isLessThan(peak);
        assertThat(get("/orders/outage-0").body()).isEqualTo(accepted.get("outage-0"));

        // exactly once, read from Redis itself: each order's value, and one shipping job per order
        try (RespConnection c = direct()) {
            for (Map.Entry<String, String> e : accepted.entrySet()) {
                assertThat(c.callString("GET", "order:" + e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
            List<String> jobs = new ArrayList<>();
            for (Object v : (List<?>) c.call("HVALS", "rr:q:{shipping}:jobs")) {
                jobs.add(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                        : String.valueOf(v));
            }
            assertThat(jobs).containsExactlyInAnyOrderElementsOf(accepted.keySet());
            assertThat(String.valueOf(c.call("LLEN", "rr:q:{shipping}:ready")))
                    .isEqualTo(String.valueOf(accepted.size()));
        }
    }

    private RespConnection direct() throws IOException {
        return chaos().topology().primary().connect(Duration.ofSeconds(2));
    }

    /** Posts an order and records it as accepted; any status but 202 fails the test. */
    private HttpResponse<String> place(String id, Map<String, String> accepted) throws Exception {
        String order = "{\"id\":\"" + id + "\",\"items\":[\"apple\"]}";
        HttpResponse<String> r = http.send(request("/orders/" + id).POST(HttpRequest.BodyPublishers.ofString(order))
                .header("Content-Type", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST /orders/" + id + ": " + r.body()).isEqualTo(202);
        accepted.put(id, order);
        return r;
    }

    private HttpResponse<String> assertHealth(String contains) throws Exception {
        HttpResponse<String> r = get("/actuator/health");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"resilientRedis\"").contains(contains);
        return r;
    }

    private double metric(Pattern line) throws Exception {
        HttpResponse<String> r = get("/actuator/prometheus");
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher m = line.matcher(r.body());
        assertThat(m.find()).as("%s in the scrape", line).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port")
                + path)).timeout(Duration.ofSeconds(30));
    }
}
