package io.resilientredis.failover.spill;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers shared by the spill store tests. */
final class SpillTestSupport {
    private SpillTestSupport() {}

    /** The payload a test stores under {@code id}: derived from the id, so it can be verified. */
    static byte[] payloadFor(String id) {
        return ("payload-of-" + id + "-" + "x".repeat(Math.floorMod(id.hashCode(), 97)))
                .getBytes(StandardCharsets.UTF_8);
    }

    static boolean writerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(SpillStore.WRITER_THREAD_NAME) && t.isAlive());
    }

    /** A writer hook that holds the writer thread before its first transaction until opened. */
    static final class Gate implements WriterHook {
        private final CountDownLatch open = new CountDownLatch(1);
        private final CountDownLatch entered = new CountDownLatch(1);
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransaction(int appends, int deletes) throws InterruptedException {
            batchSizes.add(appends);
            entered.countDown();
            if (!open.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate was never opened");
            }
        }

        void awaitWriterHeld() throws InterruptedException {
            if (!entered.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the writer never reached its first transaction");
            }
        }

        void open() {
            open.countDown();
        }
    }

    /**
     * A child JVM running {@link SpillChild}; its stdout lines are collected. Kills it on close.
     */
    static final class ChildJvm implements AutoCloseable {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;
        private static final AtomicInteger COUNT = new AtomicInteger();

        ChildJvm(String mode, Path dir, String... extra) throws IOException {
            List<String> cmd =
                    new ArrayList<>(
                            List.of(
                                    Path.of(System.getProperty("java.home"), "bin", "java")
                                            .toString(),
                                    "-Xmx128m",
                                    "-XX:TieredStopAtLevel=1",
                                    "-Xshare:auto",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    SpillChild.class.getName(),
                                    mode,
                                    dir.toString()));
            cmd.addAll(List.of(extra));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader =
                    new Thread(
                            () -> {
                                try (BufferedReader r =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String line; (line = r.readLine()) != null; ) {
                                        lines.add(line);
                                    }
                                } catch (IOException e) {
                                    lines.add("READ-ERROR " + e);
                                }
                            },
                            "resilient-redis-test-child-reader-" + COUNT.incrementAndGet());
            reader.setDaemon(true);
            reader.start();
        }

        String awaitLine(String prefix) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .failFast(
                            "child exited early: " + lines,
                            () -> !process.isAlive() && !hasLine(prefix))
                    .until(() -> hasLine(prefix));
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
        }

        boolean hasLine(String prefix) {
            return lines.stream().anyMatch(l -> l.startsWith(prefix));
        }

        long count(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).count();
        }

        void closeStdin() throws IOException {
            OutputStream in = process.getOutputStream();
            in.close();
        }

        /** SIGKILL on Unix. Waits for death and for the reader to have drained the pipe. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("child did not exit: " + lines);
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return process.exitValue();
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    kill9();
                }
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
