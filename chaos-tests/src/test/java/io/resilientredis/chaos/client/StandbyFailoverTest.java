package io.resilientredis.chaos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.WriteStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A standalone primary plus a Sentinel-managed standby deployment, with the primary cut off by its proxy. */
class StandbyFailoverTest {

    private static ChaosTopology chaos;

    @BeforeAll
    static void start() {
        chaos = ChaosTopology.start(RedisTopology.primaryWithStandbyGroup(1));
    }

    @AfterAll
    static void stop() {
        if (chaos != null) {
            chaos.close();
        }
    }

    @Test
    void writesAndReadsMoveToTheStandbyAndFailBackAfterTheGracePeriod() throws Exception {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = ResilientRedis.builder()
                .primary(chaos.primaryEndpoint())
                .standby(chaos.standbyEndpoint())
                .timeout(Duration.ofMillis(300))
                .connectTimeout(Duration.ofMillis(300))
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(500)).build())
                .failbackGrace(Duration.ofSeconds(2))
                .listener(events::add)
                .build()) {
            assertThat(redis.set("where", "primary").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis.status().activeEndpoint()).isEqualTo(chaos.primaryEndpoint().displayName());

            long down = System.nanoTime();
            chaos.proxy(chaos.topology().primary()).disable();
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() ->
                    redis.set("where", "standby").status() == WriteStatus.WRITTEN
                            && chaos.standbyEndpoint().displayName().equals(redis.status().activeEndpoint()));
            System.out.printf("[measure] primary down -> first write on the standby: %d ms%n",
                    (System.nanoTime() - down) / 1_000_000);
            assertThat(redis.get("where")).isEqualTo("standby");
            try (RespConnection standbyMaster = chaos.topology().standby().currentMaster().connect(Duration.ofSeconds(2))) {
                assertThat(standbyMaster.callString("GET", "where")).isEqualTo("standby");
            }

            chaos.proxy(chaos.topology().primary()).enable();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> chaos.primaryEndpoint().displayName().equals(redis.status().activeEndpoint()));
            assertThat(events).extracting(FailoverEvent::type).contains(FailoverEvent.Type.ENDPOINT_DOWN,
                    FailoverEvent.Type.SWITCHED, FailoverEvent.Type.ENDPOINT_UP, FailoverEvent.Type.FAILED_BACK);
            redis.set("where", "primary again");
            try (RespConnection primary = chaos.topology().primary().connect(Duration.ofSeconds(2))) {
                assertThat(primary.callString("GET", "where")).isEqualTo("primary again");
            }
        }
    }
}
