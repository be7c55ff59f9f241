package io.resilientredis.chaos.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.ClusterShard;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.doctor.CheckName;
import io.resilientredis.client.doctor.Doctor;
import io.resilientredis.client.doctor.DoctorCheck;
import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.doctor.DoctorCommand;
import io.resilientredis.client.doctor.DoctorOptions;
import io.resilientredis.client.doctor.DoctorReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The doctor against a real three-shard cluster (one replica each, password-protected), reached through a
 * fault proxy per node with the harness's NAT map, from one seed node: healthy it passes every cluster
 * check; unassigned slots fail the coverage check; a killed replica leaves its master without one (a
 * warning); a killed master is an unreachable node before its shard fails over, and a failing node. One
 * cluster for the class; each test restores what it broke, the master kill runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DoctorClusterTest {

    private static final String PASSWORD = "Cluster-doctor-pw-93d";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A node timeout long enough that a doctor run right after a kill comes before the failover. */
    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(
            RedisTopology.cluster(3).password(PASSWORD).clusterNodeTimeout(Duration.ofSeconds(3)));

    private static RedisCluster cluster() {
        return CHAOS.get().topology().cluster();
    }

    private static String announced(RedisNode node) {
        return node.host() + ":" + node.port();
    }

    /** The endpoint a user gives: one seed (shard 0's master, through its proxy), the password and the NAT map. */
    private static RedisEndpoint seed() {
        ChaosTopology chaos = CHAOS.get();
        return RedisEndpoint.standalone("redis://:" + PASSWORD + "@" + chaos.clientAddress(cluster().shard(0).master()))
                .withNatMap(chaos.clusterNatMap());
    }

    private static DoctorReport doctor() {
        DoctorReport report = Doctor.check(seed());
        assertThat(report.render()).doesNotContain(PASSWORD);
        return report;
    }

    private static DoctorCheck check(DoctorReport report, CheckName name) {
        return report.check(name).orElseThrow(() -> new AssertionError("no " + name + " check in\n" + report.render()));
    }

    private static List<DoctorCheck> nodeChecks(DoctorReport report) {
        return report.checks().stream().filter(c -> c.name() == CheckName.CLUSTER_NODE).toList();
    }

    private static DoctorCheck nodeCheck(DoctorReport report, RedisNode node) {
        return nodeChecks(report).stream().filter(c -> c.target().equals(announced(node))).findFirst()
                .orElseThrow(() -> new AssertionError("no node check for " + announced(node) + " in\n" + report.render()));
    }

    @Test
    @Order(1)
    void aHealthyClusterPassesEveryClusterCheckFromOneSeed() {
        DoctorReport report = doctor();
        System.out.print(report.render());

        assertThat(report.passed()).as(report.render()).isTrue();
        for (CheckName name : List.of(CheckName.CLUSTER_STATE, CheckName.CLUSTER_SLOTS, CheckName.CLUSTER_REPLICAS,
                CheckName.CLUSTER_FAILURES)) {
            assertThat(check(report, name).status()).as(name.label()).isEqualTo(Status.PASS);
        }
        assertThat(check(report, CheckName.CLUSTER_STATE).finding()).startsWith("cluster_state:ok, 6 known nodes");
        assertThat(check(report, CheckName.CLUSTER_SLOTS).finding()).isEqualTo("all 16384 slots assigned to 3 masters");
        List<DoctorCheck> nodes = nodeChecks(report);
        assertThat(nodes).hasSize(6).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(Status.PASS);
            assertThat(c.finding()).contains("PONG").contains("via the NAT map");
        });
        Map<String, String> nat = CHAOS.get().clusterNatMap();
        for (ClusterShard shard : cluster().shards()) {
            DoctorCheck master = nodeCheck(report, shard.master());
            assertThat(master.finding()).startsWith("master of " + shard.slotCount() + " slots, 1 connected replica(s)")
                    .endsWith("(dialled as " + nat.get(announced(shard.master())) + " via the NAT map)");
        }
        assertThat(check(report, CheckName.ROLE).status()).isEqualTo(Status.PASS);

        // The command line: the same checks with --nat-map, the password from the environment's place in the URL.
        String natArg = nat.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(new String[] {"redis://" + CHAOS.get().clientAddress(cluster().shard(0).master()),
            "--password", PASSWORD, "--nat-map", natArg}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Cluster slot coverage").contains("Cluster replicas").doesNotContain(PASSWORD);
        assertThat(printed.lines().filter(l -> l.matches("PASS  Cluster node {2,}127\\.0\\.0\\.1:.*")).count())
                .isEqualTo(6);
    }

    /** The cluster endpoint the client is configured with: every node a seed, the NAT map, the password. */
    private static RedisEndpoint clusterEndpoint() {
        return CHAOS.get().primaryEndpoint().withCredentials(null, PASSWORD);
    }

    @Test
    @Order(2)
    void theClientsClusterEndpointAndItsCommandLineFormCheckTheWholeClusterFromTheFirstSeed() {
        RedisEndpoint endpoint = clusterEndpoint();
        assertThat(endpoint.isCluster()).isTrue();
        List<String> seeds = CHAOS.get().clusterSeeds();

        DoctorReport report = Doctor.check(endpoint);
        String rendered = report.render();
        System.out.print(rendered);
        assertThat(report.passed()).as(rendered).isTrue();
        assertThat(rendered).startsWith("resilient-redis doctor: redis-cluster://:***@" + String.join(",", seeds))
                .doesNotContain(PASSWORD);
        assertThat(check(report, CheckName.URL_FORM).finding())
                .endsWith("(Redis Cluster, 6 seed node(s), plain TCP, password given)");
        assertThat(report.check(CheckName.CLUSTER_SEED)).isEmpty();
        DoctorCheck connect = check(report, CheckName.TCP_CONNECT);
        assertThat(connect.target()).isEqualTo(seeds.get(0));
        assertThat(connect.finding()).endsWith("(seed 1 of 6)");
        assertThat(check(report, CheckName.AUTH).status()).isEqualTo(Status.PASS);
        assertThat(check(report, CheckName.CLUSTER_SLOTS).finding()).isEqualTo("all 16384 slots assigned to 3 masters");
        assertThat(nodeChecks(report)).hasSize(6).allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.PASS));

        // The command line, in the form the endpoint's display name has, the password in the URL.
        String natArg = CHAOS.get().clusterNatMap().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        String url = "redis-cluster://:" + PASSWORD + "@" + String.join(",", seeds);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(new String[] {url, "--nat-map", natArg},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).startsWith("resilient-redis doctor: " + endpoint.displayName() + "\n")
                .contains("PASS  Cluster state").doesNotContain(PASSWORD);
        assertThat(printed.lines().filter(l -> l.matches("PASS  Cluster node {2,}127\\.0\\.0\\.1:.*")).count())
                .isEqualTo(6);

        // Without the NAT map the seeds still answer, but the announced node addresses are the direct ones:
        // reachable here (127.0.0.1), yet not through the proxies, so the checks say no NAT map entry is used.
        bytes.reset();
        assertThat(DoctorCommand.run(new String[] {url}, new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .as(bytes.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("via the NAT map");
    }

    @Test
    @Order(3)
    void aSeedThatDoesNotAnswerIsAWarningAndTheNextSeedIsUsed() throws IOException {
        ChaosTopology chaos = CHAOS.get();
        RedisNode first = cluster().nodes().get(0);
        List<String> seeds = chaos.clusterSeeds();
        assertThat(seeds.get(0)).isEqualTo(chaos.clientAddress(first));
        chaos.proxy(first).disable();
        try {
            DoctorReport report = Doctor.check(clusterEndpoint(), DoctorOptions.builder().timeout(TIMEOUT).build());
            String rendered = report.render();
            System.out.print(rendered);
            DoctorCheck seed = check(report, CheckName.CLUSTER_SEED);
            assertThat(seed.status()).isEqualTo(Status.WARN);
            assertThat(seed.target()).isEqualTo(seeds.get(0));
            assertThat(seed.finding()).startsWith("seed 1 of 6 did not answer: ");
            assertThat(seed.fix()).hasValueSatisfying(f -> assertThat(f).contains("list the cluster's current nodes"));
            DoctorCheck connect = check(report, CheckName.TCP_CONNECT);
            assertThat(connect.target()).isEqualTo(seeds.get(1));
            assertThat(connect.finding()).endsWith("(seed 2 of 6)");
            assertThat(check(report, CheckName.PING).status()).isEqualTo(Status.PASS);
            // From seed 2 the cluster checks run, and find the node behind the disabled proxy unreachable.
            assertThat(nodeCheck(report, first).status()).isEqualTo(Status.FAIL);
            assertThat(report.passed()).isFalse();
            assertThat(rendered).doesNotContain(PASSWORD);
        } finally {
            chaos.proxy(first).enable();
        }
        assertThat(doctor().passed()).isTrue();
    }

    @Test
    @Order(4)
    void unassignedSlotsFailTheCoverageCheck() throws IOException {
        RedisCluster cluster = cluster();
        ClusterShard owner = cluster.shard(0);
        int slot = owner.slotRanges().get(0).first();
        // Every node forgets the slot's owner, so the whole cluster agrees it is unassigned.
        for (RedisNode node : cluster.nodes()) {
            try (RespConnection connection = node.connect(TIMEOUT)) {
                connection.call("CLUSTER", "DELSLOTS", Integer.toString(slot));
            }
        }
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                DoctorReport report = doctor();
                DoctorCheck slots = check(report, CheckName.CLUSTER_SLOTS);
                assertThat(slots.status()).as(report.render()).isEqualTo(Status.FAIL);
                assertThat(slots.finding()).startsWith("cluster_slots_assigned:16383 of 16384; no master serves "
                        + "slot(s) " + slot);
                assertThat(slots.fix()).hasValueSatisfying(f -> assertThat(f).contains("CLUSTER ADDSLOTSRANGE"));
                // The harness runs with cluster-require-full-coverage no: the other slots keep being served.
                assertThat(check(report, CheckName.CLUSTER_STATE).status()).isEqualTo(Status.PASS);
                assertThat(report.passed()).isFalse();
            });
            System.out.print(doctor().render());
        } finally {
            try (RespConnection connection = owner.master().connect(TIMEOUT)) {
                connection.call("CLUSTER", "ADDSLOTS", Integer.toString(slot));
            }
            cluster.awaitClusterOk(Duration.ofSeconds(20));
        }
        assertThat(check(doctor(), CheckName.CLUSTER_SLOTS).status()).isEqualTo(Status.PASS);
    }

    @Test
    @Order(5)
    void aMasterWhoseReplicaIsKilledGetsTheNoReplicaWarning() {
        RedisCluster cluster = cluster();
        ClusterShard shard = cluster.shard(2);
        RedisNode replica = shard.replicas().get(0);
        replica.kill();
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                DoctorReport report = doctor();
                DoctorCheck replicas = check(report, CheckName.CLUSTER_REPLICAS);
                assertThat(replicas.status()).as(report.render()).isEqualTo(Status.WARN);
                assertThat(replicas.finding()).startsWith("1 master(s) without a connected replica: "
                        + announced(shard.master()) + " (slots ");
                assertThat(replicas.fix()).hasValueSatisfying(f -> assertThat(f).contains("restart its replica"));
                DoctorCheck unreachable = nodeCheck(report, replica);
                assertThat(unreachable.status()).isEqualTo(Status.FAIL);
                // Through its proxy a dead node is a connection that closes before any reply.
                assertThat(unreachable.finding()).startsWith("replica: connected, but the connection closed before "
                        + "any reply");
            });
            System.out.print(doctor().render());
        } finally {
            replica.restart();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(check(doctor(), CheckName.CLUSTER_REPLICAS).status()).isEqualTo(Status.PASS));
            cluster.awaitClusterOk(Duration.ofSeconds(20));
        }
    }

    @Test
    @Order(6)
    void aKilledMasterIsAnUnreachableNodeBeforeTheFailoverAndAFailingNode() {
        RedisCluster cluster = cluster();
        ClusterShard shard = cluster.shard(1);
        RedisNode master = shard.master();
        RedisNode killed = cluster.killMaster(1);
        assertThat(killed).isEqualTo(master);
        try {
            // Right after the kill, before cluster-node-timeout (3 s): the node still owns its slots.
            DoctorReport first = doctor();
            System.out.print(first.render());
            DoctorCheck unreachable = nodeCheck(first, master);
            assertThat(unreachable.status()).isEqualTo(Status.FAIL);
            assertThat(unreachable.finding()).startsWith("master of " + shard.slotCount() + " slots: connected, but the "
                    + "connection closed before any reply").contains("via the NAT map");
            assertThat(unreachable.fix()).hasValueSatisfying(f -> assertThat(f).contains("the node behind it is "
                    + "probably down").contains("a replica takes over"));
            assertThat(first.passed()).isFalse();

            // Once the others notice: flagged fail? / fail (a failure while it still owns slots, a warning after).
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                DoctorReport report = doctor();
                DoctorCheck flags = check(report, CheckName.CLUSTER_FAILURES);
                assertThat(flags.status()).as(report.render()).isIn(Status.FAIL, Status.WARN);
                assertThat(flags.finding()).startsWith(announced(master) + " master flagged fail");
            });
            System.out.print(doctor().render());
            cluster.awaitClusterFailover(1, Duration.ofSeconds(30));
        } finally {
            killed.restart();
            cluster.awaitClusterOk(Duration.ofSeconds(30));
        }
    }
}
