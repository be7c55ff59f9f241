package io.resilientredis.failover.spill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * {@code spill.count}: how many entries were ever appended to the store, and the highest sequence
 * committed, kept outside the SQLite files.
 *
 * <p>Why outside: SQLite validates WAL frames by a running checksum and silently ignores
 * everything from the first bad frame on, so a damaged WAL rolls the database back to an earlier
 * commit, together with any bookkeeping row inside it. This file is not rolled back with it. The
 * database counts the entries ever removed (deleted or quarantined) in a meta row, in the same
 * transaction as the removals, so after such a cut it holds {@code appended - removed} entries as
 * of the cut; the appends this file counts beyond that are the committed entries the damage lost.
 *
 * <p>It is written after each commit that appends, without a forced sync: it can only lag behind
 * the database (after a power loss, by the last appends), so it may under-report a loss, never
 * invent one.
 *
 * <p>Layout (28 bytes): magic {@code RRSPCNT1}, entries appended (8 bytes), highest sequence (8
 * bytes), CRC32C of the preceding 24 bytes. Writer thread only.
 */
final class CountFile implements AutoCloseable {
    static final String FILE = "spill.count";
    private static final byte[] MAGIC = {'R', 'R', 'S', 'P', 'C', 'N', 'T', '1'};
    private static final int SIZE = 28;

    /** What the file said when it was opened. */
    record Mark(long appended, long highestSequence) {}

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(SIZE);
    private final Mark found;
    private final boolean damaged;

    private CountFile(Path path, FileChannel channel, Mark found, boolean damaged) {
        this.path = path;
        this.channel = channel;
        this.found = found;
        this.damaged = damaged;
    }

    static CountFile open(Path dir) throws IOException {
        Path path = dir.resolve(FILE);
        Mark found = null;
        boolean damaged = false;
        try {
            byte[] bytes = Files.readAllBytes(path);
            found = parse(bytes);
            damaged = found == null;
        } catch (NoSuchFileException absent) {
            // a new store, or one written by a version without this file
        }
        if (!Files.exists(path)) {
            Files.createFile(path, StoreFiles.ownerOnlyFile(path));
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new CountFile(path, channel, found, damaged);
    }

    private static Mark parse(byte[] bytes) {
        if (bytes.length != SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        for (byte m : MAGIC) {
            if (b.get() != m) {
                return null;
            }
        }
        long appended = b.getLong();
        long highest = b.getLong();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        if ((int) crc.getValue() != b.getInt() || appended < 0) {
            return null;
        }
        return new Mark(appended, highest);
    }

    /** @return the mark found on open; null if the file was absent or damaged */
    Mark found() {
        return found;
    }

    /** @return whether a file was there but unreadable */
    boolean damaged() {
        return damaged;
    }

    Path path() {
        return path;
    }

    /**
     * @param appended entries ever appended
     * @param highestSequence highest committed sequence
     * @param force whether to sync it to disk before returning
     */
    void write(long appended, long highestSequence, boolean force) throws IOException {
        buffer.clear();
        buffer.put(MAGIC).putLong(appended).putLong(highestSequence);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, SIZE - 4);
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer, buffer.position());
        }
        if (force) {
            channel.force(false);
        }
    }

    @Override
    public void close() {
        try {
            channel.force(false);
        } catch (IOException e) {
            // closing anyway
        }
        StoreFiles.closeQuietly(channel);
    }
}
