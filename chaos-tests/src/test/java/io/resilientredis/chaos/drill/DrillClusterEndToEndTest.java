package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster shape's default scenario end to end, on a shortened timeline: a 3-shard cluster (2 replicas
 * each) behind the fault proxy; shard 1's master killed and failed over, shard 2 down and restarted, a full
 * outage, latency on shard 0 with a loaded slot migrated meanwhile; the lanes drained, the history checked
 * against the cluster's masters, and the reports written with their per-lane figures.
 */
class DrillClusterEndToEndTest {

    @TempDir
    Path reports;

    @Test
    void theClusterOutageDrillLosesNothingAndSpillsOnlyTheFaultedShardsLanes() throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DrillResult result;
        long began = System.nanoTime();
        try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            result = Drill.builder()
                    .shape(DrillShape.CLUSTER)
                    .duration(Duration.ofSeconds(32))
                    .rate(100)
                    .reportDir(reports)
                    .output(out, false)
                    .build()
                    .run();
        }
        String text = console.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        Verdict verdict = result.verdict();
        assertThat(result.shape()).isEqualTo(DrillShape.CLUSTER);
        assertThat(result.steps()).extracting(FaultTimeline.Applied::label).containsExactly(
                "shard 1 master killed (SIGKILL)", "shard 1 failed over, old master restarted as a replica",
                "shard 2 down (every node SIGKILLed)", "shard 2 restarted (master, then its replicas)",
                "full outage (every proxy disabled)", "recovered (proxies enabled, toxics removed)",
                "latency 1100 ms on shard 0", "a loaded slot migrated from shard 0 to shard 1",
                "shard 0 recovered (toxics removed)");
        assertThat(result.steps()).allSatisfy(s -> assertThat(s.error()).as(s.label()).isNull());
        assertThat(result.lost()).isZero();
        assertThat(result.duplicated()).isZero();
        assertThat(verdict.outOfOrder()).isZero();
        assertThat(verdict.counterShortfall()).isZero();
        assertThat(verdict.counterExcess()).isZero();
        assertThat(verdict.outageExceptions()).isZero();
        assertThat(result.healthyLaneSpills()).as("writes of healthy shards spilled during a one-shard fault")
                .isZero();
        assertThat(result.drained()).isTrue();
        assertThat(result.passed()).as(verdict.findings().toString()).isTrue();
        assertThat(result.replayed()).as("every spilled write was replayed").isEqualTo(result.spilled());

        // One lane per shard, each hit by a fault of its own, so each spilled.
        assertThat(result.spilledPerLane()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(result.spilledPerLane().values()).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(result.spilledPerLane().values().stream().mapToLong(Long::longValue).sum())
                .as("lanes' spills add up to the run's").isEqualTo(result.spilled());

        JsonObject json = JsonParser.parseString(Files.readString(result.jsonReport())).getAsJsonObject();
        assertThat(json.get("passed").getAsBoolean()).isTrue();
        assertThat(json.get("shape").getAsString()).isEqualTo("cluster");
        assertThat(json.getAsJsonObject("verdict").get("lost").getAsLong()).isZero();
        assertThat(json.getAsJsonObject("verdict").get("healthyLaneSpills").getAsLong()).isZero();
        JsonObject cluster = json.getAsJsonObject("cluster");
        JsonArray lanes = cluster.getAsJsonArray("lanes");
        Set<Integer> shards = new HashSet<>();
        long spilled = 0;
        for (JsonElement e : lanes) {
            JsonObject lane = e.getAsJsonObject();
            spilled += lane.get("spilled").getAsLong();
            lane.getAsJsonArray("shards").forEach(s -> shards.add(s.getAsInt()));
        }
        assertThat(spilled).isEqualTo(result.spilled());
        assertThat(shards).containsExactlyInAnyOrder(0, 1, 2);
        JsonArray windows = cluster.getAsJsonArray("faultWindows");
        assertThat(windows).hasSize(4);
        for (JsonElement e : windows) {
            JsonObject w = e.getAsJsonObject();
            if (!"all".equals(w.get("shard").getAsString())) {
                assertThat(w.get("healthyShardsDirect").getAsLong()).as(w.get("label").getAsString()).isPositive();
                assertThat(w.get("healthyShardsSpilled").getAsLong()).as(w.get("label").getAsString()).isZero();
            }
        }

        assertThat(text).contains("resilient-redis outage drill: PASSED").contains("lane 0 (shard 0)")
                .contains("the other shards'");
        String page = Files.readString(result.htmlReport());
        assertThat(page).contains("id=\"spill-lane-0\"").contains("id=\"spill-lane-1\"").contains("id=\"spill-lane-2\"")
                .contains("id=\"breaker-lane-0\"").doesNotContain("<script");
        System.out.printf("[measure] %d s cluster outage drill: %d writes (%d spilled, per lane %s), write p99 %s "
                        + "(raw %s); drain %d ms; whole test %d s%n", 32, verdict.acceptedWrites(), result.spilled(),
                result.spilledPerLane(), TextReport.ms(result.writeLatency().percentile(99)),
                TextReport.ms(result.writeLatency().rawPercentile(99)), result.drainTime().toMillis(),
                Duration.ofNanos(System.nanoTime() - began).toSeconds());
    }
}
