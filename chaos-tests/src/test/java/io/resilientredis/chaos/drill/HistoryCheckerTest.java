package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.chaos.drill.WriteRecord.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history checker against two real Redis servers (a primary and a standby deployment): it passes a
 * history that matches, and catches each kind of violation.
 */
class HistoryCheckerTest {

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Duration READ_BOUND = Duration.ofSeconds(2);

    @RegisterExtension
    @Order(1)
    static final ChaosTopologyExtension<RedisTopology> primary =
            ChaosTopologyExtension.direct(RedisTopology.standalone());
    @RegisterExtension
    @Order(2)
    static final ChaosTopologyExtension<RedisTopology> standby =
            ChaosTopologyExtension.direct(RedisTopology.standalone());
    private static DataSource primarySource;
    private static DataSource standbySource;

    private final HistoryChecker checker = new HistoryChecker(OperationKinds.defaults());
    private final String ns = "test:" + RUNS.incrementAndGet();

    @BeforeAll
    static void connect() {
        primarySource = DataSource.connect("primary", RedisEndpoint.standalone(primary.get().primary().uri()));
        standbySource = DataSource.connect("standby", RedisEndpoint.standalone(standby.get().primary().uri()));
    }

    @AfterAll
    static void disconnect() {
        for (AutoCloseable c : new AutoCloseable[] {primarySource, standbySource}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    private History history() {
        return new History(ns, 2, READ_BOUND);
    }

    private WriteRecord list(int writer, long seq, Outcome outcome) {
        return new WriteRecord(writer, seq, "list", ns + ":list:" + writer, seq, outcome,
                outcome == Outcome.FAILED ? "RedisUnavailableException: down" : null, seq * 10);
    }

    private WriteRecord counter(int writer, long seq, int counter, long delta, Outcome outcome) {
        return new WriteRecord(writer, seq, "counter", ns + ":counter:" + counter, delta, outcome, null, seq * 10);
    }

    private WriteRecord set(int writer, long seq, Outcome outcome) {
        return new WriteRecord(writer, seq, "set", ns + ":last:" + writer, seq, outcome, null, seq * 10);
    }

    private static void on(RedisTopology deployment, String... command) throws IOException {
        try (RespConnection c = deployment.primary().connect(Duration.ofSeconds(2))) {
            c.call(command);
        }
    }

    private Verdict check(History h) {
        return checker.check(h, List.of(primarySource, standbySource));
    }

    @Test
    void aHistoryThatMatchesRedisPasses() throws IOException {
        History h = history();
        h.record(counter(0, 1, 0, 5, Outcome.WRITTEN));
        h.record(set(0, 2, Outcome.WRITTEN));
        h.record(list(0, 3, Outcome.WRITTEN));
        h.record(counter(0, 4, 0, 3, Outcome.SPILLED));
        h.record(set(0, 5, Outcome.SPILLED));
        h.record(list(0, 6, Outcome.SPILLED));
        h.record(list(1, 1, Outcome.WRITTEN));
        h.recordRead(Duration.ofMillis(3).toNanos(), null);
        // writer 0's first writes went to the primary; the spilled ones were replayed on the standby
        on(primary.get(), "INCRBY", ns + ":counter:0", "5");
        on(primary.get(), "SET", ns + ":last:0", "2");
        on(primary.get(), "RPUSH", ns + ":list:0", "3");
        on(standby.get(), "INCRBY", ns + ":counter:0", "3");
        on(standby.get(), "SET", ns + ":last:0", "5");
        on(standby.get(), "RPUSH", ns + ":list:0", "6");
        on(primary.get(), "RPUSH", ns + ":list:1", "1");

        Verdict v = check(h);

        assertThat(v.passed()).as(v.findings().toString()).isTrue();
        assertThat(v.acceptedWrites()).isEqualTo(7);
        assertThat(v.lost()).isZero();
        assertThat(v.duplicated()).isZero();
        assertThat(v.findings()).isEmpty();
    }

    @Test
    void catchesALostListElement() throws IOException {
        History h = history();
        h.record(list(0, 1, Outcome.WRITTEN));
        h.record(list(0, 2, Outcome.SPILLED));
        h.record(list(0, 3, Outcome.WRITTEN));
        on(primary.get(), "RPUSH", ns + ":list:0", "1", "3");

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.lost()).isEqualTo(1);
        assertThat(v.duplicated()).isZero();
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).startsWith("LOST").contains(ns + ":list:0")
                .contains("2 (SPILLED at 0.0 s, nowhere)"));
    }

    @Test
    void catchesAListElementAppliedTwiceOnOneDeployment() throws IOException {
        History h = history();
        h.record(list(0, 1, Outcome.WRITTEN));
        h.record(list(0, 2, Outcome.SPILLED));
        on(primary.get(), "RPUSH", ns + ":list:0", "1", "2", "2");

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.duplicated()).isEqualTo(1);
        assertThat(v.duplicatedAcrossDeployments()).isZero();
        assertThat(v.lost()).isZero();
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).startsWith("DUPLICATED " + ns + ":list:0")
                .contains("on the same deployment").contains("2 (SPILLED at 0.0 s, on primary+primary)"));
    }

    @Test
    void catchesAListElementAppliedOnBothDeployments() throws IOException {
        History h = history();
        h.record(list(0, 1, Outcome.WRITTEN));
        h.record(list(0, 2, Outcome.SPILLED));
        on(primary.get(), "RPUSH", ns + ":list:0", "1", "2");
        on(standby.get(), "RPUSH", ns + ":list:0", "2");

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.duplicated()).isEqualTo(1);
        assertThat(v.duplicatedAcrossDeployments()).isEqualTo(1);
        assertThat(v.lost()).isZero();
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).startsWith("DUPLICATED ACROSS DEPLOYMENTS")
                .contains("2 (SPILLED at 0.0 s, on primary+standby)"));
    }

    @Test
    void catchesAValueNoWriteCarried() throws IOException {
        History h = history();
        h.record(list(1, 1, Outcome.WRITTEN));
        on(primary.get(), "RPUSH", ns + ":list:1", "1", "7");

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.duplicated()).isEqualTo(1);
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).contains("7 is there but no write carried it"));
    }

    @Test
    void catchesAListOutOfTheWritersOrder() throws IOException {
        History h = history();
        h.record(list(1, 1, Outcome.WRITTEN));
        h.record(list(1, 2, Outcome.SPILLED));
        h.record(list(1, 3, Outcome.WRITTEN));
        on(primary.get(), "RPUSH", ns + ":list:1", "1", "3", "2");

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.outOfOrder()).isEqualTo(1);
        assertThat(v.lost()).isZero();
        assertThat(v.duplicated()).isZero();
    }

    @Test
    void catchesCounterTotalsThatDoNotAddUp() throws IOException {
        History h = history();
        h.record(counter(0, 1, 0, 4, Outcome.WRITTEN));
        h.record(counter(1, 1, 0, 6, Outcome.SPILLED));
        h.record(counter(0, 2, 1, 2, Outcome.WRITTEN));
        on(primary.get(), "INCRBY", ns + ":counter:0", "4");       // the spilled 6 never arrived
        on(primary.get(), "INCRBY", ns + ":counter:1", "4");       // 2 applied twice

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.counterShortfall()).isEqualTo(6);
        assertThat(v.counterExcess()).isEqualTo(2);
    }

    @Test
    void catchesAnOlderSetReplayedOverANewerOne() throws IOException {
        History h = history();
        h.record(set(0, 1, Outcome.SPILLED));
        h.record(set(0, 2, Outcome.WRITTEN));
        on(primary.get(), "SET", ns + ":last:0", "1");

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.lost()).isEqualTo(1);
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).contains("the last accepted SET was 2"));
    }

    @Test
    void aFailedWriteThatLandedIsReportedButIsNotAViolationWhileOutageExceptionsAre() throws IOException {
        History h = history();
        h.record(list(0, 1, Outcome.WRITTEN));
        h.record(list(0, 2, Outcome.FAILED));
        on(primary.get(), "RPUSH", ns + ":list:0", "1", "2");

        Verdict v = check(h);

        assertThat(v.appliedDespiteFailure()).isEqualTo(1);
        assertThat(v.lost()).isZero();
        assertThat(v.duplicated()).isZero();
        assertThat(v.outageExceptions()).as("the failure was a RedisUnavailableException").isEqualTo(1);
        assertThat(v.passed()).isFalse();
    }

    @Test
    void aWriteRejectedBecauseTheSpillStoreWasFullIsAllowed() {
        History h = history();
        h.record(new WriteRecord(0, 1, "list", ns + ":list:0", 1, Outcome.FAILED,
                "SpillFullException: spill store full (10 of 10 writes)", 0));

        Verdict v = check(h);

        assertThat(v.spillFullRejections()).isEqualTo(1);
        assertThat(v.outageExceptions()).isZero();
        assertThat(v.passed()).isTrue();
    }

    @Test
    void catchesAReadThatWaitedPastItsBound() {
        History h = history();
        h.recordRead(Duration.ofMillis(5).toNanos(), null);
        h.recordRead(READ_BOUND.plusMillis(1).toNanos(), "RedisUnavailableException");

        Verdict v = check(h);

        assertThat(v.readsOverBound()).isEqualTo(1);
        assertThat(v.maxReadWait()).isGreaterThan(READ_BOUND);
        assertThat(v.passed()).isFalse();
    }

    @Test
    void refusesAHistoryWithAKindItDoesNotKnow() {
        History h = history();
        h.record(new WriteRecord(0, 1, "stream", ns + ":stream", 1, Outcome.WRITTEN, null, 0));

        assertThatThrownBy(() -> check(h)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'stream'").hasMessageContaining("[counter, set, list, job]");
    }

    // ------------------------------------------------------------------ job enqueues

    private String queue(int writer) {
        return ns + ":jobs:" + writer;
    }

    private WriteRecord job(int writer, long seq, Outcome outcome, String id) {
        return new WriteRecord(writer, seq, "job", queue(writer), seq, outcome,
                outcome == Outcome.FAILED ? "RedisUnavailableException: down" : null, seq * 10, id);
    }

    /** Enqueues through a real client, as the workload does; returns the job id. */
    private static String enqueue(RedisTopology deployment, String queue, long payload) {
        try (ResilientRedis redis = ResilientRedis.builder()
                .primary(RedisEndpoint.standalone(deployment.primary().uri())).build()) {
            return redis.queue(queue).enqueue(Long.toString(payload)).id();
        }
    }

    /**
     * Puts a job with a given id straight into a deployment's queue keys (the layout the queue scripts
     * use), to stage what a client cannot produce on purpose: the same job id on two deployments.
     */
    private static void plant(RedisTopology deployment, String queue, String id, long payload) throws IOException {
        String base = "rr:q:{" + queue + "}:";
        on(deployment, "HSET", base + "jobs", id, Long.toString(payload));
        on(deployment, "HSET", base + "meta", id, "0:1");
        on(deployment, "RPUSH", base + "ready", id);
    }

    @Test
    void jobsDeliveredOnceEachInTheWritersOrderPassAndTheCheckDrainsTheQueues() {
        History h = history();
        h.record(job(0, 1, Outcome.WRITTEN, enqueue(primary.get(), queue(0), 1)));
        h.record(job(0, 2, Outcome.SPILLED, enqueue(standby.get(), queue(0), 2)));
        h.record(job(0, 3, Outcome.SPILLED, enqueue(standby.get(), queue(0), 3)));
        h.record(job(1, 1, Outcome.WRITTEN, enqueue(primary.get(), queue(1), 1)));

        Verdict v = check(h);

        assertThat(v.passed()).as(v.findings().toString()).isTrue();
        assertThat(v.findings()).isEmpty();
        assertThat(v.acceptedWrites()).isEqualTo(4);
        assertThat(primarySource.drainQueue(queue(0))).as("consumed by the check").isEmpty();
        assertThat(standbySource.drainQueue(queue(0))).isEmpty();
    }

    @Test
    void catchesAnAcceptedJobNeverDelivered() {
        History h = history();
        h.record(job(0, 1, Outcome.WRITTEN, enqueue(primary.get(), queue(0), 1)));
        h.record(job(0, 2, Outcome.SPILLED, "0000-never-enqueued"));

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.lost()).isEqualTo(1);
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).startsWith("LOST " + queue(0))
                .contains("0000-never-enqueued (2, SPILLED"));
    }

    @Test
    void catchesAJobDeliveredByBothDeployments() throws IOException {
        History h = history();
        String id = enqueue(primary.get(), queue(0), 1);
        plant(standby.get(), queue(0), id, 1);
        h.record(job(0, 1, Outcome.SPILLED, id));

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.duplicated()).isEqualTo(1);
        assertThat(v.duplicatedAcrossDeployments()).isEqualTo(1);
        assertThat(v.lost()).isZero();
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).startsWith("DUPLICATED ACROSS DEPLOYMENTS")
                .contains(id).contains("primary and standby"));
    }

    @Test
    void catchesAJobNoEnqueueReturnedAndReportsAFailedEnqueueThatLanded() {
        History h = history();
        h.record(job(0, 1, Outcome.WRITTEN, enqueue(primary.get(), queue(0), 1)));
        h.record(job(0, 2, Outcome.FAILED, null));
        enqueue(primary.get(), queue(0), 2);
        enqueue(primary.get(), queue(0), 9);

        Verdict v = check(h);

        assertThat(v.appliedDespiteFailure()).isEqualTo(1);
        assertThat(v.duplicated()).isEqualTo(1);
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).startsWith("APPLIED DESPITE FAILURE")
                .contains("(2, FAILED)"));
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).startsWith("DUPLICATED " + queue(0))
                .contains("payload 9").contains("no accepted enqueue returned that id"));
    }

    @Test
    void catchesJobsDeliveredOutOfTheWritersOrder() {
        History h = history();
        String second = enqueue(primary.get(), queue(1), 2);
        String first = enqueue(primary.get(), queue(1), 1);
        h.record(job(1, 1, Outcome.WRITTEN, first));
        h.record(job(1, 2, Outcome.WRITTEN, second));

        Verdict v = check(h);

        assertThat(v.passed()).isFalse();
        assertThat(v.outOfOrder()).isEqualTo(1);
        assertThat(v.lost()).isZero();
        assertThat(v.findings()).anySatisfy(f -> assertThat(f).contains("1 after 2"));
    }

    @Test
    void aWriteRedisRefusedAndAWriteInDoubtAreCountedApartAndAllowed() throws IOException {
        History h = history();
        h.record(list(0, 1, Outcome.WRITTEN));
        h.record(new WriteRecord(0, 2, "list", ns + ":list:0", 2, Outcome.FAILED,
                "RedisWriteRefusedException: redis://127.0.0.1:1 refused the write: OOM", 20));
        h.record(new WriteRecord(0, 3, "list", ns + ":list:0", 3, Outcome.IN_DOUBT, "process killed", 30));
        on(primary.get(), "RPUSH", ns + ":list:0", "1", "3");

        Verdict v = check(h);

        assertThat(v.refusedWrites()).isEqualTo(1);
        assertThat(v.inDoubtWrites()).isEqualTo(1);
        assertThat(v.outageExceptions()).isZero();
        assertThat(v.failedWrites()).isEqualTo(2);
        assertThat(v.appliedDespiteFailure()).as("the write in doubt landed").isEqualTo(1);
        assertThat(v.passed()).as(v.findings().toString()).isTrue();
        assertThat(v.summary()).contains("1 refused by Redis").contains("1 in doubt");
    }
}
