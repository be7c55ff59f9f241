package io.resilientredis.chaos.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.drill.DataSource;
import io.resilientredis.chaos.drill.FaultStep;
import io.resilientredis.chaos.drill.FaultTimeline;
import io.resilientredis.chaos.drill.History;
import io.resilientredis.chaos.drill.HistoryChecker;
import io.resilientredis.chaos.drill.LatencyHistogram;
import io.resilientredis.chaos.drill.OperationKinds;
import io.resilientredis.chaos.drill.Verdict;
import io.resilientredis.chaos.drill.Workload;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RetrySettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chaos-suite scenario: the drill's {@link Workload} (four writers cycling through counters, sets,
 * lists and job enqueues; two readers) runs through a {@link ResilientRedis} with a spill store while a
 * {@link FaultTimeline} plays the scenario's faults; then the spill store drains and the
 * {@link HistoryChecker} compares what every writer was told with what the deployments hold.
 */
final class SuiteScenario {

    /** The client's per-call and connect timeout in every scenario. */
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final int WRITERS = 4;
    static final int RATE = 200;

    private static final AtomicInteger RUNS = new AtomicInteger();

    /**
     * What a scenario did and what the checker found.
     *
     * @param name the scenario
     * @param verdict the checker's verdict
     * @param written writes Redis acknowledged
     * @param spilled writes the client spilled (all replayed before the check)
     * @param failed writes whose call threw
     * @param reads reads done
     * @param readFailures reads that threw
     * @param writeLatency caller latency of writes
     * @param steps the fault steps as they ran
     * @param events the client's failover events
     * @param wall the whole scenario, start to checked
     */
    record Result(String name, Verdict verdict, long written, long spilled, long failed, long reads,
                  long readFailures, LatencyHistogram writeLatency, List<FaultTimeline.Applied> steps,
                  List<FailoverEvent> events, Duration wall) {

        /** Asserts the checker's guarantees and that every fault step ran without error. */
        Result assertPassed() {
            assertThat(steps).as("fault steps of %s", name).allSatisfy(s -> assertThat(s.error()).as(s.label()).isNull());
            assertThat(verdict.findings()).as("%s: %s", name, verdict.summary())
                    .allMatch(f -> f.startsWith("APPLIED DESPITE FAILURE"));
            assertThat(verdict.passed()).as(verdict.summary()).isTrue();
            assertThat(verdict.lost()).isZero();
            assertThat(verdict.duplicated()).isZero();
            assertThat(verdict.outOfOrder()).isZero();
            assertThat(verdict.outageExceptions()).isZero();
            assertThat(verdict.readsOverBound()).isZero();
            assertThat(verdict.acceptedWrites()).as("accepted writes of %s", name).isEqualTo(written + spilled);
            assertThat(written + spilled).as("the workload ran in %s", name).isGreaterThan(100);
            return this;
        }

        boolean sawEvent(FailoverEvent.Type type) {
            return events.stream().anyMatch(e -> e.type() == type);
        }
    }

    private SuiteScenario() {
    }

    /**
     * @param endpoints primary, then standbys
     * @param durability the durability level
     * @param spillDir the spill directory (fresh per scenario)
     * @return the client builder every scenario uses: 500 ms timeouts, a 500 ms breaker open delay, a 2 s
     *     failback grace, the default retries
     */
    static ResilientRedis.Builder client(List<RedisEndpoint> endpoints, Durability durability, Path spillDir) {
        ResilientRedis.Builder b = ResilientRedis.builder()
                .primary(endpoints.get(0))
                .timeout(TIMEOUT)
                .connectTimeout(TIMEOUT)
                .retry(RetrySettings.defaults())
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(500)).build())
                .failbackGrace(Duration.ofSeconds(2))
                .durability(durability)
                .spill(spillDir);
        for (RedisEndpoint standby : endpoints.subList(1, endpoints.size())) {
            b.standby(standby);
        }
        return b;
    }

    /** The longest a read may wait: two attempts' timeouts on two endpoints, the retry budget, 500 ms slack. */
    static Duration readBound() {
        return TIMEOUT.multipliedBy(4).plus(RetrySettings.defaults().maxDuration()).plusMillis(500);
    }

    /**
     * Runs the workload for {@code duration} (and at least until every step ran), heals, drains the spill
     * store, checks the history against {@code deployments} and prints the scenario's figures.
     */
    static Result run(String name, ChaosTopology chaos, ResilientRedis.Builder client, List<RedisEndpoint> deployments,
                      Duration duration, List<FaultStep> steps) {
        long begin = System.nanoTime();
        History history = new History("suite:" + name + ":" + RUNS.incrementAndGet() + ":"
                + Long.toHexString(System.nanoTime() & 0xffffff), WRITERS, readBound());
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        List<FaultTimeline.Applied> applied;
        Workload workload;
        try (ResilientRedis redis = client.listener(events::add).build()) {
            long start = System.nanoTime();
            workload = Workload.builder(redis, history).kinds(OperationKinds.defaults()).rate(RATE)
                    .readers(2, RATE / 2).start();
            FaultTimeline timeline = FaultTimeline.start(chaos, steps, line -> System.out.println("[" + name + "] " + line));
            try {
                await(name + ": the run's duration and every fault step").atMost(duration.plus(Duration.ofSeconds(90)))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> System.nanoTime() - start >= duration.toNanos()
                                && timeline.applied().size() == steps.size());
            } finally {
                try {
                    timeline.close();
                } finally {
                    workload.close();
                }
                applied = timeline.applied();
            }
            Workload w = workload;
            await(name + ": the spill store drained").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> redis.status().spill().depth() == 0 && redis.status().spill().pendingAppends() == 0
                            && w.spilledApplied() == w.spilled());
        }
        Verdict verdict;
        List<DataSource> sources = new ArrayList<>();
        try {
            for (int i = 0; i < deployments.size(); i++) {
                sources.add(DataSource.connect(i == 0 ? "primary" : "standby" + (deployments.size() > 2 ? i : ""),
                        deployments.get(i)));
            }
            verdict = new HistoryChecker(workload.kinds()).check(history, sources);
        } finally {
            sources.forEach(DataSource::close);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - begin);
        LatencyHistogram lat = workload.writeLatency();
        System.out.printf(Locale.ROOT, "[measure] suite %-22s accepted %5d (written %5d, spilled %4d), failed %3d "
                        + "(refused %d), reads %5d (%d failed, max wait %d ms); write p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " wall %.1f s%n", name, verdict.acceptedWrites(), workload.written(), workload.spilled(),
                workload.failed(), verdict.refusedWrites(), workload.reads(), workload.readFailures(),
                verdict.maxReadWait().toMillis(), ms(lat.percentile(50)), ms(lat.percentile(99)), ms(lat.max()),
                wall.toMillis() / 1000.0);
        System.out.println("[" + name + "] " + verdict.summary());
        verdict.findings().stream().limit(10).forEach(f -> System.out.println("[" + name + "]   " + f));
        return new Result(name, verdict, workload.written(), workload.spilled(), workload.failed(), workload.reads(),
                workload.readFailures(), lat, applied, List.copyOf(events), wall);
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    /** FLUSHALL on every master of the deployment, so the next scenario starts from empty data (and memory). */
    static void flush(RedisTopology deployment) throws IOException {
        for (RedisNode node : deployment.nodes()) {
            if (node.isSentinel() || !node.isRunning()) {
                continue;
            }
            try (RespConnection c = node.connect(Duration.ofSeconds(2))) {
                if ("master".equals(c.info("replication").get("role"))) {
                    c.call("FLUSHALL");
                }
            }
        }
    }
}
