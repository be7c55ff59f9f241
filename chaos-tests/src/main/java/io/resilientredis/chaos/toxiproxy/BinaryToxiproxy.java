package io.resilientredis.chaos.toxiproxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@code toxiproxy-server} child process on a free 127.0.0.1 port; its output goes to a temporary log. */
final class BinaryToxiproxy implements FaultProxyServer {
    private static final Logger log = LoggerFactory.getLogger(BinaryToxiproxy.class);
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private final Process process;
    private final int port;
    private final Path output;
    private final Thread shutdownHook;

    private BinaryToxiproxy(Process process, int port, Path output) {
        this.process = process;
        this.port = port;
        this.output = output;
        this.shutdownHook = new Thread(process::destroyForcibly, ThreadTracker.PREFIX + "binary-reaper");
    }

    static BinaryToxiproxy start(Path executable) {
        int port = freePort();
        Path output;
        Process process;
        try {
            output = Files.createTempFile("toxiproxy-server-", ".log");
            process = new ProcessBuilder(List.of(executable.toString(), "-host", "127.0.0.1", "-port",
                    Integer.toString(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + executable + ": " + e.getMessage()
                    + " (check that it is an executable toxiproxy-server)", e);
        }
        BinaryToxiproxy server = new BinaryToxiproxy(process, port, output);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.awaitApi(executable);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("toxiproxy-server {} started as pid {} on port {}", executable, process.pid(), port);
        return server;
    }

    private void awaitApi(Path executable) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(executable + " exited with code " + process.exitValue()
                        + " before its API answered; its output: " + outputTail());
            }
            if (apiAnswers()) {
                return;
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + executable, e);
            }
        }
        throw new IllegalStateException(executable + " did not answer on " + url() + " within "
                + START_TIMEOUT_MILLIS + " ms; its output: " + outputTail());
    }

    private boolean apiAnswers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(url() + "/version").openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String outputTail() {
        try {
            String text = Files.readString(output, StandardCharsets.UTF_8);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1 for toxiproxy-server: " + e.getMessage(), e);
        }
    }

    @Override
    public String backend() {
        return "binary";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    /** The child's process id (for diagnostics). */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down; the hook runs anyway
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException ignored) {
            // a leftover temporary log is harmless
        }
    }

    @Override
    public String toString() {
        return "FaultProxyServer{binary, pid " + process.pid() + ", " + url() + '}';
    }
}
