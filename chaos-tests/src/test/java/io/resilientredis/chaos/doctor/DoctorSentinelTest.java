package io.resilientredis.chaos.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.SentinelGroup;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.doctor.CheckName;
import io.resilientredis.client.doctor.Doctor;
import io.resilientredis.client.doctor.DoctorCheck;
import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.doctor.DoctorCommand;
import io.resilientredis.client.doctor.DoctorReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/**
 * The doctor against a real Sentinel group (a master, one replica, three Sentinels; the data nodes
 * password-protected): healthy it passes every check, following the master the Sentinels report;
 * a wrong master name and a node addressed directly as replica fail or warn with the right fix.
 */
class DoctorSentinelTest {

    private static final String PASSWORD = "Sentinel-group-pw-5e1";

    @RegisterExtension
    static final ChaosTopologyExtension<RedisTopology> topology =
            ChaosTopologyExtension.direct(RedisTopology.sentinelGroup(1).password(PASSWORD).config("appendonly yes")
                    .config("maxmemory 64mb").config("maxmemory-policy allkeys-lru"));
    private static SentinelGroup group;

    @BeforeAll
    static void start() {
        group = topology.get().sentinelGroup();
    }


    private static List<String> sentinelAddresses() {
        return group.sentinels().stream().map(s -> s.host() + ":" + s.port()).toList();
    }

    private static RedisEndpoint endpoint(String masterName) {
        return RedisEndpoint.sentinel(masterName, sentinelAddresses()).withCredentials(null, PASSWORD);
    }

    private static String address(RedisNode node) {
        return node.host() + ":" + node.port();
    }

