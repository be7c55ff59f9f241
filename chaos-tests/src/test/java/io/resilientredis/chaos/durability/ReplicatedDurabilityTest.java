package io.resilientredis.chaos.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.Durability;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.Job;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.JournalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window Redis leaves open: a master acknowledges writes its replicas never got (their
 * replication link is cut), then freezes and a replica is promoted. With REPLICATED the client
 * never counted them as written, spilled them, and replayed them on the new master, exactly once.
 * With ACKNOWLEDGED they were written, and the failover journal re-applies them on the new master;
 * the control run, with a journal too short to hold them, proves the fault bites.
 */
@Tag("failover")
class ReplicatedDurabilityTest {

    private static final int WRITERS = 2;

    @TempDir
    Path spillDir;

    record Outcome(long accepted, long lost, long duplicated, List<String> problems, long jobsAccepted,
                   long jobsLost, long jobsDuplicated) {
    }

    @Test
    void replicatedDurabilityLosesNothingWhenTheMasterDiesWithUnreplicatedWrites() throws Exception {
        Outcome o = run(Durability.replicated(1, Duration.ofMillis(250)), spillDir.resolve("replicated"),
                JournalSettings.defaults());
        System.out.printf("[measure] REPLICATED: accepted %d, lost %d, duplicated %d; jobs accepted %d, lost %d,"
                + " duplicated %d%n", o.accepted(), o.lost(), o.duplicated(), o.jobsAccepted(), o.jobsLost(),
                o.jobsDuplicated());
        assertThat(o.problems()).isEmpty();
        assertThat(o.lost()).isZero();
        assertThat(o.duplicated()).isZero();
        assertThat(o.accepted()).isGreaterThan(100);
        assertThat(o.jobsAccepted()).isGreaterThan(50);
        assertThat(o.jobsLost()).isZero();
        assertThat(o.jobsDuplicated()).isZero();
    }

    @Test
    void acknowledgedDurabilityLosesNothingEitherTheJournalReappliesTheUnreplicatedWrites() throws Exception {
        Outcome o = run(Durability.acknowledged(), spillDir.resolve("acknowledged"), JournalSettings.defaults());
        System.out.printf("[measure] ACKNOWLEDGED with the journal: accepted %d, lost %d, duplicated %d; jobs accepted"
                + " %d, lost %d, duplicated %d%n", o.accepted(), o.lost(), o.duplicated(), o.jobsAccepted(), o.jobsLost(),
                o.jobsDuplicated());
        assertThat(o.problems()).isEmpty();
        assertThat(o.lost()).isZero();
        assertThat(o.duplicated()).isZero();
        assertThat(o.accepted()).isGreaterThan(100);
        assertThat(o.jobsLost()).isZero();
        assertThat(o.jobsDuplicated()).isZero();
    }

    @Test
    void withoutTheJournalAcknowledgedDurabilityLosesTheUnreplicatedWrites() throws Exception {
        // A 1 ms window holds nothing by the time the master changes: the journal is off in effect.
        Outcome o = run(Durability.acknowledged(), spillDir.resolve("control"),
                JournalSettings.builder().window(Duration.ofMillis(1)).build());
        System.out.printf("[measure] ACKNOWLEDGED, journal 1 ms: accepted %d, lost %d, duplicated %d; jobs accepted %d,"
                + " lost %d, duplicated %d%n", o.accepted(), o.lost(), o.duplicated(), o.jobsAccepted(), o.jobsLost(),
                o.jobsDuplicated());
        // The control: this is the loss the journal and REPLICATED close. If it were zero the scenario would prove nothing.
        assertThat(o.lost()).isPositive();
        assertThat(o.duplicated()).isZero();
    }

