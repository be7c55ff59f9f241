package io.resilientredis.benchmarks;

import io.resilientredis.failover.spi.Endpoint;
import io.resilientredis.failover.spi.FailoverEngine;
import io.resilientredis.failover.spi.WriteOp;
import io.resilientredis.failover.WriteReceipt;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

/**
 * The CPU time the failover engine adds to one call, without any network: one endpoint whose
 * calls complete at once, so what is timed is the engine's own path (router lookup, breaker
 * permit and outcome, retry and timeout policies, the write receipt). This is the part of the
 * facade's overhead that a loaded 2-core machine cannot resolve in a throughput comparison
 * against a real server, where a call costs tens of microseconds of CPU.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 10, time = 1)
public class EngineDispatchBenchmark {

    private static final byte[] ENCODED = "SET k v".getBytes(StandardCharsets.UTF_8);
    private static final CompletableFuture<String> REPLY = CompletableFuture.completedFuture("v");

    private final AtomicLong ids = new AtomicLong();
    private FailoverEngine<Object> engine;

    @Setup(Level.Trial)
    public void start() {
        engine = FailoverEngine.<Object>builder()
                .endpoint(Endpoint.<Object>of("in-memory", new Object(), c -> REPLY))
                .build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        engine.close();
    }

    @Benchmark
    public String read() {
        return engine.<String>read(c -> REPLY).join();
    }

    @Benchmark
    public WriteReceipt<String> write() {
        String id = Long.toString(ids.incrementAndGet());
        return engine.write(new WriteOp<Object, String>() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public CompletionStage<String> apply(Object connection) {
                return REPLY;
            }

            @Override
            public byte[] encode() {
                return ENCODED;
            }
        }).join();
    }
}
