package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Small shared helpers of the harness: work directory, free ports, bounded polling, log tails. */
final class Support {

    /** System property naming the folder under which each topology gets its directories. */
    static final String WORKDIR_PROPERTY = "resilientredis.workdir";

    private Support() {
    }

    /** {@code -Dresilientredis.workdir} (surefire sets {@code target/redis-work}), else {@code tmpdir/resilient-redis}. */
    static Path workRoot() {
        String configured = System.getProperty(WORKDIR_PROPERTY);
        Path root = configured != null && !configured.isBlank()
                ? Paths.get(configured)
                : Paths.get(System.getProperty("java.io.tmpdir"), "resilient-redis");
        try {
            return Files.createDirectories(root.toAbsolutePath());
        } catch (IOException e) {
            throw new RedisTopologyException("Cannot create the Redis work directory " + root
                    + ": make it writable or point -D" + WORKDIR_PROPERTY + " at a writable folder", e);
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago (the caller retries if someone takes it first). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }

    /**
     * A free port whose cluster bus port ({@code port + 10000}, fixed on Redis 6.2) is a valid port and was
     * free too a moment ago.
     */
    static int freeClusterPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = freePort();
            if (port + CLUSTER_BUS_OFFSET <= 65535 && isFree(port + CLUSTER_BUS_OFFSET)) {
                return port;
            }
        }
        throw new RedisTopologyException("no free port pair (port, port + 10000) on 127.0.0.1 for a cluster node");
    }

    /** How far a cluster node's bus port is from its client port. */
    static final int CLUSTER_BUS_OFFSET = 10000;

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Polls {@code condition} every {@code interval} until it holds or {@code timeout} passes.
     *
     * @return whether the condition held before the deadline
     */
    static boolean pollUntil(Duration timeout, Duration interval, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Boolean.TRUE.equals(condition.get())) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            pause(interval);
        }
    }

    /** Waits between two polls of a bounded loop; restores the interrupt flag and fails if interrupted. */
    static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisTopologyException("interrupted while waiting for Redis", e);
        }
    }

    /** The last {@code lines} lines of {@code file}; empty if it does not exist. */
    static String tail(Path file, int lines) {
        if (lines <= 0 || !Files.isRegularFile(file)) {
            return "";
        }
        Deque<String> last = new ArrayDeque<>(lines);
        try (Stream<String> stream = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            stream.forEach(line -> {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
        return String.join("\n", last);
    }

    /** Indents a multi-line text block for inclusion in an error message. */
    static String indent(String text) {
        return text.isEmpty() ? "    (empty)" : "    " + text.replace("\n", "\n    ");
    }
}
