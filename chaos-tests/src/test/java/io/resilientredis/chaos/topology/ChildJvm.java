package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * A JVM the chaos tests start on their own class path ({@code java -Xmx256m <options> -cp <this class path>
 * <main> <args>}) and kill with SIGKILL. A daemon thread pumps its stdout and stderr line by line: a line the
 * caller's handler takes (the child's protocol: ACKs, statuses) goes no further; every other line is kept
 * ({@link #lines()}) and echoed to this JVM's console. Its stdin stays open and unwritten: a child that reads
 * it to its end halts when this JVM dies.
 *
 * <p>Close it in the test's clean-up: {@link #close} stops a child that still runs (a child left over when
 * this JVM exits is killed by a shutdown hook).
 */
public final class ChildJvm implements AutoCloseable {
    /** How long a SIGKILLed child may take to be gone, where a caller names no other bound. */
    public static final Duration KILL_BOUND = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int TAIL = 100;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "child-jvm-reaper"));
    }

    private final String name;
    private final Process process;
    private final Predicate<String> handler;
    private final List<String> lines = new ArrayList<>(); // guarded by itself
    private final Thread pump;

    private ChildJvm(String name, Process process, Predicate<String> handler) {
        this.name = name;
        this.process = process;
        this.handler = handler;
        RUNNING.add(process);
        pump = new Thread(this::pump, "child-jvm-" + name + "-reader");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts a child whose every line is kept.
     *
     * @param mainClass the class whose {@code main} the child runs
     * @param jvmOptions options after {@code -Xmx256m} ({@code -D...}, {@code -XX:...}); none: {@code List.of()}
     * @param args the arguments of {@code main}
     * @return the running child
     * @throws IOException when the JVM cannot be started
     */
    public static ChildJvm start(Class<?> mainClass, List<String> jvmOptions, String... args) throws IOException {
        return start(mainClass, jvmOptions, List.of(args), line -> false);
    }

    /**
     * Starts a child whose lines go to {@code handler} first.
     *
     * @param handler called on the pump thread with each line in order; true when it took the line (which is
     *     then neither kept nor echoed)
     * @return the running child
     * @throws IOException when the JVM cannot be started
     */
    public static ChildJvm start(Class<?> mainClass, List<String> jvmOptions, List<String> args,
                                 Predicate<String> handler) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ChildJvm(mainClass.getSimpleName(), process, handler);
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!handler.test(line)) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("[" + name + " " + process.pid() + "] " + line);
                }
            }
        } catch (IOException e) {
            // the child was killed: its stdout closed
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the lines kept so far (those the handler did not take), in order */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** @return the last lines kept, one a line */
    public String tail() {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - TAIL), all.size()));
    }

    /**
     * @param what what is awaited, for the failure message
     * @param bound how long at the most
     * @return an await that fails as soon as the child has exited, with its exit code and last lines
     */
    public ConditionFactory await(String what, Duration bound) {
        return Awaitility.await(what).atMost(bound).pollInterval(POLL).failFast(() -> {
            if (!process.isAlive()) {
                throw exited(what);
            }
        });
    }

    /**
     * @param what what is awaited, for the failure message
     * @param bound how long at the most
     * @param match the line awaited
     * @return the first kept line that matches; fails when the child exited without printing one
     */
    public String awaitLine(String what, Duration bound, Predicate<String> match) {
        Awaitility.await(what).atMost(bound).pollInterval(POLL).failFast(() -> {
            if (!process.isAlive()) {
                pump.join(TimeUnit.SECONDS.toMillis(1)); // what it printed before it died
                if (first(match).isEmpty()) {
                    throw exited(what);
                }
            }
        }).until(() -> first(match).isPresent());
        return first(match).orElseThrow();
    }

    private Optional<String> first(Predicate<String> match) {
        return lines().stream().filter(match).findFirst();
    }

    private AssertionError exited(String what) {
        return new AssertionError(what + ": the child JVM " + name + " (pid " + process.pid()
                + ") exited with code " + process.exitValue() + "; its last lines:\n" + tail());
    }

    /** SIGKILL within {@link #KILL_BOUND}. */
    public int kill() throws InterruptedException {
        return kill(KILL_BOUND);
    }

    /**
     * SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no close, no flush. Asserts the child is
     * gone within the bound, and waits for the pump to have read all it printed.
     *
     * @return its exit code (137: killed by signal 9)
     */
    public int kill(Duration bound) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)).as("the child JVM gone").isTrue();
        RUNNING.remove(process);
        pump.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** @return the exit code of a child that has exited */
    public int exitCode() {
        return process.exitValue();
    }

    /** Kills the child if it still runs, without asserting anything: for clean-ups. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            if (process.waitFor(KILL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                RUNNING.remove(process);
            }
            pump.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
