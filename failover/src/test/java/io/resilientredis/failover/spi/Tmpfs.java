package io.resilientredis.failover.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test (needs root), so "disk full" is real. {@link #mount} skips
 * the test (a JUnit assumption) with the reason when it cannot; close unmounts.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** @return the mounted tmpfs; skips the calling test with the reason when it cannot mount */
    public static Tmpfs mount(Path dir, String size) {
        String whyNot;
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs",
                    dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                whyNot = "mount -t tmpfs failed (needs root): " + out.trim();
                org.junit.jupiter.api.Assumptions.assumeTrue(false, "no tmpfs for the disk-full test: " + whyNot);
            }
            return new Tmpfs(dir);
        } catch (IOException e) {
            whyNot = "cannot run mount: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            whyNot = "interrupted";
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(false, "no tmpfs for the disk-full test: " + whyNot);
        throw new AssertionError("unreachable");
    }

    public Path dir() {
        return dir;
    }

    /** Fills what is left of the file system with {@code name}; returns the bytes written. */
    public long fill(String name) throws IOException {
        long written = 0;
        try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int chunk = 64 * 1024; chunk >= 512; chunk /= 2) {
                ByteBuffer b = ByteBuffer.allocate(chunk);
                while (true) {
                    b.clear();
                    try {
                        written += ch.write(b);
                    } catch (IOException full) {
                        break;
                    }
                }
            }
        }
        return written;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("umount " + dir + " failed: " + out);
        }
    }
}
