package io.resilientredis.client.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: argument errors, exit codes, and passwords from arguments or the environment never echoed. */
class DoctorCommandTest {

    private static final String SECRET = "Zq-secret-8841";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private int run(Map<String, String> env, String... args) {
        return DoctorCommand.run(args, out, env::get);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(output()).contains("usage: doctor redis://").contains("--sentinel host:port");
    }

    @Test
    void usageErrorsExitTwoAndSayWhatIsWrong() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(output()).contains("give a Redis URL, or --sentinel");
        bytes.reset();
        assertThat(run(Map.of(), "redis://a:1", "--sentinel", "b:2", "--master", "m")).isEqualTo(2);
        assertThat(output()).contains("not both");
        bytes.reset();
        assertThat(run(Map.of(), "--sentinel", "b:2")).isEqualTo(2);
        assertThat(output()).contains("--sentinel needs --master");
        bytes.reset();
        assertThat(run(Map.of(), "redis://a:1", "--timeout", "soon")).isEqualTo(2);
        assertThat(output()).contains("--timeout takes milliseconds");
        bytes.reset();
        assertThat(run(Map.of(), "redis://a:1", "--password")).isEqualTo(2);
        assertThat(output()).contains("--password needs a value");
    }

    @Test
    void theNatMapOptionTakesAnnouncedToDialledPairs() {
        assertThat(DoctorCommand.natMap("127.0.0.1:7000=10.0.0.5:17000, [::1]:7001=proxy:17001"))
                .containsExactly(Map.entry("127.0.0.1:7000", "10.0.0.5:17000"), Map.entry("[::1]:7001", "proxy:17001"));
        assertThat(DoctorCommand.natMap("127.0.0.1:7000")).isNull();
        assertThat(DoctorCommand.natMap("127.0.0.1:7000=proxy")).isNull();
        assertThat(DoctorCommand.natMap("a:1=b:70000")).isNull();
        assertThat(run(Map.of(), "redis://a:1", "--nat-map", "a:1=b")).isEqualTo(2);
        assertThat(output()).contains("--nat-map takes announced=dialled pairs");
        bytes.reset();
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(output()).contains("--nat-map A=D").contains("cluster checks");
    }

    @Test
    void aMistypedPasswordOptionNeverEchoesTheValue() {
        assertThat(run(Map.of(), "redis://a:1", "--pasword=" + SECRET)).isEqualTo(2);
        assertThat(output()).contains("unknown option --pasword=...").doesNotContain(SECRET);
        bytes.reset();
        assertThat(run(Map.of(), "redis://a:1", "--pasword", SECRET)).isEqualTo(2);
        assertThat(output()).contains("unknown option --pasword").doesNotContain(SECRET);
    }

    @Test
    void aMalformedSentinelListFailsTheUrlFormCheck() {
        assertThat(run(Map.of(), "--sentinel", "10.0.0.1:26379,nohostport", "--master", "mymaster")).isEqualTo(1);
        assertThat(output()).contains("FAIL  URL form").contains("'nohostport' is not host:port")
                .contains("SKIP  TCP connect");
    }

    @Test
    void passwordsFromTheEnvironmentOrArgumentsAreUsedButNeverPrinted() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "redis://127.0.0.1:" + closedPort;

        assertThat(run(Map.of("REDIS_PASSWORD", SECRET), url, "--timeout", "500")).isEqualTo(1);
        assertThat(output()).contains("password given").contains("FAIL  TCP connect")
                .contains("connection refused").doesNotContain(SECRET);
        bytes.reset();
        assertThat(run(Map.of(), url, "--user", "app", "--password", SECRET)).isEqualTo(1);
        assertThat(output()).contains("redis://app:***@127.0.0.1:" + closedPort).doesNotContain(SECRET);
        bytes.reset();
        assertThat(run(Map.of(), "redis://:" + SECRET + "@127.0.0.1:" + closedPort)).isEqualTo(1);
        assertThat(output()).contains("redis://:***@127.0.0.1").doesNotContain(SECRET);
    }

    @Test
    void anUnresolvableHostFailsDnsWithAFix() {
        assertThat(run(Map.of(), "redis://no-such-host.invalid:6379", "--timeout", "3000")).isEqualTo(1);
        assertThat(output()).contains("FAIL  DNS").contains("does not resolve").contains("| fix: check the host name")
                .contains("SKIP  TCP connect");
    }

    @Test
    void aClusterUrlTriesEverySeedAndReportsTheFirstOnesFailureWhenNoneAnswers() throws IOException {
        int first;
        int second;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            first = a.getLocalPort();
            second = b.getLocalPort();
        }
        String seeds = "127.0.0.1:" + first + ",127.0.0.1:" + second;

        assertThat(run(Map.of("REDIS_PASSWORD", SECRET), "redis-cluster://" + seeds, "--user", "app",
                "--timeout", "500")).isEqualTo(1);
        String printed = output();
        assertThat(printed).contains("resilient-redis doctor: redis-cluster://app:***@" + seeds)
                .contains("PASS  URL form").contains("(Redis Cluster, 2 seed node(s), plain TCP, ACL user app, password given)")
                .containsPattern("WARN  Cluster seed +127\\.0\\.0\\.1:" + second + "  seed 2 of 2 did not answer: "
                        + "connection refused")
                .containsPattern("FAIL  TCP connect +127\\.0\\.0\\.1:" + first + "  connection refused")
                .contains("SKIP  PING").doesNotContain(SECRET);
        bytes.reset();
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(output()).contains("doctor redis-cluster://[[user]:password@]host:port[,host:port...]");
    }
}
