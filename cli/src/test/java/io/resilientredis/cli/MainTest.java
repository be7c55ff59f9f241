package io.resilientredis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.cli.ResilientRedisCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The picocli layer: help, version, hints, the --opt=value form, and that it hands over to the entry points. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"drill", "doctor", "toxiproxy-server"})
    void eachCommandsHelpIsItsEntryPointsOwnText(String command) {
        assertThat(run(command, "--help")).isZero();
        assertThat(out()).isEqualTo(ResilientRedisCli.usage(command));
        assertThat(out()).isNotBlank();
        out.reset();
        assertThat(run("help", command)).isZero();
        assertThat(out()).isEqualTo(ResilientRedisCli.usage(command));
    }

    @Test
    void drillHelpNamesTheOptionsAndTheOtherCommands() {
        assertThat(run("drill", "-h")).isZero();
        assertThat(out()).contains("--duration").contains("--scenario").contains("--report-dir")
                .contains("doctor").contains("toxiproxy-server").contains("--version");
    }

    @Test
    void versionIsTheProjectVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out()).startsWith("resilient-redis ").doesNotContain("${").doesNotContain("unknown")
                .containsPattern("resilient-redis \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void aMistypedCommandGetsAHintAndTheUsageExitCode() {
        assertThat(run("dril")).isEqualTo(2);
        assertThat(err()).contains("'dril'").contains("Did you mean").contains("drill");
    }

    @Test
    void aMistypedOptionGetsAHint() {
        assertThat(run("drill", "--duratoin=30")).isEqualTo(2);
        assertThat(err()).contains("--duratoin").contains("--duration");
        err.reset();
        assertThat(run("doctor", "--sentinl", "127.0.0.1:26379")).isEqualTo(2);
        assertThat(err()).contains("--sentinel");
    }

    @Test
    void noCommandPrintsTheCommandsAndExitsWithUsage() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("drill").contains("doctor").contains("toxiproxy-server");
    }

    @Test
    void optionsWithEqualsReachTheEntryPointWithTheirMeaning() {
        // The drill's own parser judges the value: picocli only read it.
        assertThat(run("drill", "--rate=many")).isEqualTo(2);
        assertThat(err()).contains("--rate takes a whole number, was 'many'");
        err.reset();
        assertThat(run("drill", "--standby=redis://127.0.0.1:6380")).isEqualTo(2);
        assertThat(err()).contains("--standby needs --primary");
    }

    @Test
    void theMatchedOptionsAreWrittenOutInPlainForm() {
        CommandLine cl = new CommandLine(new Main.Doctor(null));
        List<String> plain = Main.plainForm(cl.parseArgs("--timeout=500", "redis://127.0.0.1:6379", "--user", "ada"));
        assertThat(plain).containsExactlyInAnyOrder("--timeout", "500", "--user", "ada", "redis://127.0.0.1:6379");
        CommandLine proxy = new CommandLine(new Main.Toxiproxy(null));
        assertThat(Main.plainForm(proxy.parseArgs("-host=0.0.0.0", "-port", "8475", "-version")))
                .containsExactlyInAnyOrder("--host", "0.0.0.0", "--port", "8475", "--version");
    }

    @Test
    void theDoctorTakesAClusterUrlWholeAndChecksItsSeeds() throws Exception {
        int first;
        int second;
        try (java.net.ServerSocket a = new java.net.ServerSocket(0); java.net.ServerSocket b = new java.net.ServerSocket(0)) {
            first = a.getLocalPort();
            second = b.getLocalPort();
        }
        String seeds = "127.0.0.1:" + first + ",127.0.0.1:" + second;
        String url = "redis-cluster://:Cli-pw-5521@" + seeds;
        CommandLine cl = new CommandLine(new Main.Doctor(null));
        assertThat(Main.plainForm(cl.parseArgs(url, "--timeout=500"))).containsExactlyInAnyOrder(url, "--timeout", "500");

        assertThat(run("doctor", url, "--timeout=500")).as(out()).isEqualTo(1);
        assertThat(out()).startsWith("resilient-redis doctor: redis-cluster://:***@" + seeds)
                .contains("(Redis Cluster, 2 seed node(s)").contains("WARN  Cluster seed")
                .contains("FAIL  TCP connect").doesNotContain("Cli-pw-5521");
    }

    /** picocli must know exactly the options the drill's usage text (the one copy) lists. */
    @Test
    void theDrillsOptionsAreTheOnesItsUsageTextLists() {
        String text = ResilientRedisCli.usage("drill");
        String options = text.substring(0, text.indexOf("Exit code"));
        Set<String> listed = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+(?:-h, )?(--[a-z-]+)").matcher(options);
        while (m.find()) {
            listed.add(m.group(1));
        }
        Set<String> declared = new CommandLine(new Main.Drill(null)).getCommandSpec().options().stream()
                .map(o -> o.longestName()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(declared).isEqualTo(listed);
    }

    /** A tree holding only the script and the text file, as a fresh clone before any build: no jar, no mvnw. */
    @Test
    void drillScriptAnswersHelpWithoutABuild(@TempDir Path clone) throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        String textPath = "chaos-tests/src/main/resources/io/resilientredis/chaos/cli/drill-usage.txt";
        Files.createDirectories(clone.resolve(textPath).getParent());
        Files.copy(repo.resolve(textPath), clone.resolve(textPath));
        Files.copy(repo.resolve("drill"), clone.resolve("drill"));
        for (String args : List.of("--help", "-h", "drill --help")) {
            List<String> command = new ArrayList<>(List.of("bash", clone.resolve("drill").toString()));
            command.addAll(List.of(args.split(" ")));
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo(Files.readString(repo.resolve(textPath)));
                assertThat(p.exitValue()).isZero();
                assertThat(millis).as("./drill " + args + " took").isLessThan(2000);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
