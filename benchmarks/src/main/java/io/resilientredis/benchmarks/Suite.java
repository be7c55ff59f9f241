package io.resilientredis.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark and the bake-off, then writes RESULTS.md.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.resilientredis.benchmarks.Suite [--quick] [--out FILE] [--skip jmh,cpu,replay,bakeoff] [--bakeoff-runs N] [--bakeoff-shape sentinel|cluster|all]
 * </pre>
 *
 * {@code --bakeoff-shape} picks the bake-off's deployments: {@code sentinel} (the default: the Sentinel group and
 * the two-deployment shape), {@code cluster} (the cluster bake-off, {@link io.resilientredis.benchmarks.bakeoff.ClusterBakeOff},
 * instead), or {@code all} (both).
 */
public final class Suite {

    private Suite() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("benchmarks/RESULTS.md");
        List<String> skip = new ArrayList<>();
        int bakeOffRuns = 1;
        String bakeOffShape = "sentinel";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--skip" -> skip.addAll(List.of(args[++i].split(",")));
                case "--bakeoff-runs" -> bakeOffRuns = Integer.parseInt(args[++i]);
                case "--bakeoff-shape" -> {
                    bakeOffShape = args[++i];
                    if (!List.of("sentinel", "cluster", "all").contains(bakeOffShape)) {
                        throw new IllegalArgumentException("--bakeoff-shape is sentinel, cluster or all, got "
                                + bakeOffShape);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: Suite [--quick] [--out FILE] [--skip jmh,cpu,replay,bakeoff] [--bakeoff-runs N] "
                        + "[--bakeoff-shape sentinel|cluster|all]");
            }
        }
        Report report = new Report(quick);
        report.machineBefore = Machine.describe();
        long start = System.nanoTime();
        if (!skip.contains("jmh")) {
            runJmh(report, quick);
        }
        if (!skip.contains("cpu")) {
            report.cpu = CpuPerCall.run(quick ? 2 : 9, quick ? 20_000 : 100_000);
        }
        if (!skip.contains("replay")) {
            long backlog = quick ? 100_000 : 1_000_000;
            report.replay = ReplayThroughput.run(backlog, backlog, io.resilientredis.failover.ReplaySettings.defaults().batchSize());
            report.replayLargeBatches = ReplayThroughput.run(backlog, backlog, 5_000);
        }
        if (!skip.contains("bakeoff")) {
            // Several runs of the whole bake-off give each figure a spread (RESULTS.md: median, lowest-highest).
            io.resilientredis.benchmarks.bakeoff.BakeOff bakeOff = new io.resilientredis.benchmarks.bakeoff.BakeOff(quick
                    ? io.resilientredis.benchmarks.bakeoff.BakeOff.Timing.quick()
                    : io.resilientredis.benchmarks.bakeoff.BakeOff.Timing.full());
            boolean sentinelShapes = !bakeOffShape.equals("cluster");
            boolean cluster = !bakeOffShape.equals("sentinel");
            io.resilientredis.benchmarks.bakeoff.ClusterBakeOff clusterBakeOff =
                    new io.resilientredis.benchmarks.bakeoff.ClusterBakeOff(quick
                            ? io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.Timing.quick()
                            : io.resilientredis.benchmarks.bakeoff.ClusterBakeOff.Timing.full());
            report.bakeOff = sentinelShapes ? new ArrayList<>() : null;
            report.clusterBakeOff = cluster ? new ArrayList<>() : null;
            report.bakeOffRuns = 0;
            for (int run = 0; run < bakeOffRuns; run++) {
                String load = Machine.describe().load();
                System.out.printf("[suite] bake-off run %d of %d, load average %s%n", run + 1, bakeOffRuns, load);
                report.bakeOffLoads.add(load);
                if (sentinelShapes) {
                    report.bakeOff.addAll(bakeOff.runAll());
                }
                if (cluster) {
                    report.clusterBakeOff.addAll(clusterBakeOff.runAll());
                }
                report.bakeOffRuns++;
                if (run + 1 < bakeOffRuns) {
                    // The runs so far, in case the rest is cut short.
                    write(report, out, start);
                }
            }
        }
        write(report, out, start);
    }

    private static void write(Report report, Path out, long start) throws IOException {
        report.machineAfter = Machine.describe();
        report.minutes = (System.nanoTime() - start) / 60e9;
        report.finished = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String md = report.markdown();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println("[suite] wrote " + out.toAbsolutePath() + " after " + String.format(Locale.ROOT, "%.1f", report.minutes)
                + " min");
    }

    /**
     * Measurement iterations of a full run. Ten 1 s iterations rather than three longer ones: JMH's
     * 99.9% interval uses Student's t, which is 31.6 for three samples and 4.8 for ten, so the same
     * spread gives error bars about twelve times narrower for the same time spent.
     */
    static final int MEASUREMENTS = 10;

    private static ChainedOptionsBuilder base(boolean quick, String include) {
        ChainedOptionsBuilder b = new OptionsBuilder().include(include).forks(1).shouldFailOnError(true);
        if (quick) {
            b.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.seconds(1));
        } else {
            b.warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(MEASUREMENTS).measurementTime(TimeValue.seconds(1));
        }
        return b;
    }

    private static void runJmh(Report report, boolean quick) throws RunnerException {
        String throughput = ClientThroughputBenchmark.class.getSimpleName();
        for (int threads : new int[] {1, 16}) {
            report.add(run(base(quick, throughput).threads(threads)));
        }
        report.add(run(base(quick, EngineDispatchBenchmark.class.getSimpleName()).threads(1)
                .mode(Mode.AverageTime).timeUnit(TimeUnit.NANOSECONDS)));
        report.add(run(base(quick, ExactlyOnceBenchmark.class.getSimpleName()).threads(1)));
        report.add(run(base(quick, BatchBenchmark.class.getSimpleName()).threads(1)));
        String journal = JournalCostBenchmark.class.getSimpleName();
        report.add(run(base(quick, journal).threads(1)));
        report.add(run(base(quick, journal + ".setSync").threads(1).mode(Mode.SampleTime)
                .timeUnit(TimeUnit.MICROSECONDS)));
        String outage = OutageReadBenchmark.class.getSimpleName();
        report.add(run(base(quick, outage + ".readResilient").threads(1)));
        report.add(run(new OptionsBuilder().include(outage + ".readRedisson.*").forks(1).threads(1)
                .mode(Mode.SingleShotTime).timeUnit(TimeUnit.MILLISECONDS)
                .warmupIterations(quick ? 0 : 1).measurementIterations(quick ? 2 : 5).shouldFailOnError(true)));
        ChainedOptionsBuilder spill = new OptionsBuilder().include(SpillAppendBenchmark.class.getSimpleName())
                .forks(1).shouldFailOnError(true);
        if (quick) {
            spill.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.seconds(2));
        } else {
            spill.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(MEASUREMENTS)
                    .measurementTime(TimeValue.seconds(1));
        }
        report.add(run(spill));
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }

    /** Machine facts for the report. */
    record Machine(int cores, long memoryMiB, String load, String os, String java) {
        static Machine describe() {
            long mem = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        mem = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                mem = Runtime.getRuntime().maxMemory() / (1 << 20);
            }
            String load;
            try {
                load = Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (IOException e) {
                load = "unknown";
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), mem, load,
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        }
    }
}
