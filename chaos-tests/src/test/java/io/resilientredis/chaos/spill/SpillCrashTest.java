package io.resilientredis.chaos.spill;

import static io.resilientredis.chaos.spill.SpillChaos.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.resilientredis.failover.ResilientRedisException;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.spill.SpillStoreLockedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service JVM writing through an outage is killed with SIGKILL, once while it spills and once
 * while it replays; a new client on the same spill directory replays what is left, and every write
 * the service accepted is in Redis exactly once, in each writer's order.
 */
class SpillCrashTest {

    private static final int WRITERS = 4;

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    private SpillWriterProcess child;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (child != null) {
            child.kill();
        }
        chaos.get().resetAll();
    }

    @Test
    void killedWhileSpillingTheBacklogIsReplayedByTheNextClient() throws Exception {
        child = start("crash:spilling:", 0, 500);
        child.awaitWritten(20);

        chaos.get().disableAll();
        child.awaitSpilled(400);
        // While the service runs, its directory is locked against any other process.
        assertThatThrownBy(() -> SpillChaos.client(chaos.get()).spill(spillDir).build())
                .isInstanceOf(SpillStoreLockedException.class)
                .isInstanceOf(ResilientRedisException.class)
                .hasMessageContaining("in use by pid " + child.pid());
        child.kill();
        System.out.printf("[measure] killed while spilling: %d writes accepted (%d spilled)%n",
                child.acked(), child.spilled());

        chaos.get().resetAll();
        recoverAndVerify("crash:spilling:");
    }

    @Test
    void killedWhileReplayingTheRestIsReplayedByTheNextClientWithoutDuplicates() throws Exception {
        // A slow replay (1,000 writes/s in batches of 50) so the kill lands in the middle of it.
        child = start("crash:replaying:", 1000, 50);
        child.awaitWritten(20);

        chaos.get().disableAll();
        child.awaitSpilled(3000);
        chaos.get().resetAll();
        await("the service replaying its backlog").atMost(Duration.ofSeconds(60)).until(() -> {
            String[] s = child.status();
            return s != null && Boolean.parseBoolean(s[2]) && Long.parseLong(s[3]) >= 300 && Long.parseLong(s[1]) > 0;
        });
        String[] atKill = child.status();
        child.kill();
        System.out.printf("[measure] killed while replaying: %d writes accepted (%d spilled), %s replayed and %s"
                + " waiting at the last status%n", child.acked(), child.spilled(), atKill[3], atKill[1]);
        assertThat(Long.parseLong(atKill[1])).as("backlog left at the kill").isPositive();

        recoverAndVerify("crash:replaying:");
    }

    private SpillWriterProcess start(String prefix, int replayRate, int batchSize) throws IOException {
        return new SpillWriterProcess(spillDir, "redis://" + chaos.get().clientAddress(chaos.get().topology().primary()),
                prefix, WRITERS, replayRate, batchSize);
    }

    /** Opens a fresh client on the dead service's directory, lets it replay, and checks every list. */
    private void recoverAndVerify(String prefix) throws Exception {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(spillDir).listener(events::add).build()) {
            await("the backlog of the killed service replayed").atMost(Duration.ofSeconds(60))
                    .until(() -> client.status().spill().depth() == 0 && client.status().spill().pendingAppends() == 0);
            System.out.printf("[measure] new client replayed the leftover backlog (%d writes) in %d ms%n",
                    client.status().spill().replayedTotal(), (System.nanoTime() - start) / 1_000_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(
                    e -> e.type() == FailoverEvent.Type.SPILL_STARTED && e.detail().contains("earlier run")));
            assertThat(client.status().spill().replayedTotal()).isPositive();
        }
        RedisNode redis = chaos.get().topology().primary();
        for (int w = 0; w < WRITERS; w++) {
            int lastAccepted = child.lastAcked(w);
            List<String> actual = list(redis, prefix + w);
            // A writer's writes are sequential: accepted ones are 0..lastAccepted; the one in flight at
            // the kill may or may not have been stored. Either way each appears once, in order.
            List<String> accepted = range(lastAccepted + 1);
            assertThat(actual).as("writer %d (last accepted %d)", w, lastAccepted)
                    .isIn(accepted, range(lastAccepted + 2));
        }
    }

    private static List<String> range(int n) {
        return IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.toList());
    }
}
