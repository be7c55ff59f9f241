package io.resilientredis.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.resilientredis.client.AsyncRedis;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.micrometer.ResilientRedisMetrics;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The facade's cost of metrics: GET and SET, sync and async (a window of
 * {@value ClientThroughputBenchmark#WINDOW} calls in flight), with the Micrometer binder bound to a
 * Prometheus registry ({@code metrics=bound}) and without ({@code metrics=none}). Besides JMH's
 * throughput, every iteration prints the process's CPU time per call ({@code [measure] metrics-cost
 * ...}: all threads of this JVM, so Redisson's too; redis-server is a separate process and not
 * counted), which is the figure to compare: the binder's target is within 3 % of none. Run it on a
 * quiet machine:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main MetricsCostBenchmark -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class MetricsCostBenchmark {

    private static final int WINDOW = ClientThroughputBenchmark.WINDOW;
    private static final String KEY = "bench:metrics";
    private static final String VALUE = "0123456789abcdef";

    /** Whether the binder is bound. */
    @Param({"none", "bound"})
    public String metrics;

    private BenchRedis.Standalone server;
    private ResilientRedis redis;
    private AsyncRedis async;
    private PrometheusMeterRegistry registry;
    private ResilientRedisMetrics binder;

    private final LongAdder calls = new LongAdder();
    private long cpuAtStart;

    @Setup(Level.Trial)
    public void start() {
        server = BenchRedis.standalone();
        redis = server.resilient();
        async = redis.async();
        if ("bound".equals(metrics)) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            binder = ResilientRedisMetrics.of(redis);
            binder.bindTo(registry);
        }
        redis.set(KEY, VALUE);
    }

    @Setup(Level.Iteration)
    public void iterationStart() {
        calls.reset();
        cpuAtStart = processCpuNanos();
    }

    @TearDown(Level.Iteration)
    public void iterationEnd() {
        long cpu = processCpuNanos() - cpuAtStart;
        long n = calls.sum();
        if (n > 0) {
            System.out.printf(Locale.ROOT, "%n[measure] metrics-cost metrics=%s: %.2f µs CPU per call over %,d calls%n",
                    metrics, cpu / 1000.0 / n, n);
        }
        if (registry != null) {
            // A scrape now and then, as Prometheus would do, so that its cost is in the figures too.
            registry.scrape();
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        try {
            if (binder != null) {
                binder.close();
                registry.close();
            }
        } finally {
            server.close();
        }
    }

    @Benchmark
    public String getSync() {
        calls.increment();
        return redis.get(KEY);
    }

    @Benchmark
    public Object setSync() {
        calls.increment();
        return redis.set(KEY, VALUE);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object getAsync() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = async.get(KEY).toCompletableFuture();
        }
        calls.add(WINDOW);
        return CompletableFuture.allOf(window).join();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object setAsync() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = async.set(KEY, VALUE).toCompletableFuture();
        }
        calls.add(WINDOW);
        return CompletableFuture.allOf(window).join();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
