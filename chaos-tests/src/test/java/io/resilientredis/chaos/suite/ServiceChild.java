package io.resilientredis.chaos.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.drill.History;
import io.resilientredis.chaos.drill.WriteRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service JVM ({@link SuiteWriterChild}) the crash tests kill with SIGKILL, and the history built from
 * what it printed: every write's outcome, and the calls in flight at the kill recorded as in doubt.
 */
/** A service JVM, and the history built from what it printed. */
final class ServiceChild {
    final Process process;
    final Thread reader;
    final History history;
    final Map<String, String[]> inFlight = new ConcurrentHashMap<>();
    final AtomicLong written = new AtomicLong();
    final AtomicLong spilled = new AtomicLong();
    final AtomicReference<String[]> status = new AtomicReference<>();
    final AtomicReference<String> ready = new AtomicReference<>();
    final List<String> tail = new CopyOnWriteArrayList<>();
    private final long startNanos = System.nanoTime();
    private final int writers;
    private boolean killed;

    /**
     * @param endpoint {@code redis://host:port}, or {@code sentinel:<master>@host:port,host:port}
     * @param extra {@link SuiteWriterChild}'s optional arguments: durability, journal window (ms), Sentinel scan (ms)
     */
    ServiceChild(Path spillDir, String endpoint, String namespace, int writers, int replayRate, int batch,
                 String... extra) throws IOException {
        this.writers = writers;
        history = new History(namespace, writers, SuiteScenario.readBound());
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), SuiteWriterChild.class.getName(),
                spillDir.toString(), endpoint, namespace,
                Integer.toString(writers), Integer.toString(replayRate), Integer.toString(batch)));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true);
        process = builder.start();
        process.getOutputStream().close();
        reader = new Thread(this::read, "resilient-redis-test-child-reader");
        reader.setDaemon(true);
        reader.start();
        await("the service JVM ready").atMost(Duration.ofSeconds(60))
                .failFast("the service JVM exited: " + tail, () -> !process.isAlive())
                .until(() -> ready.get() != null);
    }

    private long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] p = line.split(" ", 4);
                switch (p[0]) {
                    case "BEGIN" -> {
                        String[] b = line.split(" ");
                        inFlight.put(b[1], new String[] {b[2], b[3], b[4], b[5], Long.toString(millis())});
                    }
                    case "END", "FAIL" -> finish(p);
                    case "STATUS" -> status.set(line.split(" "));
                    case "READY" -> ready.set(p[1]);
                    default -> {
                        tail.add(line);
                        if (tail.size() > 50) {
                            tail.remove(0);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the child was killed: its stdout closed
        }
    }

    private void finish(String[] p) {
        String[] b = inFlight.remove(p[1]);
        if (b == null || !b[0].equals(p[2])) {
            tail.add("END without BEGIN: " + String.join(" ", p));
            return;
        }
        int writer = Integer.parseInt(p[1]);
        long seq = Long.parseLong(b[0]);
        WriteRecord.Outcome outcome;
        String failure = null;
        String id = null;
        if ("END".equals(p[0])) {
            String[] r = p[3].split(" ");
            outcome = WriteRecord.Outcome.valueOf(r[0]);
            id = r[1];
            (outcome == WriteRecord.Outcome.WRITTEN ? written : spilled).incrementAndGet();
        } else {
            outcome = WriteRecord.Outcome.FAILED;
            failure = p[3];
        }
        history.record(new WriteRecord(writer, seq, b[1], b[2], Long.parseLong(b[3]), outcome, failure,
                Long.parseLong(b[4]), id));
    }

    void awaitWritten(long each) {
        await("every writer of the service wrote directly").atMost(Duration.ofSeconds(60))
                .failFast("the service JVM exited: " + tail, () -> !process.isAlive())
                .until(() -> {
                    for (int w = 0; w < writers; w++) {
                        if (history.writes(w).size() < each) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    void awaitSpilled(long n) {
        await("the service spilling").atMost(Duration.ofSeconds(60))
                .failFast("the service JVM exited: " + tail, () -> !process.isAlive())
                .until(() -> spilled.get() >= n);
    }

    /**
     * SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no close, no flush. Every call it
     * had begun and not finished goes into the history as in doubt.
     */
    void kill() throws InterruptedException {
        if (killed) {
            return;
        }
        killed = true;
        process.destroyForcibly();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        for (Map.Entry<String, String[]> e : inFlight.entrySet()) {
            String[] b = e.getValue();
            history.record(new WriteRecord(Integer.parseInt(e.getKey()), Long.parseLong(b[0]), b[1], b[2],
                    Long.parseLong(b[3]), WriteRecord.Outcome.IN_DOUBT, "the service was killed during the call",
                    Long.parseLong(b[4]), null));
        }
        inFlight.clear();
        assertThat(tail).noneMatch(l -> l.startsWith("END without BEGIN"));
    }
}
