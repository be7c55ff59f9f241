package io.resilientredis.chaos.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.drill.History;
import io.resilientredis.chaos.drill.WriteRecord;
import io.resilientredis.chaos.topology.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service JVM ({@link SuiteWriterChild}) the crash tests kill with SIGKILL, and the history built from
 * what it printed: every write's outcome, and the calls in flight at the kill recorded as in doubt.
 */
final class ServiceChild {
    final ChildJvm jvm;
    final History history;
    final Map<String, String[]> inFlight = new ConcurrentHashMap<>();
    final AtomicLong written = new AtomicLong();
    final AtomicLong spilled = new AtomicLong();
    final AtomicReference<String[]> status = new AtomicReference<>();
    final AtomicReference<String> ready = new AtomicReference<>();
    private final List<String> unmatched = new CopyOnWriteArrayList<>();
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
        List<String> args = new ArrayList<>(List.of(spillDir.toString(), endpoint, namespace,
                Integer.toString(writers), Integer.toString(replayRate), Integer.toString(batch)));
        args.addAll(List.of(extra));
        jvm = ChildJvm.start(SuiteWriterChild.class, List.of(), args, this::take);
        try {
            jvm.await("the service JVM ready", Duration.ofSeconds(60)).until(() -> ready.get() != null);
        } catch (RuntimeException | Error e) {
            jvm.close();
            throw e;
        }
    }

    private long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** @return whether the line is one of the child's reports (BEGIN, END, FAIL, STATUS, READY), recorded here */
    private boolean take(String line) {
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
                return false;
            }
        }
        return true;
    }

    private void finish(String[] p) {
        String[] b = inFlight.remove(p[1]);
        if (b == null || !b[0].equals(p[2])) {
            unmatched.add(String.join(" ", p));
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
        jvm.await("every writer of the service wrote directly", Duration.ofSeconds(60)).until(() -> {
            for (int w = 0; w < writers; w++) {
                if (history.writes(w).size() < each) {
                    return false;
                }
            }
            return true;
        });
    }

    void awaitSpilled(long n) {
        jvm.await("the service spilling", Duration.ofSeconds(60)).until(() -> spilled.get() >= n);
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
        jvm.kill();
        for (Map.Entry<String, String[]> e : inFlight.entrySet()) {
            String[] b = e.getValue();
            history.record(new WriteRecord(Integer.parseInt(e.getKey()), Long.parseLong(b[0]), b[1], b[2],
                    Long.parseLong(b[3]), WriteRecord.Outcome.IN_DOUBT, "the service was killed during the call",
                    Long.parseLong(b[4]), null));
        }
        inFlight.clear();
        assertThat(unmatched).as("END or FAIL without BEGIN").isEmpty();
    }
}
