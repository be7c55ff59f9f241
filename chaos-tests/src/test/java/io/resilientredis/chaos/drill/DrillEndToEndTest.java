package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short drill end to end: the embedded Sentinel group and standby behind the fault proxy, a full
 * outage in the middle, the spill store drained, the history checked against both deployments, and the
 * reports written.
 */
class DrillEndToEndTest {

    @TempDir
    Path reports;

    @Test
    void aShortFullOutageDrillLosesAndDuplicatesNothingAndWritesItsReports() throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DrillResult result;
        try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            result = Drill.builder()
                    .duration(Duration.ofSeconds(15))
                    .scenario("full-outage")
                    .rate(100)
                    .reportDir(reports)
                    .output(out, false)
                    .build()
                    .run();
        }
        String text = console.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        Verdict verdict = result.verdict();
        assertThat(verdict.findings()).as("findings").isEmpty();
        assertThat(result.lost()).isZero();
        assertThat(result.duplicated()).isZero();
        assertThat(verdict.outOfOrder()).isZero();
        assertThat(verdict.outageExceptions()).isZero();
        assertThat(verdict.readsOverBound()).isZero();
        assertThat(result.passed()).isTrue();
        assertThat(result.exitCode()).isEqualTo(DrillResult.PASSED);
        assertThat(result.spilled()).as("the outage made the client spill").isPositive();
        assertThat(result.replayed()).as("every spilled write was replayed").isEqualTo(result.spilled());
        assertThat(verdict.acceptedWrites()).isEqualTo(result.written() + result.spilled());
        assertThat(result.timeOnEndpoint().get("none")).as("no endpoint during the outage").isPositive();
        assertThat(result.steps()).extracting(FaultTimeline.Applied::label)
                .containsExactly("full outage (every proxy disabled)", "recovered (proxies enabled, toxics removed)");
        assertThat(result.steps()).allSatisfy(s -> assertThat(s.error()).isNull());

        assertThat(text).contains("resilient-redis outage drill: PASSED").contains("lost              0")
                .contains("duplicated        0").contains("time on endpoint");
        assertThat(result.textReport()).exists();
        assertThat(result.jsonReport()).exists().hasParent(result.runDir());
        assertThat(Files.readString(result.jsonReport())).contains("\"passed\": true").contains("\"lost\": 0");
        assertThat(Files.readString(result.textReport())).contains("PASSED").contains("write latency");
        Path html = result.htmlReport();
        assertThat(html).exists().hasParent(result.textReport().getParent());
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg id=\"timeline\"")
                .contains("class=\"series-written\"").contains("id=\"spill-depth\"").contains("id=\"breaker-primary\"")
                .contains("id=\"breaker-standby\"").contains("id=\"active\"").contains("class=\"fault-marker\"")
                .contains("full outage (every proxy disabled)").doesNotContain("<script").doesNotContain("http://www.w3.org/1999/xlink")
                .doesNotContainPattern("(src|href)=\"https?://");
        System.out.printf("[measure] 15 s full-outage drill: %d writes (%d spilled), write p99 %s, max %s; drain %d ms%n",
                verdict.acceptedWrites(), result.spilled(), TextReport.ms(result.writeLatency().percentile(99)),
                TextReport.ms(result.writeLatency().max()), result.drainTime().toMillis());
    }
}
