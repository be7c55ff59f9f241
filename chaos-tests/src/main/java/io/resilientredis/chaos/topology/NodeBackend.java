package io.resilientredis.chaos.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;

/** Starts and finally destroys nodes for one backend; the topology logic above it is the same for both. */
interface NodeBackend {

    /**
     * Starts a node and waits until it answers PING.
     *
     * @param retryPorts where a new port comes from when another program took the preferred one meanwhile
     * @param config the node's config text for a port and the data directory as the server sees it
     */
    AbstractNode start(String name, Path directory, boolean sentinel, String password, int preferredPort,
            IntSupplier retryPorts, BiFunction<Integer, String, String> config);

    /** Kills the node hard and releases what it holds; safe to call more than once. */
    void destroy(AbstractNode node);

    /** Local redis-server processes. */
    static NodeBackend processes(RedisBinary binary, Duration startTimeout) {
        return new NodeBackend() {
            @Override
            public AbstractNode start(String name, Path directory, boolean sentinel, String password,
                    int preferredPort, IntSupplier retryPorts, BiFunction<Integer, String, String> config) {
                ProcessRedisNode node = new ProcessRedisNode(name, directory, sentinel, password, binary.path(),
                        startTimeout);
                node.start(preferredPort, retryPorts, port -> config.apply(port, directory.toString()));
                return node;
            }

            @Override
            public void destroy(AbstractNode node) {
                ((ProcessRedisNode) node).destroy();
            }
        };
    }

    /** Testcontainers containers (host networking). */
    static NodeBackend containers(Duration startTimeout) {
        return new NodeBackend() {
            @Override
            public AbstractNode start(String name, Path directory, boolean sentinel, String password,
                    int preferredPort, IntSupplier retryPorts, BiFunction<Integer, String, String> config) {
                ContainerRedisNode node = new ContainerRedisNode(name, directory, sentinel, password, startTimeout);
                node.start(preferredPort, port -> config.apply(port, "/data"));
                return node;
            }

            @Override
            public void destroy(AbstractNode node) {
                ((ContainerRedisNode) node).destroy();
            }
        };
    }
}
