package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntFunction;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.command.InspectContainerResponse;

/**
 * A node run as a Testcontainers container of {@code redis:7}, with host networking so that its port,
 * and the addresses Sentinels announce, are the same for the test and for the other nodes (this needs a
 * Linux Docker host; Docker Desktop's host networking is not equivalent). The config is copied into
 * {@code /data}, which stays with the container across kill and restart. Containers are removed on the
 * topology's close, and by Testcontainers' own reaper if the JVM dies. Only loaded when the container
 * backend is chosen.
 */
final class ContainerRedisNode extends AbstractNode {

    static final String IMAGE = "redis:7";

    private final Duration startTimeout;
    private final Object lock = new Object();
    private GenericContainer<?> container;

    ContainerRedisNode(String name, Path directory, boolean sentinel, String password, Duration startTimeout) {
        super(name, directory, sentinel, password);
        this.startTimeout = startTimeout;
    }

    /** Whether a Docker engine answers; any failure (missing classes included) means no. */
    static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    void start(int port, IntFunction<String> configForPort) {
        synchronized (lock) {
            assignPort(port);
            String file = "/data/" + configFile().getFileName();
            String conf = configForPort.apply(port);
            try {
                Files.createDirectories(directory());
            } catch (IOException e) {
                throw new RedisTopologyException("Cannot create " + directory() + ": " + e.getMessage(), e);
            }
            GenericContainer<?> created = new GenericContainer<>(DockerImageName.parse(IMAGE));
            created.withNetworkMode("host")
                    .withCopyToContainer(Transferable.of(conf.getBytes(StandardCharsets.UTF_8), 0600), file)
                    .withLogConsumer(this::appendLog)
                    .withStartupTimeout(startTimeout)
                    .waitingFor(Wait.forLogMessage(".*(Ready to accept connections|Sentinel ID is).*", 1));
            if (isSentinel()) {
                created.withCommand("redis-server", file, "--sentinel");
            } else {
                created.withCommand("redis-server", file);
            }
            container = created;
            try {
                created.start();
            } catch (RuntimeException e) {
                throw new RedisTopologyException(describe() + " did not start in a " + IMAGE + " container: "
                        + e.getMessage() + ". Its log " + logFile() + " ends with:\n" + Support.indent(logTail(30)), e);
            }
            awaitPing();
        }
    }

    private void appendLog(OutputFrame frame) {
        try {
            Files.write(logFile(), frame.getBytes() == null ? new byte[0] : frame.getBytes(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a diagnostic aid; losing a line must not fail the node
        }
    }

    private void awaitPing() {
        if (!Support.pollUntil(startTimeout, Duration.ofMillis(50), () -> answersPing(Duration.ofMillis(500)))) {
            throw new RedisTopologyException(describe() + " did not answer PING within " + startTimeout.toMillis()
                    + " ms. Its log " + logFile() + " ends with:\n" + Support.indent(logTail(30)));
        }
    }

    private InspectContainerResponse.ContainerState state() {
        return container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState();
    }

    @Override
    public long pid() {
        synchronized (lock) {
            if (!isRunning()) {
                throw new IllegalStateException(describe() + " is not running");
            }
            Long pid = state().getPidLong();
            return pid == null ? -1 : pid;
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            return container != null && container.getContainerId() != null
                    && Boolean.TRUE.equals(state().getRunning());
        }
    }

    @Override
    public void kill() {
        synchronized (lock) {
            if (isRunning()) {
                container.getDockerClient().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
                Support.pollUntil(Duration.ofSeconds(10), Duration.ofMillis(50), () -> !isRunning());
            }
        }
    }

    @Override
    public void freeze() {
        synchronized (lock) {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void resume() {
        synchronized (lock) {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void stop() {
        synchronized (lock) {
            if (isRunning()) {
                if (Boolean.TRUE.equals(state().getPaused())) {
                    resume();
                }
                container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
            }
        }
    }

    @Override
    public void restart() {
        synchronized (lock) {
            stop();
            container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
            awaitPing();
        }
    }

    /** Removes the container; safe to call repeatedly. */
    void destroy() {
        synchronized (lock) {
            if (container != null) {
                container.stop();
            }
        }
    }
}
