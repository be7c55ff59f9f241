package io.resilientredis.benchmarks;

import io.netty.channel.nio.NioEventLoopGroup;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Shared set-up of the benchmarks: one standalone redis-server, the facade on it with its default
 * settings, and the bare Redisson clients the facade is compared against. Every comparison in
 * RESULTS.md is made against the clients built here, so their settings are in one place.
 */
final class BenchRedis {

    private BenchRedis() {
    }

    /** Starts a standalone redis-server and a {@link ResilientRedis} with its defaults on it. */
    static Standalone standalone() {
        RedisTopology topology = RedisTopology.standalone().start();
        try {
            ResilientRedis resilient = ResilientRedis.builder()
                    .primary(RedisEndpoint.standalone(url(topology.primary())))
                    .build();
            return new Standalone(topology, resilient);
        } catch (RuntimeException | Error e) {
            topology.close();
            throw e;
        }
    }

    /**
     * A standalone redis-server with the facade on it and, once asked for, a bare Redisson client
     * with Redisson's defaults and one configured like the facade's own; {@link #close()} stops
     * the clients, then the server.
     */
    static final class Standalone implements AutoCloseable {
        private final RedisTopology topology;
        private final ResilientRedis resilient;
        private RedissonClient bare;
        private Matched matched;

        private Standalone(RedisTopology topology, ResilientRedis resilient) {
            this.topology = topology;
            this.resilient = resilient;
        }

        RedisNode server() {
            return topology.primary();
        }

        ResilientRedis resilient() {
            return resilient;
        }

        /** The bare Redisson client with Redisson's defaults (see {@link BenchRedis#bareRedisson}); one per server. */
        RedissonClient bareRedisson() {
            if (bare == null) {
                bare = BenchRedis.bareRedisson(server());
            }
            return bare;
        }

        /** The bare Redisson client configured like the facade's (see {@link BenchRedis#matchedRedisson}); one per server. */
        RedissonClient matchedRedisson() {
            if (matched == null) {
                matched = BenchRedis.matchedRedisson(server());
            }
            return matched.client();
        }

        @Override
        public void close() {
            try {
                try {
                    resilient.close();
                } finally {
                    try {
                        if (bare != null) {
                            bare.shutdown();
                        }
                    } finally {
                        if (matched != null) {
                            matched.close();
                        }
                    }
                }
            } finally {
                topology.close();
            }
        }
    }

    /**
     * A bare Redisson client with Redisson's defaults, except the codec (strings, as the facade
     * uses). Differences from the facade's own Redisson client are listed in RESULTS.md.
     */
    private static RedissonClient bareRedisson(RedisNode node) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(url(node));
        return Redisson.create(config);
    }

    /**
     * A bare Redisson client with the settings the facade's binding gives its own Redisson client
     * (4 Netty threads, a 2-thread callback executor, retries off, 1 s timeouts, no ping, one idle
     * connection), so that comparing against it isolates the facade layer from configuration.
     */
    private static Matched matchedRedisson(RedisNode node) {
        NioEventLoopGroup group = new NioEventLoopGroup(4);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setEventLoopGroup(group);
        config.setExecutor(executor);
        config.setTcpNoDelay(true);
        config.setTcpKeepAlive(true);
        config.useSingleServer().setAddress(url(node))
                .setConnectionMinimumIdleSize(1)
                .setRetryAttempts(0)
                .setTimeout(1000)
                .setConnectTimeout(1000)
                .setPingConnectionInterval(0);
        return new Matched(Redisson.create(config), group, executor);
    }

    /** A Redisson client with caller-owned threads; {@link #close()} stops all of it. */
    private record Matched(RedissonClient client, NioEventLoopGroup group, ExecutorService executor)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            } finally {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
                executor.shutdownNow();
            }
        }
    }

    static String url(RedisNode node) {
        return "redis://127.0.0.1:" + node.port();
    }
}
