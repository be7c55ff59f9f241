package io.resilientredis.benchmarks;

import io.resilientredis.client.AsyncRedis;
import io.resilientredis.client.ResilientRedis;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * GET and SET through {@link ResilientRedis} against bare Redisson on the same redis-server, sync
 * (one call, wait) and async (a window of {@value #WINDOW} calls in flight per thread, then wait
 * for all). Run with {@code -t 1} and {@code -t 16} for the thread counts. The async pair also
 * runs against a bare Redisson configured like the facade's own ({@code *RedissonMatched}), which
 * separates the facade's cost from the difference between Redisson's defaults and our settings.
 * Each async method spells out its own loop on purpose: a shared helper taking a lambda would make
 * one call site serve every client (megamorphic) and blur what is compared.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
public class ClientThroughputBenchmark {

    /** Async calls in flight per benchmark thread. */
    static final int WINDOW = 32;
    private static final String KEY = "bench:key";
    private static final String VALUE = "0123456789abcdef";

    private BenchRedis.Standalone redis;
    private ResilientRedis resilient;
    private AsyncRedis resilientAsync;
    private RedissonClient redisson;
    private RedissonClient matched;

    @Setup(Level.Trial)
    public void start() {
        redis = BenchRedis.standalone();
        resilient = redis.resilient();
        resilientAsync = resilient.async();
        redisson = redis.bareRedisson();
        matched = redis.matchedRedisson();
        resilient.set(KEY, VALUE);
    }

    @TearDown(Level.Trial)
    public void stop() {
        redis.close();
    }

    @Benchmark
    public String getSyncResilient() {
        return resilient.get(KEY);
    }

    @Benchmark
    public String getSyncRedisson() {
        return redisson.<String>getBucket(KEY, StringCodec.INSTANCE).get();
    }

    @Benchmark
    public Object setSyncResilient() {
        return resilient.set(KEY, VALUE);
    }

    @Benchmark
    public Object setSyncRedisson() {
        redisson.<String>getBucket(KEY, StringCodec.INSTANCE).set(VALUE);
        return null;
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object getAsyncResilient() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = resilientAsync.get(KEY).toCompletableFuture();
        }
        return CompletableFuture.allOf(window).join();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object getAsyncRedisson() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = redisson.<String>getBucket(KEY, StringCodec.INSTANCE).getAsync().toCompletableFuture();
        }
        return CompletableFuture.allOf(window).join();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object setAsyncResilient() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = resilientAsync.set(KEY, VALUE).toCompletableFuture();
        }
        return CompletableFuture.allOf(window).join();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object setAsyncRedisson() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            CompletionStage<Void> s = redisson.<String>getBucket(KEY, StringCodec.INSTANCE).setAsync(VALUE);
            window[i] = s.toCompletableFuture();
        }
        return CompletableFuture.allOf(window).join();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object getAsyncRedissonMatched() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = matched.<String>getBucket(KEY, StringCodec.INSTANCE).getAsync().toCompletableFuture();
        }
        return CompletableFuture.allOf(window).join();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object setAsyncRedissonMatched() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = matched.<String>getBucket(KEY, StringCodec.INSTANCE).setAsync(VALUE).toCompletableFuture();
        }
        return CompletableFuture.allOf(window).join();
    }
}
