package io.resilientredis.chaos.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * A {@link SpillWriterChild} service JVM and what it printed: each writer's last accepted write, how many
 * were spilled, the last spill status. Kill it with {@link #kill()} (SIGKILL).
 */
final class SpillWriterProcess {
    private final Process process;
    private final Thread reader;
    private final AtomicIntegerArray lastAcked;
    private final AtomicIntegerArray written;
    private final AtomicInteger spilled = new AtomicInteger();
    private final AtomicReference<String[]> status = new AtomicReference<>();
    private final AtomicReference<String> ready = new AtomicReference<>();
    private final List<String> tail = new CopyOnWriteArrayList<>();
    private final int writers;

    /**
     * Starts the JVM and waits until its client is built.
     *
     * @param spillDir the service's spill directory
     * @param endpoint {@code redis://host:port}, or a cluster as {@link SpillWriterChild#clusterArg} writes it
     * @param prefix the writers' key prefix (writer {@code w} pushes onto {@code prefix + w})
     * @param writers how many writer threads
     * @param replayRate the replay's rate limit, writes/s (0: none)
     * @param batchSize the replay's batch size
     * @throws IOException when the JVM cannot be started
     */
    SpillWriterProcess(Path spillDir, String endpoint, String prefix, int writers, int replayRate, int batchSize)
            throws IOException {
        this.writers = writers;
        this.lastAcked = new AtomicIntegerArray(writers);
        this.written = new AtomicIntegerArray(writers);
        for (int w = 0; w < writers; w++) {
            lastAcked.set(w, -1);
        }
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), SpillWriterChild.class.getName(),
                spillDir.toString(), endpoint, prefix, Integer.toString(writers), Integer.toString(replayRate),
                Integer.toString(batchSize));
        builder.redirectErrorStream(true);
        process = builder.start();
        process.getOutputStream().close();
        reader = new Thread(this::read, "crash-test-child-reader");
        reader.setDaemon(true);
        reader.start();
        await("the service JVM ready").atMost(Duration.ofSeconds(60))
                .failFast("the service JVM exited: " + tail, () -> !process.isAlive())
                .until(() -> ready.get() != null);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    String[] p = line.split(" ");
                    int w = Integer.parseInt(p[1]);
                    int i = Integer.parseInt(p[2]);
                    if (i != lastAcked.get(w) + 1) {
                        tail.add("out of sequence: " + line);
                    }
                    lastAcked.set(w, i);
                    if ("SPILLED".equals(p[3])) {
                        spilled.incrementAndGet();
                    } else {
                        written.incrementAndGet(w);
                    }
                } else if (line.startsWith("STATUS ")) {
                    status.set(line.split(" "));
                } else if (line.startsWith("READY ")) {
                    ready.set(line.substring(6));
                } else {
                    tail.add(line);
                    if (tail.size() > 50) {
                        tail.remove(0);
                    }
                }
            }
        } catch (IOException e) {
            // the child was killed: its stdout closed
        }
    }

    int lastAcked(int writer) {
        return lastAcked.get(writer);
    }

    int spilled() {
        return spilled.get();
    }

    String[] status() {
        return status.get();
    }

    long pid() {
        return process.pid();
    }

    int acked() {
        int n = 0;
        for (int w = 0; w < writers; w++) {
            n += lastAcked.get(w) + 1;
        }
        return n;
    }

    void awaitWritten(int each) {
        await("every writer of the service wrote directly").atMost(Duration.ofSeconds(60))
                .failFast("the service JVM exited: " + tail, () -> !process.isAlive())
                .until(() -> IntStream.range(0, writers).allMatch(w -> written.get(w) >= each));
    }

    void awaitSpilled(int n) {
        await("the service spilling").atMost(Duration.ofSeconds(60))
                .failFast("the service JVM exited: " + tail, () -> !process.isAlive())
                .until(() -> spilled.get() >= n);
    }

    /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no close, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        assertThat(tail).noneMatch(l -> l.startsWith("out of sequence"));
    }
}
