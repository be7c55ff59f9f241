package io.resilientredis.failover.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A corrupt store file is moved aside (never deleted), reported, and replaced by a fresh one. */
class SpillStoreCorruptionTest {
    @TempDir Path dir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger storeLogger = (Logger) LoggerFactory.getLogger(SpillStore.class);
    private final List<Object[]> reports = new CopyOnWriteArrayList<>();
    private final SpillStoreListener listener =
            new SpillStoreListener() {
                @Override
                public void corruptStoreMovedAside(Path original, Path movedTo, Throwable cause) {
                    reports.add(new Object[] {original, movedTo, cause});
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

    @Test
    void aGarbageFileIsMovedAsideReportedAndTheStoreKeepsWorking() throws Exception {
        Files.createDirectories(dir);
        byte[] garbage = new byte[64 * 1024];
        new Random(42).nextBytes(garbage);
        Path db = dir.resolve("spill.db");
        Files.write(db, garbage);

        try (SpillStore store =
                SpillStore.open(SpillStoreConfig.builder(dir).listener(listener).build())) {
            assertThat(reports).hasSize(1);
            Path original = (Path) reports.get(0)[0];
            Path movedTo = (Path) reports.get(0)[1];
            assertThat(original).isEqualTo(db);
            assertThat(movedTo.getFileName().toString()).startsWith("spill.db.corrupt-");
            assertThat(Files.readAllBytes(movedTo)).isEqualTo(garbage);
            assertThat((Throwable) reports.get(0)[2]).hasMessageContaining("not a database");
            assertWarned(movedTo);

            assertThat(store.depth()).isZero();
            SpillEntry e = store.append("after", new byte[] {1, 2, 3}).join();
            assertThat(store.read(0, 10, 100)).containsExactly(e);
        }
        try (SpillStore reopened =
                SpillStore.open(SpillStoreConfig.builder(dir).listener(listener).build())) {
            assertThat(reopened.depth()).isEqualTo(1);
            assertThat(reports).hasSize(1); // the fresh store is sound
        }
    }

    @Test
    void damagedPagesInARealStoreAreDetectedByTheIntegrityCheck() throws Exception {
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            for (int i = 0; i < 50; i++) {
                store.append("id" + i, new byte[2000]).join();
            }
        }
        Path db = dir.resolve("spill.db");
        assertThat(Path.of(db + "-wal")).doesNotExist(); // a clean close checkpoints the WAL
        long size = Files.size(db);
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            // keep page 1 (the header and schema) intact; trash a table page in the middle
            f.seek(size / 2 / 4096 * 4096);
            f.write(junk);
        }
        byte[] damaged = Files.readAllBytes(db);

        try (SpillStore store =
                SpillStore.open(SpillStoreConfig.builder(dir).listener(listener).build())) {
            assertThat(reports).hasSize(1);
            Path movedTo = (Path) reports.get(0)[1];
            assertThat(Files.readAllBytes(movedTo)).isEqualTo(damaged);
            assertWarned(movedTo);
            assertThat(store.depth()).isZero();
            assertThat(store.append("fresh", new byte[1]).join().sequence()).isEqualTo(1);
        }
    }

    private void assertWarned(Path movedTo) {
        assertThat(logged.list)
                .filteredOn(ev -> ev.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("corrupt").contains(movedTo.toString()));
    }
}