    private Outcome run(Durability durability, Path dir, JournalSettings journal) throws Exception {
        try (ChaosTopology chaos = ChaosTopology.start(RedisTopology.sentinelGroup(2)
                .downAfter(Duration.ofMillis(1000)).failoverTimeout(Duration.ofSeconds(3)));
             ResilientRedis redis = ResilientRedis.builder()
                     .primary(chaos.primaryEndpoint())
                     .timeout(Duration.ofMillis(400))
                     .connectTimeout(Duration.ofMillis(400))
                     .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(500)).build())
                     .durability(durability)
                     .failoverJournal(journal)
                     .spill(dir)
                     .build()) {
            RedisTopology topology = chaos.topology();
            JobQueue jobs = redis.queue("jobs");
            ConcurrentLinkedQueue<String> acceptedJobs = new ConcurrentLinkedQueue<>();
            List<ConcurrentLinkedQueue<Long>> accepted = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                accepted.add(new ConcurrentLinkedQueue<>());
            }
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (long seq = 0; !stop.get(); seq++) {
                        redis.rpush("writer:" + writer, Long.toString(seq)); // throws on failure: the test fails
                        accepted.get(writer).add(seq);
                        if (seq % 4 == 0) {
                            acceptedJobs.add(jobs.enqueue("job " + writer + "/" + seq).id());
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing, ~200 writes/s each
                    }
                    return null;
                }));
            }
            try {
                awaitAccepted(accepted, 100);
                // Replicas lose their replication link and cannot re-establish it (a wrong masterauth);
                // the master keeps acknowledging. (Freezing them would not do: the kernel keeps
                // buffering the replication stream, and they would apply it on resume.)
                for (RedisNode replica : topology.replicas()) {
                    try (RespConnection c = replica.connect(Duration.ofSeconds(2))) {
                        c.call("CONFIG", "SET", "masterauth", "not-the-password");
                        c.call("CLIENT", "KILL", "TYPE", "master");
                    }
                }
                long before = total(accepted);
                awaitAccepted(accepted, before + 100);
                // The master dies with writes no replica has; the replicas come back and one is promoted.
                RedisNode oldMaster = topology.primary();
                oldMaster.freeze();
                for (RedisNode replica : topology.replicas()) {
                    try (RespConnection c = replica.connect(Duration.ofSeconds(2))) {
                        c.call("CONFIG", "SET", "masterauth", "");
                    }
                }
                RedisNode newMaster = topology.awaitFailover(Duration.ofSeconds(30));
                assertThat(newMaster).isNotEqualTo(oldMaster);
                long afterFailover = total(accepted);
                await().atMost(Duration.ofSeconds(60)).until(() -> total(accepted) > afterFailover + 100);
            } finally {
                stop.set(true);
                pool.shutdown();
            }
            for (Future<?> f : writers) {
                f.get(60, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> redis.status().spill().depth() == 0
                    && redis.status().spill().pendingAppends() == 0);
            topology.primary().resume();

            RedisNode master = topology.currentMaster();
            long lost = 0;
            long duplicated = 0;
            List<String> problems = new ArrayList<>();
            try (RespConnection c = master.connect(Duration.ofSeconds(5))) {
                for (int w = 0; w < WRITERS; w++) {
                    @SuppressWarnings("unchecked")
                    List<Object> stored = (List<Object>) c.call("LRANGE", "writer:" + w, "0", "-1");
                    List<Long> seqs = stored.stream().map(o -> Long.parseLong(o.toString())).toList();
                    List<Long> want = new ArrayList<>(accepted.get(w));
                    duplicated += seqs.size() - seqs.stream().distinct().count();
                    lost += want.stream().filter(s -> !seqs.contains(s)).count();
                    List<Long> order = seqs.stream().distinct().toList();
                    if (!order.equals(order.stream().sorted().toList())) {
                        problems.add("writer " + w + " out of order");
                    }
                }
            }
            // Every accepted job, delivered once: drain the queue on the new master.
            List<String> delivered = new ArrayList<>();
            for (Optional<Job> job = jobs.poll(Duration.ofMillis(500)); job.isPresent();
                 job = jobs.poll(Duration.ofMillis(500))) {
                delivered.add(job.get().id());
                jobs.ack(job.get());
            }
            long jobsDuplicated = delivered.size() - delivered.stream().distinct().count();
            long jobsLost = acceptedJobs.stream().filter(id -> !delivered.contains(id)).count();
            return new Outcome(total(accepted), lost, duplicated, problems, acceptedJobs.size(), jobsLost,
                    jobsDuplicated);
        }
    }

    private static long total(List<ConcurrentLinkedQueue<Long>> accepted) {
        return accepted.stream().mapToLong(ConcurrentLinkedQueue::size).sum();
    }

    private static void awaitAccepted(List<ConcurrentLinkedQueue<Long>> accepted, long atLeast) {
        await().atMost(Duration.ofSeconds(30)).until(() -> total(accepted) >= atLeast);
    }
}
