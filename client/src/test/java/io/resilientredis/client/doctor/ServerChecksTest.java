package io.resilientredis.client.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.internal.resp.RespReplies;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The INFO-based checks as pure functions: real-looking {@code INFO} replies (as Redis 7 writes
 * them, section headers and CRLF included) in, the status, finding and fix an operator reads out.
 */
class ServerChecksTest {

    private static final String TARGET = "10.0.0.5:6379";

    /** A healthy master with two online replicas, AOF on, 1 GiB limit of 8 GiB, allkeys-lru. */
    private static final String MASTER = String.join("\r\n",
            "# Server",
            "redis_version:7.2.4",
            "redis_mode:standalone",
            "tcp_port:6379",
            "",
            "# Memory",
            "used_memory:104857600",
            "used_memory_human:100.00M",
            "total_system_memory:8589934592",
            "maxmemory:1073741824",
            "maxmemory_human:1.00G",
            "maxmemory_policy:allkeys-lru",
            "",
            "# Persistence",
            "loading:0",
            "rdb_last_bgsave_status:ok",
            "aof_enabled:1",
            "aof_last_bgrewrite_status:ok",
            "aof_last_write_status:ok",
            "",
            "# Stats",
            "evicted_keys:0",
            "",
            "# Replication",
            "role:master",
            "connected_slaves:2",
            "slave0:ip=10.0.0.6,port=6379,state=online,offset=5000,lag=0",
            "slave1:ip=10.0.0.7,port=6379,state=online,offset=4900,lag=1",
            "master_repl_offset:5000",
            "");

    private static final String REPLICA = String.join("\r\n",
            "# Replication",
            "role:slave",
            "master_host:10.0.0.5",
            "master_port:6379",
            "master_link_status:up",
            "master_last_io_seconds_ago:1",
            "master_sync_in_progress:0",
            "");

    private static Map<String, String> info(String text, String... overrides) {
        Map<String, String> fields = RespReplies.info(text);
        for (int i = 0; i < overrides.length; i += 2) {
            fields.put(overrides[i], overrides[i + 1]);
        }
        return fields;
    }

    @Test
    void aHealthyMasterPassesEveryCheck() {
        Map<String, String> info = info(MASTER);

        DoctorCheck role = ServerChecks.role(info, TARGET, false);
        assertThat(role.name()).isEqualTo(CheckName.ROLE);
        assertThat(role.status()).isEqualTo(Status.PASS);
        assertThat(role.target()).isEqualTo(TARGET);
        assertThat(role.finding()).isEqualTo("master, 2 connected replica(s): 10.0.0.6:6379 online, 0 bytes behind, "
                + "lag 0 s; 10.0.0.7:6379 online, 100 bytes behind, lag 1 s");
        DoctorCheck persistence = ServerChecks.persistence(info, "3600 1", "everysec", TARGET);
        assertThat(persistence.status()).isEqualTo(Status.PASS);
        assertThat(persistence.finding()).isEqualTo("AOF on (appendfsync everysec), RDB save points '3600 1'; "
                + "rdb_last_bgsave_status:ok, aof_last_write_status:ok");
        assertThat(ServerChecks.maxmemory(info, TARGET).finding())
                .isEqualTo("maxmemory 1.0 GiB (13% of system memory 8.0 GiB)");
        assertThat(ServerChecks.evictionPolicy(info, TARGET).status()).isEqualTo(Status.PASS);
        assertThat(ServerChecks.usedMemory(info, TARGET).finding())
                .isEqualTo("used 100.0 MiB of maxmemory 1.0 GiB (10%)");
        assertThat(ServerChecks.evictedKeys(info, TARGET).finding()).isEqualTo("no key evicted since the server started");
        assertThat(ServerChecks.isSentinel(info)).isFalse();
        for (DoctorCheck check : new DoctorCheck[] {role, persistence, ServerChecks.maxmemory(info, TARGET),
            ServerChecks.usedMemory(info, TARGET), ServerChecks.evictedKeys(info, TARGET)}) {
            assertThat(check.status()).isEqualTo(Status.PASS);
            assertThat(check.fix()).isEmpty();
        }
    }

    @Test
    void aLaggingOrSyncingReplicaMakesTheMasterAWarning() {
        DoctorCheck role = ServerChecks.role(info(MASTER, "slave1",
                "ip=10.0.0.7,port=6379,state=wait_bgsave,offset=0,lag=30"), TARGET, false);

        assertThat(role.status()).isEqualTo(Status.WARN);
        assertThat(role.finding()).contains("10.0.0.7:6379 wait_bgsave, 5000 bytes behind, lag 30 s");
        assertThat(role.fix()).hasValueSatisfying(f -> assertThat(f).contains("lags over 10 s"));
    }

    @Test
    void aReplicaIsAWarningOnAPlainUrlAndAFailureWhenTheSentinelsCallItMaster() {
        Map<String, String> info = info(REPLICA);

        DoctorCheck plain = ServerChecks.role(info, TARGET, false);
        assertThat(plain.status()).isEqualTo(Status.WARN);
        assertThat(plain.finding()).isEqualTo("replica of 10.0.0.5:6379, link up, last I/O 1 s ago: writes sent here "
                + "fail with READONLY");
        assertThat(plain.fix()).hasValueSatisfying(f -> assertThat(f).contains("point writes at the master (10.0.0.5:6379)"));

        DoctorCheck viaSentinel = ServerChecks.role(info, TARGET, true);
        assertThat(viaSentinel.status()).isEqualTo(Status.FAIL);
        assertThat(viaSentinel.finding()).startsWith("the Sentinels report this node as master, but it is a replica of");

        DoctorCheck down = ServerChecks.role(info(REPLICA, "master_link_status", "down",
                "master_link_down_since_seconds", "42"), TARGET, false);
        assertThat(down.status()).isEqualTo(Status.FAIL);
        assertThat(down.finding()).isEqualTo("replica of 10.0.0.5:6379 with its link down for 42 s");
        assertThat(down.fix()).hasValueSatisfying(f -> assertThat(f).contains("masterauth"));

        assertThat(ServerChecks.role(Map.of(), TARGET, false).finding()).isEqualTo("the server reports role '?'");
    }

