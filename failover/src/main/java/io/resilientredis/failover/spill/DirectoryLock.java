package io.resilientredis.failover.spill;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on a spill directory: an OS lock ({@link FileChannel#tryLock()}) on {@code
 * spill.lock}, whose content names the holder ({@code pid N on host H, since T}) for the error
 * another process gets.
 */
final class DirectoryLock implements AutoCloseable {
    static final String LOCK_FILE = "spill.lock";

    /**
     * Directories locked by this JVM, keyed by real path, valued by holder description. This is the
     * package's one piece of static mutable state, and it has to be JVM-wide: OS file locks belong
     * to the process, so a second store in the same JVM cannot be told apart through the OS lock,
     * and merely opening and closing the lock file again from this JVM would make POSIX drop the
     * lock the first store holds. A second store therefore checks here before it touches the file.
     */
    private static final ConcurrentHashMap<Path, String> HELD_IN_THIS_JVM =
            new ConcurrentHashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;

    private DirectoryLock(Path key, FileChannel channel, FileLock lock, String holder) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    static DirectoryLock acquire(Path directory, FileAttribute<?>[] fileAttributes) {
        Path key;
        try {
            key = directory.toRealPath();
        } catch (IOException e) {
            throw new SpillStoreException(
                    "Cannot resolve spill directory " + directory + ": " + e, e);
        }
        String me =
                "pid "
                        + ProcessHandle.current().pid()
                        + " on host "
                        + hostName()
                        + ", since "
                        + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String previous = HELD_IN_THIS_JVM.putIfAbsent(key, me);
        if (previous != null) {
            throw new SpillStoreLockedException(
                    directory, previous + " (another SpillStore in this JVM)");
        }
        FileChannel channel = null;
        try {
            channel =
                    FileChannel.open(
                            key.resolve(LOCK_FILE),
                            Set.of(
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.READ,
                                    StandardOpenOption.WRITE),
                            fileAttributes);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(channel);
                throw new SpillStoreLockedException(directory, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new DirectoryLock(key, channel, lock, me);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            release(key);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new SpillStoreException(
                    "Cannot lock spill directory "
                            + directory
                            + " (lock file "
                            + key.resolve(LOCK_FILE)
                            + "): "
                            + e
                            + ". Fix: make the directory writable by this"
                            + " process's user.",
                    e);
        }
    }

    String holder() {
        return holder;
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases the lock as well
        } finally {
            closeQuietly(channel);
            release(key);
        }
    }

    private static void release(Path key) {
        HELD_IN_THIS_JVM.remove(key);
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(512);
        channel.read(buf, 0);
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? "another process (its lock file names no holder yet)" : text;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
