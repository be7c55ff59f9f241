package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/** A node run as a local {@code redis-server} child process. */
final class ProcessRedisNode extends AbstractNode {

    private static final int PORT_ATTEMPTS = 5;
    private static final Duration POLL = Duration.ofMillis(25);

    private final Path binary;
    private final Duration startTimeout;
    private final Object lock = new Object();
    private Process process;
    private boolean frozen;

    ProcessRedisNode(String name, Path directory, boolean sentinel, String password, Path binary,
            Duration startTimeout) {
        super(name, directory, sentinel, password);
        this.binary = binary;
        this.startTimeout = startTimeout;
    }

    /**
     * First start: picks a free port, writes the config for it, launches and waits for PING from our own
     * process. Another program may grab the port between the probe and Redis's bind, so that case is
     * retried with a new port.
     */
    void start(int preferredPort, IntFunction<String> configForPort) {
        start(preferredPort, Support::freePort, configForPort);
    }

    /** As {@link #start(int, IntFunction)}, a port taken meanwhile retried with one from {@code retryPorts}. */
    void start(int preferredPort, IntSupplier retryPorts, IntFunction<String> configForPort) {
        synchronized (lock) {
            try {
                Files.createDirectories(directory());
            } catch (IOException e) {
                throw new RedisTopologyException("Cannot create " + directory() + ": " + e.getMessage(), e);
            }
            for (int attempt = 1; ; attempt++) {
                int port = attempt == 1 ? preferredPort : retryPorts.getAsInt();
                assignPort(port);
                writeConfig(configForPort.apply(port));
                launch();
                if (awaitAnswering()) {
                    return;
                }
                boolean portTaken = logTail(20).contains("Address already in use");
                if (!portTaken || attempt == PORT_ATTEMPTS) {
                    throw new RedisTopologyException(describe() + " exited during start-up (exit code "
                            + process.exitValue() + "). Its log " + logFile() + " ends with:\n"
                            + Support.indent(logTail(30)));
                }
            }
        }
    }

    private void writeConfig(String text) {
        Path config = configFile();
        try {
            Files.deleteIfExists(config);
            Files.createFile(config);
            try {
                Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the config stays readable by the folder's ACL only
            }
            Files.writeString(config, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RedisTopologyException("Cannot write " + config + ": " + e.getMessage(), e);
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), configFile().toString()));
        if (isSentinel()) {
            command.add("--sentinel");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new RedisTopologyException("Cannot start " + binary + " for " + describe() + ": "
                    + e.getMessage(), e);
        }
        ProcessReaper.instance().track(process, binary);
        frozen = false;
    }

    /** True once our process answers; false if it exited; throws if it neither answers nor exits in time. */
    private boolean awaitAnswering() {
        Process current = process;
        long pid = current.pid();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!current.isAlive()) {
                ProcessReaper.instance().forget(pid);
                return false;
            }
            if (answersAsProcess(pid)) {
                return true;
            }
            Support.pause(POLL);
        }
        throw new RedisTopologyException(describe() + " did not answer PING within " + startTimeout.toMillis()
                + " ms of starting. Its log " + logFile() + " ends with:\n" + Support.indent(logTail(30)));
    }

    @Override
    public long pid() {
        synchronized (lock) {
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException(describe() + " is not running");
            }
            return process.pid();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            return process != null && process.isAlive();
        }
    }

    @Override
    public void kill() {
        synchronized (lock) {
            if (process == null || !process.isAlive()) {
                return;
            }
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(10));
            frozen = false;
        }
    }

    @Override
    public void freeze() {
        synchronized (lock) {
            long pid = pid();
            signal(pid, "STOP");
            frozen = true;
            if (!Support.pollUntil(Duration.ofSeconds(5), POLL, () -> processState(pid).startsWith("T"))) {
                throw new RedisTopologyException(describe() + " did not stop after SIGSTOP (state "
                        + processState(pid) + ")");
            }
        }
    }

    @Override
    public void resume() {
        synchronized (lock) {
            long pid = pid();
            signal(pid, "CONT");
            frozen = false;
        }
    }

    @Override
    public void stop() {
        synchronized (lock) {
            if (process == null || !process.isAlive()) {
                return;
            }
            if (frozen) {
                signal(process.pid(), "CONT");
                frozen = false;
            }
            process.destroy();
            if (!waitFor(Duration.ofSeconds(10))) {
                process.destroyForcibly();
            }
            awaitExit(Duration.ofSeconds(10));
        }
    }

    @Override
    public void restart() {
        synchronized (lock) {
            stop();
            launch();
            if (!awaitAnswering()) {
                throw new RedisTopologyException(describe() + " exited while restarting on its old port (exit code "
                        + process.exitValue() + "). Its log " + logFile() + " ends with:\n"
                        + Support.indent(logTail(30)));
            }
        }
    }

    /** Kills without ceremony; used by the topology's close. Safe to call repeatedly. */
    void destroy() {
        kill();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisTopologyException("interrupted while waiting for " + describe() + " to exit", e);
        }
    }

    private void awaitExit(Duration timeout) {
        if (!waitFor(timeout)) {
            throw new RedisTopologyException(describe() + " (pid " + process.pid() + ") did not exit within "
                    + timeout.toMillis() + " ms of SIGKILL");
        }
        ProcessReaper.instance().forget(process.pid());
    }

    private void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).start();
            kill.getOutputStream().close();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new RedisTopologyException("kill -" + signal + " " + pid + " for " + describe() + " failed: "
                        + output);
            }
        } catch (IOException e) {
            throw new RedisTopologyException("Cannot run kill -" + signal + " for " + describe()
                    + " (is the 'kill' command on PATH?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisTopologyException("interrupted while signalling " + describe(), e);
        }
    }

    /** The process state letter(s) as {@code ps} shows them ({@code T} = stopped), or "" if unknown. */
    private static String processState(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            if (Files.isReadable(stat)) {
                String text = Files.readString(stat, StandardCharsets.US_ASCII);
                int close = text.lastIndexOf(')');
                return close > 0 && close + 2 < text.length() ? text.substring(close + 2, close + 3) : "";
            }
            Process ps = new ProcessBuilder("ps", "-o", "stat=", "-p", Long.toString(pid)).start();
            ps.getOutputStream().close();
            String state = new String(ps.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            ps.waitFor(5, TimeUnit.SECONDS);
            return state;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
