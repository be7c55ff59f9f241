package io.resilientredis.chaos.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.drill.DataSource;
import io.resilientredis.chaos.drill.History;
import io.resilientredis.chaos.drill.HistoryChecker;
import io.resilientredis.chaos.drill.OperationKinds;
import io.resilientredis.chaos.drill.Verdict;
import io.resilientredis.chaos.drill.WriteRecord;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.Durability;
import io.resilientredis.client.ResilientRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client process killed (SIGKILL) mid-spill and mid-replay, then restarted, against one standalone
 * Redis behind the fault proxy. A child JVM ({@link SuiteWriterChild}) runs the workload's writers through
 * a client with a spill store and reports every write's outcome; the parent builds one history per child
 * and checks them all, against what Redis holds once a last client on the same spill directory replayed
 * what the killed ones left. A write in flight at a kill is in doubt (its caller never learned the outcome):
 * it may or may not have been applied, and is never counted as accepted.
 */
class ClientCrashSuiteTest {

    private static final int WRITERS = 4;

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path spillDir;

    private final List<ServiceChild> children = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (ServiceChild c : children) {
            c.kill();
        }
        chaos.get().resetAll();
    }

    @Test
    void killedWhileSpillingAndWhileReplayingThenRestartedLosesAndDuplicatesNothing() throws Exception {
        long begin = System.nanoTime();
        String ns = "suite:crash:" + Long.toHexString(System.nanoTime() & 0xffffff);

        // First service: writes directly, then spills through an outage, and is killed while spilling.
        ServiceChild first = start(ns + ":g0", 50_000, 500);
        first.awaitWritten(20);
        chaos.get().disableAll();
        first.awaitSpilled(300);
        first.kill();
        chaos.get().resetAll();

        // Second service on the same directory: replays the first one's backlog (slowly, 300 writes/s,
        // while its own writes queue behind it) and is killed in the middle of that replay.
        ServiceChild second = start(ns + ":g1", 300, 20);
        second.jvm.await("the restarted service replaying the backlog", Duration.ofSeconds(60)).until(() -> {
            String[] s = second.status.get();
            return s != null && Boolean.parseBoolean(s[2]) && Long.parseLong(s[3]) >= 100
                    && Long.parseLong(s[1]) > 0;
        });
        String[] atKill = second.status.get();
        second.kill();
        assertThat(Long.parseLong(atKill[1])).as("backlog left at the second kill").isPositive();

        // A last client on the directory replays the rest.
        try (ResilientRedis last = SuiteScenario.client(List.of(chaos.get().primaryEndpoint()), Durability.acknowledged(),
                spillDir).build()) {
            await("the leftover backlog replayed").atMost(Duration.ofSeconds(90)).until(() ->
                    last.status().spill().depth() == 0 && last.status().spill().pendingAppends() == 0);
        }

        try (DataSource redis = DataSource.connect("primary", chaos.get().primaryEndpoint())) {
            for (ServiceChild c : List.of(first, second)) {
                Verdict v = new HistoryChecker(OperationKinds.defaults()).check(c.history, List.of(redis));
                System.out.printf("[measure] suite client-killed %s: accepted %d (written %d, spilled %d), in doubt %d;"
                                + " %s%n", c.history.namespace(), v.acceptedWrites(), c.written.get(), c.spilled.get(),
                        v.inDoubtWrites(), v.summary());
                assertThat(v.findings()).as(v.summary()).allMatch(f -> f.startsWith("APPLIED DESPITE FAILURE"));
                assertThat(v.passed()).as(v.summary()).isTrue();
                assertThat(v.lost()).isZero();
                assertThat(v.duplicated()).isZero();
                assertThat(v.outOfOrder()).isZero();
                assertThat(v.outageExceptions()).isZero();
                assertThat(v.acceptedWrites()).isEqualTo(c.written.get() + c.spilled.get());
                assertThat(v.inDoubtWrites()).as("at most the call in flight per writer").isLessThanOrEqualTo(WRITERS);
            }
        }
        assertThat(first.spilled.get()).isGreaterThanOrEqualTo(300);
        assertThat(second.spilled.get()).as("the second service's writes queued behind the replay").isPositive();
        System.out.printf("[measure] suite client-killed wall %.1f s (replayed %s of the backlog before the second "
                + "kill, %s left)%n", (System.nanoTime() - begin) / 1e9, atKill[3], atKill[1]);
    }

    private ServiceChild start(String namespace, int replayRate, int batch) throws IOException {
        ServiceChild c = new ServiceChild(spillDir, "redis://" + chaos.get().clientAddress(chaos.get().topology().primary()),
                namespace, WRITERS, replayRate, batch);
        children.add(c);
        return c;
    }
}
