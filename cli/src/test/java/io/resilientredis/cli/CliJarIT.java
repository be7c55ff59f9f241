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
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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
}
