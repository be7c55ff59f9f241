package io.resilientredis.chaos.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first example, as written there (only the addresses differ), against a real
 * standalone primary and a Sentinel standby: it works directly, and through a full outage.
 */
class ReadmeExampleTest {

    private static long counter(RedisNode node) {
        try (RespConnection c = node.connect(Duration.ofSeconds(2))) {
            Object v = c.call("GET", "orders:paid");
            return v == null ? 0 : Long.parseLong(v.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TempDir
    Path spillDir;

    @Test
    void theReadmeExampleWorksAndKeepsWorkingThroughAnOutage() {
        try (ChaosTopology chaos = ChaosTopology.start(RedisTopology.primaryWithStandbyGroup(1))) {
            RedisEndpoint primary = chaos.primaryEndpoint();
            RedisEndpoint standby = chaos.standbyEndpoint();

            // --- from the README (endpoints and spill directory substituted) ---
            try (ResilientRedis redis = ResilientRedis.builder()
                    .primary(primary)
                    .standby(standby)
                    .spill(spillDir)
                    .build()) {
                WriteReceipt<Void> r = redis.set("order:42", "paid");
                redis.incrBy("orders:paid", 1);
                String state = redis.get("order:42");
                // --- end of the README's example ---
                assertThat(r.status()).isEqualTo(WriteStatus.WRITTEN);
                assertThat(state).isEqualTo("paid");

                chaos.disableAll(); // every endpoint gone: writes are spilled, not lost, and do not throw
                WriteReceipt<Long> during = redis.incrBy("orders:paid", 1);
                assertThat(during.status()).isEqualTo(WriteStatus.SPILLED);
                chaos.resetAll();
                during.applied().toCompletableFuture().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
                await().atMost(Duration.ofSeconds(30)).until(() -> redis.status().spill().depth() == 0);
                // Two increments, each applied once (the replay goes to whichever deployment came back first).
                assertThat(counter(chaos.topology().primary()) + counter(chaos.topology().standby().currentMaster()))
                        .isEqualTo(2);
            }
        }
    }
}
