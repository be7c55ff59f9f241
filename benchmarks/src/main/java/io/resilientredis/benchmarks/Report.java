package io.resilientredis.benchmarks;

import io.resilientredis.benchmarks.bakeoff.BakeOff;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.openjdk.jmh.results.RunResult;

/** Collects the figures of one suite run and renders RESULTS.md. */
final class Report {

    record Figure(String benchmark, String method, int threads, String mode, double score, double error,
                  String unit) {
        String withError() {
            return Double.isNaN(error) || error == 0 ? fmt(score) + " (one sample, no error)"
                    : fmt(score) + " ± " + fmt(error);
        }
    }

    final boolean quick;
    final List<Figure> figures = new ArrayList<>();
    Suite.Machine machineBefore;
    Suite.Machine machineAfter;
    CpuPerCall.Result cpu;
    ReplayThroughput.Result replay;
    ReplayThroughput.Result replayLargeBatches;
    List<BakeOff.Result> bakeOff;
    /** The cluster bake-off's rows ({@code --bakeoff-shape cluster} or {@code all}); null when it did not run. */
    List<io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.Result> clusterBakeOff;
    int bakeOffRuns = 1;
    /** The load average (as /proc/loadavg has it) when each bake-off run started. */
    final List<String> bakeOffLoads = new ArrayList<>();
    double minutes;
    String finished;

    Report(boolean quick) {
        this.quick = quick;
    }

    void add(Collection<RunResult> results) {
        for (RunResult r : results) {
            String full = r.getParams().getBenchmark();
            int dot = full.lastIndexOf('.');
            String cls = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
            figures.add(new Figure(cls, full.substring(dot + 1), r.getParams().getThreads(),
                    r.getParams().getMode().shortLabel(), r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError(), r.getPrimaryResult().getScoreUnit()));
        }
    }

    private Figure find(String method, int threads) {
        for (Figure f : figures) {
            if (f.method.equals(method) && (threads < 0 || f.threads == threads)) {
                return f;
            }
        }
        return null;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# resilient-redis: benchmark and bake-off results\n\n");
        md.append("Written by `./benchmarks/run`").append(quick ? " **(quick mode: not the figures to quote)**" : "")
                .append(" on ").append(finished).append(", ").append(String.format(Locale.ROOT, "%.1f", minutes))
                .append(" minutes. Every figure below comes from this one run on this machine.\n\n");

        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| cores | ").append(machineBefore.cores()).append(" |\n");
        md.append("| memory | ").append(machineBefore.memoryMiB()).append(" MiB |\n");
        md.append("| load average (1/5/15 min, runnable/total, last pid) at start | `").append(machineBefore.load())
                .append("` |\n");
        md.append("| load average at end | `").append(machineAfter.load()).append("` |\n");
        md.append("| OS | ").append(machineBefore.os()).append(" |\n");
        md.append("| JVM | ").append(machineBefore.java()).append(" |\n");
        md.append("| Redis | redis-server ").append(replay == null ? "(see harness log)" : replay.redisVersion())
                .append(", started by the harness (`RedisTopology`) as real processes on 127.0.0.1 |\n\n");
        md.append("The machine has 2 cores shared with other jobs (the load average above shows how busy it "
                + "was): client, server, fault proxy and JMH all share them, so absolute figures are low and "
                + "noisy; ratios measured side by side in the same run are the meaningful part.\n\n");

        md.append("## Versions\n\n| library | version |\n|---|---|\n");
        Properties v = versions();
        for (String name : v.stringPropertyNames().stream().sorted().toList()) {
            md.append("| ").append(name).append(" | ").append(v.getProperty(name)).append(" |\n");
        }
        md.append("| resilient-redis | 0.1.0-SNAPSHOT (this commit) |\n\n");

        targets(md);
        jmh(md);
        cpu(md);
        replay(md);
        bakeOff(md);
        clusterBakeOff(md);
        analysis(md);
        return md.toString();
    }

    /** Hand-written reading of the figures, kept next to this file: benchmarks/ANALYSIS.md. */
    private static void analysis(StringBuilder md) {
        java.nio.file.Path notes = java.nio.file.Path.of("benchmarks/ANALYSIS.md");
        md.append("## Analysis\n\n");
        try {
            md.append(java.nio.file.Files.exists(notes) ? java.nio.file.Files.readString(notes)
                    : "(benchmarks/ANALYSIS.md is missing)\n");
        } catch (IOException e) {
            md.append("(cannot read ").append(notes).append(": ").append(e.getMessage()).append(")\n");
        }
    }

