package io.resilientredis.chaos.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.doctor.CheckName;
import io.resilientredis.client.doctor.Doctor;
import io.resilientredis.client.doctor.DoctorCheck;
import io.resilientredis.client.doctor.DoctorCheck.Status;
import io.resilientredis.client.doctor.DoctorOptions;
import io.resilientredis.client.doctor.DoctorReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/**
 * The doctor against a real Redis in states an operator must hear about: bare defaults (no
 * persistence, no memory limit), risky eviction policies, a full memory with evictions, a failed
 * background save, a frozen process and a stopped server. Each test restores what it changed.
 */
class DoctorWarningsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final ChaosTopologyExtension<RedisTopology> topology =
            ChaosTopologyExtension.direct(RedisTopology.standalone());
    private static RedisNode redis;

    @BeforeAll
    static void start() {
        redis = topology.get().primary();
    }


    private static String url() {
        return "redis://" + redis.host() + ":" + redis.port();
    }

    private static DoctorCheck check(DoctorReport report, CheckName name) {
        return report.check(name).orElseThrow(() -> new AssertionError("no " + name + " check in\n" + report.render()));
    }

    private static void config(String name, String value) throws IOException {
        try (RespConnection connection = redis.connect(TIMEOUT)) {
            connection.call("CONFIG", "SET", name, value);
        }
    }

    @Test
    void bareDefaultsWarnAboutPersistenceAndTheMissingMemoryLimitButPass() {
        DoctorReport report = Doctor.check(url());
        System.out.print(report.render());

        DoctorCheck persistence = check(report, CheckName.PERSISTENCE);
        assertThat(persistence.status()).isEqualTo(Status.WARN);
        assertThat(persistence.finding()).contains("no persistence").contains("AOF off").contains("RDB save points none");
        assertThat(persistence.fix()).hasValueSatisfying(f -> assertThat(f).contains("appendonly yes"));
        DoctorCheck maxmemory = check(report, CheckName.MAXMEMORY);
        assertThat(maxmemory.status()).isEqualTo(Status.WARN);
        assertThat(maxmemory.finding()).startsWith("maxmemory 0 (no limit)");
        assertThat(maxmemory.fix()).hasValueSatisfying(f -> assertThat(f).contains("set maxmemory"));
        assertThat(check(report, CheckName.EVICTION_POLICY).status()).isEqualTo(Status.PASS);
        assertThat(check(report, CheckName.AUTH).finding()).contains("requires none");
        assertThat(report.passed()).isTrue();
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void noevictionAndVolatilePoliciesUnderALimitWarnWithTheirConsequence() throws IOException {
        config("maxmemory", "64mb");
        try {
            config("maxmemory-policy", "noeviction");
            DoctorCheck noeviction = check(Doctor.check(url()), CheckName.EVICTION_POLICY);
            assertThat(noeviction.status()).isEqualTo(Status.WARN);
            assertThat(noeviction.finding()).contains("refuses writes with OOM");
            assertThat(noeviction.fix()).hasValueSatisfying(f -> assertThat(f).contains("headroom"));

            config("maxmemory-policy", "volatile-lru");
            DoctorCheck volatileLru = check(Doctor.check(url()), CheckName.EVICTION_POLICY);
            assertThat(volatileLru.status()).isEqualTo(Status.WARN);
            assertThat(volatileLru.finding()).contains("exactly-once markers");

            config("maxmemory-policy", "allkeys-lfu");
            DoctorReport lfu = Doctor.check(url());
            assertThat(check(lfu, CheckName.EVICTION_POLICY).status()).isEqualTo(Status.PASS);
            assertThat(check(lfu, CheckName.MAXMEMORY).status()).isEqualTo(Status.PASS);
        } finally {
            config("maxmemory-policy", "noeviction");
            config("maxmemory", "0");
        }
    }

    @Test
    void aFullMemoryWithEvictionsWarnsOnUsedMemoryAndEvictedKeys() throws IOException {
        try (RespConnection connection = redis.connect(TIMEOUT)) {
            long used = Long.parseLong(connection.info("memory").get("used_memory"));
            connection.call("CONFIG", "SET", "maxmemory", Long.toString(used + 512 * 1024));
            connection.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            String value = "v".repeat(1024);
            for (int i = 0; i < 2000; i++) {
                connection.call("SET", "fill:" + i, value);
            }
            try {
                DoctorReport report = Doctor.check(url());
                System.out.print(report.render());

                DoctorCheck usedMemory = check(report, CheckName.USED_MEMORY);
                assertThat(usedMemory.status()).isEqualTo(Status.WARN);
                assertThat(usedMemory.fix()).hasValueSatisfying(f -> assertThat(f).contains("evicting"));
                DoctorCheck evicted = check(report, CheckName.EVICTED_KEYS);
                assertThat(evicted.status()).isEqualTo(Status.WARN);
                assertThat(evicted.finding()).containsPattern("^[1-9][0-9]* keys evicted");
                assertThat(report.passed()).isTrue();
            } finally {
                connection.call("FLUSHALL");
                connection.call("CONFIG", "SET", "maxmemory", "0");
                connection.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
                connection.call("CONFIG", "RESETSTAT");
            }
        }
    }

    @Test
    void aFailedBackgroundSaveFailsPersistenceWithTheMisconfFix() throws IOException {
        Path gone = Files.createTempDirectory("doctor-vanished-dir");
        try (RespConnection connection = redis.connect(TIMEOUT)) {
            String dir = (String) ((java.util.List<?>) connection.call("CONFIG", "GET", "dir")).get(1);
            connection.call("CONFIG", "SET", "dir", gone.toString());
            Files.delete(gone);
            try {
                connection.call("BGSAVE");
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (RespConnection poll = redis.connect(TIMEOUT)) {
                        return "err".equals(poll.info("persistence").get("rdb_last_bgsave_status"));
                    }
                });

                DoctorReport report = Doctor.check(url());
                System.out.print(report.render());
                DoctorCheck persistence = check(report, CheckName.PERSISTENCE);
                assertThat(persistence.status()).isEqualTo(Status.FAIL);
                assertThat(persistence.finding()).contains("the last RDB save failed")
                        .contains("rdb_last_bgsave_status:err");
                assertThat(persistence.fix()).hasValueSatisfying(f -> assertThat(f).contains("MISCONF")
                        .contains("disk space"));
                assertThat(report.exitCode()).isEqualTo(1);
            } finally {
                connection.call("CONFIG", "SET", "dir", dir);
                connection.call("BGSAVE");
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (RespConnection poll = redis.connect(TIMEOUT)) {
                        return "ok".equals(poll.info("persistence").get("rdb_last_bgsave_status"));
                    }
                });
            }
        }
    }

    @Test
    void aFrozenServerAcceptsTheConnectionButFailsAuthWithATimeoutAndItsFix() {
        redis.freeze();
        try {
            DoctorReport report = Doctor.check(url(), DoctorOptions.builder().timeout(Duration.ofMillis(500)).build());
            System.out.print(report.render());

            assertThat(check(report, CheckName.TCP_CONNECT).status()).isEqualTo(Status.PASS);
            DoctorCheck auth = check(report, CheckName.AUTH);
            assertThat(auth.status()).isEqualTo(Status.FAIL);
            assertThat(auth.finding()).contains("no reply within the timeout");
            assertThat(auth.fix()).hasValueSatisfying(f -> assertThat(f).contains("frozen or overloaded"));
            assertThat(check(report, CheckName.LATENCY).status()).isEqualTo(Status.SKIP);
        } finally {
            redis.resume();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.answersPing(TIMEOUT));
    }

    @Test
    void aStoppedServerFailsTcpConnectWithTheFixAndSkipsTheRest() {
        try (RedisTopology own = RedisTopology.standalone().start()) {
            RedisNode node = own.primary();
            node.stop();

            DoctorReport report = Doctor.check("redis://" + node.host() + ":" + node.port());
            System.out.print(report.render());

            DoctorCheck tcp = check(report, CheckName.TCP_CONNECT);
            assertThat(tcp.status()).isEqualTo(Status.FAIL);
            assertThat(tcp.target()).isEqualTo("127.0.0.1:" + node.port());
            assertThat(tcp.finding()).isEqualTo("connection refused: nothing listens on 127.0.0.1:" + node.port());
            assertThat(tcp.fix()).hasValueSatisfying(f -> assertThat(f).startsWith("start Redis there"));
            assertThat(check(report, CheckName.DNS).status()).isEqualTo(Status.PASS);
            assertThat(report.checks().stream().dropWhile(c -> !c.name().equals(CheckName.TLS_HANDSHAKE)).toList())
                    .hasSize(10).allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.SKIP));
            assertThat(report.exitCode()).isEqualTo(1);
        }
    }
}