    @Test
    void aFailedSaveFailsAndNoPersistenceWarns() {
        DoctorCheck bgsave = ServerChecks.persistence(info(MASTER, "rdb_last_bgsave_status", "err"), "3600 1",
                "everysec", TARGET);
        assertThat(bgsave.status()).isEqualTo(Status.FAIL);
        assertThat(bgsave.finding()).startsWith("the last RDB save failed (");
        assertThat(bgsave.fix()).hasValueSatisfying(f -> assertThat(f).contains("MISCONF"));

        assertThat(ServerChecks.persistence(info(MASTER, "aof_last_write_status", "err"), "", "always", TARGET)
                .finding()).startsWith("writing the AOF failed");
        assertThat(ServerChecks.persistence(info(MASTER, "aof_last_bgrewrite_status", "err"), "", "always", TARGET)
                .status()).isEqualTo(Status.WARN);

        DoctorCheck none = ServerChecks.persistence(info(MASTER, "aof_enabled", "0"), "", null, TARGET);
        assertThat(none.status()).isEqualTo(Status.WARN);
        assertThat(none.finding()).startsWith("no persistence (AOF off, RDB save points none;")
                .endsWith("a restart empties this Redis");

        assertThat(ServerChecks.persistence(info(MASTER, "aof_enabled", "0"), null, null, TARGET).finding())
                .contains("RDB save points unknown (CONFIG GET refused)");
    }

    @Test
    void memoryLimitsAndEvictionPoliciesThatRiskDataWarn() {
        DoctorCheck noLimit = ServerChecks.maxmemory(info(MASTER, "maxmemory", "0"), TARGET);
        assertThat(noLimit.status()).isEqualTo(Status.WARN);
        assertThat(noLimit.finding()).startsWith("maxmemory 0 (no limit)");
        assertThat(ServerChecks.maxmemory(info(MASTER, "maxmemory", "17179869184"), TARGET).finding())
                .isEqualTo("maxmemory 16.0 GiB is more than the system's 8.0 GiB: the limit is never reached before "
                        + "the kernel kills Redis");
        assertThat(ServerChecks.maxmemory(info("role:master"), TARGET).status()).isEqualTo(Status.SKIP);

        assertThat(ServerChecks.evictionPolicy(info(MASTER, "maxmemory_policy", "noeviction"), TARGET).finding())
                .contains("refuses writes with OOM");
        DoctorCheck volatileLru = ServerChecks.evictionPolicy(info(MASTER, "maxmemory_policy", "volatile-lru"), TARGET);
        assertThat(volatileLru.status()).isEqualTo(Status.WARN);
        assertThat(volatileLru.finding()).contains("exactly-once markers (rr:once:*)");
        assertThat(ServerChecks.evictionPolicy(info(MASTER, "maxmemory_policy", "allkeys-random"), TARGET).status())
                .isEqualTo(Status.WARN);
        assertThat(ServerChecks.evictionPolicy(info(MASTER, "maxmemory_policy", "allkeys-lfu"), TARGET).status())
                .isEqualTo(Status.PASS);
        assertThat(ServerChecks.evictionPolicy(info(MASTER, "maxmemory", "0", "maxmemory_policy", "noeviction"), TARGET)
                .finding()).isEqualTo("noeviction (without maxmemory no policy applies)");
    }

    @Test
    void memoryNearTheLimitAndEvictedKeysWarn() {
        DoctorCheck full = ServerChecks.usedMemory(info(MASTER, "used_memory", "1020054732",
                "maxmemory_policy", "noeviction"), TARGET);
        assertThat(full.status()).isEqualTo(Status.WARN);
        assertThat(full.finding()).isEqualTo("used 972.8 MiB of maxmemory 1.0 GiB (95%)");
        assertThat(full.fix()).hasValueSatisfying(f -> assertThat(f).startsWith("writes fail with OOM"));

        DoctorCheck noLimit = ServerChecks.usedMemory(info(MASTER, "maxmemory", "0", "used_memory", "5368709120"),
                TARGET);
        assertThat(noLimit.status()).isEqualTo(Status.WARN);
        assertThat(noLimit.finding()).isEqualTo("used 5.0 GiB of system memory 8.0 GiB (63%) with no maxmemory");

        DoctorCheck evicted = ServerChecks.evictedKeys(info(MASTER, "evicted_keys", "1234"), TARGET);
        assertThat(evicted.status()).isEqualTo(Status.WARN);
        assertThat(evicted.finding()).isEqualTo("1234 keys evicted since the server started (allkeys-lru)");
        assertThat(ServerChecks.evictedKeys(info("role:master"), TARGET).status()).isEqualTo(Status.SKIP);
    }

    @Test
    void aSentinelIsNotADataNode() {
        Map<String, String> info = info("# Server\r\nredis_version:7.2.4\r\nredis_mode:sentinel\r\n");

        assertThat(ServerChecks.isSentinel(info)).isTrue();
        assertThat(ServerChecks.notADataNode(TARGET).status()).isEqualTo(Status.FAIL);
        assertThat(ServerChecks.notADataNode(TARGET).fix()).hasValueSatisfying(f -> assertThat(f).contains("--sentinel"));
    }
}
