package io.resilientredis.chaos.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.doctor.CheckName;
import io.resilientredis.client.doctor.Doctor;
import io.resilientredis.client.doctor.DoctorCheck;
import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.doctor.DoctorOptions;
import io.resilientredis.client.doctor.DoctorReport;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} through a real TLS handshake: a TLS front with a self-signed certificate for
 * {@code localhost} before a real Redis. Trusted, the handshake passes and every check after it runs;
 * untrusted, or dialled by a name the certificate does not hold, or with a certificate about to
 * expire, the TLS check says so with the fix.
 */
class DoctorTlsTest {

    private static final String PASSWORD = "Tls-pw-0b7d2";

    @TempDir
    static Path directory;

    @RegisterExtension
    static final ChaosTopologyExtension<RedisTopology> topology =
            ChaosTopologyExtension.direct(RedisTopology.standalone().password(PASSWORD).config("appendonly yes")
                    .config("maxmemory 64mb").config("maxmemory-policy allkeys-lru"));
    private static TlsTerminator longLived;
    private static TlsTerminator expiring;

    @BeforeAll
    static void start() throws Exception {
        RedisNode redis = topology.get().primary();
        longLived = TlsTerminator.start(directory, "localhost", 365, redis.port());
        expiring = TlsTerminator.start(directory, "localhost", 5, redis.port());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (longLived != null) {
            longLived.close();
        }
        if (expiring != null) {
            expiring.close();
        }
    }

    private static DoctorOptions trusting(TlsTerminator tls) {
        return DoctorOptions.builder().sslContext(tls.trustingContext()).build();
    }

    @Test
    void aTrustedCertificateForTheDialledNamePassesAndEveryLaterCheckRuns() {
        DoctorReport report = Doctor.check("rediss://:" + PASSWORD + "@localhost:" + longLived.port(),
                trusting(longLived));
        System.out.print(report.render());

        DoctorCheck tls = report.check(CheckName.TLS_HANDSHAKE).orElseThrow();
        assertThat(tls.status()).isEqualTo(Status.PASS);
        assertThat(tls.finding()).startsWith("TLSv1.3 ").contains("certificate CN=localhost valid until");
        assertThat(report.checks()).allSatisfy(c -> assertThat(c.status()).as(c.render()).isEqualTo(Status.PASS));
        assertThat(report.render()).doesNotContain(PASSWORD);
    }

    @Test
    void anUntrustedCertificateFailsWithTheTrustStoreFix() {
        DoctorReport report = Doctor.check("rediss://:" + PASSWORD + "@localhost:" + longLived.port());

        DoctorCheck tls = report.check(CheckName.TLS_HANDSHAKE).orElseThrow();
        assertThat(tls.status()).isEqualTo(Status.FAIL);
        assertThat(tls.finding()).startsWith("the server's certificate is not trusted");
        assertThat(tls.fix()).hasValueSatisfying(f -> assertThat(f).contains("-Djavax.net.ssl.trustStore"));
        assertThat(report.check(CheckName.AUTH).orElseThrow().status()).isEqualTo(Status.SKIP);
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void aNameTheCertificateDoesNotHoldFailsWithTheHostnameFix() {
        DoctorReport report = Doctor.check("rediss://:" + PASSWORD + "@127.0.0.1:" + longLived.port(),
                trusting(longLived));

        DoctorCheck tls = report.check(CheckName.TLS_HANDSHAKE).orElseThrow();
        assertThat(tls.status()).as(tls.render()).isEqualTo(Status.FAIL);
        assertThat(tls.finding()).startsWith("the certificate does not name this host");
        assertThat(tls.fix()).hasValueSatisfying(f -> assertThat(f).contains("subjectAltName"));
    }

    @Test
    void aCertificateAboutToExpireIsAWarning() {
        DoctorReport report = Doctor.check("rediss://:" + PASSWORD + "@localhost:" + expiring.port(),
                trusting(expiring));

        DoctorCheck tls = report.check(CheckName.TLS_HANDSHAKE).orElseThrow();
        assertThat(tls.status()).isEqualTo(Status.WARN);
        assertThat(tls.finding()).endsWith("expires within 14 days");
        assertThat(tls.fix()).hasValueSatisfying(f -> assertThat(f).contains("renew"));
        assertThat(report.passed()).isTrue();
    }
}
