package io.resilientredis.benchmarks;

import io.netty.channel.nio.NioEventLoopGroup;
import io.resilientredis.chaos.topology.RedisNode;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** Shared set-up of the JMH benchmarks: the bare Redisson client they compare against. */
final class BenchRedis {

    private BenchRedis() {
    }

    /**
     * A bare Redisson client with Redisson's defaults, except the codec (strings, as the facade
     * uses). Differences from the facade's own Redisson client are listed in RESULTS.md.
     */
    static RedissonClient bareRedisson(RedisNode node) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + node.port());
        return Redisson.create(config);
    }

    /**
     * A bare Redisson client with the settings the facade's binding gives its own Redisson client
     * (4 Netty threads, a 2-thread callback executor, retries off, 1 s timeouts, no ping, one idle
     * connection), so that comparing against it isolates the facade layer from configuration.
     */
    static Matched matchedRedisson(RedisNode node) {
        NioEventLoopGroup group = new NioEventLoopGroup(4);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setEventLoopGroup(group);
        config.setExecutor(executor);
        config.setTcpNoDelay(true);
        config.setTcpKeepAlive(true);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + node.port())
                .setConnectionMinimumIdleSize(1)
                .setRetryAttempts(0)
                .setTimeout(1000)
                .setConnectTimeout(1000)
                .setPingConnectionInterval(0);
        return new Matched(Redisson.create(config), group, executor);
    }

    /** A Redisson client with caller-owned threads; {@link #close()} stops all of it. */
    record Matched(RedissonClient client, NioEventLoopGroup group, ExecutorService executor) implements AutoCloseable {
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