    @Test
    void aHealthyGroupPassesEveryCheckOnTheMasterTheSentinelsReport() {
        long start = System.nanoTime();
        DoctorReport report = Doctor.check(endpoint(group.masterName()));
        System.out.printf("[measure] doctor run on a healthy Sentinel group: %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
        System.out.print(report.render());

        assertThat(report.checks()).extracting(DoctorCheck::name).containsExactly(CheckName.URL_FORM, CheckName.SENTINEL,
                CheckName.SENTINEL, CheckName.SENTINEL, CheckName.SENTINEL_AGREEMENT, CheckName.SENTINEL_QUORUM,
                CheckName.SENTINEL_MASTER, CheckName.SENTINEL_TOPOLOGY, CheckName.DNS, CheckName.TCP_CONNECT, CheckName.TLS_HANDSHAKE,
                CheckName.AUTH, CheckName.PING, CheckName.ROLE, CheckName.PERSISTENCE, CheckName.MAXMEMORY, CheckName.EVICTION_POLICY,
                CheckName.USED_MEMORY, CheckName.EVICTED_KEYS, CheckName.LATENCY);
        assertThat(report.checks()).filteredOn(c -> !c.name().equals(CheckName.TLS_HANDSHAKE))
                .allSatisfy(c -> assertThat(c.status()).as(c.render()).isEqualTo(Status.PASS));
        String master = address(group.primary());
        assertThat(report.checks()).filteredOn(c -> c.name().equals(CheckName.SENTINEL))
                .extracting(DoctorCheck::target).containsExactlyElementsOf(sentinelAddresses());
        assertThat(report.checks()).filteredOn(c -> c.name().equals(CheckName.SENTINEL))
                .allSatisfy(c -> assertThat(c.finding()).endsWith("reports master " + master));
        assertThat(report.check(CheckName.SENTINEL_AGREEMENT).orElseThrow().finding())
                .isEqualTo("all 3 answering Sentinels report master " + master);
        assertThat(report.check(CheckName.SENTINEL_QUORUM).orElseThrow().finding())
                .contains("3 usable Sentinels").contains("Quorum and failover authorization can be reached");
        assertThat(report.check(CheckName.SENTINEL_TOPOLOGY).orElseThrow().finding())
                .startsWith("3 Sentinels know the master; replicas: " + address(group.replicas().get(0)) + " ok");
        assertThat(report.check(CheckName.TCP_CONNECT).orElseThrow().target()).isEqualTo(master);
        assertThat(report.check(CheckName.ROLE).orElseThrow().finding())
                .startsWith("master, 1 connected replica(s): " + address(group.replicas().get(0)) + " online, ");
        assertThat(report.exitCode()).isZero();
        assertThat(report.render()).doesNotContain(PASSWORD);
    }

    @Test
    void theCommandLineChecksASentinelGroupWithoutPrintingThePassword() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(new String[] {"--sentinel", String.join(",", sentinelAddresses()), "--master",
            group.masterName(), "--password", PASSWORD}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(output).isZero();
        assertThat(output).contains("resilient-redis doctor: sentinel://mymaster@").contains("result: OK")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aWrongMasterNameFailsEverySentinelCheckNamingTheKnownMasters() {
        DoctorReport report = Doctor.check(endpoint("no-such-master"));
        System.out.print(report.render());

        assertThat(report.checks()).filteredOn(c -> c.name().equals(CheckName.SENTINEL)).hasSize(3)
                .allSatisfy(c -> {
                    assertThat(c.status()).isEqualTo(Status.FAIL);
                    assertThat(c.finding()).isEqualTo("monitors no master named 'no-such-master' (it knows mymaster)");
                    assertThat(c.fix()).hasValueSatisfying(f -> assertThat(f).contains("sentinel monitor NAME"));
                });
        assertThat(report.checks()).filteredOn(c -> !c.name().equals(CheckName.SENTINEL)
                        && !c.name().equals(CheckName.URL_FORM))
                .hasSize(16).allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.SKIP));
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void oneSentinelAddressIsAWarningAndADataPortGivenAsSentinelIsAFailure() {
        RedisNode sentinel = group.sentinels().get(0);
        DoctorReport one = Doctor.check(RedisEndpoint.sentinel(group.masterName(), address(sentinel))
                .withCredentials(null, PASSWORD));
        assertThat(one.check(CheckName.URL_FORM).orElseThrow().status()).isEqualTo(Status.WARN);
        assertThat(one.check(CheckName.URL_FORM).orElseThrow().fix())
                .hasValueSatisfying(f -> assertThat(f).contains("three or more"));
        assertThat(one.passed()).as(one.render()).isTrue();

        RedisEndpoint dataPort = RedisEndpoint.sentinel(group.masterName(), address(group.primary()));
        DoctorCheck wrong = Doctor.check(dataPort).check(CheckName.SENTINEL).orElseThrow();
        assertThat(wrong.status()).as(wrong.render()).isEqualTo(Status.FAIL);
        assertThat(wrong.finding()).contains("unknown command");
        assertThat(wrong.fix()).hasValueSatisfying(f -> assertThat(f).contains("not a Sentinel"));
    }

    @Test
    void aUrlThatPointsAtASentinelFailsTheRoleCheckAndSaysHowToCheckTheGroup() {
        DoctorReport report = Doctor.check("redis://" + address(group.sentinels().get(1)));

        DoctorCheck role = report.check(CheckName.ROLE).orElseThrow();
        assertThat(role.status()).isEqualTo(Status.FAIL);
        assertThat(role.finding()).contains("redis_mode:sentinel");
        assertThat(role.fix()).hasValueSatisfying(f -> assertThat(f).contains("--sentinel host:port,... --master NAME"));
        assertThat(report.check(CheckName.PERSISTENCE).orElseThrow().status()).isEqualTo(Status.SKIP);
        assertThat(report.check(CheckName.LATENCY).orElseThrow().status()).isEqualTo(Status.SKIP);
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void aUrlThatPointsAtTheReplicaWarnsThatWritesFailWithReadonly() {
        RedisNode replica = group.replicas().get(0);
        DoctorReport report = Doctor.check("redis://:" + PASSWORD + "@" + address(replica));

        DoctorCheck role = report.check(CheckName.ROLE).orElseThrow();
        assertThat(role.status()).isEqualTo(Status.WARN);
        assertThat(role.finding()).startsWith("replica of " + address(group.primary()) + ", link up")
                .contains("READONLY");
        assertThat(role.fix()).hasValueSatisfying(f -> assertThat(f).contains("Sentinel endpoint"));
        assertThat(report.passed()).isTrue();
    }

    @Test
    void aDeadMasterIsFollowedAfterFailoverAndFailsTheRightChecksWhenNothingCanBePromoted() {
        try (RedisTopology own = RedisTopology.sentinelGroup(1).config("appendonly yes").config("maxmemory 64mb")
                .config("maxmemory-policy allkeys-lru").start()) {
            SentinelGroup g = own.sentinelGroup();
            RedisEndpoint endpoint = RedisEndpoint.sentinel(g.masterName(),
                    g.sentinels().stream().map(DoctorSentinelTest::address).toList());

            g.primary().kill();
            RedisNode promoted = own.awaitFailover(Duration.ofSeconds(30));
            DoctorReport after = Doctor.check(endpoint);
            System.out.print(after.render());
            assertThat(after.check(CheckName.TCP_CONNECT).orElseThrow().target()).isEqualTo(address(promoted));
            assertThat(after.check(CheckName.ROLE).orElseThrow().status()).isEqualTo(Status.PASS);
            DoctorCheck topologyCheck = after.check(CheckName.SENTINEL_TOPOLOGY).orElseThrow();
            assertThat(topologyCheck.status()).isEqualTo(Status.WARN);
            assertThat(topologyCheck.finding()).contains("none healthy").contains(address(g.primary()));
            assertThat(topologyCheck.fix()).hasValueSatisfying(f -> assertThat(f).contains("cannot be failed over"));
            assertThat(after.passed()).isTrue();

            promoted.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    Doctor.check(endpoint).check(CheckName.SENTINEL_MASTER).orElseThrow().status() == Status.FAIL);
            System.out.printf("[measure] master killed -> doctor reports it down via Sentinel: %d ms%n",
                    (System.nanoTime() - killed) / 1_000_000);
            DoctorReport dead = Doctor.check(endpoint);
            System.out.print(dead.render());

            assertThat(dead.checks()).filteredOn(c -> c.name().equals(CheckName.SENTINEL))
                    .allSatisfy(c -> assertThat(c.finding()).endsWith("reports master " + address(promoted)));
            DoctorCheck state = dead.check(CheckName.SENTINEL_MASTER).orElseThrow();
            assertThat(state.finding()).contains("Sentinels see the master as down");
            assertThat(state.fix()).hasValueSatisfying(f -> assertThat(f).contains("bring the master back"));
            DoctorCheck tcp = dead.check(CheckName.TCP_CONNECT).orElseThrow();
            assertThat(tcp.status()).isEqualTo(Status.FAIL);
            assertThat(tcp.target()).isEqualTo(address(promoted));
            assertThat(tcp.finding()).startsWith("connection refused");
            assertThat(tcp.fix()).hasValueSatisfying(f -> assertThat(f).startsWith("start the master the Sentinels report"));
            assertThat(dead.checks().stream().dropWhile(c -> !c.name().equals(CheckName.TLS_HANDSHAKE))
                    .map(DoctorCheck::status).collect(Collectors.toSet())).containsExactly(Status.SKIP);
            assertThat(dead.exitCode()).isEqualTo(1);
        }
    }
}
