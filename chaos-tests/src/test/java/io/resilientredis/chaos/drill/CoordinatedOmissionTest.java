package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Writers stalled on purpose: one call in 150 holds its writer for 1.5 s. Measured from the send (raw), that
 * is under 1% of the calls and the p99 stays small; measured from when each call was due (corrected), the
 * calls the writer could not make during the stall count too, and the p99 shows the stall.
 */
class CoordinatedOmissionTest {

    private static final Duration STALL = Duration.ofMillis(1500);

    /** SET to the writer's own key; its 75th call of every 150 stalls first. */
    private static final class StallingSet implements OperationKind {
        @Override
        public String name() {
            return "stalling-set";
        }

        @Override
        public String key(String namespace, int writer, long seq) {
            return namespace + ":stall:" + writer;
        }

        @Override
        public long value(int writer, long seq, SplittableRandom random) {
            return seq;
        }

        @Override
        public WriteReceipt<?> perform(ResilientRedis redis, String key, long value, long seq) {
            if (seq % 150 == 75) {
                LockSupport.parkNanos(STALL.toNanos()); // the stall under test, not a wait for a condition
            }
            return redis.set(key, Long.toString(value));
        }

        @Override
        public void check(List<WriteRecord> records, List<DataSource> deployments, Verdict.Builder verdict) {
        }
    }

    @Test
    void theCorrectedP99ShowsAStallTheRawP99Hides() {
        try (RedisTopology topology = RedisTopology.standalone().start()) {
            RedisNode node = topology.primary();
            try (ResilientRedis redis = ResilientRedis.builder()
                    .primary(RedisEndpoint.standalone("redis://" + node.host() + ":" + node.port())).build()) {
                History history = new History("drill:co-test", 2, Duration.ofSeconds(5));
                Workload workload = Workload.builder(redis, history).kinds(List.of(new StallingSet())).rate(100)
                        .readers(0, 0).start();
                try {
                    // 50 calls/s per writer: 200 calls each is past the first stall (call 75) with room after it.
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            history.writes(0).size() >= 200 && history.writes(1).size() >= 200);
                } finally {
                    workload.close();
                }
                LatencyHistogram latency = workload.writeLatency();
                System.out.printf("[measure] stalled writers: raw p99 %s (%d calls), corrected p99 %s (%d)%n",
                        TextReport.ms(latency.rawPercentile(99)), latency.rawCount(),
                        TextReport.ms(latency.percentile(99)), latency.count());
                assertThat(latency.count()).as("the calls the stalled writers never made are counted")
                        .isGreaterThan(latency.rawCount());
                assertThat(latency.rawPercentile(99)).isLessThan(Duration.ofMillis(500));
                assertThat(latency.percentile(99)).isGreaterThan(Duration.ofMillis(1000))
                        .isGreaterThan(latency.rawPercentile(99).multipliedBy(5));
                assertThat(latency.rawMax()).isGreaterThanOrEqualTo(STALL);
            }
        }
    }
}