    private static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = Report.class.getResourceAsStream("/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            p.setProperty("versions", "unavailable: " + e.getMessage());
        }
        return p;
    }

    // ------------------------------------------------------------------ targets

    private void targets(StringBuilder md) {
        md.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (String op : new String[] {"get", "set"}) {
            for (int t : new int[] {1, 16}) {
                Figure ours = find(op + "AsyncResilient", t);
                Figure theirs = find(op + "AsyncRedisson", t);
                Figure matched = find(op + "AsyncRedissonMatched", t);
                if (ours != null && theirs != null) {
                    md.append("| facade async ").append(op.toUpperCase(Locale.ROOT)).append(", ").append(t)
                            .append(" thread(s): ≥ 95% of bare Redisson | ")
                            .append(overhead(ours, theirs, "defaults"));
                    if (matched != null) {
                        md.append("; ").append(overhead(ours, matched, "facade's settings"));
                    }
                    md.append(" | ").append(verdict(ours, theirs));
                    if (matched != null) {
                        md.append("; against the facade's settings: ").append(verdict(ours, matched));
                    }
                    md.append(" |\n");
                }
            }
        }
        cpuTargets(md);
        Figure ours = find("readResilient", -1);
        Figure def = find("readRedissonDefaults", -1);
        if (ours != null && def != null) {
            double oursMs = toMillis(ours);
            double defMs = toMillis(def);
            double ratio = defMs / oursMs;
            md.append("| read with every endpoint down ≥ 1,000× faster than Redisson defaults | ")
                    .append(fmt(ratio)).append("× (").append(fmt(oursMs * 1000)).append(" µs vs ")
                    .append(fmt(defMs)).append(" ms) | ").append(ratio >= 1000 ? "met" : "missed").append(" |\n");
        }
        Figure spill = find("threads64", -1);
        if (spill != null) {
            md.append("| ≥ 50,000 durable spill appends/s at 64 threads | ").append(spill.withError())
                    .append(" /s | ").append(spill.score >= 50_000 ? "met" : "missed by "
                            + pct(1 - spill.score / 50_000)).append(" |\n");
        }
        if (replay != null) {
            double ratio = replay.replayPerSecond() / replay.baselinePerSecond();
            md.append("| replay ≥ ¼ of pipelined SET (-P 16) throughput | ").append(pct(ratio)).append(" (")
                    .append(fmt(replay.replayPerSecond())).append(" vs ").append(fmt(replay.baselinePerSecond()))
                    .append(" writes/s, default batch size ").append(replay.batchSize()).append(")")
                    .append(replayLargeBatches == null ? "" : "; " + pct(replayLargeBatches.replayPerSecond()
                            / replayLargeBatches.baselinePerSecond()) + " with batch size " + replayLargeBatches.batchSize())
                    .append(" | ").append(ratio >= 0.25 ? "met" : "missed by " + pct(0.25 - ratio) + " (default batch)")
                    .append(" |\n");
        }
        if (bakeOff != null) {
            StringBuilder bad = new StringBuilder();
            for (BakeOff.Result r : bakeOff) {
                if (r.client().startsWith("ResilientRedis") && (r.lost() > 0 || r.duplicated() > 0 || r.errors() > 0)) {
                    bad.append(r.scenario().name()).append("/").append(r.client()).append(": lost ").append(r.lost())
                            .append(", duplicated ").append(r.duplicated()).append(", errors ").append(r.errors())
                            .append("; ");
                }
            }
            md.append("| bake-off: zero lost, zero duplicated, zero caller errors for ResilientRedis in every "
                    + "scenario | ").append(bad.length() == 0 ? "0 / 0 / 0 in every scenario" : bad).append(" | ")
                    .append(bad.length() == 0 ? "met" : "missed").append(" |\n");
        }
        md.append("\nWhere a target is missed, the sections below say by how much and why (see *Analysis*).\n\n");
    }

    /**
     * The facade's overhead from CPU per call (see {@link CpuPerCall}): per round, the other
     * client's CPU per call divided by ours is the throughput ratio a CPU-bound machine shows; the
     * verdict takes the median over the rounds and says when the rounds fall on both sides of 95%.
     */
    private void cpuTargets(StringBuilder md) {
        if (cpu == null) {
            return;
        }
        for (String op : new String[] {"get", "set"}) {
            CpuPerCall.Samples ours = cpu.get(op + "Resilient");
            md.append("| facade async ").append(op.toUpperCase(Locale.ROOT))
                    .append(": ≥ 95% of bare Redisson, judged by CPU per call (client + server) | ");
            StringBuilder verdicts = new StringBuilder();
            String[][] others = {{op + "Redisson", "defaults"}, {op + "RedissonMatched", "facade's settings"}};
            for (int i = 0; i < others.length; i++) {
                CpuPerCall.Samples theirs = cpu.get(others[i][0]);
                double[] paired = pairedRatios(ours, theirs);
                double median = CpuPerCall.median(paired);
                double lo = Arrays.stream(paired).min().orElse(Double.NaN);
                double hi = Arrays.stream(paired).max().orElse(Double.NaN);
                md.append(i == 0 ? "" : "; ").append(pct(median)).append(" vs ").append(others[i][1]).append(" (")
                        .append(fmt(ours.medianTotal() / 1000)).append(" vs ").append(fmt(theirs.medianTotal() / 1000))
                        .append(" µs CPU per call; rounds ").append(pct(lo)).append("–").append(pct(hi)).append(")");
                verdicts.append(i == 0 ? "" : "; against the facade's settings: ")
                        .append(median >= 0.95 ? "met" : "missed by " + pct(0.95 - median))
                        .append(lo < 0.95 && hi >= 0.95 ? " (rounds on both sides of 95%)" : "");
            }
            md.append(" | ").append(verdicts).append(" |\n");
        }
    }

    /** Per round: their CPU per call ÷ ours, i.e. our throughput as a share of theirs. */
    static double[] pairedRatios(CpuPerCall.Samples ours, CpuPerCall.Samples theirs) {
        double[] o = ours.totals();
        double[] t = theirs.totals();
        double[] r = new double[o.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = t[i] / o[i];
        }
        return r;
    }

    private static String overhead(Figure ours, Figure theirs, String label) {
        return pct(ours.score / theirs.score) + " vs " + label + " (" + fmt(ours.score) + " vs " + fmt(theirs.score)
                + " ops/s)";
    }

    /**
     * The 95% target judged with the error bars: met when even our lower bound reaches 95% of
     * their upper bound, missed when our upper bound stays below 95% of their lower bound, and
     * otherwise not resolved by this run (the scores alone then only say which way it leans).
     */
    static String verdict(Figure ours, Figure theirs) {
        double oursErr = Double.isNaN(ours.error) ? ours.score : ours.error;
        double theirsErr = Double.isNaN(theirs.error) ? theirs.score : theirs.error;
        if (ours.score - oursErr >= 0.95 * (theirs.score + theirsErr)) {
            return "met";
        }
        if (ours.score + oursErr < 0.95 * (theirs.score - theirsErr)) {
            return "missed by " + pct(0.95 - ours.score / theirs.score);
        }
        return (ours.score >= 0.95 * theirs.score ? "met" : "missed by " + pct(0.95 - ours.score / theirs.score))
                + " on the scores; the error bars overlap the 95% line: not resolved";
    }

    private static double toMillis(Figure f) {
        return switch (f.unit) {
            case "us/op" -> f.score / 1000;
            case "ns/op" -> f.score / 1e6;
            case "s/op" -> f.score * 1000;
            default -> f.score;
        };
    }

    // ------------------------------------------------------------------ JMH

    private void jmh(StringBuilder md) {
        if (figures.isEmpty()) {
            return;
        }
        md.append("## JMH benchmarks\n\n");
        md.append(quick ? "Quick mode: no warm-up, one 1 s iteration.\n\n"
                : "One fork, two 1 s warm-up iterations, " + Suite.MEASUREMENTS + " 1 s measurement "
                        + "iterations; the error is JMH's 99.9% confidence half-interval over the iterations.\n\n");
        md.append("### GET and SET: ResilientRedis vs bare Redisson (same server)\n\n");
        md.append("Sync = one call and wait. Async = ").append(ClientThroughputBenchmark.WINDOW)
                .append(" calls in flight per thread, then wait for all (one JMH operation per call). *Defaults* is "
                        + "bare Redisson with its shipped settings; *facade's settings* is bare Redisson configured "
                        + "as the facade configures its own client (async only), so the last column is the cost of "
                        + "the facade layer alone.\n\n");
        md.append("| operation | threads | ResilientRedis ops/s | bare Redisson, defaults | ratio "
                + "| bare Redisson, facade's settings | ratio |\n|---|---|---|---|---|---|---|\n");
        for (String op : new String[] {"getSync", "setSync", "getAsync", "setAsync"}) {
            for (int t : new int[] {1, 16}) {
                Figure ours = find(op + "Resilient", t);
                Figure theirs = find(op + "Redisson", t);
                Figure matched = find(op + "RedissonMatched", t);
                if (ours != null && theirs != null) {
                    md.append("| ").append(op).append(" | ").append(t).append(" | ").append(ours.withError())
                            .append(" | ").append(theirs.withError()).append(" | ").append(pct(ours.score / theirs.score))
                            .append(" | ").append(matched == null ? "—" : matched.withError()).append(" | ")
                            .append(matched == null ? "—" : pct(ours.score / matched.score)).append(" |\n");
                }
            }
        }
        md.append("\nWhat differs between the facade's Redisson client (configured by `RedissonBinding`) and "
                + "bare Redisson with defaults (plus a string codec): the facade sets "
                + "`retryAttempts 0`, `timeout` and `connectTimeout` 1 s (defaults 3 s / 10 s), "
                + "`lazyInitialization true`, `pingConnectionInterval 0` (default 30 s), "
                + "`connectionMinimumIdleSize 1` (default 24), and shares one Netty group of 4 threads and a "
                + "2-thread callback executor (defaults: 32 Netty threads, Redisson's own executor). Pool "
                + "size (64), codec and TCP settings are the same. The *facade's settings* client copies all "
                + "of these except lazy initialisation.\n\n");

        md.append("### The engine's own cost per call (no network)\n\n"
                + "`FailoverEngine` with one endpoint whose calls complete at once: what is timed is the "
                + "router lookup, breaker permit and outcome, retry and timeout policies and the write "
                + "receipt. The facade adds to this an id and an operation object per write.\n\n"
                + "| call | time per call |\n|---|---|\n");
        for (String[] m : new String[][] {{"read", "read"}, {"write", "write (receipt)"}}) {
            Figure f = find(m[0], -1);
            if (f != null) {
                md.append("| ").append(m[1]).append(" | ").append(f.withError()).append(" ").append(f.unit)
                        .append(" |\n");
            }
        }
        md.append('\n');

        md.append("### Exactly-once LPUSH vs plain LPUSH (1 thread, sync)\n\n| variant | ops/s |\n|---|---|\n");
        row(md, "lpushExactlyOnceResilient", "ResilientRedis `lpush` (Lua: marker SET + LPUSH)");
        row(md, "lpushPlainResilient", "ResilientRedis `execute(LPUSH).idempotent()` (no marker)");
        row(md, "lpushPlainRedisson", "bare Redisson `RDeque.addFirst` (LPUSH)");
        Figure once = find("lpushExactlyOnceResilient", -1);
        Figure plain = find("lpushPlainRedisson", -1);
        if (once != null && plain != null) {
            md.append("\nExactly-once LPUSH ran at ").append(pct(once.score / plain.score))
                    .append(" of plain LPUSH throughput through bare Redisson in this run.\n");
        }
        batches(md);
        md.append("\n### A read while every endpoint is down\n\n"
                + "The fault proxy in front of the only server is disabled (connection refused, open "
                + "connections closed). ResilientRedis: breaker already open, average time over many calls. "
                + "Redisson: each call takes up to seconds, so single-shot time: ")
                .append(quick ? "2" : "5").append(" single calls after ").append(quick ? "no" : "1")
                .append(" warm-up call.\n\n| client | time per failed read |\n|---|---|\n");
        for (String[] m : new String[][] {{"readResilient", "ResilientRedis (breaker open)"},
                {"readRedissonDefaults", "bare Redisson, defaults"},
                {"readRedissonTuned", "bare Redisson, `timeout 100`, `connectTimeout 100`, `retryAttempts 0`"}}) {
            Figure f = find(m[0], -1);
            if (f != null) {
                md.append("| ").append(m[1]).append(" | ").append(f.withError()).append(" ").append(f.unit)
                        .append(" |\n");
            }
        }
        md.append("\n### Durable spill appends (append + fsync'd group commit, 128-byte entries)\n\n"
                + "| threads | appends/s |\n|---|---|\n");
        for (String[] m : new String[][] {{"threads01", "1"}, {"threads08", "8"}, {"threads64", "64"}}) {
            Figure f = find(m[0], -1);
            if (f != null) {
                md.append("| ").append(m[1]).append(" | ").append(f.withError()).append(" |\n");
            }
        }
        md.append('\n');
    }

    /** {@link BatchBenchmark}: a batch of writes against as many single async writes. */
    private void batches(StringBuilder md) {
        if (find("setBatch", -1) == null && find("incrByBatch", -1) == null) {
            return;
        }
        md.append("\n### A batch of ").append(BatchBenchmark.WRITES).append(" writes vs ").append(BatchBenchmark.WRITES)
                .append(" single async writes (1 thread)\n\n")
                .append("`redis.batch()` filled with ").append(BatchBenchmark.WRITES).append(" writes and sent with "
                        + "`send()` (one pipeline, one engine call; every write of a batch goes through its marker), "
                        + "against ").append(BatchBenchmark.WRITES).append(" `async()` calls of the same client "
                        + "awaited together. A single SET is one plain call; INCRBY is exactly once both ways.\n\n")
                .append("| writes | batch, writes/s | single async, writes/s | batch / single |\n|---|---|---|---|\n");
        for (String[] m : new String[][] {{"set", "SET"}, {"incrBy", "INCRBY"}}) {
            Figure batch = find(m[0] + "Batch", -1);
            Figure single = find(m[0] + "Async", -1);
            if (batch != null && single != null) {
                md.append("| ").append(m[1]).append(" | ").append(batch.withError()).append(" | ")
                        .append(single.withError()).append(" | ").append(pct(batch.score / single.score)).append(" |\n");
            }
        }
    }

    private void row(StringBuilder md, String method, String label) {
        Figure f = find(method, -1);
        if (f != null) {
            md.append("| ").append(label).append(" | ").append(f.withError()).append(" |\n");
        }
    }

    // ------------------------------------------------------------------ CPU per call

    private void cpu(StringBuilder md) {
        if (cpu == null) {
            return;
        }
        md.append("## CPU per call: ResilientRedis vs bare Redisson\n\n");
        md.append("Throughput on this shared 2-core machine moves by tens of percent between iterations, because "
                + "other jobs take CPU at random; the CPU a call costs does not. When client and server are "
                + "CPU-bound on the same cores, throughput is cores ÷ CPU per call, so the ratio of CPU per call is "
                + "the throughput ratio without that noise. Client: this JVM's process CPU time (every thread: "
                + "Netty, callbacks, GC, JIT); server: redis-server's `used_cpu_sys + used_cpu_user`. ")
                .append(CpuPerCall.THREADS).append(" threads issue windows of ").append(CpuPerCall.WINDOW)
                .append(" async calls; after a warm-up of every variant, ").append(cpu.rounds()).append(" rounds of ")
                .append(String.format(Locale.ROOT, "%,d", cpu.callsPerRound()))
                .append(" calls per variant, the variants in shuffled order each round. Medians over the rounds, "
                        + "with the lowest and highest round.\n\n");
        md.append("| variant | client ns/call | server ns/call | total ns/call (lowest–highest round) |\n|---|---|---|---|\n");
        for (CpuPerCall.Samples s : cpu.samples()) {
            double[] range = s.range();
            md.append("| ").append(label(s.variant())).append(" | ").append(fmt(s.medianClient())).append(" | ")
                    .append(fmt(s.medianServer())).append(" | ").append(fmt(s.medianTotal())).append(" (")
                    .append(fmt(range[0])).append("–").append(fmt(range[1])).append(") |\n");
        }
        md.append('\n');
    }

    private static String label(String variant) {
        String op = variant.startsWith("get") ? "GET" : "SET";
        if (variant.endsWith("Resilient")) {
            return "ResilientRedis async " + op;
        }
        return "bare Redisson async " + op + (variant.endsWith("Matched") ? ", facade's settings" : ", defaults");
    }

    // ------------------------------------------------------------------ replay

    private void replay(StringBuilder md) {
        if (replay == null) {
            return;
        }
        md.append("## Replay\n\n");
        md.append("A backlog of ").append(String.format(Locale.ROOT, "%,d", replay.backlog()))
                .append(" SETs (").append(ReplayThroughput.KEYSPACE).append(" keys, ")
                .append(ReplayThroughput.VALUE_BYTES).append("-byte values, redis-benchmark's defaults) spilled "
                        + "with maintenance mode on, then drained with maintenance off; batch size ")
                .append(replay.batchSize()).append(", the replay rate limit lifted (`maxWritesPerSecond(0)`; the "
                        + "default caps replay at 50,000 writes/s so a recovering Redis is not flooded). One run "
                        + "each, so no error bar.\n\n");
        md.append("| | writes/s |\n|---|---|\n");
        md.append("| spilling the backlog (async SETs, 20,000 in flight) | ").append(fmt(replay.fillPerSecond()))
                .append(" |\n");
        md.append("| replay drain | ").append(fmt(replay.replayPerSecond())).append(" |\n");
        md.append("| baseline: ").append(replay.baselineTool()).append(" | ").append(fmt(replay.baselinePerSecond()))
                .append(" |\n");
        md.append("| **ratio replay / baseline** | **").append(pct(replay.replayPerSecond() / replay.baselinePerSecond()))
                .append("** |\n");
        if (replayLargeBatches != null) {
            md.append("| same backlog, batch size ").append(replayLargeBatches.batchSize()).append(": replay drain | ")
                    .append(fmt(replayLargeBatches.replayPerSecond())).append(" |\n");
            md.append("| baseline, second run | ").append(fmt(replayLargeBatches.baselinePerSecond())).append(" |\n");
            md.append("| **ratio with batch size ").append(replayLargeBatches.batchSize()).append("** | **")
                    .append(pct(replayLargeBatches.replayPerSecond() / replayLargeBatches.baselinePerSecond()))
                    .append("** |\n");
        }
        md.append('\n');
        if (replay.baselineTool().startsWith("redis-benchmark")) {
            md.append("The baseline is `redis-benchmark` from PATH (on Debian, package `redis-tools`), run as "
                    + "`redis-benchmark -P 16 -t set -n <backlog> -r ").append(ReplayThroughput.KEYSPACE)
                    .append(" -d ").append(ReplayThroughput.VALUE_BYTES)
                    .append(" -q` (its default 50 connections) against the same server right after the drain.");
        } else {
            md.append("`redis-benchmark` was not on PATH (it is not in the embedded-redis jar; on Debian it is "
                    + "package `redis-tools`), so the baseline is our own loader: raw sockets, 50 connections like "
                    + "redis-benchmark's default, 16 SETs pipelined per round trip, same keys and value size.");
        }
        md.append(" After the drain the server held ").append(replay.keysAfterReplay()).append(" keys.\n\n");
    }

    // ------------------------------------------------------------------ bake-off

    private void clusterBakeOff(StringBuilder md) {
        if (clusterBakeOff == null) {
            return;
        }
        md.append("## Cluster bake-off\n\n");
        md.append("Each row is a fresh Redis Cluster (").append(io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.SHARDS)
                .append(" masters, one replica each, `appendonly yes` with `appendfsync always`) with a proxy in front "
                        + "of every node; each client in its cluster mode maps the announced node addresses to the "
                        + "proxies. ").append(io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.WRITERS_PER_SHARD)
                .append(" writers per shard push their own sequence at 200 writes/s each, retrying a failed call "
                        + "after 100 ms, as in the bake-off above. Shard ")
                .append(io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.FAULTED)
                .append(" is hit: its master SIGKILLed (the cluster promotes its replica), or every node of it "
                        + "SIGKILLed and restarted after 15 s. **other shards** are the writers of the shards the fault "
                        + "did not hit: what they got from the fault on, and their p99 then against their own calm "
                        + "p99 before it (raw / corrected for coordinated omission). resilient-redis runs its cluster "
                        + "endpoint with a spill directory (a spill lane per shard): a spilled write is a success for "
                        + "the caller (receipt `SPILLED`, durably stored), replayed once its shard is back, before the "
                        + "lists are compared.\n\n");
        md.append("| scenario | client | attempts | errors | acked | lost | dup | applied, unacked | faulted shard "
                + "p99 ms (corr.) | faulted shard stall ms | other shards after fault: acked / errors / stall ms | "
                + "other shards p99 ms calm → fault | corrected calm → fault |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.Result r : clusterBakeOff) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %d | %.1f (%.1f) | %.0f | %d / %d / "
                            + "%.0f | %.1f → %.1f | %.1f → %.1f |\n", r.scenario().title, r.client(), r.attempts(),
                    r.errors(), r.acknowledged(), r.lost(), r.duplicated(), r.appliedUnacknowledged(), r.faultedP99(),
                    r.faultedCorrectedP99(), r.faultedStallMillis(), r.otherAcknowledgedAfterFault(),
                    r.otherErrorsAfterFault(), r.otherStallMillis(), r.otherCalmP99(), r.otherFaultP99(),
                    r.otherCalmCorrectedP99(), r.otherFaultCorrectedP99()));
        }
        md.append("\nNotes:\n\n");
        for (io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.Result r : clusterBakeOff) {
            md.append("- ").append(r.scenario().title).append(" / ").append(r.client()).append(": ")
                    .append(r.note().isBlank() ? "-" : r.note()).append("\n");
        }
        md.append("\nConfigurations: ");
        clusterBakeOff.stream().map(r -> r.client() + ": " + r.configuration()).distinct()
                .forEach(c -> md.append("\n- ").append(c));
        md.append("\n\n");
    }

    private void bakeOff(StringBuilder md) {
        if (bakeOff == null) {
            return;
        }
        md.append("## Failover bake-off\n\n");
        md.append("Each row is a fresh topology with a Toxiproxy-compatible proxy in front of every node (client "
                + "traffic only; replication and Sentinel traffic are direct). ").append(BakeOff.WRITERS)
                .append(" writer threads push their own sequence (`RPUSH writer:<n> <seq>`) at 200 writes/s each; "
                        + "a failed call is retried with the same sequence number after 100 ms, as a caller that "
                        + "must not drop data does. Phases: ").append(quick ? "quick lengths" : "3 s of load, the "
                        + "fault (master SIGKILL and wait for Sentinel's promotion; 20 s full outage; 10 s of 4 s "
                        + "reply latency on the master's proxy), 12 s of load after it")
                .append(". Then pending writes are allowed to drain and Redis's lists are compared with what "
                        + "the callers were told.\n\n");
        md.append("- **errors**: failed calls the caller saw (each retry counts);\n"
                + "- **lost**: acknowledged writes absent from Redis at the end;\n"
                + "- **duplicated**: extra copies of a sequence number in Redis;\n"
                + "- **applied, unacked**: writes in Redis whose every call failed for the caller (an outcome "
                + "the caller could not know);\n"
                + "- **p99 / max**: latency of every call, failed ones included, corrected and raw (below);\n"
                + "- **stall**: the longest time from the fault on with no successful write (time until writes "
                + "succeed again). For ResilientRedis a spilled write is a success for the caller (receipt "
                + "`SPILLED`, durably stored, replayed later).\n\n");
        md.append(bakeOffRuns > 1 ? "The whole bake-off ran " + bakeOffRuns + " times, each row on a fresh topology "
                + "every time. Counts are given run by run (`a / b / c`); latencies and stalls as the median over the "
                + "runs with the lowest and highest run in brackets.\n\n" : "One run, so no spread.\n\n");
        if (!bakeOffLoads.isEmpty()) {
            md.append("Load average (1/5/15 min) at the start of each run: ")
                    .append(String.join("; ", bakeOffLoads.stream().map(l -> "`" + l + "`").toList())).append(".\n\n");
        }
        md.append("Latency comes in two views, both from HdrHistogram: **raw** from a call's send to its return "
                + "(what the client takes per call), and **corrected** for coordinated omission: from when the "
                + "writer's schedule (one write every 5 ms) wanted the call to start, plus, when a blocked or "
                + "backing-off writer fell more than 1 s behind, one entry for every write it skipped (each would "
                + "have waited until the writer got through). Corrected is what a service producing writes at that "
                + "rate would see; it is the view the README quotes.\n\n");
        for (BakeOff.Scenario s : BakeOff.Scenario.values()) {
            md.append("### ").append(title(s)).append("\n\n");
            md.append("| client | attempts | errors | acked | lost | duplicated | applied, unacked | p99 ms corrected "
                    + "| p99 ms raw | max ms corrected | max ms raw | stall ms |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            java.util.Map<String, List<BakeOff.Result>> rows = byClient(s);
            for (java.util.Map.Entry<String, List<BakeOff.Result>> row : rows.entrySet()) {
                List<BakeOff.Result> rs = row.getValue();
                md.append("| ").append(row.getKey())
                        .append(" | ").append(runs(rs, BakeOff.Result::attempts))
                        .append(" | ").append(runs(rs, BakeOff.Result::errors))
                        .append(" | ").append(runs(rs, BakeOff.Result::acknowledged))
                        .append(" | ").append(runs(rs, BakeOff.Result::lost))
                        .append(" | ").append(runs(rs, BakeOff.Result::duplicated))
                        .append(" | ").append(runs(rs, BakeOff.Result::appliedUnacknowledged))
                        .append(" | ").append(spread(rs, BakeOff.Result::correctedP99Millis))
                        .append(" | ").append(spread(rs, BakeOff.Result::p99Millis))
                        .append(" | ").append(spread(rs, BakeOff.Result::correctedMaxMillis))
                        .append(" | ").append(spread(rs, BakeOff.Result::maxMillis))
                        .append(" | ").append(spread(rs, BakeOff.Result::stallMillis)).append(" |\n");
            }
            md.append("\nNotes:\n\n");
            for (java.util.Map.Entry<String, List<BakeOff.Result>> row : rows.entrySet()) {
                java.util.Set<String> notes = new java.util.LinkedHashSet<>();
                List<BakeOff.Result> rs = row.getValue();
                for (int i = 0; i < rs.size(); i++) {
                    String note = rs.get(i).note() == null ? "" : rs.get(i).note().strip().replaceAll(";$", "");
                    if (!note.isBlank()) {
                        notes.add((rs.size() > 1 ? "run " + (i + 1) + ": " : "") + note.replace("|", "/"));
                    }
                }
                if (!notes.isEmpty()) {
                    md.append("- ").append(row.getKey()).append(": ").append(String.join("; ", notes)).append('\n');
                }
            }
            md.append('\n');
        }
        md.append("### How each client was configured\n\n");
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (BakeOff.Result r : bakeOff) {
            if (seen.add(r.client())) {
                md.append("- **").append(r.client()).append("**: ").append(r.configuration()).append('\n');
            }
        }
        md.append("\nThe Sentinel-group rows (Redisson, Lettuce master/replica, Jedis RedisSentinelClient, "
                + "ResilientRedis on the group) share one shape: a master, one replica, three Sentinels (quorum 2, "
                + "down-after 1 s). The two-deployment rows (Jedis and Lettuce `MultiDbClient`, ResilientRedis "
                + "with a standby) run on a standalone primary plus a Sentinel-managed standby group, the shape a "
                + "multi-endpoint client is for; in the latency scenario only the primary is slowed there. Neither "
                + "`MultiDbClient` is used for the master-kill scenario: both take fixed endpoints and do not "
                + "follow a Sentinel promotion, so each library's own Sentinel client stands in.\n\n");
    }

    /** One scenario's results, per client in the order they ran, each client's runs in order. */
    private java.util.Map<String, List<BakeOff.Result>> byClient(BakeOff.Scenario s) {
        java.util.Map<String, List<BakeOff.Result>> rows = new java.util.LinkedHashMap<>();
        for (BakeOff.Result r : bakeOff) {
            if (r.scenario() == s) {
                rows.computeIfAbsent(r.client(), k -> new ArrayList<>()).add(r);
            }
        }
        return rows;
    }

    /** A count run by run: {@code 4}, or {@code 4 / 0 / 12}. */
    static String runs(List<BakeOff.Result> rs, java.util.function.ToLongFunction<BakeOff.Result> f) {
        return String.join(" / ", rs.stream().map(r -> Long.toString(f.applyAsLong(r))).toList());
    }

    /** A figure over the runs: the value, or the median with the lowest and highest run in brackets. */
    static String spread(List<BakeOff.Result> rs, java.util.function.ToDoubleFunction<BakeOff.Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 1) {
            return fmt(v[0]);
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return fmt(median) + " (" + fmt(v[0]) + "–" + fmt(v[v.length - 1]) + ")";
    }

    private static String title(BakeOff.Scenario s) {
        return switch (s) {
            case MASTER_KILLED -> "Sentinel master killed under load";
            case FULL_OUTAGE -> "Full outage";
            case LATENCY -> "Latency above the timeout";
        };
    }
}
