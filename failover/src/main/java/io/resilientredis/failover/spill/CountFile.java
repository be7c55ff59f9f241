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
 * {@code spill.count}: how many entries the store held at its last commit, and the highest
 * sequence committed, kept outside the SQLite files.
 *
 * <p>Why outside: SQLite validates WAL frames by a running checksum and silently ignores
 * everything from the first bad frame on, so a damaged WAL rolls the database back to an earlier
 * commit, together with any bookkeeping row inside it. This file is not rolled back with it, so
 * on open the store can say how many committed entries it lost.
 *
 * <p>It never claims more than the database holds: a commit that removes entries (a delete, a
 * quarantine) writes the lower count here and forces it to disk before the commit; a commit that
 * only adds entries writes the higher count after the commit (without a forced sync: an older,
 * lower count after a power loss only under-reports). So a crash at any point leaves a count at
 * most the true one, and a count above the true one on open means entries were lost.
 *
 * <p>Layout (28 bytes): magic {@code RRSPCNT1}, entries (8 bytes), highest sequence (8 bytes),
 * CRC32C of the preceding 24 bytes. Writer thread only.
 */
final class CountFile implements AutoCloseable {
    static final String FILE = "spill.count";
    private static final byte[] MAGIC = {'R', 'R', 'S', 'P', 'C', 'N', 'T', '1'};
    private static final int SIZE = 28;

    /** What the file said when it was opened. */
    record Mark(long entries, long highestSequence) {}

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
        long entries = b.getLong();
        long highest = b.getLong();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        if ((int) crc.getValue() != b.getInt() || entries < 0) {
            return null;
        }
        return new Mark(entries, highest);
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
     * @param entries entries held
     * @param highestSequence highest committed sequence
     * @param force whether to sync it to disk before returning
     */
    void write(long entries, long highestSequence, boolean force) throws IOException {
        buffer.clear();
        buffer.put(MAGIC).putLong(entries).putLong(highestSequence);
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
