package io.resilientredis.chaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.client.RedisEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
    void theClusterShapeHasItsOwnScenariosAndNoStandby() {
        assertThat(run("drill", "--shape", "cluster", "--list-scenarios")).isZero();
        assertThat(out()).contains("outage").contains("shard-kill").contains("shard-down").contains("migrate")
                .doesNotContain("sentinel-kill");
        assertThat(run("drill", "--shape=cluster", "--scenario", "sentinel-kill")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("no scenario named 'sentinel-kill' for the cluster shape").contains("shard-down");
        assertThat(run("drill", "--scenario", "shard-down")).as("a cluster scenario without --shape cluster")
                .isEqualTo(ResilientRedisCli.USAGE);
        assertThat(run("drill", "--shape", "ring")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("--shape is 'sentinel' or 'cluster', was 'ring'");
        assertThat(run("drill", "--shape", "cluster", "--primary", "redis://127.0.0.1:7000", "--standby",
                "redis://127.0.0.1:7001")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("--standby does not apply to --shape cluster");
    }

    @Test
    void aClusterPrimaryIsItsSeedNodesAndItsPasswordStaysHidden() {
        RedisEndpoint e = DrillCommand.clusterEndpoint("redis://:s3cret@127.0.0.1:7000,127.0.0.1:7001",
                name -> null);
        assertThat(e.isCluster()).isTrue();
        assertThat(e.displayName()).contains("127.0.0.1:7000").contains("127.0.0.1:7001").doesNotContain("s3cret");
        RedisEndpoint fromEnv = DrillCommand.clusterEndpoint("127.0.0.1:7000",
                name -> "REDIS_PASSWORD".equals(name) ? "envpw" : null);
        assertThat(fromEnv.toString()).doesNotContain("envpw");
        assertThat(fromEnv.isCluster()).isTrue();
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
    void eachRunGetsItsOwnFolderBeforeAnythingLogs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path reports)
            throws Exception {
        java.nio.file.Path first = DrillCommand.prepareRun(new String[] {"--report-dir=" + reports, "--rate", "50"});
        System.clearProperty(DrillCommand.RUN_DIR_PROPERTY);
        java.nio.file.Path second = DrillCommand.prepareRun(new String[] {"--report-dir", reports.toString()});
        assertThat(System.clearProperty(DrillCommand.RUN_DIR_PROPERTY)).isEqualTo(second.toString());
        assertThat(first).isDirectory().hasParent(reports.toAbsolutePath());
        assertThat(second).isDirectory().hasParent(reports.toAbsolutePath()).isNotEqualTo(first);
        assertThat(first.getFileName().toString()).startsWith("drill-");
        // No folder for help or bad options.
        assertThat(DrillCommand.prepareRun(new String[] {"--report-dir", reports.toString(), "--help"})).isNull();
        assertThat(DrillCommand.prepareRun(new String[] {"--report-dir", reports.toString(), "--rate", "x"})).isNull();
        try (var listing = java.nio.file.Files.list(reports)) {
            assertThat(listing.count()).isEqualTo(2);
        }
    }

    @Test
    void optionsTakeTheirValueAfterAnEqualsSignToo() {
        assertThat(run("drill", "--rate=many")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("--rate takes a whole number, was 'many'");
        assertThat(run("drill", "--seed=soon")).isEqualTo(ResilientRedisCli.USAGE);
        assertThat(err()).contains("--seed takes a whole number, was 'soon'");
    }

    @Test
    void passwordsLeftOutOfTheSpecComeFromTheEnvironment() {
        java.util.Map<String, String> env = java.util.Map.of("REDIS_PASSWORD", "from-env",
                "REDIS_SENTINEL_PASSWORD", "sentinel-env");
        RedisEndpoint standalone = DrillCommand.endpoint("redis://10.0.0.5:6379", env::get);
        assertThat(standalone.displayName()).isEqualTo("redis://:***@10.0.0.5:6379");
        assertThat(standalone.toString()).doesNotContain("from-env");
        assertThat(standalone).usingRecursiveComparison()
                .isEqualTo(RedisEndpoint.standalone("redis://:from-env@10.0.0.5:6379"));
        RedisEndpoint withUser = DrillCommand.endpoint("redis://ada@10.0.0.5:6379", env::get);
        assertThat(withUser.displayName()).isEqualTo("redis://ada:***@10.0.0.5:6379");
        // A password in the spec wins over the environment.
        RedisEndpoint own = DrillCommand.endpoint("redis://:mine@10.0.0.5:6379", env::get);
        assertThat(own).usingRecursiveComparison().isEqualTo(RedisEndpoint.standalone("redis://:mine@10.0.0.5:6379"));
        RedisEndpoint none = DrillCommand.endpoint("redis://10.0.0.5:6379", name -> null);
        assertThat(none.displayName()).isEqualTo("redis://10.0.0.5:6379");

        RedisEndpoint group = DrillCommand.endpoint("sentinel://mymaster@10.0.0.7:26379", env::get);
        assertThat(group).usingRecursiveComparison().isEqualTo(RedisEndpoint.sentinel("mymaster", List.of("10.0.0.7:26379"))
                .withCredentials(null, "from-env").withSentinelCredentials(null, "sentinel-env"));
        assertThat(group.toString()).doesNotContain("from-env").doesNotContain("sentinel-env");
    }
}
