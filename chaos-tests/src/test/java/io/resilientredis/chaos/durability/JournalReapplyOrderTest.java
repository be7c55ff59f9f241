package io.resilientredis.chaos.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code REPLICATED} durability re-applies the failover journal through the writes' markers, skipping
 * the writes the new master already has. A value written by a replayed SET and then overwritten by a
 * direct SET must survive that re-apply as the newer value: if the replay had sent its SET without a
 * marker, the re-apply would write the older value again after skipping the newer one (seen once in
 * CI as four "last value" keys holding an older value after a client crash during a failover).
 */
@Tag("failover")
class JournalReapplyOrderTest {

    /** One replica: {@code WAIT 1} then means the replica that is promoted has every confirmed write. */
    @RegisterExtension
    static final ChaosTopologyExtension<RedisTopology> topology = ChaosTopologyExtension.direct(RedisTopology
            .sentinelGroup(1).masterName("order").downAfter(Duration.ofMillis(1500))
            .failoverTimeout(Duration.ofSeconds(10)));

    @TempDir
    Path spillDir;

    @Test
    void aReplayedValueOverwrittenByANewerOneStaysOverwrittenWhenTheJournalIsReapplied() throws Exception {
        String key = "order:last:" + Long.toHexString(System.nanoTime());
        RedisNode before = topology.get().sentinelGroup().awaitConverged(Duration.ofSeconds(60));
        try (ResilientRedis client = ResilientRedis.builder()
                .primary(RedisEndpoint.sentinel("order", topology.get().sentinelGroup().sentinelAddresses()))
                .spill(spillDir).durability(Durability.replicated(1, Duration.ofSeconds(2))).build()) {
            // The older value goes through the spill store and the replayer...
            client.maintenance(true);
            WriteReceipt<Void> older = client.set(key, "older");
            assertThat(older.status()).isEqualTo(WriteStatus.SPILLED);
            client.maintenance(false);
            older.applied().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            // ...the newer one directly; both are in the journal, in that order.
            await("a direct write again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> client.set(key, "newer").status() == WriteStatus.WRITTEN);
            assertThat(client.get(key)).isEqualTo("newer");

            try (RespConnection s = topology.get().sentinelGroup().sentinels().get(0).connect(Duration.ofSeconds(2))) {
                s.call("SENTINEL", "FAILOVER", "order");
            }
            await("the client to follow the new master (re-applying its journal there)")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> client.status().journal().masterChanges() >= 1);
            RedisNode after = topology.get().sentinelGroup().awaitConverged(Duration.ofSeconds(60));
            assertThat(after).isNotEqualTo(before);
            assertThat(client.status().journal().reapplied()).as("journaled writes re-applied").isPositive();
            try (RespConnection master = after.connect(Duration.ofSeconds(2))) {
                assertThat(master.call("GET", key)).as("the value on the new master").isEqualTo("newer");
            }
            assertThat(client.get(key)).isEqualTo("newer");
        }
    }
}
