package io.resilientredis.failover.spill;

import io.resilientredis.failover.internal.Threads;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, bounded, ordered store of opaque entries on SQLite (WAL, {@code synchronous=FULL}), in
 * a directory of its own.
 *
 * <p>Appends never block the caller: they are queued and a single writer thread ({@code
 * resilient-redis-spill-writer}) commits everything queued at that moment in one transaction with
 * one fsync (group commit), then completes the futures. An entry is durable once its future
 * completes; it then survives a crash or {@code kill -9} of the process.
 *
 * <p>Every entry carries a CRC32C over its sequence, id, payload and time, checked on every read:
 * a damaged entry is never returned; it is moved to the {@code spill_quarantine} table, logged at
 * ERROR and reported to the listeners. A count of the entries held is kept outside the SQLite
 * files ({@code spill.count}), so a store that lost committed entries to storage damage SQLite
 * does not report (a damaged WAL is silently cut at its first bad frame) says so on open.
 *
 * <p>A commit that fails (disk full, I/O error) leaves the store {@linkplain #degraded()
 * degraded}: the appends in it fail, its deletes are kept and retried with a back-off, and the
 * writer probes the disk until a commit succeeds again, so the store recovers by itself once
 * there is room. A store that becomes empty checkpoints and truncates its WAL and gives its free
 * pages back to the file system.
 *
 * <p>Futures complete on the writer thread. Chain only quick work onto them, or use the {@code
 * ...Async} variants: a callback that waits for another append of the same store would wait for the
 * very thread it runs on.
 *
 * <pre>{@code
 * try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
 *   SpillEntry e = store.append(writeId, serialisedWrite).join(); // durable now
 *   List<SpillEntry> batch = store.read(0, 100, 1 << 20);
 *   // ... apply batch to Redis, then:
 *   store.deleteThrough(batch.get(batch.size() - 1).sequence());
 * }
 * }</pre>
 */
public final class SpillStore implements AutoCloseable {
    static final String WRITER_THREAD_NAME = "resilient-redis-spill-writer";

    private static final Logger log = LoggerFactory.getLogger(SpillStore.class);
    private static final int MAX_BATCH_ENTRIES = 8192;
    private static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;
    private static final long CLOSE_WAIT_SECONDS = 60;
    private static final long RETRY_FIRST_MILLIS = 50;
    private static final long RETRY_MAX_MILLIS = 1000;
    /**
     * Rows a delete removes per transaction while degraded. SQLite writes every page a delete
     * touches to the WAL (deleting 18,000 small entries writes 2.5 MB), so on a nearly full disk a
     * large delete cannot commit; small ones, each checkpointed so the next reuses the WAL's
     * space, can.
     */
    private static final int DEGRADED_DELETE_CHUNK = 500;

    private final SpillStoreConfig config;
    private final Path file;
    private final DirectoryLock directoryLock;
    private final Connection writeConnection; // writer thread only (and open/close)
    private final Connection readConnection; // guarded by readLock
    private final ReentrantLock readLock = new ReentrantLock();
    private final Thread writer;
    private final CountFile countFile; // writer thread only (and open/close)
    private final List<SpillStoreListener> listeners = new CopyOnWriteArrayList<>();
    /** Sequences found damaged and queued for quarantine: reads skip them until it commits. */
    private final Set<Long> quarantining = ConcurrentHashMap.newKeySet();
    private final long lostOnOpen;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    // guarded by lock (released: written under readLock, read anywhere)
    private final ArrayDeque<PendingAppend> queued = new ArrayDeque<>();
    private final ArrayDeque<PendingAppend> waitingForRoom = new ArrayDeque<>();
    private final ArrayDeque<PendingDelete> deletes = new ArrayDeque<>();
    private final ArrayDeque<Quarantine> quarantines = new ArrayDeque<>();
    private long heldEntries; // committed + admitted (queued or being written)
    private long heldBytes;
    private long nextSequence;
    private boolean closed;
    private volatile boolean released;

    private volatile long committedEntries;
    private volatile long committedBytes;
    private volatile Instant oldest;
    private volatile long pending;
    private volatile long transactions;
    private volatile long highestCommitted;
    private volatile long quarantinedTotal;
    private volatile boolean degraded; // written under lock
    private volatile String degradedReason;
    private volatile Instant degradedSince;
    private long retryAtNanos; // guarded by lock
    private long retryDelayMillis; // writer thread only
    private long removedTotal; // writer thread only: entries ever deleted or quarantined
    private long appendedTotal; // writer thread only: entries ever appended (as the count file has it)

    // writer thread only
    private long lastCommittedSequence;
    private PreparedStatement insert;
    private PreparedStatement saveNextSequence;

    private SpillStore(
            SpillStoreConfig config,
            Path file,
            DirectoryLock directoryLock,
            Connection writeConnection,
            Connection readConnection,
            long entries,
            long bytes,
            long nextSequence,
            Instant oldest,
            CountFile countFile,
            long quarantined,
            long lostOnOpen,
            long removed) {
        this.config = config;
        this.file = file;
        this.directoryLock = directoryLock;
        this.writeConnection = writeConnection;
        this.readConnection = readConnection;
        this.committedEntries = entries;
        this.committedBytes = bytes;
        this.heldEntries = entries;
        this.heldBytes = bytes;
        this.nextSequence = nextSequence;
        this.lastCommittedSequence = nextSequence - 1;
        this.highestCommitted = nextSequence - 1;
        this.oldest = oldest;
        this.countFile = countFile;
        this.quarantinedTotal = quarantined;
        this.lostOnOpen = lostOnOpen;
        this.removedTotal = removed;
        this.appendedTotal = removed + entries;
        this.listeners.add(config.listener());
        this.writer = Threads.daemon(WRITER_THREAD_NAME, this::runWriter);
    }

