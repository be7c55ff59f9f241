package io.resilientredis.chaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.client.RedisEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line's structure and the drill's option parsing (no drill is run here). */
class ResilientRedisCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ResilientRedisCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void doctorRunsTheRunbookAndExitsNonZeroOnAFailedCheck() throws Exception {
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort(); // closed again: nothing listens there
        }
        assertThat(run("doctor", "redis://:not-shown@127.0.0.1:" + free, "--timeout", "500")).isEqualTo(1);
        assertThat(out()).contains("TCP connect").contains("FAIL").doesNotContain("not-shown");
        assertThat(run("help")).isZero();
        assertThat(out()).contains("doctor");
    }

    @Test
    void withoutACommandItPrintsTheCommandsAndExitsWithUsage() {
        assertThat(run()).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("usage: resilient-redis <command>").contains("drill").contains("toxiproxy-server");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("unknown command 'frobnicate'");
    }

    @Test
    void drillHelpListsTheOptionsAndTheScenarios() {
        assertThat(run("drill", "--help")).isZero();
        assertThat(out()).contains("--duration").contains("--scenario").contains("--rate").contains("--report-dir")
                .contains("--primary").contains("--standby");
        assertThat(run("drill", "--list-scenarios")).isZero();
        assertThat(out()).contains("outage").contains("sentinel-kill").contains("freeze").contains("full-outage")
                .contains("latency").contains("calm");
    }

    @Test
    void badDrillOptionsAreUsageErrorsThatSayWhatIsWrong() {
        assertThat(run("drill", "--scenario", "meteor")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("no scenario named 'meteor'").contains("full-outage");
        assertThat(run("drill", "--rate", "many")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("--rate takes a whole number, was 'many'");
        assertThat(run("drill", "--duration")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("--duration needs a value");
        assertThat(run("drill", "--standby", "redis://127.0.0.1:6380")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("--standby needs --primary");
        assertThat(run("drill", "--bogus")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("unknown option '--bogus'");
    }

    @Test
    void durationsTakeSecondsOrMinutes() {
        assertThat(DrillCommand.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DrillCommand.duration("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DrillCommand.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> DrillCommand.duration("soon")).hasMessageContaining("--duration takes seconds");
    }

    @Test
    void endpointsAreRedisUrlsOrSentinelSpecsAndPasswordsStayHidden() {
        RedisEndpoint standalone = DrillCommand.endpoint("redis://:s3cret@10.0.0.5:6379");
        assertThat(standalone.isSentinel()).isFalse();
        assertThat(standalone.displayName()).isEqualTo("redis://:***@10.0.0.5:6379");

        RedisEndpoint group = DrillCommand.endpoint("sentinel://mymaster@10.0.0.7:26379,10.0.0.8:26379");
        assertThat(group.isSentinel()).isTrue();
        assertThat(group.displayName()).isEqualTo("sentinel://mymaster@10.0.0.7:26379,10.0.0.8:26379");

        RedisEndpoint withPassword = DrillCommand.endpoint("sentinel://:s3cret@mymaster@10.0.0.7:26379");
        assertThat(withPassword.displayName()).isEqualTo("sentinel://mymaster@10.0.0.7:26379")
                .doesNotContain("s3cret");
        assertThat(withPassword.toString()).doesNotContain("s3cret");

        assertThatThrownBy(() -> DrillCommand.endpoint("sentinel://10.0.0.7:26379"))
                .hasMessageContaining("sentinel://[[user]:password@]master@host:port");
    }

    @Test
    void theLogGoesIntoTheReportDirectory() {
        assertThat(DrillCommand.logFile(new String[] {"--report-dir", "/tmp/x"}).toString()).isEqualTo("/tmp/x/drill.log");
        assertThat(DrillCommand.logFile(new String[0]).getFileName().toString()).isEqualTo("drill.log");
    }
}
