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

    /**
     * A reset_peer toxic swallows the replies of a connection until it resets it. Removed before it acted (a storm
     * healing), it must not leave that connection open with a reply missing from the middle of its stream: Redisson
     * matches replies to commands in order, so every later command on it would get its predecessor's reply and time
     * out, for as long as the connection lives (its pool hands the same idle connection out again and again).
     */
    @Test
    void redissonRecoversWhenAResetPeerToxicThatSwallowedAReplyIsRemovedBeforeItActs() throws Exception {
        try (RedisTopology redis = RedisTopology.standalone().start();
             ToxiproxyServer server = ToxiproxyServer.builder().host("127.0.0.1").port(0).build().start()) {
            Proxy proxy = new eu.rekawek.toxiproxy.ToxiproxyClient(server.host(), server.port())
                    .createProxy("redis", "127.0.0.1:0", "127.0.0.1:" + redis.primary().port());
            Config config = new Config();
            config.useSingleServer().setAddress("redis://" + proxy.getListen())
                    .setTimeout(300).setRetryAttempts(0).setConnectionMinimumIdleSize(1).setConnectionPoolSize(1);
            RedissonClient client = Redisson.create(config);
            try {
                RBucket<String> bucket = client.getBucket("through-the-proxy", StringCodec.INSTANCE);
                bucket.set("hello");
                assertThat(bucket.get()).isEqualTo("hello");

                // The reset is a minute away: the toxic only swallows replies before it is removed.
                proxy.toxics().resetPeer("storm", ToxicDirection.DOWNSTREAM, 60_000);
                assertThatThrownBy(bucket::get).isInstanceOf(RedisTimeoutException.class);

                proxy.toxics().get("storm").remove();
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> "hello".equals(bucket.get()));
            } finally {
                client.shutdown();
            }
        }
    }
}
