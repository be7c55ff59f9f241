package io.resilientredis.client.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.internal.resp.RespReplies;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster judgements and the {@code CLUSTER NODES} parser, as pure functions of captured replies. */
class ClusterChecksTest {

    private static final String M0 = "3c3a0c74aae0b56170ccb03a76b60cfe7dc1912e";
    private static final String M1 = "a9a7c9d0d5f9c0f7e6e1b6a3a1d6e2f1c9c1a2b3";
    private static final String M2 = "f0e1d2c3b4a5968778695a4b3c2d1e0f11223344";
    private static final String R0 = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
    private static final String R1 = "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
    private static final String R2 = "2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e";

    /** {@code CLUSTER NODES} of a healthy 3-master, 3-replica cluster (Redis 7 form), asked of the first master. */
    private static final String HEALTHY = String.join("\n",
            M0 + " 127.0.0.1:30001@40001 myself,master - 0 1700000000000 1 connected 0-5460",
            M1 + " 127.0.0.1:30002@40002 master - 0 1700000000321 2 connected 5461-10922",
            M2 + " 127.0.0.1:30003@40003,redis-3 master - 0 1700000000000 3 connected 10923-16383",
            R0 + " 127.0.0.1:30004@40004 slave " + M0 + " 0 1700000000421 1 connected",
            R1 + " 127.0.0.1:30005@40005 slave " + M1 + " 0 1700000000000 2 connected",
            R2 + " 127.0.0.1:30006@40006 slave " + M2 + " 0 1700000000523 3 connected",
            "");

    private static final String HEALTHY_INFO = String.join("\r\n", "cluster_enabled:1", "cluster_state:ok",
            "cluster_slots_assigned:16384", "cluster_slots_ok:16384", "cluster_slots_pfail:0", "cluster_slots_fail:0",
            "cluster_known_nodes:6", "cluster_size:3", "cluster_current_epoch:6", "cluster_my_epoch:1", "");

    private static final Map<String, Integer> ONE_EACH = Map.of(M0, 1, M1, 1, M2, 1);

    private static Map<String, String> info(String text) {
        return RespReplies.info(text);
    }

    @Test
    void parsesEveryFieldOfClusterNodes() {
        List<ClusterChecks.Node> nodes = ClusterChecks.parseNodes(HEALTHY);
        assertThat(nodes).hasSize(6);
        ClusterChecks.Node first = nodes.get(0);
        assertThat(first.id()).isEqualTo(M0);
        assertThat(first.address()).isEqualTo("127.0.0.1:30001");
        assertThat(first.myself()).isTrue();
        assertThat(first.master()).isTrue();
        assertThat(first.slotCount()).isEqualTo(5461);
        assertThat(nodes.get(2).address()).as("the hostname after the bus port is dropped").isEqualTo("127.0.0.1:30003");
        assertThat(nodes.get(2).slots().nextSetBit(0)).isEqualTo(10923);
        ClusterChecks.Node replica = nodes.get(3);
        assertThat(replica.replica()).isTrue();
        assertThat(replica.masterId()).isEqualTo(M0);
        assertThat(replica.slotCount()).isZero();
        assertThat(replica.linkState()).isEqualTo("connected");
    }

    @Test
    void parsesSingleSlotsMigrationsAndNodesWithoutAnAddress() {
        List<ClusterChecks.Node> nodes = ClusterChecks.parseNodes(
                M0 + " 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-100 200 [300->-" + M1 + "]\n"
                        + M1 + " :0@0 master,noaddr - 1700000000000 1700000000000 2 disconnected [300-<-" + M0 + "]\n"
                        + "garbage line\n"
                        + M2 + " 10.0.0.7:6379 master,fail? - 0 0 3 connected 101-199\n");
        assertThat(nodes).hasSize(3);
        assertThat(nodes.get(0).slotCount()).isEqualTo(102);
        assertThat(nodes.get(0).migrating()).containsExactly(300);
        assertThat(nodes.get(1).address()).isEmpty();
        assertThat(nodes.get(1).shown()).isEqualTo("node " + M1.substring(0, 8));
        assertThat(nodes.get(1).migrating()).containsExactly(300);
        assertThat(nodes.get(2).address()).as("Redis before 4 has no bus port").isEqualTo("10.0.0.7:6379");
        assertThat(nodes.get(2).failing()).isTrue();
        assertThat(ClusterChecks.parseNodes(null)).isEmpty();
    }

