package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drill --metrics-port}: while the drill runs against a Redis behind a fault proxy, a scrape
 * of its endpoint shows the spill backlog and the open breaker during an outage, and an empty backlog
 * and the replayed writes after it.
 */
class DrillMetricsTest {

    private static final Pattern METRICS_LINE = Pattern.compile("Metrics: http://([0-9.]+:[0-9]+)/metrics");

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path reports;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void heal() {
        chaos.get().resetAll();
    }

    @Test
    void aScrapeDuringTheDrillShowsTheOutageAndTheReplay() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        Drill drill = Drill.builder().redis(chaos.get().primaryEndpoint(), null).duration(Duration.ofSeconds(20))
                .rate(100).threads(2, 1).reportDir(reports).output(out, false).metricsPort(0).build();
        CompletableFuture<DrillResult> run = CompletableFuture.supplyAsync(drill::run);
        try {
            String target = await("the drill prints its metrics address").atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        Matcher m = METRICS_LINE.matcher(console.toString(StandardCharsets.UTF_8));
                        return m.find() ? m.group(1) : null;
                    }, t -> t != null);
            URI uri = URI.create("http://" + target + "/metrics");
            await("writes go to Redis").atMost(Duration.ofSeconds(10))
                    .until(() -> value(scrape(uri), "resilientredis_commands_seconds_count", "outcome=\"written\"") > 0);

            chaos.get().disableAll();
            await("the scrape shows the backlog and the open breaker").atMost(Duration.ofSeconds(10))
                    .until(() -> {
                        String s = scrape(uri);
                        return value(s, "resilientredis_spill_depth", "") > 0
                                && value(s, "resilientredis_breaker_state", "state=\"open\"") == 1
                                && value(s, "resilientredis_spill_oldest_age_seconds", "") > 0;
                    });
            double depth = value(scrape(uri), "resilientredis_spill_depth", "");
            await("the backlog grows").atMost(Duration.ofSeconds(10))
                    .until(() -> value(scrape(uri), "resilientredis_spill_depth", "") > depth);

            chaos.get().resetAll();
            await("the scrape shows the backlog replayed").atMost(Duration.ofSeconds(15))
                    .until(() -> {
                        String s = scrape(uri);
                        return value(s, "resilientredis_spill_depth", "") == 0
                                && value(s, "resilientredis_spill_replayed_total", "") >= depth
                                && value(s, "resilientredis_breaker_state", "state=\"closed\"") == 1;
                    });
        } finally {
            chaos.get().resetAll();
            DrillResult result = run.get(120, TimeUnit.SECONDS);
            assertThat(result.verdict().lost()).as(console.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(result.verdict().duplicated()).isZero();
            out.close();
        }
    }

    private String scrape(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        return r.body();
    }

    /** The sum of a metric's samples whose labels contain {@code labels} (empty: every sample). */
    private static double value(String scrape, String metric, String labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{") && line.contains(labels)) {
                if (!labels.isEmpty() && !line.contains(labels)) {
                    continue;
                }
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
