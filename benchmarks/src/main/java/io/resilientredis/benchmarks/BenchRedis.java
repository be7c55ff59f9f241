package io.resilientredis.benchmarks;

import io.resilientredis.chaos.topology.RedisNode;
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

    static String url(RedisNode node) {
        return "redis://127.0.0.1:" + node.port();
    }
}