    /**
     * Opens (creating if needed) the store in {@link SpillStoreConfig#directory()}: takes the
     * directory lock, runs an integrity check, moves a corrupt file aside (reported to the listener
     * and logged at WARN with the new path) and starts fresh, recovers depth, bytes and the next
     * sequence from the file, and starts the writer thread.
     *
     * @param config the store configuration
     * @return the open store; the caller closes it
     * @throws SpillStoreLockedException if another process, or another store in this JVM, holds the
     *     directory; the message names the holder
     * @throws SpillStoreException if the directory or file cannot be created or opened
     */
    public static SpillStore open(SpillStoreConfig config) {
        Objects.requireNonNull(config, "config");
        Path dir = config.directory();
        StoreFiles.createDirectory(dir);
        DirectoryLock directoryLock = DirectoryLock.acquire(dir, StoreFiles.ownerOnlyFile(dir));
        Path db = dir.resolve(StoreFiles.DB_FILE);
        Connection write = null;
        Connection read = null;
        CountFile countFile = null;
        try {
            boolean[] movedAside = new boolean[1];
            write = openOrReplaceCorrupt(db, config.listener(), movedAside);
            read = StoreFiles.openReader(db);
            countFile = CountFile.open(dir);
            long entries;
            long bytes;
            long next;
            long quarantined;
            long removed;
            Instant oldest = null;
            try (Statement s = write.createStatement()) {
                try (ResultSet rs =
                        s.executeQuery(
                                "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0), COALESCE(MAX(seq), 0) FROM spill")) {
                    rs.next();
                    entries = rs.getLong(1);
                    bytes = rs.getLong(2);
                    next = rs.getLong(3) + 1;
                }
                try (ResultSet rs =
                        s.executeQuery("SELECT v FROM spill_meta WHERE k = 'next_seq'")) {
                    if (rs.next()) {
                        next = Math.max(next, rs.getLong(1));
                    }
                }
                try (ResultSet rs =
                        s.executeQuery("SELECT appended_at FROM spill ORDER BY seq LIMIT 1")) {
                    if (rs.next()) {
                        oldest = fromMicros(rs.getLong(1));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM spill_quarantine")) {
                    rs.next();
                    quarantined = rs.getLong(1);
                }
                try (ResultSet rs =
                        s.executeQuery("SELECT v FROM spill_meta WHERE k = 'removed'")) {
                    removed = rs.next() ? rs.getLong(1) : 0;
                }
            }
            long lost = 0;
            CountFile.Mark mark = countFile.found();
            if (movedAside[0]) {
                // the entries are in the moved file, reported as such: not lost
            } else if (countFile.damaged()) {
                log.warn(
                        "Spill store {}: {} is damaged, so whether committed entries were lost"
                                + " cannot be checked this once; it is rewritten from the {} entries found",
                        db,
                        countFile.path(),
                        entries);
            } else if (mark != null && mark.appended() > removed + entries) {
                // Appends the database no longer knows of: everything committed after the point
                // where the damage cut it (its own count of removals was cut at the same point).
                lost = mark.appended() - removed - entries;
                next = Math.max(next, mark.highestSequence() + 1);
                log.error(
                        "Spill store {} LOST {} committed entries to storage damage (sequences up to {}"
                                + " were committed; {} entries are readable now). SQLite did not report it (a"
                                + " damaged WAL is cut at its first bad frame). The lost writes cannot be"
                                + " replayed; the readable ones will be. Fix: check the disk and file system"
                                + " under {}.",
                        db,
                        lost,
                        mark.highestSequence(),
                        entries,
                        dir);
            }
            countFile.write(removed + entries, next - 1, true);
            if (quarantined > 0) {
                log.warn(
                        "Spill store {} holds {} damaged entries in its spill_quarantine table (never"
                                + " replayed; kept for inspection)",
                        db,
                        quarantined);
            }
            SpillStore store =
                    new SpillStore(
                            config,
                            db,
                            directoryLock,
                            write,
                            read,
                            entries,
                            bytes,
                            next,
                            oldest,
                            countFile,
                            quarantined,
                            lost,
                            removed);
            if (lost > 0) {
                long lostCount = lost;
                store.tell(l -> l.entriesLost(db, lostCount));
            }
            store.writer.start();
            log.info(
                    "Spill store opened at {}: {} entries ({} payload bytes) recovered, next sequence"
                            + " {}, bounds {} entries / {} bytes / {} bytes an entry, overflow {}",
                    db,
                    entries,
                    bytes,
                    next,
                    config.maxEntries(),
                    config.maxBytes(),
                    config.maxEntryBytes(),
                    config.overflowPolicy());
            return store;
        } catch (SQLException | IOException | RuntimeException e) {
            StoreFiles.closeQuietly(countFile);
            StoreFiles.closeQuietly(read);
            StoreFiles.closeQuietly(write);
            directoryLock.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new SpillStoreException(
                    "Cannot open spill store "
                            + db
                            + ": "
                            + e
                            + ". Fix: check that the disk has room and the directory belongs to this process's"
                            + " user.",
                    e);
        }
    }

    private static Connection openOrReplaceCorrupt(
            Path db, SpillStoreListener listener, boolean[] movedAside)
            throws SQLException, IOException {
        try {
            return StoreFiles.openWriter(db);
        } catch (StoreFiles.CorruptStoreException corrupt) {
            Path movedTo = StoreFiles.moveAside(db);
            movedAside[0] = true;
            log.warn(
                    "Spill store {} is corrupt ({}); moved it aside to {} (kept, not deleted: its"
                            + " entries were not replayed) and started a fresh store",
                    db,
                    corrupt.getMessage(),
                    movedTo);
            try {
                listener.corruptStoreMovedAside(db, movedTo, corrupt);
            } catch (RuntimeException e) {
                log.warn("SpillStoreListener.corruptStoreMovedAside threw; ignored", e);
            }
            return StoreFiles.openWriter(db);
        }
    }

    /**
     * Adds a listener told about this store's events from now on, after the configured one. Events
     * of {@link #open} itself went to the configured listener only; {@link #lostOnOpen()} and
     * {@link #quarantined()} keep their figures.
     *
     * @param listener the listener
     */
    public void addListener(SpillStoreListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void tell(java.util.function.Consumer<SpillStoreListener> event) {
        for (SpillStoreListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("A SpillStoreListener threw; ignored", e);
            }
        }
    }

    /**
     * Queues an append; the future completes (on the writer thread) once the entry is durable
     * (committed with an fsync), with the stored entry. Sequence numbers are assigned in call
     * order: appends never overtake each other. Never blocks the caller, also under {@link
     * OverflowPolicy#block}: there the future waits (queued, in call order) for room up to the
     * timeout and then fails with {@link SpillFullException}. Under {@link OverflowPolicy#reject()}
     * it fails at once with {@link SpillFullException} when the entry does not fit. A commit
     * failure fails it with {@link SpillStoreException}.
     *
     * @param id the caller's id of the write (opaque)
     * @param payload the serialised write (opaque); copied, so the caller may reuse the array
     * @return the future of the durable entry; fails with {@link IllegalStateException} after
     *     {@link #close()}
     * @throws IllegalArgumentException if the payload is larger than {@link
     *     SpillStoreConfig#maxEntryBytes()}
     */
    public CompletableFuture<SpillEntry> append(String id, byte[] payload) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        checkEntrySize(payload.length);
        PendingAppend p =
                new PendingAppend(
                        id,
                        payload.clone(),
                        Instant.now().truncatedTo(ChronoUnit.MICROS)); // the stored precision
        RuntimeException failure = null;
        lock.lock();
        try {
            if (closed) {
                failure =
                        new IllegalStateException(
                                "Spill store "
                                        + file
                                        + " is closed; the entry was not"
                                        + " stored. Fix: append before close(), or open the store again.");
            } else if (waitingForRoom.isEmpty() && fits(p.payload.length)) {
                admit(p);
                work.signal();
            } else if (!config.overflowPolicy().isBlocking()) {
                failure = full(p, "the entry does not fit");
            } else if (p.payload.length > config.maxBytes()) {
                failure = full(p, "the entry is larger than maxBytes and can never fit");
            } else {
                p.deadlineNanos = System.nanoTime() + config.overflowPolicy().timeout().toNanos();
                waitingForRoom.add(p);
                pending++;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            p.future.completeExceptionally(failure);
        }
        return p.future;
    }

    /**
     * Throws if an entry of {@code size} payload bytes is larger than this store takes; callers
     * check before they commit to a write, so it fails at call time, not when it has to be spilled.
     *
     * @param size the entry's payload size in bytes
     * @throws IllegalArgumentException naming the limit
     */
    public void checkEntrySize(long size) {
        if (size > config.maxEntryBytes()) {
            throw new IllegalArgumentException(
                    "The write is "
                            + size
                            + " bytes in spill form, larger than the spill store's entry limit of "
                            + config.maxEntryBytes()
                            + " bytes (SpillStoreConfig.maxEntryBytes, store "
                            + file
                            + "); it was not sent. Fix: split the value, or raise maxEntryBytes.");
        }
    }

    /**
     * The oldest committed entries with {@code sequence > afterSequence}, in sequence order: at
     * most {@code maxEntries}, and no more than {@code maxBytes} of payload except that the first
     * entry is always returned if there is one.
     *
     * <p>An entry whose checksum does not match is not returned: it is moved to the quarantine
     * table (by the writer thread, before any later delete), logged at ERROR and reported to the
     * listeners ({@link SpillStoreListener#entriesQuarantined}), once.
     *
     * @param afterSequence read entries with a larger sequence only
     * @param maxEntries the most entries to return; positive
     * @param maxBytes the most payload bytes to return (past the first entry); positive
     * @return the entries, in sequence order; empty when none is left
     * @throws IllegalStateException after {@link #close()}
     * @throws SpillStoreException if SQLite fails
     */
    public List<SpillEntry> read(long afterSequence, int maxEntries, long maxBytes) {
        if (maxEntries <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxEntries and maxBytes must be positive, were "
                            + maxEntries
                            + " and "
                            + maxBytes);
        }
        List<SpillEntry> out = new ArrayList<>();
        List<SpillEntry> damaged = null;
        readLock.lock();
        try {
            if (released) {
                throw closedError();
            }
            try (PreparedStatement ps =
                    readConnection.prepareStatement(
                            "SELECT seq, id, payload, appended_at, crc FROM spill WHERE seq > ? ORDER BY seq LIMIT ?")) {
                long from = afterSequence;
                long total = 0;
                // Skipped (damaged) rows use up the LIMIT: read on while they are all there was,
                // so that an empty result always means no good entry is left after afterSequence.
                boolean more = true;
                while (more && out.isEmpty()) {
                    ps.setLong(1, from);
                    ps.setInt(2, maxEntries);
                    int rows = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            long seq = rs.getLong(1);
                            from = seq;
                            if (!quarantining.isEmpty() && quarantining.contains(seq)) {
                                continue;
                            }
                            String id = rs.getString(2);
                            byte[] payload = rs.getBytes(3);
                            long appendedAt = rs.getLong(4);
                            long crc = rs.getLong(5);
                            boolean checked = !rs.wasNull();
                            if (id == null) {
                                id = "";
                            }
                            if (payload == null) {
                                payload = new byte[0];
                            }
                            if (checked && crc != checksum(seq, id, payload, appendedAt)) {
                                if (damaged == null) {
                                    damaged = new ArrayList<>();
                                }
                                damaged.add(new SpillEntry(seq, id, payload, fromMicros(appendedAt)));
                                continue;
                            }
                            if (!out.isEmpty() && total + payload.length > maxBytes) {
                                break;
                            }
                            total += payload.length;
                            out.add(new SpillEntry(seq, id, payload, fromMicros(appendedAt)));
                        }
                    }
                    more = rows == maxEntries;
                }
            }
        } catch (SQLException e) {
            throw new SpillStoreException("Reading spill store " + file + " failed: " + e, e);
        } finally {
            readLock.unlock();
        }
        if (damaged != null) {
            quarantine(damaged); // outside the read lock: it tells listeners
        }
        return out;
    }

    /** Queues damaged entries for the quarantine table; reads skip them from now on. */
    private void quarantine(List<SpillEntry> damaged) {
        String reason = "checksum mismatch";
        lock.lock();
        try {
            for (SpillEntry e : damaged) {
                quarantining.add(e.sequence());
                quarantines.add(new Quarantine(e.sequence(), reason));
            }
            work.signal();
        } finally {
            lock.unlock();
        }
        log.error(
                "Spill store {}: {} entries are damaged (checksum mismatch: the disk or file system"
                        + " altered them) and were moved to the spill_quarantine table instead of being"
                        + " replayed: sequences {}, ids {}. Fix: check the disk under {}; inspect the"
                        + " rows with sqlite3 (SELECT * FROM spill_quarantine).",
                file,
                damaged.size(),
                describeSequences(damaged),
                describeIds(damaged),
                config.directory());
        tell(l -> l.entriesQuarantined(file, List.copyOf(damaged), reason));
    }

    private static String describeSequences(List<SpillEntry> entries) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < entries.size() && i < 10; i++) {
            b.append(i == 0 ? "" : ", ").append(entries.get(i).sequence());
        }
        return entries.size() > 10 ? b + ", ... (" + entries.size() + ")" : b.toString();
    }

    private static String describeIds(List<SpillEntry> entries) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < entries.size() && i < 5; i++) {
            String id = entries.get(i).id();
            b.append(i == 0 ? "" : ", ").append(id.length() > 64 ? id.substring(0, 64) + "..." : id);
        }
        return entries.size() > 5 ? b + ", ..." : b.toString();
    }

    /** CRC32C over everything a row holds: sequence, id, payload, time. */
    static long checksum(long seq, String id, byte[] payload, long appendedAtMicros) {
        CRC32C crc = new CRC32C();
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(12);
        head.putLong(seq).putInt(payload.length);
        crc.update(head.array());
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update(payload);
        head.clear();
        head.putLong(appendedAtMicros);
        crc.update(head.array(), 0, 8);
        return crc.getValue();
    }

    /**
     * Deletes every committed entry with {@code sequence <= sequence} (the acknowledged prefix) and
     * returns once that is durable. Frees room, so appends waiting under {@link
     * OverflowPolicy#block} may proceed. Safe to call while appends run; entries still queued are
     * never deleted. While the store is {@linkplain #degraded() degraded} the delete is retried
     * until it is durable, so this waits until then (or until {@link #close()}).
     *
     * @param sequence the last sequence to delete, inclusive
     * @throws IllegalStateException after {@link #close()}
     * @throws SpillStoreException if SQLite fails
     */
    public void deleteThrough(long sequence) {
        try {
            deleteThroughAsync(sequence).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Like {@link #deleteThrough(long)}, without waiting: the delete is committed by the writer
     * thread in its next transaction, in call order with other deletes. {@link #depth()} drops when
     * it is durable, and the future completes then.
     *
     * @param sequence the highest sequence to delete
     * @return completes once the delete is durable
     * @throws IllegalStateException after {@link #close()}
     */
    public CompletableFuture<Void> deleteThroughAsync(long sequence) {
        PendingDelete d = new PendingDelete(sequence);
        if (Thread.currentThread() == writer) {
            // called from a callback of an append future: the writer is between transactions
            lock.lock();
            try {
                if (released) {
                    throw closedError();
                }
            } finally {
                lock.unlock();
            }
            writeTransaction(List.of(), List.of(d), List.of());
        } else {
            lock.lock();
            try {
                if (closed) {
                    throw closedError();
                }
                deletes.add(d);
                work.signal();
            } finally {
                lock.unlock();
            }
        }
        return d.future;
    }

    /**
     * Committed entries. O(1).
     *
     * @return the number of committed entries
     */
    public long depth() {
        return committedEntries;
    }

    /**
     * Payload bytes of committed entries. O(1).
     *
     * @return the payload bytes of committed entries
     */
    public long bytes() {
        return committedBytes;
    }

    /** {@return when the oldest committed entry was appended; empty when the store is empty} */
    public Optional<Instant> oldestEntryTime() {
        return Optional.ofNullable(oldest);
    }

    /** {@return appends accepted but not yet committed (queued, being written, or waiting for room)} */
    public long pendingAppends() {
        return pending;
    }

    /**
     * Whether the last commit failed (disk full, I/O error): appends fail while it lasts, deletes
     * of replayed entries wait, and the writer retries with a back-off until a commit succeeds.
     *
     * @return whether the store is degraded
     */
    public boolean degraded() {
        return degraded;
    }

    /** {@return why the store is degraded (the failure of the last commit); empty when it is not} */
    public Optional<String> degradedReason() {
        return degraded ? Optional.ofNullable(degradedReason) : Optional.empty();
    }

    /** {@return damaged entries in the quarantine table (never replayed), including earlier runs'} */
    public long quarantined() {
        return quarantinedTotal;
    }

    /**
     * Committed entries that were missing when the store was opened (storage damage that SQLite
     * did not report); 0 when none were.
     *
     * @return the number of entries lost before this open
     */
    public long lostOnOpen() {
        return lostOnOpen;
    }

    /**
     * The highest committed sequence (0 for a new store). Raised before {@link #pendingAppends()}
     * drops for the same entries.
     *
     * @return the highest committed sequence
     */
    public long lastSequence() {
        return highestCommitted;
    }

    /** {@return the SQLite database file} */
    public Path file() {
        return file;
    }

    /** {@return the configuration this store was opened with} */
    public SpillStoreConfig config() {
        return config;
    }

    /**
     * Commits what is queued, fails appends still waiting for room (with {@link
     * IllegalStateException}: they were not stored), stops the writer thread, closes the files and
     * releases the directory lock. Idempotent.
     */
    @Override
    public void close() {
        List<PendingAppend> abandoned;
        lock.lock();
        try {
            if (closed) {
                abandoned = List.of();
            } else {
                closed = true;
                abandoned = new ArrayList<>(waitingForRoom);
                waitingForRoom.clear();
                pending -= abandoned.size();
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        for (PendingAppend p : abandoned) {
            p.future.completeExceptionally(
                    new IllegalStateException(
                            "Spill store "
                                    + file
                                    + " was closed while this append waited for room; the entry was not stored."));
        }
        if (Thread.currentThread() == writer) {
            return; // the writer releases everything when its loop ends
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.warn(
                    "Spill store {}: the writer thread did not finish within {} s (is the disk"
                            + " hanging?); it will release the store when it ends",
                    file,
                    CLOSE_WAIT_SECONDS);
        }
    }

    long transactionCount() {
        return transactions;
    }

    private void runWriter() {
        try {
            while (true) {
                List<PendingAppend> batch = new ArrayList<>();
                List<PendingDelete> dels = new ArrayList<>();
                List<Quarantine> quars = new ArrayList<>();
                List<PendingAppend> expired = new ArrayList<>();
                boolean exit;
                boolean probe;
                boolean wasDegraded;
                lock.lock();
                try {
                    while (true) {
                        expireWaiters(expired);
                        long now = System.nanoTime();
                        boolean retryDue = degraded && now - retryAtNanos >= 0;
                        boolean removals = !deletes.isEmpty() || !quarantines.isEmpty();
                        // While degraded, deletes wait for the next retry (or for appends).
                        if (!queued.isEmpty()
                                || (removals && !degraded)
                                || retryDue
                                || closed
                                || !expired.isEmpty()) {
                            break;
                        }
                        long wait = Long.MAX_VALUE;
                        if (!waitingForRoom.isEmpty()) {
                            wait = waitingForRoom.peekFirst().deadlineNanos - now;
                        }
                        if (degraded) {
                            wait = Math.min(wait, retryAtNanos - now);
                        }
                        if (wait == Long.MAX_VALUE) {
                            work.awaitUninterruptibly();
                        } else if (wait > 0) {
                            try {
                                work.awaitNanos(wait);
                            } catch (InterruptedException e) {
                                // only close() stops the writer
                            }
                        }
                    }
                    wasDegraded = degraded;
                    boolean retryDue = degraded && System.nanoTime() - retryAtNanos >= 0;
                    long batchBytes = 0;
                    while (!queued.isEmpty()
                            && batch.size() < MAX_BATCH_ENTRIES
                            && (batch.isEmpty()
                                    || batchBytes + queued.peekFirst().payload.length
                                            <= MAX_BATCH_BYTES)) {
                        PendingAppend p = queued.pollFirst();
                        batchBytes += p.payload.length;
                        batch.add(p);
                    }
                    dels.addAll(deletes);
                    deletes.clear();
                    quars.addAll(quarantines);
                    quarantines.clear();
                    probe = retryDue && batch.isEmpty() && dels.isEmpty() && quars.isEmpty();
                    exit = closed && queued.isEmpty();
                } finally {
                    lock.unlock();
                }
                for (PendingAppend p : expired) {
                    p.future.completeExceptionally(p.timedOut);
                }
                if (wasDegraded && (!dels.isEmpty() || !quars.isEmpty())) {
                    // Removals first, on their own: they may fit where the appends do not, and
                    // they make room. Quarantines before any delete (a delete would remove the
                    // rows they keep); deletes in small chunks. On failure both are queued again.
                    checkpoint("RESTART"); // hands WAL frames back for reuse if it can
                    if (!quars.isEmpty()) {
                        writeTransaction(List.of(), List.of(), quars);
                        quars = List.of();
                        if (degraded) {
                            requeue(dels);
                            dels = List.of();
                        }
                    }
                    if (!dels.isEmpty()) {
                        deleteInChunks(dels);
                        writeTransaction(List.of(), dels, List.of());
                        dels = List.of();
                    }
                } else if (wasDegraded) {
                    checkpoint("RESTART");
                }
                if (!batch.isEmpty() || !dels.isEmpty() || !quars.isEmpty() || probe) {
                    writeTransaction(batch, dels, quars);
                }
                if (exit) {
                    List<PendingDelete> abandoned = null;
                    lock.lock();
                    try {
                        if (queued.isEmpty()
                                && (degraded || (deletes.isEmpty() && quarantines.isEmpty()))) {
                            abandoned = new ArrayList<>(deletes);
                            deletes.clear();
                            quarantines.clear();
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (abandoned != null) {
                        for (PendingDelete d : abandoned) {
                            d.future.completeExceptionally(
                                    new SpillStoreException(
                                            "Spill store "
                                                    + file
                                                    + " was closed while degraded ("
                                                    + degradedReason
                                                    + "); deleting through sequence "
                                                    + d.through
                                                    + " did not become durable, so those entries are"
                                                    + " replayed again when the store is next opened"
                                                    + " (replay is safe to repeat)."));
                        }
                        break;
                    }
                }
            }
        } catch (Throwable t) {
            log.error("Spill store {}: writer thread failed; failing what is queued", file, t);
            failEverything(t);
        } finally {
            release();
        }
    }

    /** Moves waiters whose deadline passed out of the queue, then admits waiters that now fit. */
    private void expireWaiters(List<PendingAppend> expired) {
        long now = System.nanoTime();
        // one timeout for every waiter, so deadlines grow in queue order: expired ones are at the
        // head
        while (!waitingForRoom.isEmpty() && waitingForRoom.peekFirst().deadlineNanos - now <= 0) {
            PendingAppend p = waitingForRoom.pollFirst();
            pending--;
            p.timedOut =
                    full(
                            p,
                            "no room within the overflow timeout of "
                                    + config.overflowPolicy().timeout());
            expired.add(p);
        }
        admitWaiters();
    }

    private void admitWaiters() {
        while (!waitingForRoom.isEmpty() && fits(waitingForRoom.peekFirst().payload.length)) {
            PendingAppend p = waitingForRoom.pollFirst();
            pending--;
            admit(p);
        }
    }

    private boolean fits(long size) {
        return heldEntries + 1 <= config.maxEntries() && heldBytes + size <= config.maxBytes();
    }

    private void admit(PendingAppend p) {
        p.sequence = nextSequence++;
        heldEntries++;
        heldBytes += p.payload.length;
        pending++;
        queued.add(p);
    }

    private SpillFullException full(PendingAppend p, String reason) {
        return new SpillFullException(
                reason,
                file.toString(),
                p.payload.length,
                heldEntries,
                heldBytes,
                config.maxEntries(),
                config.maxBytes(),
                config.overflowPolicy());
    }

    /**
     * One transaction, one fsync: quarantines, then deletes, then appends. Completes futures after
     * commit. With nothing to do it writes a probe row (to find out whether the disk takes writes
     * again).
     */
    private void writeTransaction(
            List<PendingAppend> batch, List<PendingDelete> dels, List<Quarantine> quars) {
        long deletedEntries = 0;
        long deletedBytes = 0;
        long quarantinedEntries = 0;
        Instant newOldest = null;
        boolean oldestKnown = false;
        long highest =
                batch.isEmpty() ? lastCommittedSequence : batch.get(batch.size() - 1).sequence;
        try {
            config.writerHook().beforeTransaction(batch.size(), dels.size());
            try (Statement s = writeConnection.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    if (insert == null) {
                        insert =
                                writeConnection.prepareStatement(
                                        "INSERT INTO spill (seq, id, payload, appended_at, crc) VALUES (?, ?, ?, ?, ?)");
                        saveNextSequence =
                                writeConnection.prepareStatement(
                                        "INSERT OR REPLACE INTO spill_meta (k, v) VALUES ('next_seq', ?)");
                    }
                    for (Quarantine q : quars) {
                        long length = -1;
                        try (PreparedStatement ps =
                                writeConnection.prepareStatement(
                                        "SELECT LENGTH(payload) FROM spill WHERE seq = ?")) {
                            ps.setLong(1, q.sequence);
                            try (ResultSet rs = ps.executeQuery()) {
                                if (rs.next()) {
                                    length = rs.getLong(1);
                                }
                            }
                        }
                        if (length < 0) {
                            continue; // already gone
                        }
                        try (PreparedStatement ps =
                                writeConnection.prepareStatement(
                                        "INSERT OR REPLACE INTO spill_quarantine (seq, id, payload, appended_at, crc,"
                                                + " reason, quarantined_at) SELECT seq, id, payload, appended_at, crc, ?, ?"
                                                + " FROM spill WHERE seq = ?")) {
                            ps.setString(1, q.reason);
                            ps.setLong(2, toMicros(Instant.now()));
                            ps.setLong(3, q.sequence);
                            ps.executeUpdate();
                        }
                        try (PreparedStatement ps =
                                writeConnection.prepareStatement("DELETE FROM spill WHERE seq = ?")) {
                            ps.setLong(1, q.sequence);
                            ps.executeUpdate();
                        }
                        quarantinedEntries++;
                        deletedEntries++;
                        deletedBytes += length;
                    }
                    if (!dels.isEmpty()) {
                        long through = Long.MIN_VALUE;
                        for (PendingDelete d : dels) {
                            through = Math.max(through, d.through);
                        }
                        long count;
                        try (PreparedStatement ps =
                                writeConnection.prepareStatement(
                                        "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM spill WHERE seq <= ?")) {
                            ps.setLong(1, through);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                count = rs.getLong(1);
                                deletedEntries += count;
                                deletedBytes += rs.getLong(2);
                            }
                        }
                        if (count > 0) {
                            try (PreparedStatement ps =
                                    writeConnection.prepareStatement(
                                            "DELETE FROM spill WHERE seq <= ?")) {
                                ps.setLong(1, through);
                                ps.executeUpdate();
                            }
                        }
                    }
                    if (!batch.isEmpty()) {
                        for (PendingAppend p : batch) {
                            long micros = toMicros(p.appendedAt);
                            insert.setLong(1, p.sequence);
                            insert.setString(2, p.id);
                            insert.setBytes(3, p.payload);
                            insert.setLong(4, micros);
                            insert.setLong(5, checksum(p.sequence, p.id, p.payload, micros));
                            insert.executeUpdate();
                        }
                    }
                    if (deletedEntries > 0) {
                        // Only a delete can remove the highest sequence; remember it so that an
                        // emptied store never reuses a number. (Appends alone need no extra page
                        // write: MAX(seq).)
                        saveNextSequence.setLong(1, highest + 1);
                        saveNextSequence.executeUpdate();
                        oldestKnown = true;
                        try (ResultSet rs =
                                s.executeQuery(
                                        "SELECT appended_at FROM spill ORDER BY seq LIMIT 1")) {
                            newOldest = rs.next() ? fromMicros(rs.getLong(1)) : null;
                        }
                        // in the same transaction: with the count file's appends, the number
                        // of entries the database should hold (see CountFile)
                        saveRemoved(removedTotal + deletedEntries);
                    }
                    if (batch.isEmpty() && dels.isEmpty() && quars.isEmpty()) {
                        try (PreparedStatement ps =
                                writeConnection.prepareStatement(
                                        "INSERT OR REPLACE INTO spill_meta (k, v) VALUES ('probe', ?)")) {
                            ps.setLong(1, toMicros(Instant.now()));
                            ps.executeUpdate();
                        }
                    }
                    s.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    try {
                        s.execute("ROLLBACK");
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback);
                    }
                    throw e;
                }
            }
        } catch (SQLException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failTransaction(batch, dels, quars, e);
            return;
        }
        long batchBytes = 0;
        for (PendingAppend p : batch) {
            batchBytes += p.payload.length;
        }
        long entriesNow = committedEntries + batch.size() - deletedEntries;
        removedTotal += deletedEntries;
        if (!batch.isEmpty()) {
            appendedTotal += batch.size();
            try {
                countFile.write(appendedTotal, highest, false);
            } catch (IOException e) {
                // a lower count than the truth only under-reports a later loss
                log.debug("Spill store {}: updating {} failed", file, countFile.path(), e);
            }
        }
        boolean recovered;
        Instant degradedAt;
        lock.lock();
        try {
            heldEntries -= deletedEntries;
            heldBytes -= deletedBytes;
            committedEntries = entriesNow;
            committedBytes = committedBytes + batchBytes - deletedBytes;
            quarantinedTotal += quarantinedEntries;
            if (oldestKnown) {
                oldest = newOldest;
            } else if (oldest == null && !batch.isEmpty()) {
                oldest = batch.get(0).appendedAt;
            }
            highestCommitted = highest; // before pending drops: see lastSequence()
            pending -= batch.size();
            transactions++;
            lastCommittedSequence = highest;
            recovered = degraded;
            degradedAt = degradedSince;
            degraded = false;
            retryDelayMillis = 0;
            if (deletedEntries > 0) {
                admitWaiters();
                if (!queued.isEmpty()) {
                    work.signal();
                }
            }
        } finally {
            lock.unlock();
        }
        for (Quarantine q : quars) {
            quarantining.remove(q.sequence);
        }
        if (recovered) {
            Duration down = Duration.between(degradedAt, Instant.now());
            log.info(
                    "Spill store {} recovered: commits succeed again after {} ms degraded; {} entries"
                            + " held",
                    file,
                    down.toMillis(),
                    entriesNow);
            tell(l -> l.recovered(file, down));
        }
        for (PendingAppend p : batch) {
            completeQuietly(p.future, new SpillEntry(p.sequence, p.id, p.payload, p.appendedAt));
        }
        for (PendingDelete d : dels) {
            completeQuietly(d.future, null);
        }
        if (entriesNow == 0 && (deletedEntries > 0 || recovered)) {
            reclaimSpace();
        }
    }

    private void saveRemoved(long removed) throws SQLException {
        try (PreparedStatement ps =
                writeConnection.prepareStatement(
                        "INSERT OR REPLACE INTO spill_meta (k, v) VALUES ('removed', ?)")) {
            ps.setLong(1, removed);
            ps.executeUpdate();
        }
    }

    /** Puts deletes back at the head of the queue, for the next transaction. */
    private void requeue(List<PendingDelete> dels) {
        lock.lock();
        try {
            for (int i = dels.size() - 1; i >= 0; i--) {
                deletes.addFirst(dels.get(i));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * While degraded: deletes the oldest entries up to the deletes' target in small transactions,
     * each checkpointed, and leaves the last part (and the futures) to the caller's transaction.
     * Stops at the first failure (that part is queued again like any failed delete).
     */
    private void deleteInChunks(List<PendingDelete> dels) {
        long target = Long.MIN_VALUE;
        for (PendingDelete d : dels) {
            target = Math.max(target, d.through);
        }
        while (true) {
            long chunkEnd;
            try (PreparedStatement ps =
                    writeConnection.prepareStatement(
                            "SELECT seq FROM spill WHERE seq <= ? ORDER BY seq LIMIT 1 OFFSET ?")) {
                ps.setLong(1, target);
                ps.setInt(2, DEGRADED_DELETE_CHUNK - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    chunkEnd = rs.getLong(1);
                }
            } catch (SQLException e) {
                return;
            }
            if (chunkEnd >= target) {
                return;
            }
            PendingDelete part = new PendingDelete(chunkEnd);
            writeTransaction(List.of(), List.of(part), List.of());
            if (!part.future.isDone()) {
                return;
            }
            checkpoint("RESTART");
        }
    }

    /**
     * The store is empty: rewrites the file to its few remaining pages (VACUUM, cheap now; it
     * also turns on auto_vacuum for a file made by an earlier version) and truncates the WAL.
     */
    private void reclaimSpace() {
        // VACUUM refuses to run while a statement of this connection is open
        StoreFiles.closeQuietly(insert);
        StoreFiles.closeQuietly(saveNextSequence);
        insert = null;
        saveNextSequence = null;
        try (Statement s = writeConnection.createStatement()) {
            if ("0".equals(StoreFiles.queryString(s, "PRAGMA auto_vacuum"))) {
                s.execute("PRAGMA auto_vacuum=INCREMENTAL");
            }
            s.execute("VACUUM");
        } catch (SQLException e) {
            log.debug("Spill store {}: vacuum failed; the file keeps its size for now", file, e);
        }
        checkpoint("TRUNCATE");
    }

    private void checkpoint(String mode) {
        try (Statement s = writeConnection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(" + mode + ")");
        } catch (SQLException e) {
            log.debug("Spill store {}: WAL checkpoint ({}) failed", file, mode, e);
        }
    }

    private void failTransaction(
            List<PendingAppend> batch,
            List<PendingDelete> dels,
            List<Quarantine> quars,
            Exception e) {
        long batchBytes = 0;
        for (PendingAppend p : batch) {
            batchBytes += p.payload.length;
        }
        boolean newly;
        lock.lock();
        try {
            heldEntries -= batch.size();
            heldBytes -= batchBytes;
            pending -= batch.size();
            // Deletes and quarantines are kept, ahead of newer ones, and retried.
            for (int i = dels.size() - 1; i >= 0; i--) {
                deletes.addFirst(dels.get(i));
            }
            for (int i = quars.size() - 1; i >= 0; i--) {
                quarantines.addFirst(quars.get(i));
            }
            newly = !degraded;
            if (newly) {
                degradedSince = Instant.now();
            }
            degradedReason = e.toString();
            degraded = true;
            retryDelayMillis =
                    retryDelayMillis == 0
                            ? RETRY_FIRST_MILLIS
                            : Math.min(RETRY_MAX_MILLIS, retryDelayMillis * 2);
            retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryDelayMillis);
            admitWaiters();
            if (!queued.isEmpty()) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        String what =
                StoreFiles.isCorruptionCause(e)
                        ? " The file is corrupt: close the store and open it again, which moves the file aside"
                                + " and starts a fresh one."
                        : " Fix: check free disk space and that the store's files are writable.";
        if (newly) {
            log.error(
                    "Spill store {} is degraded: a transaction of {} appends and {} deletes failed: {}."
                            + " Appends fail while it lasts; deletes of replayed entries are kept and"
                            + " retried; it recovers by itself once a commit succeeds.{}",
                    file,
                    batch.size(),
                    dels.size(),
                    e.toString(),
                    what);
            tell(l -> l.degraded(file, e));
        } else {
            log.debug(
                    "Spill store {} still degraded: a transaction of {} appends and {} deletes failed",
                    file,
                    batch.size(),
                    dels.size(),
                    e);
        }
        SpillStoreException failure =
                new SpillStoreException(
                        "Spill store "
                                + file
                                + " could not commit: "
                                + e
                                + ". The entry was not stored."
                                + what,
                        e);
        for (PendingAppend p : batch) {
            p.future.completeExceptionally(failure);
        }
    }

    private void failEverything(Throwable t) {
        List<PendingAppend> appends = new ArrayList<>();
        List<PendingDelete> dels;
        lock.lock();
        try {
            closed = true;
            appends.addAll(queued);
            appends.addAll(waitingForRoom);
            queued.clear();
            waitingForRoom.clear();
            dels = new ArrayList<>(deletes);
            deletes.clear();
            pending = 0;
        } finally {
            lock.unlock();
        }
        SpillStoreException failure =
                new SpillStoreException("Spill store " + file + " writer failed: " + t, t);
        appends.forEach(p -> p.future.completeExceptionally(failure));
        dels.forEach(d -> d.future.completeExceptionally(failure));
    }

    private void release() {
        readLock.lock();
        try {
            released = true;
            StoreFiles.closeQuietly(insert);
            StoreFiles.closeQuietly(saveNextSequence);
            StoreFiles.closeQuietly(readConnection);
            StoreFiles.closeQuietly(writeConnection);
            StoreFiles.closeQuietly(countFile);
        } finally {
            readLock.unlock();
            directoryLock.close();
        }
        log.info(
                "Spill store {} closed with {} entries ({} payload bytes)",
                file,
                committedEntries,
                committedBytes);
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("Spill store " + file + " is closed. Fix: open it again.");
    }

    private static <T> void completeQuietly(CompletableFuture<T> f, T value) {
        try {
            f.complete(value);
        } catch (RuntimeException e) {
            log.warn("A callback on a spill store future threw; ignored", e);
        }
    }

    private static long toMicros(Instant t) {
        return Math.addExact(
                Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static final class PendingAppend {
        final String id;
        final byte[] payload;
        final Instant appendedAt;
        final CompletableFuture<SpillEntry> future = new CompletableFuture<>();
        long sequence;
        long deadlineNanos;
        SpillFullException timedOut;

        PendingAppend(String id, byte[] payload, Instant appendedAt) {
            this.id = id;
            this.payload = payload;
            this.appendedAt = appendedAt;
        }
    }

    private static final class Quarantine {
        final long sequence;
        final String reason;

        Quarantine(long sequence, String reason) {
            this.sequence = sequence;
            this.reason = reason;
        }
    }

    private static final class PendingDelete {
        final long through;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        PendingDelete(long through) {
            this.through = through;
        }
    }
}
