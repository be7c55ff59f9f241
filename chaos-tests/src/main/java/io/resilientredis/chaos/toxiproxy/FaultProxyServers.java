package io.resilientredis.chaos.toxiproxy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and starts the Toxiproxy-compatible server the chaos harness uses, by the system property
 * {@value #BACKEND_PROPERTY}:
 * <ul>
 *   <li>{@code embedded} (default): the Java {@link ToxiproxyServer} in this JVM, on a free port;</li>
 *   <li>{@code binary}: Toxiproxy's own {@code toxiproxy-server}, from {@code PATH} (or the file named by
 *       {@value #BINARY_PROPERTY}), started as a child process on a free port and stopped on close;</li>
 *   <li>{@code container}: the {@value #CONTAINER_IMAGE} image through Testcontainers, where a Docker engine
 *       answers.</li>
 * </ul>
 *
 * <pre>{@code
 * try (FaultProxyServer toxiproxy = FaultProxyServers.start()) {
 *     Proxy redis = toxiproxy.client().createProxy("redis", "127.0.0.1:0", "127.0.0.1:6379");
 * }
 * }</pre>
 */
public final class FaultProxyServers {
    /** System property choosing the backend: {@code embedded} (default), {@code binary} or {@code container}. */
    public static final String BACKEND_PROPERTY = "resilientredis.toxiproxy";
    /** System property naming the {@code toxiproxy-server} executable; by default it is looked up on PATH. */
    public static final String BINARY_PROPERTY = "resilientredis.toxiproxy.binary";
    /** The Toxiproxy image the container backend runs. */
    public static final String CONTAINER_IMAGE = "ghcr.io/shopify/toxiproxy:2.12.0";

    private static final Logger log = LoggerFactory.getLogger(FaultProxyServers.class);

    private FaultProxyServers() {
    }

    /**
     * Starts the backend the {@value #BACKEND_PROPERTY} system property names ({@code embedded} when unset).
     *
     * @return the running server; the caller closes it
     * @throws IllegalArgumentException when the property names no known backend
     * @throws IllegalStateException when the chosen backend cannot run here (the message says why and what to do)
     */
    public static FaultProxyServer start() {
        return start(System.getProperty(BACKEND_PROPERTY, "embedded"));
    }

    /**
     * Starts the named backend: {@code embedded}, {@code binary} or {@code container}.
     *
     * @param backend {@code embedded}, {@code binary} or {@code container}; null means {@code embedded}
     * @return the running server; the caller closes it
     * @throws IllegalArgumentException when the name is not one of those
     * @throws IllegalStateException when the chosen backend cannot run here (the message says why and what to do)
     */
    public static FaultProxyServer start(String backend) {
        String choice = backend == null ? "embedded" : backend.trim().toLowerCase(Locale.ROOT);
        FaultProxyServer server;
        switch (choice) {
            case "":
            case "embedded":
                server = embedded();
                break;
            case "binary":
                server = binary(findBinary());
                break;
            case "container":
                server = ContainerToxiproxy.start(CONTAINER_IMAGE);
                break;
            default:
                throw new IllegalArgumentException("-D" + BACKEND_PROPERTY + "=" + backend
                        + " is not a Toxiproxy backend; use embedded, binary or container");
        }
        log.info("Toxiproxy backend {} at {}", server.backend(), server.url());
        return server;
    }

    /** {@return starts the embedded Java server on 127.0.0.1 and a free port} */
    public static FaultProxyServer embedded() {
        ToxiproxyServer server = ToxiproxyServer.builder().host("127.0.0.1").port(0).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Embedded(server);
    }

    /**
     * Starts the given {@code toxiproxy-server} executable as a child process on 127.0.0.1 and a free port,
     * and waits (up to 15 s) until its API answers.
     *
     * @param executable the {@code toxiproxy-server} binary
     * @return the running server; the caller closes it
     * @throws IllegalStateException when it does not start or its API does not answer in time
     */
    public static FaultProxyServer binary(Path executable) {
        return BinaryToxiproxy.start(executable);
    }

    static Path findBinary() {
        String configured = System.getProperty(BINARY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("-D" + BINARY_PROPERTY + "=" + configured
                        + " is not an executable file; point it at toxiproxy-server or drop the property");
            }
            return path;
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String directory : pathVariable.split(File.pathSeparator)) {
                if (directory.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(directory, "toxiproxy-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("-D" + BACKEND_PROPERTY + "=binary needs a toxiproxy-server executable, "
                + "but none is on PATH; install Toxiproxy 2.12, set -D" + BINARY_PROPERTY
                + "=/path/to/toxiproxy-server, or use -D" + BACKEND_PROPERTY + "=embedded");
    }

    /** The embedded server seen through the backend-neutral handle. */
    private static final class Embedded implements FaultProxyServer {
        private final ToxiproxyServer server;

        Embedded(ToxiproxyServer server) {
            this.server = server;
        }

        @Override
        public String backend() {
            return "embedded";
        }

        @Override
        public String host() {
            return server.host();
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
        }

        @Override
        public String toString() {
            return "FaultProxyServer{embedded, " + url() + '}';
        }
    }
}
