package io.resilientredis.client.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.internal.resp.RespReplies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Sentinel judgements as pure functions of the replies Sentinels send. */
class SentinelChecksTest {

    private static final String MASTER = "mymaster";

    /** {@code SENTINEL MASTER mymaster}, trimmed to the fields the doctor reads. */
    private static Map<String, String> master(String flags) {
        return RespReplies.pairs(List.of("name", MASTER, "ip", "10.0.0.5", "port", "6379", "flags", flags,
                "last-ok-ping-reply", "1200", "down-after-milliseconds", "5000", "num-other-sentinels", "2",
                "quorum", "2"));
    }

    private static List<Object> replica(String ip, String flags, String link) {
        return List.of("name", ip + ":6379", "ip", ip, "port", "6379", "flags", flags, "master-link-status", link);
    }

    @Test
    void theMasterStateFollowsItsFlags() {
        DoctorCheck up = SentinelChecks.masterState(MASTER, "10.0.0.5:6379", master("master"), 2);
        assertThat(up.status()).isEqualTo(Status.PASS);
        assertThat(up.finding()).isEqualTo("master up (flags master, quorum 2, down-after 5000 ms)");

        DoctorCheck down = SentinelChecks.masterState(MASTER, "10.0.0.5:6379", master("master,s_down"), 2);
        assertThat(down.status()).isEqualTo(Status.FAIL);
        assertThat(down.finding()).startsWith("Sentinels see the master as down (subjectively;")
                .endsWith(", last good PING 1200 ms ago)");
        assertThat(SentinelChecks.masterState(MASTER, "a:1", master("master,s_down,o_down"), 2).finding())
                .contains("objectively");
        assertThat(SentinelChecks.masterState(MASTER, "a:1", master("master,disconnected"), 2).status())
                .isEqualTo(Status.WARN);
        assertThat(SentinelChecks.masterState(MASTER, "a:1", master("master,failover_in_progress"), 2).finding())
                .startsWith("a failover is in progress");
        assertThat(SentinelChecks.masterState(MASTER, "a:1", Map.of(), 2).finding())
                .isEqualTo("SENTINEL MASTER mymaster gave no answer");
    }

    @Test
    void theTopologyWantsAHealthyReplicaAndThreeSentinels() {
        List<Object> replicas = List.of(replica("10.0.0.6", "slave", "ok"), replica("10.0.0.7", "slave,s_down", "err"));

        DoctorCheck ok = SentinelChecks.topology(MASTER, "10.0.0.9:26379", master("master"), replicas);
        assertThat(ok.status()).isEqualTo(Status.PASS);
        assertThat(ok.finding()).isEqualTo("3 Sentinels know the master; replicas: 10.0.0.6:6379 ok; unhealthy: "
                + "10.0.0.7:6379 (slave,s_down, link err) (asked 10.0.0.9:26379)");

        DoctorCheck none = SentinelChecks.topology(MASTER, "s:1", master("master"), List.of());
        assertThat(none.status()).isEqualTo(Status.WARN);
        assertThat(none.finding()).contains("replicas: none healthy");

        Map<String, String> twoSentinels = new LinkedHashMap<>(master("master"));
        twoSentinels.put("num-other-sentinels", "1");
        DoctorCheck two = SentinelChecks.topology(MASTER, "s:1", twoSentinels, replicas);
        assertThat(two.status()).isEqualTo(Status.WARN);
        assertThat(two.fix()).hasValueSatisfying(f -> assertThat(f).contains("at least three Sentinels"));
    }

    @Test
    void agreementNeedsAQuorumOfSentinelsNamingOneMaster() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("s1:26379", "10.0.0.5:6379");
        all.put("s2:26379", "10.0.0.5:6379");
        DoctorCheck agreed = SentinelChecks.agreement(MASTER, all, 3, 2);
        assertThat(agreed.status()).isEqualTo(Status.PASS);
        assertThat(agreed.finding()).isEqualTo("all 2 answering Sentinels report master 10.0.0.5:6379 (1 did not answer)");

        Map<String, String> split = new LinkedHashMap<>(all);
        split.put("s3:26379", "10.0.0.6:6379");
        DoctorCheck majority = SentinelChecks.agreement(MASTER, split, 3, 2);
        assertThat(majority.status()).isEqualTo(Status.WARN);
        assertThat(majority.finding()).isEqualTo("2 of 3 Sentinels report master 10.0.0.5:6379, the others s3:26379 "
                + "says 10.0.0.6:6379");

        DoctorCheck noQuorum = SentinelChecks.agreement(MASTER, split, 3, 3);
        assertThat(noQuorum.status()).isEqualTo(Status.FAIL);
        assertThat(noQuorum.finding()).startsWith("no quorum (3) of Sentinels agrees on the master: ");
        assertThat(SentinelChecks.majority(split)).isEqualTo("10.0.0.5:6379");
    }
}
