package io.resilientredis.failover.spill;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Files of a spill store: owner-only creation, SQLite connections, integrity check, move-aside. */
final class StoreFiles {
    static final String DB_FILE = "spill.db";
    static final String[] SQLITE_SUFFIXES = {"", "-wal", "-shm"};
    /** 1: entries; 2: entries with a CRC32C, and the quarantine table. */
    static final int SCHEMA_VERSION = 2;

    private static final Logger log = LoggerFactory.getLogger(SpillStore.class);
    private static final Set<PosixFilePermission> OWNER_FILE =
            PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR =
            PosixFilePermissions.fromString("rwx------");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    private StoreFiles() {}

    static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static FileAttribute<?>[] ownerOnlyFile(Path path) {
        return posix(path)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                : new FileAttribute<?>[0];
    }

    /** Creates the directory (owner-only) if absent; parents get the default mode. */
    static void createDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (posix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new SpillStoreException(
                        "Spill directory "
                                + dir
                                + " exists but is not a directory."
                                + " Fix: point SpillStoreConfig at a directory.",
                        e);
            }
        } catch (IOException e) {
            throw new SpillStoreException(
                    "Cannot create spill directory "
                            + dir
                            + ": "
                            + e
                            + ". Fix: make its parent writable by this process's user, or choose another"
                            + " directory.",
                    e);
        }
    }

    /**
     * Creates the database file owner-only before SQLite opens it (SQLite gives its -wal and -shm
     * files the database file's mode), and narrows an existing file set to owner-only.
     */
    static void prepareDatabaseFile(Path db) throws IOException {
        try {
            Files.createFile(db, ownerOnlyFile(db));
        } catch (FileAlreadyExistsException e) {
            // an existing store
        }
        if (posix(db)) {
            for (String suffix : SQLITE_SUFFIXES) {
                Path p = Path.of(db + suffix);
                try {
                    if (!Files.getPosixFilePermissions(p).equals(OWNER_FILE)) {
                        Files.setPosixFilePermissions(p, OWNER_FILE);
                        log.info(
                                "Spill store file {} was readable by others; narrowed it to owner-only (0600)",
                                p);
                    }
                } catch (NoSuchFileException absent) {
                    // SQLite creates it with the database file's mode
                }
            }
        }
    }

    static Connection connect(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    /**
     * The WAL is truncated to this size whenever SQLite resets it: above the size it reaches
     * between checkpoints (about 1 MiB), so that in steady use it is rewritten in place; a WAL
     * truncated and grown again on every cycle cost about 15% of append throughput at 64 threads.
     */
    static final long WAL_SIZE_LIMIT = 2 * 1024 * 1024;

    /** Pages in the WAL at which a commit checkpoints it (SQLite's default is 1000: 4 MiB). */
    static final int WAL_AUTOCHECKPOINT_PAGES = 256;

    /**
     * Opens the write connection: WAL, synchronous=FULL, a bounded WAL, integrity check, schema
     * (created, or migrated from version 1). Throws {@link CorruptStoreException} if the file is
     * not a sound SQLite database.
     */
    static Connection openWriter(Path db) throws SQLException, IOException {
        prepareDatabaseFile(db);
        Connection c = connect(db);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                if ("0".equals(queryString(s, "PRAGMA page_count"))) {
                    // A new file: auto_vacuum takes effect only if set before the first page is
                    // written, and journal_mode=WAL writes it.
                    s.execute("PRAGMA auto_vacuum=INCREMENTAL");
                }
                String mode = queryString(s, "PRAGMA journal_mode=WAL");
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new SQLException(
                            "SQLite refused WAL journal mode (got " + mode + ") for " + db);
                }
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA journal_size_limit=" + WAL_SIZE_LIMIT);
                s.execute("PRAGMA wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES);
                List<String> problems = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                    while (rs.next()) {
                        problems.add(rs.getString(1));
                    }
                }
                if (!(problems.size() == 1 && "ok".equalsIgnoreCase(problems.get(0)))) {
                    throw new CorruptStoreException(
                            "PRAGMA quick_check reported: "
                                    + String.join(
                                            "; ",
                                            problems.subList(0, Math.min(5, problems.size()))));
                }
                int version = Integer.parseInt(queryString(s, "PRAGMA user_version"));
                if (version > SCHEMA_VERSION) {
                    throw new SpillStoreException(
                            "Spill store "
                                    + db
                                    + " has schema version "
                                    + version
                                    + ", newer than this library's "
                                    + SCHEMA_VERSION
                                    + ". Fix: upgrade resilient-redis"
                                    + " on this host, or let the newer version drain the store first.");
                }
                if (version < SCHEMA_VERSION) {
                    s.execute("BEGIN IMMEDIATE");
                    try {
                        if (version == 0) {
                            s.execute(
                                    "CREATE TABLE IF NOT EXISTS spill (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,"
                                            + " payload BLOB NOT NULL, appended_at INTEGER NOT NULL, crc INTEGER)");
                            s.execute(
                                    "CREATE TABLE IF NOT EXISTS spill_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
                        } else {
                            // Version 1 had no checksum column: its rows keep a NULL checksum and
                            // are read unchecked; rows appended from now on carry one.
                            s.execute("ALTER TABLE spill ADD COLUMN crc INTEGER");
                        }
                        s.execute(
                                "CREATE TABLE IF NOT EXISTS spill_quarantine (seq INTEGER PRIMARY KEY, id TEXT,"
                                        + " payload BLOB, appended_at INTEGER, crc INTEGER, reason TEXT NOT NULL,"
                                        + " quarantined_at INTEGER NOT NULL)");
                        s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
                        s.execute("COMMIT");
                    } catch (SQLException | RuntimeException e) {
                        try {
                            s.execute("ROLLBACK");
                        } catch (SQLException rollback) {
                            e.addSuppressed(rollback);
                        }
                        throw e;
                    }
                    if (version > 0) {
                        log.info(
                                "Spill store {} upgraded from schema version {} to {}: its {} entries are"
                                        + " kept and replayed as before (without checksums)",
                                db,
                                version,
                                SCHEMA_VERSION,
                                queryString(s, "SELECT COUNT(*) FROM spill"));
                    }
                }
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            if (e instanceof SQLException sql && isCorruption(sql)) {
                throw new CorruptStoreException(sql.getMessage(), sql);
            }
            throw e;
        }
    }

    static Connection openReader(Path db) throws SQLException {
        Connection c = connect(db);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("PRAGMA query_only=1");
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    static boolean isCorruption(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == 11 /* SQLITE_CORRUPT */ || primary == 26 /* SQLITE_NOTADB */;
    }

    static boolean isCorruptionCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && isCorruption(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the database and its -wal/-shm files aside to {@code spill.db.corrupt-<stamp>} (and
     * {@code ...-wal}, {@code ...-shm}, so SQLite can open the moved set together). Never deletes.
     */
    static Path moveAside(Path db) throws IOException {
        String stamp = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
        Path target = Path.of(db + ".corrupt-" + stamp);
        for (int n = 1; Files.exists(target); n++) {
            target = Path.of(db + ".corrupt-" + stamp + "-" + n);
        }
        for (String suffix : SQLITE_SUFFIXES) {
            Path from = Path.of(db + suffix);
            if (Files.exists(from)) {
                Files.move(from, Path.of(target + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return target;
    }

    static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("Closing {} failed", c, e);
            }
        }
    }

    /** The store file is not a sound SQLite database. */
    static final class CorruptStoreException extends SQLException {
        private static final long serialVersionUID = 1L;

        CorruptStoreException(String message) {
            super(message);
        }

        CorruptStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
