package io.resilientredis.chaos.spill;

import static io.resilientredis.chaos.spill.SpillChaos.get;
import static io.resilientredis.chaos.spill.SpillChaos.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that reached Redis and was applied, but whose reply came back after the client's
 * timeout (a latency toxic on the replies): the client cannot know whether it landed, so it spills
 * it under its id; the replay goes through the exactly-once marker and applies nothing twice.
 */
class UnknownOutcomeTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    @Test
    void aWriteThatLandedButTimedOutIsSpilledReplayedAndAppliedOnce() throws Exception {
        RedisNode redis = chaos.get().topology().primary();
        Proxy proxy = chaos.get().proxy(redis);
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(spillDir).build()) {
            // Also loads the exactly-once script, so that under the toxic the write is one EVALSHA that applies.
            assertThat(client.incrBy("uo:warm", 1).status()).isEqualTo(WriteStatus.WRITTEN);

            // Requests still reach Redis at once; only the replies are late (5x the client's timeout).
            proxy.toxics().latency("late-replies", ToxicDirection.DOWNSTREAM,
                    SpillChaos.TIMEOUT.toMillis() * 5);
            CompletableFuture<WriteReceipt<Long>> incr = client.async().incrBy("uo:counter", 5).toCompletableFuture();
            CompletableFuture<WriteReceipt<Long>> push = client.async().rpush("uo:list", "a").toCompletableFuture();
            WriteReceipt<Long> incrReceipt = incr.get(30, TimeUnit.SECONDS);
            WriteReceipt<Long> pushReceipt = push.get(30, TimeUnit.SECONDS);

            assertThat(incrReceipt.status()).isEqualTo(WriteStatus.SPILLED);
            assertThat(pushReceipt.status()).isEqualTo(WriteStatus.SPILLED);
            // The outcome was unknown to the client, but both writes did land, once each (retries hit the marker).
            assertThat(get(redis, "uo:counter")).isEqualTo("5");
            assertThat(list(redis, "uo:list")).containsExactly("a");
            assertThat(get(redis, io.resilientredis.client.internal.Markers.key(incrReceipt.id(), "uo:counter"))).isEqualTo("5");
            assertThat(client.status().spill().depth()).isGreaterThanOrEqualTo(1);

            proxy.toxics().get("late-replies").remove();
            incrReceipt.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);
            pushReceipt.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);
            await("spill store empty").atMost(Duration.ofSeconds(30))
                    .until(() -> client.status().spill().depth() == 0);

            // Replayed under the same ids: the markers kept them from applying a second time.
            assertThat(get(redis, "uo:counter")).isEqualTo("5");
            assertThat(list(redis, "uo:list")).containsExactly("a");
            assertThat(client.status().spill().replayedTotal()).isGreaterThanOrEqualTo(2);

            // The connection is sound after the late replies: the next writes get their own replies.
            await("direct writes again").atMost(Duration.ofSeconds(30))
                    .until(() -> client.incrBy("uo:probe", 1).status() == WriteStatus.WRITTEN);
            WriteReceipt<Long> next = client.incrBy("uo:counter", 1);
            assertThat(next.status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(next.reply()).isEqualTo(6L);
            assertThat(client.rpush("uo:list", "b").reply()).isEqualTo(2L);
            assertThat(client.lrange("uo:list", 0, -1)).isEqualTo(List.of("a", "b"));
        } finally {
            chaos.get().resetAll();
        }
    }
}
