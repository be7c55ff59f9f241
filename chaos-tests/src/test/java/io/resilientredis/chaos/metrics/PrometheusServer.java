package io.resilientredis.chaos.metrics;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real {@code prometheus} server (the binary named by {@code -Dresilientredis.prometheus.server},
 * which {@code .ci/run} unpacks from Debian's package) on a free 127.0.0.1 port, scraping one target
 * every second and evaluating the given rule file every second; {@link #close()} stops it.
 */
final class PrometheusServer implements AutoCloseable {

    /** The system property naming the binary. */
    static final String PROPERTY = "resilientredis.prometheus.server";

    private final Process process;
    private final URI base;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** @return the binary, or null with {@link #missingReason()} saying why */
    static Path binary() {
        String p = System.getProperty(PROPERTY, "");
        if (p.isBlank()) {
            return null;
        }
        Path path = Path.of(p);
        return Files.isExecutable(path) ? path : null;
    }

    static String missingReason() {
        String p = System.getProperty(PROPERTY, "");
        return p.isBlank()
                ? "no Prometheus server: -D" + PROPERTY + " is not set (.ci/run unpacks Debian's prometheus and"
                        + " passes it as -Dprometheus.server)"
                : "no Prometheus server: -D" + PROPERTY + "=" + p + " is not an executable file";
    }

    /**
     * @param binary the prometheus binary
     * @param dir a fresh folder for its configuration, data and log
     * @param target the {@code host:port} to scrape at {@code /metrics}
     * @param rules the rule file to load
     * @return the server, ready (its readiness endpoint answered)
     */
    static PrometheusServer start(Path binary, Path dir, String target, Path rules) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 900ms",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - " + rules.toAbsolutePath(),
                "scrape_configs:",
                "  - job_name: client",
                "    static_configs:",
                "      - targets: ['" + target + "']",
                ""));
        Path log = dir.resolve("prometheus.log");
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
        try {
            Awaitility.await("prometheus answers at " + server.base).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("prometheus exited: " + server.logTail());
                        }
                        return server.status("/-/ready") == 200;
                    });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** @return the alerts Prometheus holds now (pending or firing), from {@code /api/v1/alerts} */
    List<JsonObject> alerts() {
        JsonArray alerts = get("/api/v1/alerts").getAsJsonObject("data").getAsJsonArray("alerts");
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement a : alerts) {
            out.add(a.getAsJsonObject());
        }
        return out;
    }

    /** @return the state ("pending", "firing") of the named alert, or "inactive" when Prometheus holds none */
    String alertState(String name) {
        for (JsonObject a : alerts()) {
            if (name.equals(a.getAsJsonObject("labels").get("alertname").getAsString())) {
                return a.get("state").getAsString();
            }
        }
        return "inactive";
    }

    /** @return the health ("up", "down", "unknown") of the first scrape target */
    String targetHealth() {
        JsonArray targets = get("/api/v1/targets").getAsJsonObject("data").getAsJsonArray("activeTargets");
        return targets.isEmpty() ? "none" : targets.get(0).getAsJsonObject().get("health").getAsString();
    }

    /** @return the value of an instant query's first sample, or NaN when it has none */
    double query(String promql) {
        JsonArray result = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .getAsJsonObject("data").getAsJsonArray("result");
        return result.isEmpty() ? Double.NaN
                : Double.parseDouble(result.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsString());
    }

    private JsonObject get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