    @Test
    void aHealthyClusterPassesEveryJudgement() {
        List<ClusterChecks.Node> nodes = ClusterChecks.parseNodes(HEALTHY);
        DoctorCheck state = ClusterChecks.state(info(HEALTHY_INFO), "seed:1");
        assertThat(state.status()).isEqualTo(Status.PASS);
        assertThat(state.finding()).isEqualTo("cluster_state:ok, 6 known nodes, 3 masters serving slots, current epoch 6");
        DoctorCheck slots = ClusterChecks.slots(info(HEALTHY_INFO), nodes, "seed:1");
        assertThat(slots.status()).isEqualTo(Status.PASS);
        assertThat(slots.finding()).isEqualTo("all 16384 slots assigned to 3 masters");
        DoctorCheck replicas = ClusterChecks.replicas(nodes, ONE_EACH, "seed:1");
        assertThat(replicas.status()).isEqualTo(Status.PASS);
        assertThat(replicas.finding()).isEqualTo("every master has a connected replica: 127.0.0.1:30001: "
                + "127.0.0.1:30004; 127.0.0.1:30002: 127.0.0.1:30005; 127.0.0.1:30003: 127.0.0.1:30006");
        DoctorCheck failures = ClusterChecks.failures(nodes, "seed:1");
        assertThat(failures.status()).isEqualTo(Status.PASS);
        assertThat(failures.finding()).isEqualTo("no node flagged fail or fail? (6 nodes)");
    }

    @Test
    void aClusterDownStateFailsWithTheFix() {
        DoctorCheck state = ClusterChecks.state(info(HEALTHY_INFO.replace("cluster_state:ok", "cluster_state:fail")),
                "seed:1");
        assertThat(state.status()).isEqualTo(Status.FAIL);
        assertThat(state.finding()).startsWith("cluster_state:fail").endsWith("refuses commands with CLUSTERDOWN");
        assertThat(state.fix()).hasValueSatisfying(f -> assertThat(f).contains("no master").contains("majority"));
    }

    @Test
    void unassignedSlotsFailWithTheirRangesAndTheCommandThatAssignsThem() {
        String nodes = HEALTHY.replace("connected 0-5460", "connected 0-99 101-5459")
                .replace("connected 10923-16383", "connected 10923-16000");
        String clusterInfo = HEALTHY_INFO.replace("cluster_slots_assigned:16384", "cluster_slots_assigned:16000");
        DoctorCheck slots = ClusterChecks.slots(info(clusterInfo), ClusterChecks.parseNodes(nodes), "seed:1");
        assertThat(slots.status()).isEqualTo(Status.FAIL);
        assertThat(slots.finding()).isEqualTo("cluster_slots_assigned:16000 of 16384; no master serves slot(s) "
                + "100, 5460, 16001-16383");
        assertThat(slots.fix()).hasValueSatisfying(f -> assertThat(f).contains("CLUSTER ADDSLOTSRANGE")
                .contains("cluster-require-full-coverage"));
        // CLUSTER INFO alone says so too, even when the node list looks whole.
        assertThat(ClusterChecks.slots(info(clusterInfo), ClusterChecks.parseNodes(HEALTHY), "s").status())
                .isEqualTo(Status.FAIL);
    }

    @Test
    void aSlotLeftInMigrationWarns() {
        String nodes = HEALTHY.replace("connected 0-5460", "connected 0-5460 [42->-" + M1 + "]");
        DoctorCheck slots = ClusterChecks.slots(info(HEALTHY_INFO), ClusterChecks.parseNodes(nodes), "seed:1");
        assertThat(slots.status()).isEqualTo(Status.WARN);
        assertThat(slots.finding()).endsWith("slot(s) 42 in migration (MIGRATING/IMPORTING)");
        assertThat(slots.fix()).hasValueSatisfying(f -> assertThat(f).contains("CLUSTER SETSLOT <slot> NODE"));
    }

