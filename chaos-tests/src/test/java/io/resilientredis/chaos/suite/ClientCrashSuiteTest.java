package io.resilientredis.chaos.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.drill.DataSource;
import io.resilientredis.chaos.drill.History;
import io.resilientredis.chaos.drill.HistoryChecker;
import io.resilientredis.chaos.drill.OperationKinds;
import io.resilientredis.chaos.drill.Verdict;
import io.resilientredis.chaos.drill.WriteRecord;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.Durability;
import io.resilientredis.client.ResilientRedis;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client process killed (SIGKILL) mid-spill and mid-replay, then restarted, against one standalone
 * Redis behind the fault proxy. A child JVM ({@link SuiteWriterChild}) runs the workload's writers through
 * a client with a spill store and reports every write's outcome; the parent builds one history per child
 * and checks them all, against what Redis holds once a last client on the same spill directory replayed
 * what the killed ones left. A write in flight at a kill is in doubt (its caller never learned the outcome):
 * it may or may not have been applied, and is never counted as accepted.
 */
class ClientCrashSuiteTest {

    private static final int WRITERS = 4;

    private static ChaosTopology chaos;

    @TempDir
    Path spillDir;

    private final List<Child> children = new ArrayList<>();

    @BeforeAll
    static void start() {
        chaos = ChaosTopology.start(RedisTopology.standalone());
    }

    @AfterAll
    static void stop() {
        if (chaos != null) {
            chaos.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Child c : children) {
            c.kill();
        }
        chaos.resetAll();
    }

    @Test
    void killedWhileSpillingAndWhileReplayingThenRestartedLosesAndDuplicatesNothing() throws Exception {
        long begin = System.nanoTime();
        String ns = "suite:crash:" + Long.toHexString(System.nanoTime() & 0xffffff);

        // First service: writes directly, then spills through an outage, and is killed while spilling.
        Child first = start(ns + ":g0", 50_000, 500);
        first.awaitWritten(20);
        chaos.disableAll();
        first.awaitSpilled(300);
        first.kill();
        chaos.resetAll();

        // Second service on the same directory: replays the first one's backlog (slowly, 300 writes/s,
        // while its own writes queue behind it) and is killed in the middle of that replay.
        Child second = start(ns + ":g1", 300, 20);
        await("the restarted service replaying the backlog").atMost(Duration.ofSeconds(60))
                .failFast("the service JVM exited: " + second.tail, () -> !second.process.isAlive())
                .until(() -> {
                    String[] s = second.status.get();
                    return s != null && Boolean.parseBoolean(s[2]) && Long.parseLong(s[3]) >= 100
                            && Long.parseLong(s[1]) > 0;
                });
        String[] atKill = second.status.get();
        second.kill();
        assertThat(Long.parseLong(atKill[1])).as("backlog left at the second kill").isPositive();

        // A last client on the directory replays the rest.
        try (ResilientRedis last = SuiteScenario.client(List.of(chaos.primaryEndpoint()), Durability.acknowledged(),
                spillDir).build()) {
            await("the leftover backlog replayed").atMost(Duration.ofSeconds(90)).until(() ->
                    last.status().spill().depth() == 0 && last.status().spill().pendingAppends() == 0);
        }

        try (DataSource redis = DataSource.connect("primary", chaos.primaryEndpoint())) {
            for (Child c : List.of(first, second)) {
                Verdict v = new HistoryChecker(OperationKinds.defaults()).check(c.history, List.of(redis));
                System.out.printf("[measure] suite client-killed %s: accepted %d (written %d, spilled %d), in doubt %d;"
                                + " %s%n", c.history.namespace(), v.acceptedWrites(), c.written.get(), c.spilled.get(),
                        v.inDoubtWrites(), v.summary());
                assertThat(v.findings()).as(v.summary()).allMatch(f -> f.startsWith("APPLIED DESPITE FAILURE"));
                assertThat(v.passed()).as(v.summary()).isTrue();
                assertThat(v.lost()).isZero();
                assertThat(v.duplicated()).isZero();
                assertThat(v.outOfOrder()).isZero();
                assertThat(v.outageExceptions()).isZero();
                assertThat(v.acceptedWrites()).isEqualTo(c.written.get() + c.spilled.get());
                assertThat(v.inDoubtWrites()).as("at most the call in flight per writer").isLessThanOrEqualTo(WRITERS);
            }
        }
        assertThat(first.spilled.get()).isGreaterThanOrEqualTo(300);
        assertThat(second.spilled.get()).as("the second service's writes queued behind the replay").isPositive();
        System.out.printf("[measure] suite client-killed wall %.1f s (replayed %s of the backlog before the second "
                + "kill, %s left)%n", (System.nanoTime() - begin) / 1e9, atKill[3], atKill[1]);
    }

    private Child start(String namespace, int replayRate, int batch) throws IOException {
        Child c = new Child(namespace, replayRate, batch);
        children.add(c);
        return c;
    }

    /** A service JVM, and the history built from what it printed. */
    private final class Child {
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
        private boolean killed;

        Child(String namespace, int replayRate, int batch) throws IOException {
            history = new History(namespace, WRITERS, SuiteScenario.readBound());
            Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), SuiteWriterChild.class.getName(),
                    spillDir.toString(), "redis://" + chaos.clientAddress(chaos.topology().primary()), namespace,
                    Integer.toString(WRITERS), Integer.toString(replayRate), Integer.toString(batch));
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
                        for (int w = 0; w < WRITERS; w++) {
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
}
