package io.resilientredis.chaos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.chaos.topology.SentinelGroup;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One Sentinel group whose master is killed (SIGKILL): the same client objects follow the promoted
 * replica. Between the kill and the promotion, a client that allows replica reads reads from a
 * replica, and one that does not fails fast with {@link RedisUnavailableException}.
 */
@Tag("failover")
class SentinelFollowTest {

    /** Long enough that the checks made during the gap finish before Sentinel promotes a replica. */
    private static final Duration DOWN_AFTER = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.sentinelGroup(2).downAfter(DOWN_AFTER));

    private static ResilientRedis client(boolean replicaReads, List<FailoverEvent> events) {
        return ResilientRedis.builder()
                .primary(chaos.get().primaryEndpoint())
                .timeout(TIMEOUT)
                .connectTimeout(TIMEOUT)
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(500)).build())
                .replicaReads(replicaReads)
                .listener(events::add)
                .build();
    }

    @Test
    void theClientFollowsThePromotedReplicaAndReadsFromReplicasDuringTheGapOnlyWhenAllowed() throws Exception {
        RedisTopology topology = chaos.get().topology();
        SentinelGroup group = topology.sentinelGroup();
        List<FailoverEvent> lenientEvents = new CopyOnWriteArrayList<>();
        List<FailoverEvent> strictEvents = new CopyOnWriteArrayList<>();
        try (ResilientRedis lenient = client(true, lenientEvents);
             ResilientRedis strict = client(false, strictEvents)) {
            // Typed reads of every family, for the gap below (written before "where", so replicated with it).
            strict.hset("typed:h", "f", "1");
            strict.rpush("typed:l", "a", "b");
            strict.sadd("typed:s", "m");
            strict.zadd("typed:z", 2.5, "m");
            strict.xadd("typed:x", java.util.Map.of("k", "v"));
            assertThat(strict.set("where", "old master").status()).isEqualTo(WriteStatus.WRITTEN);
            for (RedisNode replica : topology.replicas()) {
                await("replication to " + replica.name()).atMost(Duration.ofSeconds(10))
                        .until(() -> "old master".equals(get(replica, "where")));
            }
            assertThat(lenient.get("where")).isEqualTo("old master");

            RedisNode oldMaster = topology.primary();
            long killed = System.nanoTime();
            oldMaster.kill();

            for (ResilientRedis redis : List.of(strict, lenient)) {
                await("the master's breaker to open").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            try {
                                redis.get("where");
                            } catch (RedisUnavailableException expected) {
                                // the master is gone (the lenient client reads from a replica instead)
                            }
                            return redis.status().endpoints().get(0).state() == BreakerState.OPEN;
                        });
            }
            long breakersOpen = System.nanoTime();

            // The gap: the master is dead and no replica promoted yet.
            assertThat(lenient.get("where")).as("read from a replica").isEqualTo("old master");
            // Every typed read honours replica reads too.
            assertThat(lenient.hgetAll("typed:h")).isEqualTo(java.util.Map.of("f", "1"));
            assertThat(lenient.lrange("typed:l", 0, -1)).containsExactly("a", "b");
            assertThat(lenient.smembers("typed:s")).containsExactly("m");
            assertThat(lenient.zscore("typed:z", "m")).isEqualTo(2.5);
            assertThat(lenient.xrange("typed:x", "-", "+")).extracting(e -> e.fields()).containsExactly(
                    java.util.Map.of("k", "v"));
            assertThat(lenient.mget("typed:h2", "where")).containsExactly(null, "old master");
            assertThat(catchThrowableOfType(RedisUnavailableException.class, () -> strict.zscore("typed:z", "m")))
                    .as("without replica reads a typed read fails fast too").isNotNull();
            assertThat(lenient.status().endpoints()).filteredOn(e -> e.role().equals("replicas"))
                    .singleElement().extracting(e -> e.state()).isEqualTo(BreakerState.CLOSED);

            long[] nanos = new long[200];
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                RedisUnavailableException e = catchThrowableOfType(RedisUnavailableException.class,
                        () -> strict.get("where"));
                nanos[i] = System.nanoTime() - t0;
                assertThat(e).as("read %d without replica reads", i).isNotNull();
            }
            Latencies failFast = Latencies.of(nanos);
            System.out.printf("[measure] Sentinel gap, replica reads off: %d reads failed in p50 %.3f ms, p99 %.3f ms,"
                    + " max %.3f ms (call timeout %d ms)%n", nanos.length, failFast.p50Millis(), failFast.p99Millis(),
                    failFast.maxMillis(), TIMEOUT.toMillis());
            assertThat(failFast.p99Millis()).as("fails fast, well under the %d ms call timeout", TIMEOUT.toMillis())
                    .isLessThan(50.0);
            assertThat(catchThrowableOfType(RedisUnavailableException.class, () -> strict.set("where", "gap")))
                    .as("a write in the gap, no spill store")
                    .hasMessageContaining(chaos.get().primaryEndpoint().displayName());

            assertThat(votesFor(group, oldMaster.address())).as("Sentinels still report the killed master: the checks "
                    + "above ran inside the gap (raise DOWN_AFTER if this machine is slower)")
                    .isGreaterThanOrEqualTo(group.quorum());

            RedisNode promoted = group.awaitFailover(Duration.ofSeconds(30));
            long promotedAt = System.nanoTime();
            await("a write on the promoted replica").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .ignoreExceptions()
                    .until(() -> strict.set("where", "promoted").status() == WriteStatus.WRITTEN);
            long firstWrite = System.nanoTime();
            System.out.printf("[measure] Sentinel kill -> breakers open %d ms, -> promotion seen %d ms,"
                            + " -> first write on the promoted replica %d ms%n", (breakersOpen - killed) / 1_000_000,
                    (promotedAt - killed) / 1_000_000, (firstWrite - killed) / 1_000_000);

            assertThat(get(promoted, "where")).isEqualTo("promoted");
            assertThat(strict.get("where")).isEqualTo("promoted");
            await("the replica-reading client to use the new master").atMost(Duration.ofSeconds(30))
                    .ignoreExceptions().until(() -> lenient.set("where", "lenient").status() == WriteStatus.WRITTEN);
            assertThat(get(promoted, "where")).isEqualTo("lenient");
            assertThat(strictEvents).extracting(FailoverEvent::type)
                    .contains(FailoverEvent.Type.ENDPOINT_DOWN, FailoverEvent.Type.ENDPOINT_UP);
            assertThat(strict.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
        }
    }

    private static long votesFor(SentinelGroup group, InetSocketAddress address) {
        return group.reportedMasters().values().stream().filter(r -> r.equals(Optional.of(address))).count();
    }

    private static String get(RedisNode node, String key) throws IOException {
        try (RespConnection c = node.connect(Duration.ofSeconds(2))) {
            return c.callString("GET", key);
        }
    }
}
