package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What every backend's node shares: identity, address, connections, log access. */
abstract class AbstractNode implements RedisNode {

    static final String HOST = "127.0.0.1";

    private final String name;
    private final Path directory;
    private final boolean sentinel;
    /** The data nodes' password; never printed. Null when none, and always null for Sentinels. */
    private final String password;
    private volatile int port;

    AbstractNode(String name, Path directory, boolean sentinel, String password) {
        this.name = name;
        this.directory = directory;
        this.sentinel = sentinel;
        this.password = sentinel ? null : password;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String host() {
        return HOST;
    }

    @Override
    public final int port() {
        int current = port;
        if (current == 0) {
            throw new IllegalStateException(name + " has not been started yet");
        }
        return current;
    }

    final void assignPort(int newPort) {
        this.port = newPort;
    }

    @Override
    public final InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(HOST, port());
    }

    @Override
    public final String uri() {
        return "redis://" + HOST + ":" + port();
    }

    @Override
    public final boolean isSentinel() {
        return sentinel;
    }

    @Override
    public final Path directory() {
        return directory;
    }

    @Override
    public final Path logFile() {
        return directory.resolve("redis.log");
    }

    final Path configFile() {
        return directory.resolve(sentinel ? "sentinel.conf" : "redis.conf");
    }

    @Override
    public final String logTail(int lines) {
        return Support.tail(logFile(), lines);
    }

    @Override
    public final RespConnection connect(Duration timeout) throws IOException {
        RespConnection connection = RespConnection.open(HOST, port(), timeout);
        if (password != null) {
            try {
                connection.call("AUTH", password);
            } catch (IOException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    @Override
    public final boolean answersPing(Duration timeout) {
        try (RespConnection connection = connect(timeout)) {
            return connection.ping();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public final Role role() {
        if (sentinel) {
            return Role.SENTINEL;
        }
        try (RespConnection connection = connect(Duration.ofSeconds(2))) {
            Object reply = connection.call("ROLE");
            String role = reply instanceof List<?> list && !list.isEmpty() ? String.valueOf(list.get(0)) : "";
            switch (role) {
                case "master":
                    return Role.MASTER;
                case "slave":
                    return Role.REPLICA;
                default:
                    throw new RedisTopologyException(describe() + " answered ROLE with " + reply);
            }
        } catch (IOException e) {
            throw new RedisTopologyException(describe() + " does not answer ROLE: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the server answering on our port is this node's own process (not a stranger on a reused port)
     * and has loaded its data: INFO answers while the dataset is still loading, every data command only with
     * {@code LOADING}.
     */
    final boolean answersAsProcess(long pid) {
        try (RespConnection connection = connect(Duration.ofMillis(500))) {
            String processId = connection.info("server").get("process_id");
            return processId != null && Long.parseLong(processId) == pid
                    && !"1".equals(connection.info("persistence").get("loading"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    final String describe() {
        return name + " (" + HOST + ":" + port + ")";
    }

    @Override
    public String toString() {
        return "RedisNode[" + name + " " + HOST + ":" + port + (sentinel ? " sentinel" : "") + "]";
    }
}
