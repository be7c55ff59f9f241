package io.resilientredis.failover.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner-only directory and files, including the -wal and -shm files SQLite creates. */
class SpillStoreFilesTest {
    @TempDir Path tmp;

    @BeforeEach
    void posixOnly() {
        assumeThat(StoreFiles.posix(tmp)).as("POSIX file permissions").isTrue();
    }

    @AfterEach
    void noWriterLeft() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theDirectoryIsCreatedOwnerOnlyAndEveryFileInItIsOwnerOnly() throws Exception {
        Path dir = tmp.resolve("parent").resolve("spill");
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            store.append("a", new byte[100]).join();
            Path db = store.file();
            assertThat(db).isEqualTo(dir.resolve("spill.db"));
            assertThat(mode(dir)).isEqualTo("rwx------");
            assertThat(Path.of(db + "-wal")).exists();
            assertThat(Path.of(db + "-shm")).exists();
            for (Path p :
                    new Path[] {
                        db, Path.of(db + "-wal"), Path.of(db + "-shm"), dir.resolve("spill.lock")
                    }) {
                assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void theWriteConnectionUsesWalWithAFullSyncOnEveryCommit() throws Exception {
        Path db = Files.createDirectory(tmp.resolve("spill")).resolve(StoreFiles.DB_FILE);
        try (java.sql.Connection c = StoreFiles.openWriter(db);
                java.sql.Statement s = c.createStatement()) {
            assertThat(StoreFiles.queryString(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(StoreFiles.queryString(s, "PRAGMA synchronous")).isEqualTo("2"); // FULL
            assertThat(StoreFiles.queryString(s, "PRAGMA user_version"))
                    .isEqualTo(Integer.toString(StoreFiles.SCHEMA_VERSION));
        }
    }

    @Test
    void anExistingStoreFileReadableByOthersIsNarrowedToOwnerOnly() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("spill"));
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            store.append("a", new byte[1]).join();
        }
        Path db = dir.resolve("spill.db");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThat(mode(db)).isEqualTo("rw-------");
            assertThat(store.depth()).isEqualTo(1);
        }
    }
}
