package io.resilientredis.chaos.toxiproxy;

import com.google.gson.JsonElement;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded, Toxiproxy-compatible fault proxy: Toxiproxy 2.12's HTTP API (proxies, toxics, populate, reset,
 * version) and its seven toxics, so the unmodified {@code eu.rekawek.toxiproxy:toxiproxy-java} client drives it
 * and chaos tests run wherever Java runs.
 *
 * <pre>{@code
 * try (ToxiproxyServer server = ToxiproxyServer.builder().port(0).build().start()) {
 *     ToxiproxyClient client = new ToxiproxyClient(server.host(), server.port());
 *     Proxy redis = client.createProxy("redis", "127.0.0.1:0", "127.0.0.1:6379");
 *     redis.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 200);
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the API, every proxy listener, every proxied connection and every thread the
 * server started (all named {@code resilient-redis-toxiproxy-...}).
 */
public final class ToxiproxyServer implements AutoCloseable {
    /** The Toxiproxy server version whose API and behaviour this server follows. */
    public static final String VERSION = "2.12.0";

    private static final Logger log = LoggerFactory.getLogger(ToxiproxyServer.class);

    private final String requestedHost;
    private final int requestedPort;
    private final ThreadTracker threads = new ThreadTracker();
    private final ProxyRegistry registry = new ProxyRegistry(threads);
    private final Object stateLock = new Object();
    private HttpServer http;
    private ExecutorService httpExecutor;
    private boolean started;
    private boolean closed;

    private ToxiproxyServer(Builder builder) {
        this.requestedHost = builder.host;
        this.requestedPort = builder.port;
    }

    /** {@return a builder with Toxiproxy's defaults: {@code 127.0.0.1:8474}} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the API address and starts serving.
     *
     * @return this server, for chaining after {@link Builder#build()}
     * @throws IOException when the API address cannot be bound (the message names the address)
     * @throws IllegalStateException when the server was started or closed before
     */
    public ToxiproxyServer start() throws IOException {
        synchronized (stateLock) {
            if (started || closed) {
                throw new IllegalStateException("a ToxiproxyServer starts once; build a new one to start again");
            }
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(requestedHost, requestedPort), 64);
            } catch (IOException e) {
                throw new IOException("Toxiproxy API could not listen on " + requestedHost + ":" + requestedPort
                        + ": " + e.getMessage() + " (choose another -port, or port 0 for a free one)", e);
            }
            httpExecutor = Executors.newFixedThreadPool(4, threads.factory("http"));
            server.setExecutor(httpExecutor);
            server.createContext("/", new ApiHandler(registry, VERSION));
            server.start();
            http = server;
            started = true;
            log.info("Toxiproxy-compatible server {} listening on {}", VERSION, url());
            return this;
        }
    }

    /** {@return the host the API listens on, as given to the builder} */
    public String host() {
        return requestedHost;
    }

    /**
     * The port the API listens on: the bound port once started (also when the builder asked for port 0).
     *
     * @return the port
     */
    public int port() {
        synchronized (stateLock) {
            return http != null ? http.getAddress().getPort() : requestedPort;
        }
    }

    /** {@return the API's base URL, such as {@code http://127.0.0.1:8474}} */
    public String url() {
        String host = requestedHost.indexOf(':') >= 0 ? "[" + requestedHost + "]" : requestedHost;
        return "http://" + host + ":" + port();
    }

    /** Creates or replaces proxies from a JSON array of {@code {name, listen, upstream, enabled}}. */
    void populate(JsonElement proxies) throws ApiException {
        registry.populate(proxies);
    }

    /** Stops the API, every proxy listener and connection, and waits (bounded) for every thread to end. */
    @Override
    public void close() {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (http != null) {
                http.stop(0);
            }
            if (httpExecutor != null) {
                httpExecutor.shutdownNow();
            }
        }
        registry.closeAll();
        try {
            if (httpExecutor != null && !httpExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Toxiproxy API threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int alive = threads.awaitAll(5, TimeUnit.SECONDS);
        if (alive > 0) {
            log.warn("{} Toxiproxy proxy threads still running 5 s after close", alive);
        }
        log.info("Toxiproxy-compatible server on {}:{} closed", requestedHost, port());
    }

    @Override
    public String toString() {
        return "ToxiproxyServer{" + url() + '}';
    }

    /** Builds a {@link ToxiproxyServer}; the defaults are Toxiproxy's {@code 127.0.0.1:8474}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8474;

        private Builder() {
        }

        /**
         * The address the API binds, {@code 127.0.0.1} by default.
         *
         * @param host the address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The API port, 8474 by default; 0 picks a free port (read it back with {@link ToxiproxyServer#port()}).
         *
         * @param port the port, 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** {@return a server with this configuration, not yet started} */
        public ToxiproxyServer build() {
            return new ToxiproxyServer(this);
        }
    }
}
