package io.resilientredis.benchmarks;

import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.ResilientRedis;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * LPUSH applied exactly once (a Lua script that sets a marker key per write id, then pushes)
 * against a plain LPUSH: through the facade declared idempotent (no marker), and through bare
 * Redisson; and the exactly-once ZINCRBY and XADD against the same commands sent plain (declared
 * idempotent, one plain call). One thread, sync. The keys are deleted after every iteration so memory
 * stays flat.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
public class ExactlyOnceBenchmark {

    private BenchRedis.Standalone redis;
    private ResilientRedis resilient;
    private RedissonClient redisson;
    private final AtomicLong seq = new AtomicLong();

    @Setup(Level.Trial)
    public void start() {
        redis = BenchRedis.standalone();
        resilient = redis.resilient();
        redisson = redis.bareRedisson();
    }

    @TearDown(Level.Iteration)
    public void clear() {
        // Markers and lists of this iteration: FLUSHALL keeps the server's memory flat between iterations.
        redisson.getKeys().flushall();
    }

    @TearDown(Level.Trial)
    public void stop() {
        redis.close();
    }

    @Benchmark
    public Object lpushExactlyOnceResilient() {
        return resilient.lpush("bench:once", Long.toString(seq.incrementAndGet()));
    }

    @Benchmark
    public Object lpushPlainResilient() {
        return resilient.execute(RedisCommand.write("LPUSH", "bench:plain", Long.toString(seq.incrementAndGet()))
                .idempotent());
    }

    @Benchmark
    public Object zincrByExactlyOnceResilient() {
        return resilient.zincrBy("bench:z", 1.0, "m" + (seq.incrementAndGet() & 1023));
    }

    @Benchmark
    public Object zincrByPlainResilient() {
        return resilient.execute(RedisCommand.write("ZINCRBY", "bench:zp", "1", "m" + (seq.incrementAndGet() & 1023))
                .idempotent());
    }

    @Benchmark
    public Object xaddExactlyOnceResilient() {
        return resilient.xadd("bench:x", java.util.Map.of("n", Long.toString(seq.incrementAndGet())));
    }

    @Benchmark
    public Object xaddPlainResilient() {
        return resilient.execute(RedisCommand.write("XADD", "bench:xp", "*", "n", Long.toString(seq.incrementAndGet()))
                .idempotent());
    }

    @Benchmark
    public Object lpushPlainRedisson() {
        redisson.<String>getDeque("bench:redisson", StringCodec.INSTANCE).addFirst(Long.toString(seq.incrementAndGet()));
        return null;
    }
}
