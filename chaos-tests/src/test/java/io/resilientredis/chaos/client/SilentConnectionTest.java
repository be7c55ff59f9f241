package io.resilientredis.chaos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A middlebox between the client and Redis loses the state of the client's pooled connections (a NAT or
 * load balancer restarted, an idle-timeout purge): their bytes vanish with no reset, while a new connection
 * would work. The client must not wait on those connections for good: a call on one times out, Redisson
 * closes it, the engine retries the call on another connection or spills it, and every write lands once.
 */
class SilentConnectionTest {

    @TempDir
    Path dir;

    @Test
    void pooledConnectionsThatWentSilentAreReplacedAndTheClientRecovers() throws Exception {
        try (RedisTopology redis = RedisTopology.standalone().start();
             StatefulRelay relay = new StatefulRelay(redis.primary().host(), redis.primary().port());
             ResilientRedis client = ResilientRedis.builder()
                     .primary(RedisEndpoint.standalone("redis://" + relay.address()))
                     .spill(dir)
                     .timeout(Duration.ofMillis(500))
                     .connectTimeout(Duration.ofMillis(500))
                     .build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.set("silent:" + i, "before").status()).isEqualTo(WriteStatus.WRITTEN);
            }
            assertThat(relay.liveConnections()).isPositive();
            relay.forgetOpenConnections();
            int forgotten = relay.forgottenStillOpen();

            // A write on a silenced connection times out; Redisson closes that connection and the engine
            // retries the write on another (or spills it): none hangs, and each lands once.
            for (int i = 0; i < 5; i++) {
                assertThat(client.incrBy("silent:n", 1).status()).isIn(WriteStatus.WRITTEN, WriteStatus.SPILLED);
            }
            await("the client is writing directly again, on new connections").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> client.set("silent:probe", "after").status() == WriteStatus.WRITTEN);
            assertThat(client.awaitSpillDrained(Duration.ofSeconds(20))).isTrue();
            assertThat(relay.liveConnections()).as("new connections carry the calls").isPositive();
            System.out.printf("[measure] %d connections silenced; %d still open at the end (idle ones are closed"
                    + " when a call on them times out)%n", forgotten, relay.forgottenStillOpen());
            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
                assertThat(c.call("GET", "silent:n")).isEqualTo("5");
                assertThat(c.call("GET", "silent:probe")).isEqualTo("after");
            }
        }
    }
}
