package io.resilientredis.failover.spill;

import static io.resilientredis.failover.spill.SpillTestSupport.payloadFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Damage SQLite does not report: bytes altered inside a record (SQLite keeps no page checksums),
 * and WAL frames overwritten after a SIGKILL (SQLite cuts the WAL at its first bad frame, silently).
 * A damaged entry is never returned but quarantined; lost entries are counted; both are logged at
 * ERROR and reported to the listener.
 */
class SpillStoreDamageTest {
    @TempDir Path dir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger storeLogger = (Logger) LoggerFactory.getLogger(SpillStore.class);
    private final List<List<SpillEntry>> quarantined = new CopyOnWriteArrayList<>();
    private final AtomicLong lost = new AtomicLong();
    private final SpillStoreListener listener =
            new SpillStoreListener() {
                @Override
                public void entriesQuarantined(Path file, List<SpillEntry> entries, String reason) {
                    quarantined.add(entries);
                }

                @Override
                public void entriesLost(Path file, long count) {
                    lost.addAndGet(count);
                }
            };

    @BeforeEach
    void captureLog() {
        logged.start();
        storeLogger.addAppender(logged);
    }

    @AfterEach
    void stopCapture() {
        storeLogger.detachAppender(logged);
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    private SpillStore open() {
        return SpillStore.open(SpillStoreConfig.builder(dir).listener(listener).build());
    }

    private List<String> errors() {
        return logged.list.stream()
                .filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void bytesFlippedInsideARecordAreCaughtByTheChecksumAndTheEntryIsQuarantinedNotReturned()
            throws Exception {
        try (SpillStore store = open()) {
            for (int i = 1; i <= 100; i++) {
                store.append("id" + i, ("value-" + i + "-" + "x".repeat(200)).getBytes(StandardCharsets.UTF_8))
                        .join();
            }
        }
        Path db = dir.resolve("spill.db");
        assertThat(Path.of(db + "-wal")).doesNotExist(); // all in the main file now
        flip(db, "value-42-".getBytes(StandardCharsets.UTF_8), 12); // inside entry 42's payload
        flip(db, "value-77-".getBytes(StandardCharsets.UTF_8), 3);

        try (SpillStore store = open()) {
            assertThat(store.depth()).as("the damage is not visible to SQLite").isEqualTo(100);
            List<SpillEntry> read = store.read(0, 1000, Long.MAX_VALUE);
            assertThat(read).hasSize(98);
            assertThat(read).extracting(SpillEntry::id).doesNotContain("id42", "id77");
            assertThat(read)
                    .allSatisfy(
                            e ->
                                    assertThat(new String(e.payload(), StandardCharsets.UTF_8))
                                            .startsWith("value-" + e.id().substring(2) + "-"));
            assertThat(quarantined).hasSize(1);
            assertThat(quarantined.get(0)).extracting(SpillEntry::sequence).containsExactly(42L, 77L);
            assertThat(errors())
                    .singleElement()
                    .satisfies(m -> assertThat(m).contains("2 entries are damaged").contains("42, 77"));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.quarantined() == 2);
            assertThat(store.depth()).isEqualTo(98);
            // Read again: reported once, and nothing altered comes back.
            assertThat(store.read(0, 1000, Long.MAX_VALUE)).hasSize(98);
            assertThat(quarantined).hasSize(1);
        }
        try (SpillStore store = open();
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT seq, reason FROM spill_quarantine ORDER BY seq")) {
            assertThat(store.quarantined()).isEqualTo(2);
            assertThat(store.depth()).isEqualTo(98);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(42);
            assertThat(rs.getString(2)).isEqualTo("checksum mismatch");
        }
    }

    @Test
    void aRunOfDamagedEntriesLongerThanTheReadLimitDoesNotHideTheGoodOnesBehindIt() throws Exception {
        Path db = dir.resolve("spill.db");
        try (SpillStore store = open()) {
            for (int i = 1; i <= 30; i++) {
                store.append("id" + i, ("value-" + i + "-" + "y".repeat(50)).getBytes(StandardCharsets.UTF_8)).join();
            }
        }
        for (int i = 1; i <= 20; i++) {
            flip(db, ("value-" + i + "-").getBytes(StandardCharsets.UTF_8), 2);
        }
        try (SpillStore store = open()) {
            List<SpillEntry> read = store.read(0, 5, Long.MAX_VALUE); // the first 20 are damaged
            assertThat(read).extracting(SpillEntry::id).containsExactly("id21", "id22", "id23", "id24", "id25");
            assertThat(quarantined.stream().mapToInt(List::size).sum()).isEqualTo(20);
        }
    }

    @Test
    void walFramesOverwrittenAfterAKillAreCountedAsLostNotDroppedInSilence() throws Exception {
        damageWalAfterKill(32, 4096, 300); // the first frame: SQLite ignores the whole WAL
    }

    @Test
    void garbageInTheMiddleOfTheWalIsCountedAsLost() throws Exception {
        damageWalAfterKill(-1, 4096, 600); // mid-WAL: that frame and everything after it is ignored
    }

    private void damageWalAfterKill(long offset, int length, int committed) throws Exception {
        Set<String> reported = new HashSet<>();
        try (SpillTestSupport.ChildJvm child = new SpillTestSupport.ChildJvm("append", dir, "0", "4")) {
            child.awaitLine("OPENED");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .failFast("child died: " + child.lines, () -> !child.process.isAlive())
                    .until(() -> child.count("COMMITTED ") >= committed);
            child.kill9();
            for (String line : child.lines) {
                if (line.startsWith("COMMITTED ")) {
                    reported.add(line.split(" ")[2]);
                }
            }
        }
        Path wal = dir.resolve("spill.db-wal");
        long walSize = Files.size(wal);
        assertThat(walSize).as("the killed writer left a WAL").isGreaterThan(32 + 24 + 4096);
        long at = offset >= 0 ? offset : middleOfCurrentFrames(wal);
        byte[] junk = new byte[length];
        new Random(5).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.seek(at);
            f.write(junk);
        }

        try (SpillStore store = open()) {
            List<SpillEntry> all = store.read(0, Integer.MAX_VALUE, Long.MAX_VALUE);
            System.out.printf(
                    "[measure] WAL of %d bytes damaged at %d (+%d): %d committed entries reported by the"
                            + " killed writer, %d readable, %d counted as lost%n",
                    walSize, at, length, reported.size(), all.size(), store.lostOnOpen());
            assertThat(store.lostOnOpen()).as("entries lost to the damage").isPositive();
            assertThat(lost.get()).isEqualTo(store.lostOnOpen());
            assertThat(all.size() + store.lostOnOpen())
                    .as("every entry the writer saw committed is readable or counted as lost")
                    .isGreaterThanOrEqualTo(reported.size());
            assertThat(all).allSatisfy(e -> assertThat(e.payload()).isEqualTo(payloadFor(e.id())));
            assertThat(errors())
                    .anySatisfy(m -> assertThat(m).contains("LOST " + store.lostOnOpen() + " committed entries"));
            // New entries never reuse a sequence the lost ones had.
            long next = store.append("after", new byte[1]).join().sequence();
            assertThat(next).isGreaterThan(all.isEmpty() ? 0 : all.get(all.size() - 1).sequence());
        }
        try (SpillStore again = open()) {
            assertThat(again.lostOnOpen()).as("reported once, not on every open").isZero();
        }
    }

    /**
     * The offset of the middle frame of the WAL's current generation (the frames whose salt
     * matches the header's; after a checkpoint SQLite rewrites the WAL from its start and older
     * frames behind the current ones are already void).
     */
    private static long middleOfCurrentFrames(Path wal) throws Exception {
        byte[] b = Files.readAllBytes(wal);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        int pageSize = buf.getInt(8);
        int salt1 = buf.getInt(16);
        int salt2 = buf.getInt(20);
        int frames = 0;
        for (long off = 32; off + 24 + pageSize <= b.length; off += 24 + pageSize) {
            if (buf.getInt((int) off + 8) != salt1 || buf.getInt((int) off + 12) != salt2) {
                break;
            }
            frames++;
        }
        assertThat(frames).as("current WAL frames").isGreaterThan(4);
        return 32 + (long) (frames / 2) * (24 + pageSize);
    }

    /** Flips bits in the byte {@code skip} bytes after the first occurrence of {@code marker}. */
    private static void flip(Path file, byte[] marker, int skip) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, marker);
        assertThat(at).as("marker in the file").isNotNegative();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at + skip);
            f.write(bytes[at + skip] ^ 0x5a);
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
        return -1;
    }
}
