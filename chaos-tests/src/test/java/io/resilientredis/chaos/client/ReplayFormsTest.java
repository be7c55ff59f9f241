package io.resilientredis.chaos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every write form the facade makes, spilled and replayed, leaves Redis as a direct write would. */
class ReplayFormsTest {

    @TempDir
    Path dir;

    @Test
    void everyWriteFormReplaysToTheSameState() throws Exception {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (RedisTopology redis = RedisTopology.standalone().start();
             ResilientRedis client = ResilientRedis.builder()
                     .primary(RedisEndpoint.standalone(redis.primary().uri()))
                     .spill(dir)
                     .listener(events::add)
                     .build()) {
            client.set("gone", "x");
            client.hset("h", "drop", "x");
            client.maintenance(true);
            List<WriteStatus> statuses = List.of(
                    client.set("plain", "v1").status(),
                    client.set("plain", "v2").status(),                                // order kept
                    client.set("ttl", "t", Duration.ofMinutes(5)).status(),
                    client.setIfAbsent("nx", "first", Duration.ofMinutes(5)).status(),
                    client.setIfAbsent("nx", "second", Duration.ofMinutes(5)).status(), // no effect
                    client.hset("h", "f", "hv").status(),
                    client.hdel("h", "drop").status(),
                    client.expire("plain", Duration.ofMinutes(10)).status(),
                    client.del("gone").status(),
                    client.incrBy("n", 5).status(),
                    client.rpush("l", "a", "b").status(),
                    client.execute(RedisCommand.write("SADD", "s", "m").idempotent()).status(),
                    client.execute(RedisCommand.write("ZINCRBY", "z", "2", "m")).status());
            assertThat(statuses).containsOnly(WriteStatus.SPILLED);
            client.maintenance(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> client.status().spill().depth() == 0);

            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
                assertThat(c.call("GET", "plain")).isEqualTo("v2");
                assertThat((Long) c.call("PTTL", "plain")).isBetween(1L, 600_000L);
                assertThat(c.call("GET", "ttl")).isEqualTo("t");
                assertThat((Long) c.call("PTTL", "ttl")).isBetween(1L, 300_000L);
                assertThat(c.call("GET", "nx")).isEqualTo("first");
                assertThat(RespConnection.pairs(c.call("HGETALL", "h"))).isEqualTo(Map.of("f", "hv"));
                assertThat(c.call("EXISTS", "gone")).isEqualTo(0L);
                assertThat(c.call("GET", "n")).isEqualTo("5");
                assertThat(c.call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("a", "b"));
                assertThat(c.call("SISMEMBER", "s", "m")).isEqualTo(1L);
                assertThat(c.call("ZSCORE", "z", "m")).isEqualTo("2");
            }
            assertThat(events).extracting(FailoverEvent::type).doesNotContain(FailoverEvent.Type.REPLAY_REJECTED);
        }
    }

    @Test
    void aReplayBatchOnAServerThatForgotItsScriptsAfterAnEarlierReplayKeepsItsOrder() throws Exception {
        try (RedisTopology redis = RedisTopology.standalone().start();
             ResilientRedis client = ResilientRedis.builder()
                     .primary(RedisEndpoint.standalone(redis.primary().uri()))
                     .spill(dir)
                     .build()) {
            // An earlier replay on this server sent the apply script: a client-side script cache would now
            // believe the server has it.
            client.maintenance(true);
            client.del("order:warm");
            client.maintenance(false);
            assertThat(client.awaitSpillDrained(Duration.ofSeconds(20))).isTrue();
            client.set("order:k", "1");
            // The same server (same address) forgets its scripts: restarted, or SCRIPT FLUSH. Only the marker
            // script is loaded again, by a direct write.
            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
                c.call("SCRIPT", "FLUSH");
            }
            client.incrBy("order:other", 1);
            client.maintenance(true);
            client.del("order:k");          // replayed through the apply script
            client.incrBy("order:k", 5);    // replayed through the marker script
            client.maintenance(false);
            assertThat(client.awaitSpillDrained(Duration.ofSeconds(20))).isTrue();
            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
                assertThat(c.call("GET", "order:k")).as("the DEL applied before the INCRBY after it").isEqualTo("5");
            }
        }
    }

    @Test
    void aReplayBatchOnAServerThatKnowsNoScriptKeepsItsOrder() throws Exception {
        try (RedisTopology redis = RedisTopology.standalone().start();
             ResilientRedis client = ResilientRedis.builder()
                     .primary(RedisEndpoint.standalone(redis.primary().uri()))
                     .spill(dir)
                     .build()) {
            client.set("order:k", "1");
            // As a fresh master after a failover that has seen only the marker script so far: it does not
            // know the apply script. Before, the batch failed part-way on NOSCRIPT and was sent again, so the
            // DEL was applied after the INCRBY it precedes (and the HDEL after the HINCRBY).
            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
                c.call("SCRIPT", "FLUSH");
            }
            client.incrBy("order:other", 1); // loads the marker script only
            client.maintenance(true);
            client.del("order:k");          // replayed through the apply script
            client.incrBy("order:k", 5);    // replayed through the marker script
            client.hset("order:h", "f", "40");
            client.hdel("order:h", "f");    // the apply script again
            client.execute(RedisCommand.write("HINCRBY", "order:h", "f", "2"));
            client.maintenance(false);
            assertThat(client.awaitSpillDrained(Duration.ofSeconds(20))).isTrue();
            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
                assertThat(c.call("GET", "order:k")).isEqualTo("5");
                assertThat(c.call("HGET", "order:h", "f")).isEqualTo("2");
            }
        }
    }
}
