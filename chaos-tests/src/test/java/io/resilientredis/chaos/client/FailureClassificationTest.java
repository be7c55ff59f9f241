package io.resilientredis.chaos.client;

import static io.resilientredis.chaos.PasswordLeakGuard.PASSWORD;
import static io.resilientredis.chaos.PasswordLeakGuard.WRONG_PASSWORD;
import static io.resilientredis.chaos.PasswordLeakGuard.fullText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisConfigurationException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.RedisWriteRefusedException;
import io.resilientredis.failover.WriteStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each kind of failure against a real, password-protected Redis, and what it does to the breaker: a
 * reply slower than the timeout is connectivity (opens it); WRONGTYPE is the caller's error (thrown,
 * breaker stays closed); a wrong or missing password is a configuration error that names the endpoint
 * and never the password; OOM under noeviction is a refused write.
 */
class FailureClassificationTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    @Order(1)
    static final ChaosTopologyExtension<ChaosTopology> secured =
            ChaosTopologyExtension.proxied(RedisTopology.standalone().password(PASSWORD));
    @RegisterExtension
    @Order(2)
    static final ChaosTopologyExtension<ChaosTopology> tiny = ChaosTopologyExtension.proxied(RedisTopology.standalone()
            .password(PASSWORD).config("maxmemory 1mb").config("maxmemory-policy noeviction"));

    @AfterEach
    void resetFaults() {
        secured.get().resetAll();
        tiny.get().resetAll();
    }

    private static RedisEndpoint securedEndpoint() {
        return secured.get().primaryEndpoint().withCredentials(null, PASSWORD);
    }

    private static ResilientRedis.Builder client(RedisEndpoint endpoint, List<FailoverEvent> events) {
        return ResilientRedis.builder()
                .primary(endpoint)
                .timeout(TIMEOUT)
                .connectTimeout(TIMEOUT)
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(500)).build())
                .listener(events::add);
    }

    @Test
    void aReplySlowerThanTheTimeoutCountsAsConnectivityAndOpensTheBreaker() throws Exception {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(securedEndpoint(), events).build()) {
            assertThat(redis.set("slow", "value").status()).isEqualTo(WriteStatus.WRITTEN);
            secured.get().proxy(secured.get().topology().primary()).toxics()
                    .latency("slow-replies", ToxicDirection.DOWNSTREAM, 1_500);

            AtomicReference<RedisUnavailableException> failure = new AtomicReference<>();
            await("breaker to open under a 1.5 s reply latency with a 300 ms timeout")
                    .atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
                    .until(() -> {
                        try {
                            redis.get("slow");
                        } catch (RedisUnavailableException e) {
                            failure.set(e);
                        }
                        return redis.status().endpoints().get(0).state() == BreakerState.OPEN;
                    });
            assertThat(events).extracting(FailoverEvent::type).contains(FailoverEvent.Type.ENDPOINT_DOWN);
            assertThat(redis.status().endpoints().get(0).lastFailure()).containsIgnoringCase("timeout");
            assertThat(failure.get()).as("a read while the reply is late").isNotNull();
            assertThat(failure.get().getMessage()).as("no key name or Redisson internals in the message")
                    .doesNotContain("params:").doesNotContain("CommandData").doesNotContain("[slow");
            assertThat(redis.status().endpoints().get(0).lastFailure()).doesNotContain("params:");
            assertThat(fullText(failure.get())).doesNotContain(PASSWORD);

            secured.get().proxy(secured.get().topology().primary()).toxics().get("slow-replies").remove();
            await("breaker to close once replies are on time again").atMost(Duration.ofSeconds(20))
                    .until(() -> redis.status().endpoints().get(0).state() == BreakerState.CLOSED);
            assertThat(redis.get("slow")).isEqualTo("value");
        }
    }

    @Test
    void wrongTypeIsThrownAndLeavesTheBreakerClosed() {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(securedEndpoint(), events).build()) {
            redis.hset("a-hash", "field", "value");
            for (int i = 0; i < 10; i++) {
                RedisCommandException read = catchThrowableOfType(RedisCommandException.class, () -> redis.get("a-hash"));
                assertThat(read).hasMessageContaining("WRONGTYPE").hasMessageContaining(securedEndpoint().displayName())
                        .as("no key name or Redisson internals in the message")
                        .hasMessageNotContaining("a-hash").hasMessageNotContaining("CommandData")
                        .hasMessageNotContaining("channel: [");
                RedisCommandException write = catchThrowableOfType(RedisCommandException.class,
                        () -> redis.incrBy("a-hash", 1));
                assertThat(write).as("an exactly-once write through the Lua script").hasMessageContaining("WRONGTYPE");
            }
            assertThat(redis.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
            assertThat(redis.status().endpoints().get(0).lastFailure()).isNull();
            assertThat(events).extracting(FailoverEvent::type).doesNotContain(FailoverEvent.Type.ENDPOINT_DOWN);
            assertThat(redis.hget("a-hash", "field")).isEqualTo("value");
        }
    }

    @Test
    void aWrongPasswordIsAConfigurationErrorThatNamesTheEndpointButNotThePassword() {
        String url = "redis://:" + WRONG_PASSWORD + "@" + secured.get().clientAddress(secured.get().topology().primary());
        RedisEndpoint wrong = RedisEndpoint.standalone(url);
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(wrong, events).build()) {
            RedisConfigurationException read = catchThrowableOfType(RedisConfigurationException.class,
                    () -> redis.get("anything"));
            RedisConfigurationException write = catchThrowableOfType(RedisConfigurationException.class,
                    () -> redis.set("anything", "x"));
            for (RedisConfigurationException e : List.of(read, write)) {
                assertThat(e.endpoint()).isEqualTo(wrong.displayName()).contains(":***@");
                assertThat(e).hasMessageContaining(wrong.displayName()).hasMessageContaining("password")
                        .as("the hint names the real settings")
                        .hasMessageContaining("redis://USER:PASSWORD@host:port")
                        .hasMessageContaining("RedisEndpoint.withCredentials");
                assertThat(fullText(e)).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
            }
            assertThat(redis.status().endpoints().get(0).state()).as("a configuration error proves Redis answers")
                    .isEqualTo(BreakerState.CLOSED);
            assertThat(redis.toString()).doesNotContain(WRONG_PASSWORD);
            assertThat(redis.status().toString()).doesNotContain(WRONG_PASSWORD);
            assertThat(wrong.toString()).doesNotContain(WRONG_PASSWORD);
        }
        try (RespConnection direct = secured.get().topology().primary().connect(Duration.ofSeconds(2))) {
            assertThat(direct.call("EXISTS", "anything")).as("nothing was written").isEqualTo(0L);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMissingPasswordIsAConfigurationErrorWithTheFix() {
        RedisEndpoint anonymous = secured.get().primaryEndpoint();
        try (ResilientRedis redis = client(anonymous, new CopyOnWriteArrayList<>()).build()) {
            RedisConfigurationException e = catchThrowableOfType(RedisConfigurationException.class,
                    () -> redis.get("anything"));
            assertThat(e).hasMessageContaining(anonymous.displayName()).hasMessageContaining("NOAUTH")
                    .hasMessageContaining("give this endpoint a password")
                    .as("the hint names the settings that exist, not a builder setting that does not")
                    .hasMessageContaining("redis://:PASSWORD@host:port")
                    .hasMessageContaining("RedisEndpoint.withCredentials(user, password)")
                    .hasMessageContaining("withSentinelCredentials")
                    .hasMessageNotContaining("builder's password");
        }
    }

    @Test
    void theRightPasswordWorks() throws Exception {
        try (ResilientRedis redis = client(securedEndpoint(), new CopyOnWriteArrayList<>()).build()) {
            assertThat(redis.set("authenticated", "yes").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis.incrBy("authenticated-counter", 5).reply()).isEqualTo(5L);
            assertThat(redis.get("authenticated")).isEqualTo("yes");
            assertThat(securedEndpoint().displayName()).doesNotContain(PASSWORD).contains(":***@");
        }
        try (RespConnection direct = secured.get().topology().primary().connect(Duration.ofSeconds(2))) {
            assertThat(direct.callString("GET", "authenticated")).isEqualTo("yes");
        }
    }

    @Test
    void outOfMemoryUnderNoevictionIsARefusedWriteAndLeavesTheBreakerClosed() {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        String value = "x".repeat(8 * 1024);
        try (ResilientRedis redis = client(tiny.get().primaryEndpoint().withCredentials(null, PASSWORD), events).build()) {
            RedisWriteRefusedException refused = null;
            int written = 0;
            // 1 MiB of maxmemory cannot hold 1,000 values of 8 KiB: a refusal must come well before the end.
            for (int i = 0; i < 1_000 && refused == null; i++) {
                try {
                    redis.set("fill-" + i, value);
                    written++;
                } catch (RedisWriteRefusedException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("a write refused after %d accepted", written).isNotNull();
            assertThat(refused).hasMessageContaining("maxmemory").hasMessageContaining("out of memory");
            System.out.printf("[measure] OOM after %d writes of 8 KiB under maxmemory 1mb%n", written);

            // The refused 8 KiB SET counted its own request buffer; small writes fill the last bytes, so
            // that memory is over the limit for any write, including the Lua script of an exactly-once one.
            boolean full = false;
            for (int i = 0; i < 10_000 && !full; i++) {
                try {
                    redis.set("small-" + i, "v");
                } catch (RedisWriteRefusedException e) {
                    full = true;
                }
            }
            assertThat(full).as("small writes refused too").isTrue();
            RedisWriteRefusedException counted = catchThrowableOfType(RedisWriteRefusedException.class,
                    () -> redis.incrBy("oom-counter", 1));
            assertThat(counted).as("an exactly-once write (Lua script) is refused the same way")
                    .hasMessageContaining("maxmemory");
            assertThat(redis.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
            assertThat(events).extracting(FailoverEvent::type).doesNotContain(FailoverEvent.Type.ENDPOINT_DOWN);
            if (written > 0) {
                assertThat(redis.get("fill-0")).as("reads still work").isEqualTo(value);
            }
        }
    }
}
