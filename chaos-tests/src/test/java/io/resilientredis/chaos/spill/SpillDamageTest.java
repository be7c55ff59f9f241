package io.resilientredis.chaos.spill;

import static io.resilientredis.chaos.spill.SpillChaos.get;
import static io.resilientredis.chaos.spill.SpillChaos.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.SpilledWriteDamagedException;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.failover.spill.SpillStore;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Damage to the spill files that SQLite does not report, seen through the client against a real
 * Redis: an altered record is quarantined (never replayed altered) and its {@code applied()}
 * fails; WAL frames overwritten after the service was killed are counted as lost. Each is reported
 * by an event, an ERROR line and {@code status()}.
 */
class SpillDamageTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger storeLog = (Logger) LoggerFactory.getLogger(SpillStore.class);
    private SpillWriterProcess child;

    @BeforeEach
    void capture() {
        logged.start();
        storeLog.addAppender(logged);
    }

    @AfterEach
    void heal() throws InterruptedException {
        storeLog.detachAppender(logged);
        if (child != null) {
            child.close();
        }
        chaos.get().resetAll();
    }

    private List<String> errors() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void spilledWritesAlteredOnDiskAreQuarantinedNotReplayedAndTheirAppliedFails() throws Exception {
        RedisNode redis = chaos.get().topology().primary();
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(spillDir).listener(events::add).build()) {
            client.maintenance(true);
            List<WriteReceipt<Void>> receipts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                WriteReceipt<Void> r = client.set("damage:k" + i, "value-" + i + "-" + "x".repeat(64));
                assertThat(r.status()).isEqualTo(WriteStatus.SPILLED);
                receipts.add(r);
            }
            // The disk alters two records under the live store: one byte of write 6's value, 32
            // random bytes of write 11's. SQLite cannot tell (it keeps no checksums of its own).
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + spillDir.resolve("spill.db"))) {
                alter(c, 7, p -> {
                    int at = indexOf(p, "value-6-".getBytes(StandardCharsets.UTF_8));
                    p[at + 3] = 'X';
                });
                alter(c, 12, p -> {
                    byte[] junk = new byte[32];
                    new Random(3).nextBytes(junk);
                    System.arraycopy(junk, 0, p, p.length - 40, 32);
                });
            }
            client.maintenance(false);

            for (int i = 0; i < 20; i++) {
                var applied = receipts.get(i).applied().toCompletableFuture();
                if (i == 6 || i == 11) {
                    String id = receipts.get(i).id();
                    assertThat(catchFailure(applied)).isInstanceOf(SpilledWriteDamagedException.class)
                            .hasMessageContaining(id).hasMessageContaining("damaged")
                            .hasMessageContaining("not replayed");
                } else {
                    applied.get(30, TimeUnit.SECONDS);
                }
            }
            for (int i = 0; i < 20; i++) {
                String v = get(redis, "damage:k" + i);
                if (i == 6 || i == 11) {
                    assertThat(v).as("a damaged write is never replayed").isNull();
                } else {
                    assertThat(v).isEqualTo("value-" + i + "-" + "x".repeat(64));
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> client.status().spill().quarantinedTotal() == 2
                    && client.status().spill().depth() == 0);
            assertThat(events).filteredOn(e -> e.type() == FailoverEvent.Type.SPILL_QUARANTINED).isNotEmpty();
            assertThat(errors()).anySatisfy(m -> assertThat(m).contains("damaged").contains("spill_quarantine"));
            // The client goes on: direct writes.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.set("damage:after", "1").status() == WriteStatus.WRITTEN);
        }
    }

    @Test
    void walFramesOverwrittenAfterTheServiceWasKilledAreCountedAsLostNeverSilently() throws Exception {
        int writers = 2;
        String prefix = "walloss:";
        child = new SpillWriterProcess(spillDir, "redis://" + chaos.get().clientAddress(chaos.get().topology().primary()),
                prefix, writers, 0, 2000);
        child.awaitWritten(10);
        chaos.get().disableAll();
        child.awaitSpilled(300);
        child.kill();
        int accepted = child.acked();

        // The first WAL frames overwritten: SQLite silently ignores the WAL from there on.
        Path wal = spillDir.resolve("spill.db-wal");
        assertThat(Files.size(wal)).isGreaterThan(32 + 4096);
        byte[] junk = new byte[4096];
        new Random(9).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.seek(32);
            f.write(junk);
        }

        chaos.get().resetAll();
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        long lost;
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(spillDir).listener(events::add).build()) {
            lost = client.status().spill().lostOnOpen();
            await("what is left replayed").atMost(Duration.ofSeconds(60))
                    .until(() -> client.status().spill().depth() == 0 && client.status().spill().pendingAppends() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.type() == FailoverEvent.Type.SPILL_LOST && e.detail().contains("lost " + lost)));
        }
        RedisNode redis = chaos.get().topology().primary();
        int missing = 0;
        for (int w = 0; w < writers; w++) {
            List<String> actual = list(redis, prefix + w);
            // Lost entries are the newest (the WAL is cut at a point): each writer's list is an
            // unaltered prefix of what it wrote, without gaps.
            assertThat(actual).as("writer %d", w).isEqualTo(range(actual.size()));
            missing += Math.max(0, child.lastAcked(w) + 1 - actual.size());
        }
        System.out.printf("[measure] WAL damaged after SIGKILL: %d writes accepted (%d spilled), %d missing from"
                + " Redis, %d reported lost by the store%n", accepted, child.spilled(), missing, lost);
        assertThat(lost).as("entries lost to the damage are counted").isPositive();
        assertThat(missing).as("every accepted write is in Redis or counted as lost").isLessThanOrEqualTo((int) lost);
        assertThat(errors()).anySatisfy(m -> assertThat(m).contains("LOST " + lost + " committed entries"));
    }

    private static List<String> range(int n) {
        return IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.toList());
    }

    private static Throwable catchFailure(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the applied() stage to fail");
    }

    private interface Damage {
        void apply(byte[] payload);
    }

    /** Rewrites one row's payload with the damage applied, leaving its checksum as it was. */
    private static void alter(Connection c, long seq, Damage damage) throws Exception {
        byte[] payload;
        try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM spill WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %d", seq).isTrue();
                payload = rs.getBytes(1);
            }
        }
        damage.apply(payload);
        try (PreparedStatement ps = c.prepareStatement("UPDATE spill SET payload = ? WHERE seq = ?")) {
            ps.setBytes(1, payload);
            ps.setLong(2, seq);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("marker not found");
    }
}
