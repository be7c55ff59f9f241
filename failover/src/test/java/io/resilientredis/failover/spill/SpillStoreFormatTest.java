package io.resilientredis.failover.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by the previous version (schema 1: no checksum column, no quarantine table,
 * auto_vacuum off because it was set after WAL) is read, upgraded in place, replayed, and shrinks
 * once drained; a new file gets auto_vacuum from the start.
 */
class SpillStoreFormatTest {
    @TempDir Path dir;

    @AfterEach
    void noWriterLeft() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    @Test
    void aVersion1StoreIsReadUpgradedAndDrainedAndGetsAutoVacuum() throws Exception {
        Files.createDirectories(dir);
        Path db = dir.resolve("spill.db");
        // Exactly what version 1 created.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA auto_vacuum=INCREMENTAL"); // ignored by SQLite, as it was
            s.execute(
                    "CREATE TABLE IF NOT EXISTS spill (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,"
                            + " payload BLOB NOT NULL, appended_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS spill_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
            s.execute("PRAGMA user_version=1");
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO spill (seq, id, payload, appended_at) VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= 2000; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, "old" + i);
                    ps.setBytes(3, ("old-value-" + i + "x".repeat(300)).getBytes(StandardCharsets.UTF_8));
                    ps.setLong(4, 1_700_000_000_000_000L + i);
                    ps.executeUpdate();
                }
            }
            assertThat(StoreFiles.queryString(s, "PRAGMA auto_vacuum")).isEqualTo("0");
        }
        long before = Files.size(db);

        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThat(store.depth()).isEqualTo(2000);
            SpillEntry added = store.append("new", "new-value".getBytes(StandardCharsets.UTF_8)).join();
            assertThat(added.sequence()).isEqualTo(2001);
            List<SpillEntry> all = store.read(0, 10_000, Long.MAX_VALUE);
            assertThat(all).hasSize(2001);
            assertThat(all.get(0).id()).isEqualTo("old1");
            assertThat(new String(all.get(1999).payload(), StandardCharsets.UTF_8)).startsWith("old-value-2000x");
            assertThat(all.get(2000)).isEqualTo(added);
            assertThat(store.quarantined()).isZero();
            store.deleteThrough(2001);
            assertThat(store.depth()).isZero();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            assertThat(StoreFiles.queryString(s, "PRAGMA user_version")).isEqualTo("2");
            assertThat(StoreFiles.queryString(s, "PRAGMA auto_vacuum")).as("turned on by the VACUUM").isEqualTo("2");
        }
        long after = Files.size(db);
        System.out.printf("[measure] version-1 store of 2,000 entries: %d bytes before, %d after draining%n",
                before, after);
        assertThat(after).isLessThan(64 * 1024);
    }

    @Test
    void aNewStoreHasIncrementalAutoVacuumAndChecksums() throws Exception {
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            store.append("a", new byte[] {1, 2, 3}).join();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("spill.db"));
                Statement s = c.createStatement()) {
            assertThat(StoreFiles.queryString(s, "PRAGMA auto_vacuum")).isEqualTo("2"); // INCREMENTAL
            assertThat(StoreFiles.queryString(s, "SELECT crc FROM spill WHERE seq = 1"))
                    .isEqualTo(Long.toString(SpillStore.checksum(1, "a", new byte[] {1, 2, 3},
                            Long.parseLong(StoreFiles.queryString(s, "SELECT appended_at FROM spill")))));
        }
    }
}
