package io.resilientredis.chaos.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.internal.Threads;
import io.resilientredis.micrometer.ResilientRedisMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves one client's meters in Prometheus's text format at {@code /metrics}, over plain HTTP: for
 * the drill ({@code --metrics-port}) and for tests that scrape a client with a real Prometheus.
 * Binds a {@link ResilientRedisMetrics} to a registry of its own; {@link #close()} stops the server
 * and the binder (the client stays open).
 *
 * <pre>{@code
 * try (MetricsEndpoint metrics = MetricsEndpoint.start(redis, "127.0.0.1", 0)) {
 *     URI target = metrics.uri();      // http://127.0.0.1:PORT/metrics
 * }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** Prometheus's text exposition format, version 0.0.4. */
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final ResilientRedisMetrics metrics;
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(PrometheusMeterRegistry registry, ResilientRedisMetrics metrics, HttpServer server,
                            ExecutorService executor) {
        this.registry = registry;
        this.metrics = metrics;
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param client the client whose meters to serve
     * @param host the address to listen on (e.g. {@code 127.0.0.1}, or {@code 0.0.0.0} for every interface)
     * @param port the port, or 0 for a free one
     * @return the running endpoint
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static MetricsEndpoint start(ResilientRedis client, String host, int port) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ResilientRedisMetrics metrics = ResilientRedisMetrics.builder(client).queueRefresh(Duration.ofSeconds(1))
                .build();
        metrics.bindTo(registry);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        } catch (IOException e) {
            metrics.close();
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(
                Threads.daemonFactory("resilient-redis-metrics-http-"));
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> serve(exchange, registry));
        server.start();
        return new MetricsEndpoint(registry, metrics, server, executor);
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** @return the port it listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the scrape address, {@code host:port} */
    public String target() {
        return server.getAddress().getHostString() + ":" + port();
    }

    /** @return the registry it serves, for reading meters in-process */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** @return what a scrape returns now */
    public String scrape() {
        return registry.scrape();
    }

    /** Stops serving and observing the client; the client stays open. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
        registry.close();
    }
}
