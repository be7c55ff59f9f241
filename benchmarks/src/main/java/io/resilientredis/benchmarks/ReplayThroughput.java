package io.resilientredis.benchmarks;

import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.AsyncRedis;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Replay throughput: fills the spill store with {@code backlog} SETs (maintenance mode on, so every
 * write is spilled), switches maintenance off and times the drain to an empty store; then, on the
 * same server, the pipelined SET baseline ({@code redis-benchmark -P 16 -t set} when on PATH, else
 * {@link PipelinedSetLoader}) with the same key space and value size.
 */
final class ReplayThroughput {

    static final int KEYSPACE = 100_000;
    static final int VALUE_BYTES = 3; // redis-benchmark's default -d

    record Result(long backlog, double fillPerSecond, double replayPerSecond, double baselinePerSecond,
                  String baselineTool, int batchSize, long keysAfterReplay, String redisVersion) {
    }

    private ReplayThroughput() {
    }

    /** @return SETs per second from redis-benchmark on PATH, or null when it is not there */
    private static Double redisBenchmark(int port, long ops) {
        Process p;
        try {
            p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-P", "16",
                    "-t", "set", "-n", Long.toString(ops), "-r", Integer.toString(KEYSPACE), "-d",
                    Integer.toString(VALUE_BYTES), "-q").redirectErrorStream(true).start();
        } catch (IOException notOnPath) {
            return null;
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.MINUTES);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("SET: ([0-9.]+) requests per second")
                    .matcher(out);
            return m.find() ? Double.valueOf(m.group(1)) : null;
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            return null;
        }
    }

    static Result run(long backlog, long baselineOps, int batchSize) throws IOException {
        Path dir = Files.createTempDirectory("replay-bench-");
        ReplaySettings replay = ReplaySettings.builder().maxWritesPerSecond(0).batchSize(batchSize).build();
        try (RedisTopology topology = RedisTopology.standalone().start()) {
            double fill;
            double drain;
            long keys;
            try (ResilientRedis redis = ResilientRedis.builder()
                    .primary(RedisEndpoint.standalone(BenchRedis.url(topology.primary())))
                    .spill(SpillStoreConfig.builder(dir.resolve("store")).maxEntries(backlog * 2)
                            .maxBytes(Long.MAX_VALUE).build())
                    .replay(replay)
                    .build()) {
                redis.maintenance(true);
                AsyncRedis async = redis.async();
                Semaphore window = new Semaphore(20_000);
                String value = "x".repeat(VALUE_BYTES);
                long t0 = System.nanoTime();
                for (long i = 0; i < backlog; i++) {
                    window.acquireUninterruptibly();
                    async.set("key:" + (i % KEYSPACE), value).whenComplete((r, f) -> window.release());
                }
                window.acquireUninterruptibly(20_000);
                fill = backlog / ((System.nanoTime() - t0) / 1e9);
                SpillStatus s = redis.status().spill();
                if (s.depth() != backlog) {
                    throw new IllegalStateException("expected a backlog of " + backlog + ", spill status " + s);
                }
                System.out.printf("[replay] spilled %d SETs at %.0f/s; draining%n", backlog, fill);
                long t1 = System.nanoTime();
                redis.maintenance(false);
                long deadline = t1 + TimeUnit.MINUTES.toNanos(10);
                while (redis.status().spill().depth() > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("replay did not finish in 10 minutes: " + redis.status().spill());
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                drain = backlog / ((System.nanoTime() - t1) / 1e9);
                try (RespConnection c = topology.primary().connect(Duration.ofSeconds(5))) {
                    keys = (Long) c.call("DBSIZE");
                }
                System.out.printf("[replay] drained at %.0f writes/s; %d keys%n", drain, keys);
            }
            try (RespConnection c = topology.primary().connect(Duration.ofSeconds(5))) {
                c.call("FLUSHALL");
            }
            String tool = "PipelinedSetLoader (our raw-socket stand-in: 50 connections, 16-deep pipeline)";
            Double measured = redisBenchmark(topology.primary().port(), baselineOps);
            double baseline;
            if (measured != null) {
                baseline = measured;
                tool = "redis-benchmark -P 16 -t set (from PATH)";
            } else {
                baseline = PipelinedSetLoader.run("127.0.0.1", topology.primary().port(), 50, 16, baselineOps,
                        KEYSPACE, VALUE_BYTES);
            }
            System.out.printf("[replay] pipelined SET baseline %.0f/s%n", baseline);
            return new Result(backlog, fill, drain, baseline, tool,
                    replay.batchSize(), keys, topology.serverVersion());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
