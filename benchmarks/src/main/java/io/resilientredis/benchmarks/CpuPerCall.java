package io.resilientredis.benchmarks;

import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.AsyncRedis;
import io.resilientredis.client.ResilientRedis;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * CPU time per call, client and server together, for async GET and SET through ResilientRedis and
 * through bare Redisson (defaults, and configured like the facade's own client).
 *
 * <p>Why this and not only throughput: on a shared 2-core machine other jobs take CPU at random,
 * so throughput moves by tens of percent between iterations, far more than the 5% we want to
 * resolve. The CPU a call costs does not depend on how much CPU others take. When client and
 * server are CPU-bound on the same cores, throughput is cores ÷ CPU per call, so the ratio of CPU
 * per call is the throughput ratio such a machine would show without the noise. Client CPU is
 * this JVM's process CPU time (all its threads: Netty, callbacks, GC, JIT); server CPU is
 * redis-server's {@code used_cpu_sys + used_cpu_user}. Variants run interleaved in shuffled order,
 * round after round, so slow drifts of the machine fall on all of them alike.
 */
final class CpuPerCall {

    static final int WINDOW = ClientThroughputBenchmark.WINDOW;
    static final int THREADS = 2;

    /** One variant's samples, in nanoseconds of CPU per call. */
    record Samples(String variant, double[] clientNs, double[] serverNs) {
        /** Client plus server CPU per call, one value per round. */
        double[] totals() {
            double[] t = new double[clientNs.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = clientNs[i] + serverNs[i];
            }
            return t;
        }

        double medianTotal() {
            return median(totals());
        }

        double medianClient() {
            return median(clientNs);
        }

        double medianServer() {
            return median(serverNs);
        }

        /** Smallest and largest total across the rounds. */
        double[] range() {
            double[] t = totals();
            return new double[] {Arrays.stream(t).min().orElse(Double.NaN), Arrays.stream(t).max().orElse(Double.NaN)};
        }
    }

    /** Result: the variants in a fixed order, and the settings of the run. */
    record Result(List<Samples> samples, int rounds, int callsPerRound) {
        Samples get(String variant) {
            for (Samples s : samples) {
                if (s.variant.equals(variant)) {
                    return s;
                }
            }
            return null;
        }
    }

    private CpuPerCall() {
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static Result run(int rounds, int callsPerRound) throws Exception {
        try (BenchRedis.Standalone redis = BenchRedis.standalone()) {
            ResilientRedis resilient = redis.resilient();
            RedissonClient matched = redis.matchedRedisson();
            RedissonClient defaults = redis.bareRedisson();
            AsyncRedis async = resilient.async();
            String key = "bench:key";
            String value = "0123456789abcdef";
            resilient.set(key, value);
            Map<String, Supplier<CompletionStage<?>>> variants = new LinkedHashMap<>();
            variants.put("getResilient", () -> async.get(key));
            variants.put("getRedissonMatched", () -> matched.<String>getBucket(key, StringCodec.INSTANCE).getAsync());
            variants.put("getRedisson", () -> defaults.<String>getBucket(key, StringCodec.INSTANCE).getAsync());
            variants.put("setResilient", () -> async.set(key, value));
            variants.put("setRedissonMatched", () -> matched.<String>getBucket(key, StringCodec.INSTANCE).setAsync(value));
            variants.put("setRedisson", () -> defaults.<String>getBucket(key, StringCodec.INSTANCE).setAsync(value));
            for (Supplier<CompletionStage<?>> v : variants.values()) {
                drive(v, callsPerRound); // warm-up: JIT, connection pools
            }
            Map<String, double[][]> raw = new LinkedHashMap<>();
            variants.keySet().forEach(k -> raw.put(k, new double[2][rounds]));
            List<String> order = new ArrayList<>(variants.keySet());
            Random random = new Random(42);
            for (int r = 0; r < rounds; r++) {
                Collections.shuffle(order, random);
                for (String name : order) {
                    double[] cost = measure(redis.server(), variants.get(name), callsPerRound);
                    raw.get(name)[0][r] = cost[0];
                    raw.get(name)[1][r] = cost[1];
                }
                System.out.println("[cpu] round " + (r + 1) + " of " + rounds + " done");
            }
            List<Samples> samples = new ArrayList<>();
            raw.forEach((k, v) -> samples.add(new Samples(k, v[0], v[1])));
            return new Result(samples, rounds, callsPerRound);
        }
    }

    /** @return {client ns per call, server ns per call} */
    private static double[] measure(RedisNode server, Supplier<CompletionStage<?>> call, int calls) throws Exception {
        double serverBefore = serverCpuSeconds(server);
        long clientBefore = processCpuNanos();
        drive(call, calls);
        long clientAfter = processCpuNanos();
        double serverAfter = serverCpuSeconds(server);
        return new double[] {(clientAfter - clientBefore) / (double) calls, (serverAfter - serverBefore) * 1e9 / calls};
    }

    /** {@link #THREADS} threads, each issuing windows of {@link #WINDOW} calls and waiting for each window. */
    private static void drive(Supplier<CompletionStage<?>> call, int calls) throws InterruptedException {
        Thread[] threads = new Thread[THREADS];
        int perThread = calls / THREADS;
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < THREADS; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int done = 0; done < perThread; done += WINDOW) {
                        CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
                        for (int i = 0; i < WINDOW; i++) {
                            window[i] = call.get().toCompletableFuture();
                        }
                        CompletableFuture.allOf(window).join();
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "cpu-per-call-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("a call failed while measuring CPU per call", failure[0]);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** redis-server's own CPU time (system + user), from {@code INFO cpu}. */
    static double serverCpuSeconds(RedisNode server) throws IOException {
        try (RespConnection c = server.connect(Duration.ofSeconds(5))) {
            return parseCpuSeconds(c.callString("INFO", "cpu"));
        }
    }

    static double parseCpuSeconds(String info) {
        double total = 0;
        int found = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                found++;
            }
        }
        if (found != 2) {
            throw new IllegalStateException("INFO cpu has no used_cpu_sys/used_cpu_user: " + info);
        }
        return total;
    }
}
