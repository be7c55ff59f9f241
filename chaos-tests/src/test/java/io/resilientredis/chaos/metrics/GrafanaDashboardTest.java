package io.resilientredis.chaos.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.micrometer.ResilientRedisMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code observability/grafana/resilient-redis.json} asks only for series the binder really
 * exports: every metric name in every panel's query is in a scrape of a client with a spill store
 * and a job queue. Where promtool is at hand (beside the Prometheus server of
 * {@code -Dresilientredis.prometheus.server}), every query also parses as PromQL.
 */
class GrafanaDashboardTest {

    private static final Pattern METRIC = Pattern.compile("resilientredis_[a-z_]+");

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path dir;

    @Test
    void everyQueryNamesAMeterTheBinderExports() throws Exception {
        List<String> queries = queries(Path.of("..", "observability", "grafana", "resilient-redis.json"));
        assertThat(queries).hasSizeGreaterThan(20);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Set<String> exported;
        // A standby, so that the switch counters exist (a client with one endpoint has no switch to count);
        // it is never reached here, so a port nothing listens on does.
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (ResilientRedis redis = MetricsBinderTest.client(chaos.get()).spill(dir.resolve("spill"))
                .standby(RedisEndpoint.standalone("redis://127.0.0.1:" + closedPort)).build();
             ResilientRedisMetrics metrics = ResilientRedisMetrics.builder(redis)
                     .queueRefresh(Duration.ofMillis(100)).build()) {
            metrics.bindTo(registry);
            redis.set("gd:k", "v");
            redis.queue("gdq").enqueue("job");
            await("the queue's meters").atMost(Duration.ofSeconds(10))
                    .until(() -> registry.find("resilientredis.queue.depth").gauge() != null);
            exported = names(registry.scrape());
        }
        assertThat(exported).contains("resilientredis_commands_seconds_count", "resilientredis_spill_depth",
                "resilientredis_queue_depth");

        Set<String> asked = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                asked.add(m.group());
            }
        }
        assertThat(asked).as("the dashboard's metric names").hasSizeGreaterThan(20);
        assertThat(exported).as("the binder's scrape").containsAll(asked);

        Path promtool = promtool();
        if (promtool != null) {
            assertParsesAsPromql(promtool, queries);
        }
    }

    private void assertParsesAsPromql(Path promtool, List<String> queries) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            String expr = queries.get(i).replace("$__rate_interval", "1m").replace("$__range", "1h")
                    .replace("$job", ".*").replace("$instance", ".*");
            rules.append("      - record: dashboard:query").append(i).append('\n')
                    .append("        expr: '").append(expr.replace("'", "''")).append("'\n");
        }
        Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules);
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static Path promtool() {
        Path server = PrometheusServer.binary();
        if (server == null) {
            return null;
        }
        Path promtool = server.resolveSibling("promtool");
        return Files.isExecutable(promtool) ? promtool : null;
    }

    /** Every {@code expr} of every panel's targets (rows' nested panels too). */
    static List<String> queries(Path dashboard) throws Exception {
        JsonObject d = JsonParser.parseString(Files.readString(dashboard)).getAsJsonObject();
        List<String> out = new ArrayList<>();
        collect(d.getAsJsonArray("panels"), out);
        return out;
    }

    private static void collect(JsonArray panels, List<String> out) {
        for (JsonElement e : panels) {
            JsonObject panel = e.getAsJsonObject();
            if (panel.has("panels")) {
                collect(panel.getAsJsonArray("panels"), out);
            }
            if (!"row".equals(panel.get("type").getAsString())) {
                assertThat(panel.has("targets")).as("panel %s has queries", panel.get("title")).isTrue();
                for (JsonElement t : panel.getAsJsonArray("targets")) {
                    out.add(t.getAsJsonObject().get("expr").getAsString());
                }
            }
        }
    }

    /** The metric names of a scrape in Prometheus's text format. */
    static Set<String> names(String scrape) {
        Set<String> out = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{');
            if (end < 0) {
                end = line.indexOf(' ');
            }
            out.add(line.substring(0, end));
        }
        return out;
    }
}
