package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no {@code redis-server} child outlives this JVM, even when the JVM is killed with SIGKILL.
 *
 * <p>Java cannot ask Linux to signal children when their parent dies (no {@code PR_SET_PDEATHSIG}),
 * so the harness keeps a file listing the pids of every live child and starts one small watchdog per
 * JVM: a {@code sh} loop that sleeps while this JVM lives and then sends SIGKILL to every pid in the
 * file whose command name is still the one recorded with it (so a recycled pid is never hit). A shutdown hook
 * covers the normal and SIGTERM exits faster. This is the one JVM-wide object of the harness, by
 * necessity: the JVM has one lifetime to watch.
 */
final class ProcessReaper {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessReaper.class);
    private static final ProcessReaper INSTANCE = new ProcessReaper();

    /** Poll period of the watchdog, in seconds; children die at most this long after the JVM. */
    private static final int WATCH_PERIOD_SECONDS = 1;

    private static final String WATCHDOG = String.join("\n",
            "jvm=\"$1\"; list=\"$2\"",
            "alive() {",
            "  if command -v ps >/dev/null 2>&1; then",
            "    s=$(ps -o stat= -p \"$1\" 2>/dev/null) || return 1",
            "    case \"$s\" in ''|Z*) return 1;; esac",
            "    return 0",
            "  fi",
            "  kill -0 \"$1\" 2>/dev/null",
            "}",
            "while alive \"$jvm\"; do sleep " + WATCH_PERIOD_SECONDS + "; done",
            "if [ -f \"$list\" ]; then",
            "  while read -r p name; do",
            "    [ -n \"$p\" ] || continue",
            "    if command -v ps >/dev/null 2>&1; then",
            "      case \"$(ps -o comm= -p \"$p\" 2>/dev/null)\" in *\"$name\"*) kill -9 \"$p\" 2>/dev/null;; esac",
            "    else",
            "      kill -9 \"$p\" 2>/dev/null",
            "    fi",
            "  done < \"$list\"",
            "  rm -f \"$list\"",
            "fi");

    private final Map<Long, Process> tracked = new LinkedHashMap<>();
    private final Map<Long, String> commandNames = new LinkedHashMap<>();
    private Path pidFile;
    private Process watchdog;

    private ProcessReaper() {
    }

    static ProcessReaper instance() {
        return INSTANCE;
    }

    /**
     * Tracks a freshly started child until {@link #forget} is called.
     *
     * @param executable the file the child runs; the watchdog kills the pid only while its command name
     *     (which the kernel truncates to 15 characters) still matches this file's name
     */
    synchronized void track(Process process, Path executable) {
        ensureWatching();
        String name = executable.getFileName().toString();
        tracked.put(process.pid(), process);
        commandNames.put(process.pid(), name.length() > 15 ? name.substring(0, 15) : name);
        writePidFile();
    }

    /** Stops tracking a child that has exited. */
    synchronized void forget(long pid) {
        commandNames.remove(pid);
        if (tracked.remove(pid) != null) {
            writePidFile();
        }
    }

    /** The pid of the watchdog process, for tests; -1 if none runs. */
    synchronized long watchdogPid() {
        return watchdog != null && watchdog.isAlive() ? watchdog.pid() : -1;
    }

    private void ensureWatching() {
        if (pidFile != null && watchdog != null && watchdog.isAlive()) {
            return;
        }
        boolean first = pidFile == null;
        if (first) {
            pidFile = Support.workRoot().resolve("children-of-jvm-" + ProcessHandle.current().pid() + ".pids");
            Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "resilient-redis-reaper-hook"));
        }
        writePidFile();
        try {
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", WATCHDOG, "resilient-redis-watchdog",
                    Long.toString(ProcessHandle.current().pid()), pidFile.toString());
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            watchdog = builder.start();
            watchdog.getOutputStream().close();
            LOG.debug("Started child watchdog pid {} watching {}", watchdog.pid(), pidFile);
        } catch (IOException e) {
            // Without sh the shutdown hook still covers every exit except SIGKILL of the JVM.
            LOG.warn("Cannot start the child watchdog (sh missing?): redis-server children will not be killed "
                    + "if this JVM is killed with SIGKILL. Cause: {}", e.toString());
        }
    }

    private void writePidFile() {
        if (pidFile == null) {
            return;
        }
        String content = commandNames.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        try {
            Path temp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            try {
                Files.move(temp, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, pidFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Cannot update the child pid list {}: {}", pidFile, e.toString());
        }
    }

    private void killAll() {
        List<Process> children;
        Process dog;
        synchronized (this) {
            children = new ArrayList<>(tracked.values());
            tracked.clear();
            commandNames.clear();
            dog = watchdog;
        }
        for (Process child : children) {
            child.destroyForcibly();
        }
        for (Process child : children) {
            try {
                child.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (dog != null) {
            dog.destroyForcibly();
        }
        try {
            if (pidFile != null) {
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }
}
