package io.resilientredis.benchmarks;

import io.resilientredis.client.AsyncRedis;
import io.resilientredis.client.RedisBatch;
import io.resilientredis.client.ResilientRedis;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A batch of {@value #WRITES} writes sent with {@code send()} (one pipeline, one engine call, every write
 * through its marker) against {@value #WRITES} single async writes of the same client awaited together: SET
 * (a single SET is one plain call; in a batch it goes through its marker like every write) and INCRBY
 * (exactly once both ways). One thread; one JMH operation per write, so the figures are writes/s. The keys
 * and markers are deleted after every iteration so memory stays flat.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
public class BatchBenchmark {

    /** Writes per batch, and single writes in flight per window. */
    static final int WRITES = 100;
    private static final String VALUE = "0123456789abcdef";

    private BenchRedis.Standalone redis;
    private ResilientRedis resilient;
    private AsyncRedis async;
    private final String[] keys = new String[WRITES];

    @Setup(Level.Trial)
    public void start() {
        redis = BenchRedis.standalone();
        resilient = redis.resilient();
        async = resilient.async();
        for (int i = 0; i < WRITES; i++) {
            keys[i] = "bench:batch:" + i;
        }
    }

    @TearDown(Level.Iteration)
    public void clear() {
        // The markers of this iteration: FLUSHALL keeps the server's memory flat between iterations.
        resilient.redisson().getKeys().flushall();
    }

    @TearDown(Level.Trial)
    public void stop() {
        redis.close();
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public Object setBatch() {
        RedisBatch<String, String> batch = resilient.batch();
        CompletableFuture<?>[] receipts = new CompletableFuture<?>[WRITES];
        for (int i = 0; i < WRITES; i++) {
            receipts[i] = batch.set(keys[i], VALUE).toCompletableFuture();
        }
        batch.send().toCompletableFuture().join();
        return CompletableFuture.allOf(receipts).join();
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public Object setAsync() {
        CompletableFuture<?>[] receipts = new CompletableFuture<?>[WRITES];
        for (int i = 0; i < WRITES; i++) {
            receipts[i] = async.set(keys[i], VALUE).toCompletableFuture();
        }
        return CompletableFuture.allOf(receipts).join();
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public Object incrByBatch() {
        RedisBatch<String, String> batch = resilient.batch();
        CompletableFuture<?>[] receipts = new CompletableFuture<?>[WRITES];
        for (int i = 0; i < WRITES; i++) {
            receipts[i] = batch.incrBy(keys[i], 1).toCompletableFuture();
        }
        batch.send().toCompletableFuture().join();
        return CompletableFuture.allOf(receipts).join();
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public Object incrByAsync() {
        CompletableFuture<?>[] receipts = new CompletableFuture<?>[WRITES];
        for (int i = 0; i < WRITES; i++) {
            receipts[i] = async.incrBy(keys[i], 1).toCompletableFuture();
        }
        return CompletableFuture.allOf(receipts).join();
    }
}
