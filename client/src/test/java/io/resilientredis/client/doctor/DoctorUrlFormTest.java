package io.resilientredis.client.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.client.internal.ConnectionSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The URL-form check: each usual way a Redis URL goes wrong gives a precise finding, a fix, and stops the run. */
class DoctorUrlFormTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "localhost:6379                    | has no scheme                  | redis://localhost:6379",
            "http://localhost:6379             | not a Redis scheme             | rediss://",
            "redis-sentinel://h:26379/mymaster | are not read here              | --sentinel",
            "redis://:p@ssw0rd-Q9@host:6379    | an unencoded '@'               | %40",
            "redis://:pa/ssw0rd-Q9@host:6379   | an unencoded '/'               | %2F",
            "redis://:pa#ssw0rd-Q9@host:6379   | an unencoded '#'               | %23",
            "redis://:pa%zzssw0rd-Q9@host      | does not start a %XX escape    | %25",
            "redis://host:abc                  | port 'abc' in                  | as a number",
            "redis://host:70000                | outside 1-65535                | port Redis listens on",
            "redis://host:                     | gives no port                  | add the port",
            "redis://:6379                     | has no host                    | name the server",
            "redis://host:6379/cache           | database 'cache'               | by number",
            "redis://::1:6379                  | several ':'                    | [::1]",
            "redis://[::1:6379                 | no closing ']'                 | [::1]:6379",
            "redis://ho st:6379                | cannot have                    | DNS name or an IP",
    })
    void malformedUrlsFailTheUrlFormCheckWithAFixAndSkipTheRest(String url, String finding, String fix) {
        DoctorReport report = Doctor.check(url);

        DoctorCheck form = report.checks().get(0);
        assertThat(form.name()).isEqualTo(CheckName.URL_FORM);
        assertThat(form.status()).isEqualTo(DoctorCheck.Status.FAIL);
        assertThat(form.finding()).contains(finding);
        assertThat(form.fix()).hasValueSatisfying(f -> assertThat(f).contains(fix));
        assertThat(report.checks().subList(1, report.checks().size()))
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(DoctorCheck.Status.SKIP))
                .extracting(DoctorCheck::name)
                .containsExactly(CheckName.DNS, CheckName.TCP_CONNECT, CheckName.TLS_HANDSHAKE, CheckName.AUTH, CheckName.PING,
                        CheckName.ROLE, CheckName.PERSISTENCE, CheckName.MAXMEMORY, CheckName.EVICTION_POLICY, CheckName.USED_MEMORY,
                        CheckName.EVICTED_KEYS, CheckName.LATENCY);
        assertThat(report.passed()).isFalse();
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.render()).doesNotContain("ssw0rd-Q9").contains("FAIL  URL form");
    }

    @Test
    void aMissingUrlIsAFailureNotAnException() {
        DoctorReport report = Doctor.check((String) null);

        assertThat(report.check(CheckName.URL_FORM).orElseThrow().finding()).isEqualTo("no Redis URL given");
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void wellFormedUrlsParseWithPercentEncodedPasswords() {
        DoctorUrlForm.Parsed parsed = DoctorUrlForm.standalone("rediss://app:s3cr%40t%2Fx@cache.example:6380/2");

        assertThat(parsed.ok()).isTrue();
        ConnectionSpec endpoint = ConnectionSpec.of(parsed.endpoint());
        assertThat(endpoint.password()).isEqualTo("s3cr@t/x");
        assertThat(endpoint.username()).isEqualTo("app");
        assertThat(endpoint.host()).isEqualTo("cache.example");
        assertThat(endpoint.port()).isEqualTo(6380);
        assertThat(endpoint.database()).isEqualTo(2);
        assertThat(endpoint.tls()).isTrue();
        assertThat(ConnectionSpec.of(DoctorUrlForm.standalone("redis://[::1]:7000").endpoint()).port()).isEqualTo(7000);
        assertThat(ConnectionSpec.of(DoctorUrlForm.standalone("redis://localhost").endpoint()).port()).isEqualTo(6379);
    }

    @Test
    void sentinelAddressListsAreCheckedToo() {
        assertThat(DoctorUrlForm.sentinel("mymaster", List.of("10.0.0.1:26379", "10.0.0.2")).problem())
                .isEqualTo("Sentinel address '10.0.0.2' is not host:port");
        assertThat(DoctorUrlForm.sentinel("mymaster", List.of("10.0.0.1:99999")).problem())
                .contains("outside 1-65535");
        assertThat(DoctorUrlForm.sentinel(" ", List.of("10.0.0.1:26379")).fix()).contains("sentinel monitor NAME");
        assertThat(DoctorUrlForm.sentinel("mymaster", List.of()).problem()).isEqualTo("no Sentinel addresses given");
        assertThat(ConnectionSpec.of(DoctorUrlForm.sentinel("mymaster", List.of("redis://10.0.0.1:26379", "b:26380"))
                .endpoint()).sentinels()).containsExactly("10.0.0.1:26379", "b:26380");
    }

    @Test
    void aClusterUrlInTheDisplayNameFormParsesToAClusterEndpoint() {
        DoctorUrlForm.Parsed parsed = DoctorUrlForm.parse(
                " redis-cluster://app:s3cr%40t@10.0.0.1:7000,node-b.internal:7001, [::1]:7002 ");

        assertThat(parsed.ok()).as(parsed.problem()).isTrue();
        assertThat(parsed.endpoint().isCluster()).isTrue();
        ConnectionSpec spec = ConnectionSpec.of(parsed.endpoint());
        assertThat(spec.cluster()).isTrue();
        assertThat(spec.clusterSeeds()).containsExactly("10.0.0.1:7000", "node-b.internal:7001", "[::1]:7002");
        assertThat(spec.username()).isEqualTo("app");
        assertThat(spec.password()).isEqualTo("s3cr@t");
        assertThat(spec.tls()).isFalse();
        assertThat(spec.host()).isEqualTo("10.0.0.1");
        assertThat(spec.port()).isEqualTo(7000);
        // The endpoint's display name is the same form, password redacted: what a log shows is what doctor takes.
        assertThat(spec.displayName()).isEqualTo("redis-cluster://app:***@10.0.0.1:7000,node-b.internal:7001,[::1]:7002");
        assertThat(spec.toString()).doesNotContain("s3cr");
        String copied = spec.displayName().replace("***", "s3cr%40t");
        assertThat(ConnectionSpec.of(DoctorUrlForm.parse(copied).endpoint())).isEqualTo(spec);

        ConnectionSpec tls = ConnectionSpec.of(DoctorUrlForm.parse("REDISS-CLUSTER://h1:7000,h2:7000").endpoint());
        assertThat(tls.tls()).isTrue();
        assertThat(tls.password()).isNull();
        assertThat(tls.clusterSeeds()).containsExactly("h1:7000", "h2:7000");
        assertThat(tls.displayName()).isEqualTo("rediss-cluster://h1:7000,h2:7000");
        assertThat(DoctorUrlForm.parse("redis://h1:7000").endpoint().isCluster()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "redis-cluster://                         | names no seed node                | host:port[,host:port...]",
            "redis-cluster://:pw-Q9@                  | names no seed node                | host:port[,host:port...]",
            "redis-cluster://:pw-Q9@a:7000,,b:7001    | an empty seed                     | single commas",
            "redis-cluster://:pw-Q9@a:7000,           | an empty seed                     | single commas",
            "redis-cluster://:pw-Q9@a:7000/0          | database 0 only                   | drop it",
            "redis-cluster://a:7000,redis://b:7001    | carries its own scheme            | once, in front",
            "redis-cluster://:pw-Q9@a:7000,b:port     | port 'port' in                    | redis-cluster://",
            "redis-cluster://:pw-Q9@a:7000,b:70000    | outside 1-65535                   | redis-cluster://",
            "redis-cluster://:p@ss-Q9@a:7000          | an unencoded '@'                  | %40",
            "redis-cluster://:pw-Q9@a b:7000          | has characters a host name cannot | redis-cluster://",
    })
    void malformedClusterUrlsFailTheUrlFormCheckWithAFix(String url, String finding, String fix) {
        DoctorReport report = Doctor.check(url);

        DoctorCheck form = report.checks().get(0);
        assertThat(form.name()).isEqualTo(CheckName.URL_FORM);
        assertThat(form.status()).as(report.render()).isEqualTo(DoctorCheck.Status.FAIL);
        assertThat(form.finding()).contains(finding);
        assertThat(form.fix()).hasValueSatisfying(f -> assertThat(f).contains(fix));
        assertThat(report.checks().subList(1, report.checks().size()))
                .isNotEmpty().allSatisfy(c -> assertThat(c.status()).isEqualTo(DoctorCheck.Status.SKIP));
        assertThat(report.render()).doesNotContain("pw-Q9").doesNotContain("ss-Q9");
    }

    @Test
    void aClusterUrlGivenWhereOneServerIsExpectedSaysHowToGiveACluster() {
        DoctorUrlForm.Parsed parsed = DoctorUrlForm.standalone("redis-cluster://:pw-Q9@a:7000,b:7001");

        assertThat(parsed.ok()).isFalse();
        assertThat(parsed.problem()).contains("names a Redis Cluster, not one server").doesNotContain("pw-Q9");
        assertThat(parsed.fix()).contains("RedisEndpoint.cluster(");
    }
}
