package io.resilientredis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.topology.RedisTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar itself, run as a user runs it: {@code java -jar resilient-redis-cli.jar ...}. */
class CliJarIT {

    private static final Path JAR = Path.of(System.getProperty("cli.jar", "target/resilient-redis-cli.jar"));

    record Result(int exitCode, String output) {
    }

    private static Result java(String... args) throws Exception {
        return java(java.util.Map.of(), args);
    }

    private static Result java(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("java -jar %s exits", List.of(args)).isTrue();
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theJarIsRunnableAndCarriesTheVersion() throws Exception {
        assertThat(Files.isRegularFile(JAR)).as("%s was built", JAR).isTrue();
        Result version = java("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.output()).containsPattern("^resilient-redis \\d+\\.\\d+\\.\\d+");
        Result help = java("toxiproxy-server", "-help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("-port int");
    }

    @Test
    void doctorChecksAHarnessRedisAndPrintsTheReport() throws Exception {
        try (RedisTopology redis = RedisTopology.standalone().start()) {
            String url = "redis://" + redis.primary().host() + ":" + redis.primary().port();
            Result doctor = java("doctor", "--timeout=2000", url);
            assertThat(doctor.output()).contains("resilient-redis doctor: " + url)
                    .containsPattern("PASS\\s+TCP connect").containsPattern("PASS\\s+PING")
                    .contains("persistence");
            assertThat(doctor.exitCode()).as(doctor.output()).isIn(0, 1);
            assertThat(doctor.output()).doesNotContainPattern("(?m)^FAIL\\s+(URL form|DNS|TCP connect|AUTH|PING)");
        }
    }

    /** Two drills on the same report folder, the password from the environment: each run keeps its own log. */
    @Test
    void eachDrillRunKeepsItsLogAndReportsInItsOwnFolder(@org.junit.jupiter.api.io.TempDir Path reports)
            throws Exception {
        String password = "cli-it-pw";
        try (RedisTopology redis = RedisTopology.standalone().password(password).start()) {
            String url = "redis://" + redis.primary().host() + ":" + redis.primary().port();
            java.util.Map<String, String> env = java.util.Map.of("REDIS_PASSWORD", password);
            for (int run = 0; run < 2; run++) {
                Result drill = java(env, "drill", "--primary=" + url, "--duration=5", "--rate=50",
                        "--report-dir=" + reports);
                assertThat(drill.exitCode()).as(drill.output()).isZero();
                assertThat(drill.output()).contains("PASSED").doesNotContain(password);
            }
            List<Path> runs;
            try (var listing = Files.list(reports)) {
                runs = listing.sorted().toList();
            }
            assertThat(runs).hasSize(2);
            for (Path run : runs) {
                assertThat(run.getFileName().toString()).startsWith("drill-");
                assertThat(run.resolve("report.txt")).isRegularFile();
                assertThat(run.resolve("report.html")).isRegularFile();
                assertThat(run.resolve("report.json")).isRegularFile();
                assertThat(run.resolve("drill.log")).isRegularFile();
                assertThat(Files.readString(run.resolve("drill.log"))).contains("io.resilientredis")
                        .doesNotContain(password);
            }
        }
    }
}
