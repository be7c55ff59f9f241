package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisScript;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's own scripts: by SHA, loaded when the server does not know them, exactly once (the marker
 * inside the same run) or idempotent, spilled with their body and replayed, and by the next client.
 */
class UserScriptTest {

    private static final RedisScript ADD = RedisScript.of(
            "redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('RPUSH', KEYS[2], ARGV[1])"
                    + " return redis.call('GET', KEYS[1])");

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path dir;

    @AfterEach
    void heal() {
        CHAOS.get().resetAll();
    }

    private ResilientRedis.Builder client() {
        return ResilientRedis.builder().primary(CHAOS.get().primaryEndpoint()).spill(dir)
                .timeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(1));
    }

    private static Object redis(String... command) throws Exception {
        try (RespConnection c = CHAOS.get().topology().primary().connect(Duration.ofSeconds(2))) {
            return c.call(command);
        }
    }

    @Test
    void aScriptRunsOnceByItsShaEvenOnAServerThatForgotItAndRepliesAsRedisDoes() throws Exception {
        try (ResilientRedis r = client().build()) {
            redis("SCRIPT", "FLUSH");
            WriteReceipt<Object> first = r.execute(ADD.keys("us:n", "us:l").args("5"));
            assertThat(first.status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(first.reply()).isEqualTo("5");
            assertThat(r.execute(ADD.keys("us:n", "us:l").args("2")).reply()).isEqualTo("7");
            assertThat(redis("LRANGE", "us:l", "0", "-1")).isEqualTo(List.of("5", "2"));
            WriteReceipt<Object> table = r.execute(RedisScript.of("return {KEYS[1], ARGV[1], 3}")
                    .keys("us:t").args("a").idempotent());
            assertThat(table.reply()).isEqualTo(List.of("us:t", "a", 3L));
            assertThat(r.execute(RedisScript.of("return redis.call('GET', KEYS[1])").keys("us:none")).reply())
                    .as("a nil reply").isNull();
        }
    }

    @Test
    void aSpilledScriptIsReplayedOnceInOrderAndByTheNextClient() throws Exception {
        try (ResilientRedis r = client().build()) {
            r.maintenance(true);
            for (int i = 1; i <= 3; i++) {
                assertThat(r.execute(ADD.keys("us:sn", "us:sl").args(Integer.toString(i))).status())
                        .isEqualTo(WriteStatus.SPILLED);
            }
            assertThat(r.execute(RedisScript.of("redis.call('SET', KEYS[1], ARGV[1]) return 1").keys("us:last")
                    .args("after").idempotent()).status()).isEqualTo(WriteStatus.SPILLED);
            redis("SCRIPT", "FLUSH");
            r.maintenance(false);
            assertThat(r.awaitSpillDrained(Duration.ofSeconds(20))).isTrue();
            assertThat(redis("GET", "us:sn")).isEqualTo("6");
            assertThat(redis("LRANGE", "us:sl", "0", "-1")).isEqualTo(List.of("1", "2", "3"));
            assertThat(redis("GET", "us:last")).isEqualTo("after");
            r.maintenance(true);
            r.execute(ADD.keys("us:rn", "us:rl").args("4"));
        }
        try (ResilientRedis r = client().build()) {
            assertThat(r.awaitSpillDrained(Duration.ofSeconds(20))).isTrue();
            assertThat(redis("GET", "us:rn")).isEqualTo("4");
        }
    }

    @Test
    void theRedissonClientOfTheActiveEndpointIsThereForWhatTheFacadeLacks() throws Exception {
        try (ResilientRedis r = client().build()) {
            org.redisson.api.RLock lock = r.redisson().getLock("us:lock");
            assertThat(lock.tryLock()).isTrue();
            assertThat(redis("EXISTS", "us:lock")).isEqualTo(1L);
            lock.unlock();
            CHAOS.get().disableAll();
            org.awaitility.Awaitility.await("the breaker opens").atMost(Duration.ofSeconds(20)).until(() -> {
                r.set("us:outage", "x");
                return r.status().activeEndpoint() == null;
            });
            org.assertj.core.api.Assertions.assertThatThrownBy(r::redisson)
                    .isInstanceOf(io.resilientredis.failover.RedisUnavailableException.class);
        }
    }
}
