package io.resilientredis.chaos.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.topology.RedisTopology;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** Plain Redisson, unmodified, through the embedded server to a real redis-server. */
class RedissonThroughProxyTest {

    @Test
    void redissonWorksThroughTheProxyAndTimesOutWhenATimeoutToxicIsAdded() throws Exception {
        try (RedisTopology redis = RedisTopology.standalone().start();
             ToxiproxyServer server = ToxiproxyServer.builder().host("127.0.0.1").port(0).build().start()) {
            Proxy proxy = new eu.rekawek.toxiproxy.ToxiproxyClient(server.host(), server.port())
                    .createProxy("redis", "127.0.0.1:0", "127.0.0.1:" + redis.primary().port());
            Config config = new Config();
            config.useSingleServer().setAddress("redis://" + proxy.getListen())
                    .setTimeout(300).setRetryAttempts(0).setConnectionMinimumIdleSize(1).setConnectionPoolSize(2);
            RedissonClient client = Redisson.create(config);
            try {
                RBucket<String> bucket = client.getBucket("through-the-proxy", StringCodec.INSTANCE);
                bucket.set("hello");
                assertThat(bucket.get()).isEqualTo("hello");

                proxy.toxics().timeout("blackhole", ToxicDirection.DOWNSTREAM, 0); // replies never come
                assertThatThrownBy(bucket::get).isInstanceOf(RedisTimeoutException.class);

                proxy.toxics().get("blackhole").remove(); // closes the held connections; Redisson reconnects
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> "hello".equals(bucket.get()));
            } finally {
                client.shutdown();
            }
        }
    }
}
