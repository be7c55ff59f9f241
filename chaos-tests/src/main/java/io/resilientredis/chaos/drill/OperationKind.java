package io.resilientredis.chaos.drill;

import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One kind of write a workload performs, and how the {@link HistoryChecker} verifies it afterwards.
 * Built-in kinds are in {@link OperationKinds}; a new kind (a job enqueue, a stream append) plugs in by
 * implementing this interface and being added to the workload's kinds.
 */
public interface OperationKind {

    /** @return a short unique name, such as {@code counter}; used in records and reports */
    String name();

    /**
     * @param namespace the run's key prefix
     * @param writer the writer's number
     * @param seq the writer's sequence number for this write
     * @return the key this write touches
     */
    String key(String namespace, int writer, long seq);

    /**
     * @param writer the writer's number
     * @param seq the writer's sequence number
     * @param random the writer's own random source
     * @return the value this write carries (an increment, or the sequence number)
     */
    long value(int writer, long seq, SplittableRandom random);

    /**
     * Performs the write.
     *
     * @param redis the client under test
     * @param key the key from {@link #key}
     * @param value the value from {@link #value}
     * @param seq the writer's sequence number
     * @return the client's receipt; exceptions propagate and are recorded as failures
     */
    WriteReceipt<?> perform(ResilientRedis redis, String key, long value, long seq);

    /**
     * Verifies every write of this kind against what the deployments hold, and reports each
     * discrepancy to {@code verdict}.
     *
     * @param records every write of this kind, accepted or failed, writer by writer in order
     * @param deployments every deployment the client may have written to
     * @param verdict where findings go
     */
    void check(List<WriteRecord> records, List<DataSource> deployments, Verdict.Builder verdict);

    /**
     * The Redis keys behind one of this kind's {@link #key keys}, so that the drill can give them a TTL and
     * remove them from a user's Redis after the run.
     *
     * @param redis a client, for kinds whose keys the library names (a job queue's)
     * @param key a key this kind's {@link #key} returned
     * @return the Redis keys; by default just {@code key}
     */
    default List<String> redisKeys(ResilientRedis redis, String key) {
        return List.of(key);
    }
}
