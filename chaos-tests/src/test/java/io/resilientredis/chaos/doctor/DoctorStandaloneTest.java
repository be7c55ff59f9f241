package io.resilientredis.chaos.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.doctor.CheckName;
import io.resilientredis.client.doctor.Doctor;
import io.resilientredis.client.doctor.DoctorCheck;
import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.doctor.DoctorCommand;
import io.resilientredis.client.doctor.DoctorOptions;
import io.resilientredis.client.doctor.DoctorReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/**
 * The doctor against a real, password-protected standalone Redis configured the way the runbook
 * wants it (AOF on, a memory limit, an LRU policy): every check passes; wrong or missing credentials
 * and a TLS URL for a plain port fail the right check with the right fix; no output holds a password.
 */
class DoctorStandaloneTest {

    private static final String PASSWORD = "Doc-pw-31c7e";
    private static final String WRONG = "Not-it-9d02a";

    @RegisterExtension
    static final ChaosTopologyExtension<RedisTopology> topology =
            ChaosTopologyExtension.direct(RedisTopology.standalone().password(PASSWORD).config("appendonly yes")
                    .config("maxmemory 64mb").config("maxmemory-policy allkeys-lru"));
    private static RedisNode redis;

    @BeforeAll
    static void start() {
        redis = topology.get().primary();
    }


    private static String url(String password) {
        return "redis://" + (password == null ? "" : ":" + password + "@") + redis.host() + ":" + redis.port();
    }

    @Test
    void aHealthyServerPassesEveryCheck() {
        long start = System.nanoTime();
        DoctorReport report = Doctor.check(url(PASSWORD));
        System.out.printf("[measure] doctor run on a healthy standalone Redis: %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
        System.out.print(report.render());

        assertThat(report.checks()).extracting(DoctorCheck::name).containsExactly(CheckName.URL_FORM, CheckName.DNS,
                CheckName.TCP_CONNECT, CheckName.TLS_HANDSHAKE, CheckName.AUTH, CheckName.PING, CheckName.ROLE, CheckName.PERSISTENCE,
                CheckName.MAXMEMORY, CheckName.EVICTION_POLICY, CheckName.USED_MEMORY, CheckName.EVICTED_KEYS, CheckName.LATENCY);
        assertThat(report.checks()).filteredOn(c -> !c.name().equals(CheckName.TLS_HANDSHAKE))
                .allSatisfy(c -> assertThat(c.status()).as(c.render()).isEqualTo(Status.PASS));
        assertThat(report.check(CheckName.TLS_HANDSHAKE).orElseThrow().status()).isEqualTo(Status.SKIP);
        assertThat(report.check(CheckName.PING).orElseThrow().finding()).startsWith("PONG in ");
        assertThat(report.check(CheckName.ROLE).orElseThrow().finding()).startsWith("master, 0 connected replica(s)");
        assertThat(report.check(CheckName.PERSISTENCE).orElseThrow().finding()).contains("AOF on (appendfsync everysec)")
                .contains("rdb_last_bgsave_status:ok");
        assertThat(report.check(CheckName.MAXMEMORY).orElseThrow().finding()).startsWith("maxmemory 64.0 MiB");
        assertThat(report.check(CheckName.LATENCY).orElseThrow().finding()).startsWith("20 PINGs: p50 ");
        assertThat(report.passed()).isTrue();
        assertThat(report.exitCode()).isZero();
        assertThat(report.render()).doesNotContain(PASSWORD).contains("redis://:***@127.0.0.1");
    }

    @Test
    void aWrongPasswordFailsAuthWithTheFixAndIsNeverPrinted() {
        DoctorReport report = Doctor.check(url(WRONG));
        System.out.print(report.render());

        DoctorCheck auth = report.check(CheckName.AUTH).orElseThrow();
        assertThat(auth.status()).isEqualTo(Status.FAIL);
        assertThat(auth.finding()).contains("rejected the credentials").contains("WRONGPASS");
        assertThat(auth.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("password").contains("wrong"));
        assertThat(report.check(CheckName.TCP_CONNECT).orElseThrow().status()).isEqualTo(Status.PASS);
        assertThat(report.checks().stream().dropWhile(c -> !c.name().equals(CheckName.PING)).toList())
                .hasSize(8).allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.SKIP));
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.render()).doesNotContain(WRONG).doesNotContain(PASSWORD);
    }

    @Test
    void aMissingPasswordFailsAuthWithNoauthAndSaysWhereToGiveIt() {
        DoctorReport report = Doctor.check(url(null));

        DoctorCheck auth = report.check(CheckName.AUTH).orElseThrow();
        assertThat(auth.status()).isEqualTo(Status.FAIL);
        assertThat(auth.finding()).contains("requires a password and none was given").contains("NOAUTH");
        assertThat(auth.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("REDIS_PASSWORD")
                .contains("redis://:PASSWORD@host:port"));
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void theCommandLineTakesThePasswordAsAnArgumentAndNeverEchoesIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(new String[] {url(null), "--password", PASSWORD, "--timeout", "3000"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(output).isZero();
        assertThat(output).contains("PASS  AUTH").contains("result: OK").doesNotContain(PASSWORD);
        assertThat(output.lines().filter(l -> l.matches("^(PASS|WARN|FAIL|SKIP) .*"))).hasSize(13);
    }

    @Test
    void anEndpointWithAnAclUserAndTheDefaultUserWorks() {
        DoctorReport report = Doctor.check(RedisEndpoint.standalone(url(null)).withCredentials("default", PASSWORD));

        assertThat(report.check(CheckName.AUTH).orElseThrow().finding()).isEqualTo("authenticated as ACL user default");
        assertThat(report.passed()).as(report.render()).isTrue();
    }

    @Test
    void aTlsUrlForAPlainPortFailsTheHandshakeWithTheFix() {
        DoctorReport report = Doctor.check("rediss://:" + PASSWORD + "@" + redis.host() + ":" + redis.port(),
                DoctorOptions.builder().timeout(Duration.ofMillis(700)).build());
        System.out.print(report.render());

        DoctorCheck tls = report.check(CheckName.TLS_HANDSHAKE).orElseThrow();
        assertThat(tls.status()).isEqualTo(Status.FAIL);
        assertThat(tls.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("use redis://"));
        assertThat(report.check(CheckName.AUTH).orElseThrow().status()).isEqualTo(Status.SKIP);
        assertThat(report.render()).doesNotContain(PASSWORD);
    }

    @Test
    void aMedianRoundTripAboveTheThresholdIsALatencyWarning() {
        DoctorReport report = Doctor.check(url(PASSWORD), DoctorOptions.builder().latencySamples(5)
                .latencyWarning(Duration.ofNanos(1)).build());

        DoctorCheck latency = report.check(CheckName.LATENCY).orElseThrow();
        assertThat(latency.status()).isEqualTo(Status.WARN);
        assertThat(latency.finding()).startsWith("5 PINGs: p50 ").endsWith("(median above 0.00 ms)");
        assertThat(latency.fix()).hasValueSatisfying(f -> assertThat(f).contains("SLOWLOG"));
        assertThat(report.passed()).isTrue();
    }

    @Test
    void aMissingDatabaseFailsPingWithTheFix() {
        DoctorReport report = Doctor.check(url(PASSWORD) + "/99");

        DoctorCheck ping = report.check(CheckName.PING).orElseThrow();
        assertThat(ping.status()).isEqualTo(Status.FAIL);
        assertThat(ping.finding()).contains("SELECT 99 failed");
        assertThat(ping.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("databases"));
    }
}
