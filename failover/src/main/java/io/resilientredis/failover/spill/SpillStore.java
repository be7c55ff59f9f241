package io.resilientredis.failover.spill;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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

    private final SpillStoreConfig config;
    private final Path file;
    private final DirectoryLock directoryLock;
    private final Connection writeConnection; // writer thread only (and open/close)
    private final Connection readConnection; // guarded by readLock
    private final ReentrantLock readLock = new ReentrantLock();
    private final Thread writer;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    // guarded by lock (released: written under readLock, read anywhere)
    private final ArrayDeque<PendingAppend> queued = new ArrayDeque<>();
    private final ArrayDeque<PendingAppend> waitingForRoom = new ArrayDeque<>();
    private final ArrayDeque<PendingDelete> deletes = new ArrayDeque<>();
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
            Instant oldest) {
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
        this.oldest = oldest;
        this.writer = new Thread(this::runWriter, WRITER_THREAD_NAME);
        this.writer.setDaemon(true);
    }

    /**
     * Opens (creating if needed) the store in {@link SpillStoreConfig#directory()}: takes the
     * directory lock, runs an integrity check, moves a corrupt file aside (reported to the listener
     * and logged at WARN with the new path) and starts fresh, recovers depth, bytes and the next
     * sequence from the file, and starts the writer thread.
     *
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
        try {
            write = openOrReplaceCorrupt(db, config.listener());
            read = StoreFiles.openReader(db);
            long entries;
            long bytes;
            long next;
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
            }
            SpillStore store =
                    new SpillStore(
                            config, db, directoryLock, write, read, entries, bytes, next, oldest);
            store.writer.start();
            log.info(
                    "Spill store opened at {}: {} entries ({} payload bytes) recovered, next sequence"
                            + " {}, bounds {} entries / {} bytes, overflow {}",
                    db,
                    entries,
                    bytes,
                    next,
                    config.maxEntries(),
                    config.maxBytes(),
                    config.overflowPolicy());
            return store;
        } catch (SQLException | IOException | RuntimeException e) {
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

    private static Connection openOrReplaceCorrupt(Path db, SpillStoreListener listener)
            throws SQLException, IOException {
        try {
            return StoreFiles.openWriter(db);
        } catch (StoreFiles.CorruptStoreException corrupt) {
            Path movedTo = StoreFiles.moveAside(db);
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
     */
    public CompletableFuture<SpillEntry> append(String id, byte[] payload) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
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
     * The oldest committed entries with {@code sequence > afterSequence}, in sequence order: at
     * most {@code maxEntries}, and no more than {@code maxBytes} of payload except that the first
     * entry is always returned if there is one.
     *
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
        readLock.lock();
        try {
            if (released) {
                throw closedError();
            }
            List<SpillEntry> out = new ArrayList<>();
            try (PreparedStatement ps =
                    readConnection.prepareStatement(
                            "SELECT seq, id, payload, appended_at FROM spill WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, afterSequence);
                ps.setInt(2, maxEntries);
                long total = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] payload = rs.getBytes(3);
                        if (payload == null) {
                            payload = new byte[0];
                        }
                        if (!out.isEmpty() && total + payload.length > maxBytes) {
                            break;
                        }
                        total += payload.length;
                        out.add(
                                new SpillEntry(
                                        rs.getLong(1),
                                        rs.getString(2),
                                        payload,
                                        fromMicros(rs.getLong(4))));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new SpillStoreException("Reading spill store " + file + " failed: " + e, e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Deletes every committed entry with {@code sequence <= sequence} (the acknowledged prefix) and
     * returns once that is durable. Frees room, so appends waiting under {@link
     * OverflowPolicy#block} may proceed. Safe to call while appends run; entries still queued are
     * never deleted.
     *
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
            writeTransaction(List.of(), List.of(d));
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

    /** Committed entries. O(1). */
    public long depth() {
        return committedEntries;
    }

    /** Payload bytes of committed entries. O(1). */
    public long bytes() {
        return committedBytes;
    }

    /** When the oldest committed entry was appended; empty when the store is empty. */
    public Optional<Instant> oldestEntryTime() {
        return Optional.ofNullable(oldest);
    }

    /** Appends accepted but not yet committed (queued, being written, or waiting for room). */
    public long pendingAppends() {
        return pending;
    }

    /** The SQLite database file. */
    public Path file() {
        return file;
    }

    /** The configuration this store was opened with. */
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
                List<PendingAppend> expired = new ArrayList<>();
                boolean exit = false;
                lock.lock();
                try {
                    while (true) {
                        expireWaiters(expired);
                        if (!queued.isEmpty()
                                || !deletes.isEmpty()
                                || closed
                                || !expired.isEmpty()) {
                            break;
                        }
                        if (waitingForRoom.isEmpty()) {
                            work.awaitUninterruptibly();
                        } else {
                            long wait =
                                    waitingForRoom.peekFirst().deadlineNanos - System.nanoTime();
                            if (wait > 0) {
                                try {
                                    work.awaitNanos(wait);
                                } catch (InterruptedException e) {
                                    // only close() stops the writer
                                }
                            }
                        }
                    }
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
                    exit = closed && queued.isEmpty();
                } finally {
                    lock.unlock();
                }
                for (PendingAppend p : expired) {
                    p.future.completeExceptionally(p.timedOut);
                }
                if (!batch.isEmpty() || !dels.isEmpty()) {
                    writeTransaction(batch, dels);
                }
                if (exit) {
                    lock.lock();
                    try {
                        if (queued.isEmpty() && deletes.isEmpty()) {
                            break;
                        }
                    } finally {
                        lock.unlock();
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
     * One transaction, one fsync: the deletes, then the appends. Completes futures after commit.
     */
    private void writeTransaction(List<PendingAppend> batch, List<PendingDelete> dels) {
        long deletedEntries = 0;
        long deletedBytes = 0;
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
                                        "INSERT INTO spill (seq, id, payload, appended_at) VALUES (?, ?, ?, ?)");
                        saveNextSequence =
                                writeConnection.prepareStatement(
                                        "INSERT OR REPLACE INTO spill_meta (k, v) VALUES ('next_seq', ?)");
                    }
                    if (!dels.isEmpty()) {
                        long through = Long.MIN_VALUE;
                        for (PendingDelete d : dels) {
                            through = Math.max(through, d.through);
                        }
                        try (PreparedStatement ps =
                                writeConnection.prepareStatement(
                                        "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM spill WHERE seq <= ?")) {
                            ps.setLong(1, through);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                deletedEntries = rs.getLong(1);
                                deletedBytes = rs.getLong(2);
                            }
                        }
                        if (deletedEntries > 0) {
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
                            insert.setLong(1, p.sequence);
                            insert.setString(2, p.id);
                            insert.setBytes(3, p.payload);
                            insert.setLong(4, toMicros(p.appendedAt));
                            insert.executeUpdate();
                        }
                    }
                    if (deletedEntries > 0) {
                        // Only a delete can remove the highest sequence; remember it so that an
                        // emptied
                        // store never reuses a number. (Appends alone need no extra page write:
                        // MAX(seq).)
                        saveNextSequence.setLong(1, highest + 1);
                        saveNextSequence.executeUpdate();
                    }
                    if (deletedEntries > 0) {
                        oldestKnown = true;
                        try (ResultSet rs =
                                s.executeQuery(
                                        "SELECT appended_at FROM spill ORDER BY seq LIMIT 1")) {
                            newOldest = rs.next() ? fromMicros(rs.getLong(1)) : null;
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
            if (deletedEntries > 0 && committedEntries + batch.size() - deletedEntries == 0) {
                reclaimSpace();
            }
        } catch (SQLException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failTransaction(batch, dels, e);
            return;
        }
        long batchBytes = 0;
        for (PendingAppend p : batch) {
            batchBytes += p.payload.length;
        }
        lock.lock();
        try {
            heldEntries -= deletedEntries;
            heldBytes -= deletedBytes;
            committedEntries = committedEntries + batch.size() - deletedEntries;
            committedBytes = committedBytes + batchBytes - deletedBytes;
            if (oldestKnown) {
                oldest = newOldest;
            } else if (oldest == null && !batch.isEmpty()) {
                oldest = batch.get(0).appendedAt;
            }
            pending -= batch.size();
            transactions++;
            lastCommittedSequence = highest;
            if (deletedEntries > 0) {
                admitWaiters();
                if (!queued.isEmpty()) {
                    work.signal();
                }
            }
        } finally {
            lock.unlock();
        }
        for (PendingAppend p : batch) {
            completeQuietly(p.future, new SpillEntry(p.sequence, p.id, p.payload, p.appendedAt));
        }
        for (PendingDelete d : dels) {
            completeQuietly(d.future, null);
        }
    }

    private void reclaimSpace() {
        try (Statement s = writeConnection.createStatement()) {
            s.execute("PRAGMA incremental_vacuum");
        } catch (SQLException e) {
            log.debug(
                    "Spill store {}: incremental vacuum failed; the file keeps its size", file, e);
        }
    }

    private void failTransaction(List<PendingAppend> batch, List<PendingDelete> dels, Exception e) {
        long batchBytes = 0;
        for (PendingAppend p : batch) {
            batchBytes += p.payload.length;
        }
        lock.lock();
        try {
            heldEntries -= batch.size();
            heldBytes -= batchBytes;
            pending -= batch.size();
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
        log.error(
                "Spill store {}: a transaction of {} appends and {} deletes failed: {}",
                file,
                batch.size(),
                dels.size(),
                e.toString());
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
        for (PendingDelete d : dels) {
            d.future.completeExceptionally(
                    new SpillStoreException(
                            "Spill store "
                                    + file
                                    + " could not delete through sequence "
                                    + d.through
                                    + ": "
                                    + e
                                    + "."
                                    + what,
                            e));
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

    private static final class PendingDelete {
        final long through;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        PendingDelete(long through) {
            this.through = through;
        }
    }
}
