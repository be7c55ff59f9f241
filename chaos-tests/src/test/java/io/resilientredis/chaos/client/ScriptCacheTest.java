package io.resilientredis.chaos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts run by SHA; a master that has never seen them (a replica promoted a moment ago, a
 * restarted server, SCRIPT FLUSH) answers NOSCRIPT, which must be handled inside the client, never
 * surface as a caller error or get spilled writes rejected.
 */
class ScriptCacheTest {

    @TempDir
    Path dir;

    private static void flushScripts(RedisTopology redis) throws Exception {
        try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
            assertThat(c.call("SCRIPT", "FLUSH")).isEqualTo("OK");
        }
    }

    @Test
    void spilledWritesReplayOnAServerThatLostItsScriptCache() throws Exception {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (RedisTopology redis = RedisTopology.standalone().start();
             ResilientRedis client = ResilientRedis.builder()
                     .primary(RedisEndpoint.standalone(redis.primary().uri()))
                     .spill(dir)
                     .listener(events::add)
                     .build()) {
            client.incrBy("counter", 1); // the scripts are now cached...
            client.maintenance(true);
            for (int i = 0; i < 20; i++) {
                assertThat(client.incrBy("counter", 1).status()).isEqualTo(WriteStatus.SPILLED);
                client.rpush("list", Integer.toString(i));
            }
            flushScripts(redis); // ...and gone again
            client.maintenance(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> client.status().spill().depth() == 0);
            assertThat(client.get("counter")).isEqualTo("21");
            assertThat(client.llen("list")).isEqualTo(20);
            assertThat(events).extracting(FailoverEvent::type).doesNotContain(FailoverEvent.Type.REPLAY_REJECTED);
            // The direct write ran by SHA; the replay sent the scripts' bodies (EVAL), so a server that forgot
            // them needs no SCRIPT LOAD (the one SCRIPT call is the FLUSH).
            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(2))) {
                java.util.Map<String, String> stats = c.info("commandstats");
                assertThat(stats).containsKey("cmdstat_evalsha");
                assertThat(stats.get("cmdstat_eval")).matches("calls=([2-9]|\\d\\d+),.*");
                assertThat(stats.get("cmdstat_script")).startsWith("calls=1,");
            }
        }
    }

    @Test
    void replicatedWritesWorkOnAServerThatLostItsScriptCache() throws Exception {
        try (RedisTopology redis = RedisTopology.primaryWithReplicas(1).start();
             ResilientRedis client = ResilientRedis.builder()
                     .primary(RedisEndpoint.standalone(redis.primary().uri()))
                     .durability(Durability.replicated(1, Duration.ofSeconds(1)))
                     .spill(dir)
                     .build()) {
            assertThat(client.rpush("list", "a").status()).isEqualTo(WriteStatus.WRITTEN);
            flushScripts(redis);
            assertThat(client.rpush("list", "b").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(client.incrBy("n", 2).reply()).isEqualTo(2L);
            assertThat(client.lrange("list", 0, -1)).containsExactly("a", "b");
        }
    }
}
