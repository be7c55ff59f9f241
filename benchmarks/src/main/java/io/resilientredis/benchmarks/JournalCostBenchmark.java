package io.resilientredis.benchmarks;

import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.AsyncRedis;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.JournalSettings;
import java.time.Duration;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the failover journal costs a Sentinel group's writes: SET through {@link ResilientRedis} with
 * the journal at its defaults ({@code on}) and with a 1 ms window ({@code off}: every entry leaves at
 * the next write, so the journal holds nothing a failover could re-apply), sync and async. Run in
 * throughput mode for writes/s and in sample mode for the sync p99. {@link #main} measures the heap
 * an entry holds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 5, time = 2)
public class JournalCostBenchmark {

    static final int WINDOW = 32;
    private static final String VALUE = "0123456789abcdef";

    @Param({"on", "off"})
    public String journal;

    private RedisTopology topology;
    private ResilientRedis client;
    private AsyncRedis async;

    @Setup(Level.Trial)
    public void start() {
        topology = RedisTopology.sentinelGroup(1).masterName("bench").start();
        client = client(topology, "on".equals(journal) ? JournalSettings.defaults()
                : JournalSettings.builder().window(Duration.ofMillis(1)).build());
        async = client.async();
        client.set("bench:key", VALUE);
    }

    static ResilientRedis client(RedisTopology topology, JournalSettings journal) {
        return ResilientRedis.builder()
                .primary(RedisEndpoint.sentinel(topology.masterName(), topology.sentinelGroup().sentinelAddresses()))
                .failoverJournal(journal)
                .build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        try {
            client.close();
        } finally {
            topology.close();
        }
    }

    @Benchmark
    public Object setSync() {
        return client.set("bench:key", VALUE);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public Object setAsync() {
        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = async.set("bench:key", VALUE).toCompletableFuture();
        }
        return CompletableFuture.allOf(window).join();
    }

    /**
     * Heap held per journaled write: the used heap after a full GC with 200,000 SETs (16-byte keys
     * and values) in a 10-minute journal, minus the same with the journal off.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        int writes = 200_000;
        try (RedisTopology topology = RedisTopology.sentinelGroup(1).masterName("footprint").start()) {
            long off = heldAfter(topology, JournalSettings.builder().window(Duration.ofMillis(1)).build(), writes);
            long on = heldAfter(topology, JournalSettings.builder().window(Duration.ofMinutes(10))
                    .maxBytes(1L << 30).build(), writes);
            System.out.printf(Locale.ROOT, "[measure] failover journal: %d writes held %.1f MiB of heap, %d bytes a write"
                    + " (SET with a 16-byte key and value)%n", writes, (on - off) / 1048576.0, (on - off) / writes);
        }
    }

    private static long heldAfter(RedisTopology topology, JournalSettings settings, int writes) {
        try (ResilientRedis c = client(topology, settings)) {
            CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
            for (int i = 0; i < writes; i += WINDOW) {
                for (int j = 0; j < WINDOW; j++) {
                    window[j] = c.async().set(String.format(Locale.ROOT, "footprint:%07d", i + j), VALUE)
                            .toCompletableFuture();
                }
                CompletableFuture.allOf(window).join();
            }
            return usedAfterGc();
        }
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