    @Test
    void aMasterWithoutAConnectedReplicaWarns() {
        // The replica still looks fine in CLUSTER NODES, but its master counts no connected replica.
        List<ClusterChecks.Node> nodes = ClusterChecks.parseNodes(HEALTHY);
        DoctorCheck byInfo = ClusterChecks.replicas(nodes, Map.of(M0, 1, M1, 0, M2, 1), "seed:1");
        assertThat(byInfo.status()).isEqualTo(Status.WARN);
        assertThat(byInfo.finding()).isEqualTo("1 master(s) without a connected replica: 127.0.0.1:30002 (slots "
                + "5461-10922): connected_slaves:0, listed 127.0.0.1:30005");
        assertThat(byInfo.fix()).hasValueSatisfying(f -> assertThat(f).contains("CLUSTER REPLICATE <master-id>"));

        // Flagged failing in CLUSTER NODES, with the master unreachable for INFO.
        List<ClusterChecks.Node> failed = ClusterChecks.parseNodes(HEALTHY.replace("30006@40006 slave",
                "30006@40006 slave,fail"));
        DoctorCheck byFlags = ClusterChecks.replicas(failed, Map.of(M0, 1, M1, 1), "seed:1");
        assertThat(byFlags.status()).isEqualTo(Status.WARN);
        assertThat(byFlags.finding()).isEqualTo("1 master(s) without a connected replica: 127.0.0.1:30003 (slots "
                + "10923-16383), no healthy replica listed");

        // A master without slots (a spare, or a former master) needs none.
        List<ClusterChecks.Node> spare = ClusterChecks.parseNodes(HEALTHY + "9f9f9f9f 127.0.0.1:30007@40007 master - 0 0 "
                + "7 connected\n");
        assertThat(ClusterChecks.replicas(spare, ONE_EACH, "s").status()).isEqualTo(Status.PASS);
    }

    @Test
    void aFailingMasterThatOwnsSlotsFailsAndOtherFailingNodesWarn() {
        List<ClusterChecks.Node> pfail = ClusterChecks.parseNodes(HEALTHY.replace("30002@40002 master",
                "30002@40002 master,fail?"));
        DoctorCheck master = ClusterChecks.failures(pfail, "seed:1");
        assertThat(master.status()).isEqualTo(Status.FAIL);
        assertThat(master.finding()).isEqualTo("127.0.0.1:30002 master flagged fail? (pfail: the asked node has not "
                + "heard from it for cluster-node-timeout), still owner of slots 5461-10922");
        assertThat(master.fix()).hasValueSatisfying(f -> assertThat(f).contains("replica is promoted"));

        // After the failover: the old master is flagged fail but owns nothing.
        String afterFailover = HEALTHY.replace("30002@40002 master - 0 1700000000321 2 connected 5461-10922",
                "30002@40002 master,fail - 1700000000000 1700000000000 2 disconnected")
                .replace("30005@40005 slave " + M1 + " 0 1700000000000 2 connected",
                        "30005@40005 master - 0 1700000000000 7 connected 5461-10922");
        DoctorCheck former = ClusterChecks.failures(ClusterChecks.parseNodes(afterFailover), "seed:1");
        assertThat(former.status()).isEqualTo(Status.WARN);
        assertThat(former.finding()).isEqualTo("127.0.0.1:30002 master flagged fail (the masters agreed it is down)");
        assertThat(former.fix()).hasValueSatisfying(f -> assertThat(f).contains("rejoins").contains("CLUSTER FORGET"));

        DoctorCheck handshake = ClusterChecks.failures(ClusterChecks.parseNodes(HEALTHY
                + "abcdef0123 127.0.0.1:30009@40009 handshake - 0 0 0 disconnected\n"), "s");
        assertThat(handshake.status()).isEqualTo(Status.WARN);
        assertThat(handshake.finding()).contains("127.0.0.1:30009 flagged handshake");
    }

    @Test
    void slotSetsPrintAsRanges() {
        BitSet set = new BitSet();
        set.set(0, 100);
        set.set(5000);
        set.set(6000, 6002);
        assertThat(ClusterChecks.ranges(set, 8)).isEqualTo("0-99, 5000, 6000-6001");
        assertThat(ClusterChecks.ranges(set, 2)).isEqualTo("0-99, 5000, ...");
        assertThat(ClusterChecks.ranges(new BitSet(), 8)).isEqualTo("none");
    }

    @Test
    void onlyAClusterEnabledNodeGetsTheClusterChecks() {
        assertThat(ClusterChecks.isCluster(info("redis_mode:cluster\r\ncluster_enabled:1\r\n"))).isTrue();
        assertThat(ClusterChecks.isCluster(info("redis_mode:standalone\r\ncluster_enabled:0\r\n"))).isFalse();
        assertThat(ClusterChecks.isCluster(info("redis_mode:standalone\r\n"))).isFalse();
    }

    @Test
    void aClusterReplicaAsSeedIsNoWarning() {
        Map<String, String> replica = info("role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:30001\r\n"
                + "master_link_status:up\r\nmaster_last_io_seconds_ago:1\r\ncluster_enabled:1\r\n");
        DoctorCheck role = ServerChecks.role(replica, "127.0.0.1:30004", false);
        assertThat(role.status()).isEqualTo(Status.PASS);
        assertThat(role.finding()).startsWith("cluster replica of 127.0.0.1:30001, link up");
    }
}
