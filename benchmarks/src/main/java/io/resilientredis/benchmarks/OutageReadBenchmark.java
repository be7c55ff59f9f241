package io.resilientredis.benchmarks;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
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
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * A GET while every endpoint is down (the fault proxy in front of the only redis-server is
 * disabled: connections are refused and open ones closed). {@link ResilientRedis} fails fast once
 * its breaker is open; bare Redisson with its defaults retries and waits; bare Redisson tuned for a
 * short timeout and no retries fails sooner. Each call's failure is returned (consumed), not thrown.
 *
 * <p>The Redisson cases take up to seconds per call, so the runner measures them with
 * {@link Mode#SingleShotTime} (a handful of single calls), and {@link ResilientRedis} with
 * {@link Mode#AverageTime}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class OutageReadBenchmark {

    private ChaosTopology chaos;
    private ResilientRedis resilient;
    private RedissonClient redissonDefaults;
    private RedissonClient redissonTuned;

    @Setup(Level.Trial)
    public void start() throws IOException {
        chaos = ChaosTopology.start(RedisTopology.standalone());
        String url = "redis://" + chaos.clientAddress(chaos.topology().primary());
        resilient = ResilientRedis.builder()
                .primary(io.resilientredis.client.RedisEndpoint.standalone(url))
                .breaker(BreakerSettings.defaults())
                .build();
        resilient.set("bench:key", "v");

        Config defaults = new Config();
        defaults.useSingleServer().setAddress(url);
        redissonDefaults = Redisson.create(defaults);

        Config tuned = new Config();
        tuned.useSingleServer().setAddress(url).setTimeout(100).setConnectTimeout(100).setRetryAttempts(0);
        redissonTuned = Redisson.create(tuned);
        redissonDefaults.getBucket("bench:key", StringCodec.INSTANCE).get();
        redissonTuned.getBucket("bench:key", StringCodec.INSTANCE).get();

        chaos.disableAll();
        // Open the facade's breaker: reads fail until it is open (bounded: at most 30 s of attempts).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!breakerOpen()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the breaker did not open within 30 s: " + resilient.status());
            }
            readResilient();
        }
    }

    private boolean breakerOpen() {
        return resilient.status().activeEndpoint() == null;
    }

    @TearDown(Level.Trial)
    public void stop() {
        try {
            resilient.close();
            redissonDefaults.shutdown();
            redissonTuned.shutdown();
        } finally {
            chaos.close();
        }
    }

    @Benchmark
    public Object readResilient() {
        try {
            return resilient.get("bench:key");
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Benchmark
    public Object readRedissonDefaults() {
        try {
            return redissonDefaults.getBucket("bench:key", StringCodec.INSTANCE).get();
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Benchmark
    public Object readRedissonTuned() {
        try {
            return redissonTuned.getBucket("bench:key", StringCodec.INSTANCE).get();
        } catch (RuntimeException e) {
            return e;
        }
    }

}
