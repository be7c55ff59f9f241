package io.resilientredis.chaos.drill;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ClientStatus;
import io.resilientredis.client.LaneStatus;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The outage drill: starts a Sentinel group and a standby deployment behind the embedded fault proxy
 * (or uses the user's own Redis), runs a {@link Workload} through {@link ResilientRedis} while a
 * {@link Scenario}'s fault timeline plays, waits for the spill store to drain, checks the history against
 * Redis with the {@link HistoryChecker}, and writes a text and an HTML report.
 *
 * <pre>{@code
 * DrillResult result = Drill.builder().duration(Duration.ofSeconds(60)).scenario("outage").build().run();
 * System.exit(result.exitCode());
 * }</pre>
 */
public final class Drill {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);

    private final Duration duration;
    private final Scenario scenario;
    private final int rate;
    private final int writers;
    private final int readers;
    private final Path reportDir;
    private final RedisEndpoint primary;
    private final RedisEndpoint standby;
    private final PrintStream out;
    private final boolean tty;
    private final Duration timeout;
    private final Duration drainTimeout;
    private final int metricsPort;
    private final Durability durability;
    private final long seed;
    private final Path runDir;
    private final DrillShape shape;

    private Drill(Builder b) {
        this.shape = b.shape;
        this.seed = b.seed != null ? b.seed : new java.util.SplittableRandom().nextLong();
        this.runDir = b.runDir;
        this.durability = b.durability;
        this.duration = b.duration;
        this.scenario = Scenario.named(b.scenario, b.shape);
        this.rate = b.rate;
        this.writers = b.writers;
        this.readers = b.readers;
        this.reportDir = b.reportDir;
        this.primary = b.primary;
        this.standby = b.standby;
        this.out = b.out;
        this.tty = b.tty;
        this.timeout = b.timeout;
        this.drainTimeout = b.drainTimeout;
        this.metricsPort = b.metricsPort;
    }

    /** @return a builder with the defaults: 60 s, scenario {@code outage}, 200 writes/s, embedded topology */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the drill and writes its reports.
     *
     * @return the result; {@link DrillResult#exitCode()} is non-zero when anything was lost or duplicated
     * @throws IllegalStateException when the drill cannot run (the topology does not start, a deployment
     *     cannot be read afterwards)
     */
    public DrillResult run() {
        String stamp = LocalDateTime.now().format(STAMP);
        Path runDir = this.runDir != null ? this.runDir : createRunDir(reportDir);
        Progress progress = new Progress(out, tty);
        boolean embedded = primary == null;
        ChaosTopology chaos = null;
        try {
            RedisEndpoint primaryEndpoint;
            RedisEndpoint standbyEndpoint;
            String topology;
            if (embedded && shape == DrillShape.CLUSTER) {
                progress.line("Starting a Redis Cluster (3 shards, each a master and 2 replicas, append-only files) "
                        + "behind the embedded Toxiproxy-compatible fault proxy...");
                chaos = ChaosTopology.start(clusterTopology());
                primaryEndpoint = chaos.primaryEndpoint();
                standbyEndpoint = null;
                topology = "embedded: Redis Cluster of 3 shards (redis " + chaos.topology().serverVersion()
                        + "), each a master and 2 replicas, cluster-node-timeout "
                        + chaos.topology().cluster().nodeTimeout().toMillis() + " ms, appendonly yes with appendfsync "
                        + "always, every node behind the fault proxy " + chaos.proxyServer().url()
                        + "; one spill lane per shard, no standby";
            } else if (embedded) {
                progress.line("Starting a Sentinel group (master, 1 replica, 3 Sentinels) and a standby deployment "
                        + "(primary and 1 replica) behind the embedded Toxiproxy-compatible fault proxy...");
                chaos = ChaosTopology.start(RedisTopology.sentinelGroup(1).masterName("drill"),
                        RedisTopology.primaryWithReplicas(1));
                primaryEndpoint = chaos.primaryEndpoint();
                standbyEndpoint = chaos.standbyEndpoint();
                topology = "embedded: Sentinel group " + primaryEndpoint.displayName() + " (redis "
                        + chaos.topology().serverVersion() + ") + standby " + standbyEndpoint.displayName() + " (with 1 replica)"
                        + ", every node behind the fault proxy " + chaos.proxyServer().url();
            } else {
                primaryEndpoint = primary;
                standbyEndpoint = standby;
                topology = "your Redis: primary " + primary.displayName()
                        + (standby == null ? "" : ", standby " + standby.displayName());
                progress.line("Using your Redis (" + topology.substring("your Redis: ".length()) + "). No faults are "
                        + "injected: the drill cannot kill, freeze or cut off servers it did not start, so scenario '"
                        + scenario.name() + "' is not played; this run checks the workload's bookkeeping only.");
            }
            return drive(stamp, runDir, chaos, primaryEndpoint, standbyEndpoint, topology, progress);
        } finally {
            if (chaos != null) {
                chaos.close();
            }
        }
    }

    /**
     * The cluster shape's topology. Two replicas per shard, so that with {@code REPLICATED(1)} a shard whose
     * master was killed still has a replica to acknowledge writes after the failover (with one, every write
     * of that shard would wait out its replication timeout until the old master has rejoined and synced).
     * Append-only files fsynced on every write, so that a shard whose nodes are all killed comes back with the
     * writes it acknowledged: without persistence a restarted shard is empty, which is data loss no client
     * can prevent. A SIGKILL keeps what the kernel has (it is no power loss); {@code always} because with
     * {@code everysec} Redis may answer a write while it still sits in its own buffer (a write postponed behind
     * a background fsync).
     */
    static RedisTopology.Builder clusterTopology() {
        return RedisTopology.cluster(3).replicasPerShard(2).config("appendonly yes").config("appendfsync always");
    }

    private DrillResult drive(String stamp, Path runDir, ChaosTopology chaos, RedisEndpoint primaryEndpoint,
                              RedisEndpoint standbyEndpoint, String topology, Progress progress) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(primaryEndpoint.displayName(), "primary");
        if (standbyEndpoint != null) {
            labels.put(standbyEndpoint.displayName(), "standby");
        }
        Map<String, String> endpointNames = new LinkedHashMap<>();
        labels.forEach((name, label) -> endpointNames.put(label, name));

        Durability effective = durability != null ? durability
                : chaos != null ? Durability.replicated(1, Duration.ofMillis(500)) : Durability.acknowledged();
        topology = topology + "; durability " + effective;
        RetrySettings retry = RetrySettings.defaults();
        Duration readBound = timeout.plus(timeout).multipliedBy(2).plus(retry.maxDuration()).plusMillis(500);
        History history = new History("drill:" + stamp + ":" + Long.toHexString(System.nanoTime() & 0xffffff),
                writers, readBound);
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong startNanos = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        RepeatFilter downs = new RepeatFilter();

        ResilientRedis.Builder client = ResilientRedis.builder()
                .primary(primaryEndpoint)
                .timeout(timeout)
                .connectTimeout(timeout)
                .retry(retry)
                .durability(effective)
                .breaker(BreakerSettings.defaults())
                .failbackGrace(Duration.ofSeconds(3))
                .spill(SpillStoreConfig.builder(runDir.resolve("spill")).build())
                .listener(e -> {
                    if (!downs.add(e)) {
                        return;
                    }
                    String line = String.format(Locale.ROOT, "%6.1fs %s", (System.nanoTime() - startNanos.get()) / 1e9,
                            relabel(e.toString(), labels));
                    events.add(line);
                    progress.event(line);
                });
        if (standbyEndpoint != null) {
            client.standby(standbyEndpoint);
        }
        boolean usersRedis = chaos == null;
        boolean cluster = primaryEndpoint.isCluster();
        ShardPlacement placement = null;
        Map<Integer, Integer> shardOfPort = new java.util.HashMap<>();
        if (chaos != null && cluster) {
            int[] shardOfSlot = new int[io.resilientredis.chaos.topology.ClusterSlots.SLOTS];
            List<io.resilientredis.chaos.topology.ClusterShard> shards = chaos.topology().cluster().shards();
            for (io.resilientredis.chaos.topology.ClusterShard shard : shards) {
                for (io.resilientredis.chaos.topology.SlotRange r : shard.slotRanges()) {
                    java.util.Arrays.fill(shardOfSlot, r.first(), r.last() + 1, shard.index());
                }
                for (io.resilientredis.chaos.topology.RedisNode node : shard.nodes()) {
                    shardOfPort.put(node.port(), shard.index());
                    String proxied = chaos.clientAddress(node);
                    shardOfPort.put(Integer.parseInt(proxied.substring(proxied.lastIndexOf(':') + 1)), shard.index());
                }
            }
            placement = new ShardPlacement(shardOfSlot, shards.size());
        }
        if (usersRedis) {
            // On a user's Redis every drill key expires by itself, exactly-once markers included.
            client.markerTtl(OperationKinds.KEY_TTL);
        }
        List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        Duration ran;
        Duration drain;
        boolean drained;
        Workload workload;
        List<FaultTimeline.Applied> steps = List.of();
        long historyOffset = 0;
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "resilient-redis-drill-sampler");
            t.setDaemon(true);
            return t;
        });
        try (ResilientRedis redis = client.build(); Served metrics = serveMetrics(redis, progress)) {
            progress.line(String.format(Locale.ROOT, "Drill: scenario %s%s, %d s, %d writes/s over %d writers, %d "
                            + "readers; reports in %s", scenario.name(), scenario.random() ? " (seed " + seed + ")" : "",
                    duration.toSeconds(), rate, writers, readers, runDir.toAbsolutePath()));
            // One time base for the chart, the events and the fault steps: the workload's start.
            List<OperationKind> kinds = usersRedis ? OperationKinds.defaultsWithTtl() : OperationKinds.defaults();
            if (placement != null) {
                kinds = placement.placeAll(kinds);
            }
            List<String> readKeys = new ArrayList<>();
            OperationKind sets = kinds.stream().filter(k -> "set".equals(k.name())).findFirst().orElse(kinds.get(0));
            for (int w = 0; w < writers; w++) {
                readKeys.add(sets.key(history.namespace(), w, 1));
            }
            long start = System.nanoTime();
            startNanos.set(start);
            historyOffset = history.millisSinceStart();
            workload = Workload.builder(redis, history).rate(rate).readers(readers, Math.max(1, rate / 2))
                    .kinds(kinds).readKeys(readKeys).start();
            FaultTimeline timeline = chaos == null ? null
                    : FaultTimeline.start(chaos, scenario.steps(duration, timeout, seed), progress::event);
            sampler.scheduleAtFixedRate(() -> samples.add(sample(redis, workload, timeline, labels, start)),
                    0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            if (usersRedis) {
                KeyKeeper keeper = new KeyKeeper(history, workload.kinds());
                sampler.scheduleWithFixedDelay(() -> keeper.expire(redis), 1, 5, TimeUnit.SECONDS);
            }
            try {
                long end = start + duration.toNanos();
                while (System.nanoTime() - end < 0) {
                    // The drill's own clock: redraw the progress line until the run's time is up.
                    LockSupport.parkNanos(Math.min(end - System.nanoTime(), progress.interval().toNanos()));
                    progress.status(status(redis, workload, timeline, labels, start, "run"));
                }
            } finally {
                if (timeline != null) {
                    timeline.close();
                    steps = timeline.applied();
                }
                workload.close();
            }
            ran = Duration.ofNanos(System.nanoTime() - start);
            long drainStart = System.nanoTime();
            long drainEnd = drainStart + drainTimeout.toNanos();
            drained = false;
            while (System.nanoTime() - drainEnd < 0) {
                ClientStatus s = redis.status();
                if (s.spill().depth() == 0 && s.spill().pendingAppends() == 0
                        && workload.spilledApplied() == workload.spilled()) {
                    drained = true;
                    break;
                }
                progress.status(status(redis, workload, null, labels, start, "drain"));
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            drain = Duration.ofNanos(System.nanoTime() - drainStart);
            samples.add(sample(redis, workload, null, labels, startNanos.get()));
        } finally {
            sampler.shutdownNow();
            awaitQuietly(sampler);
        }
        progress.done();
        if (!drained) {
            progress.line("The spill store did not drain within " + drainTimeout.toSeconds() + " s; what is still "
                    + "in it counts as lost below (it stays in " + runDir.resolve("spill") + ").");
        }
        progress.line("Checking the history against Redis...");
        LaneReport lanes = cluster ? LaneReport.of(samples, history.allWrites(), historyOffset, steps, shardOfPort)
                : null;
        List<DataSource> sources = new ArrayList<>();
        Verdict verdict;
        try {
            if (chaos != null && cluster) {
                sources.add(new ClusterDataSource("cluster", chaos.topology().cluster(), primaryEndpoint));
            } else {
                sources.add(DataSource.connect("primary", primaryEndpoint));
            }
            if (standbyEndpoint != null) {
                sources.add(DataSource.connect("standby", standbyEndpoint));
            }
            verdict = new HistoryChecker(workload.kinds()).check(history, sources, v -> {
                if (lanes == null) {
                    return;
                }
                for (LaneReport.Window w : lanes.windows()) {
                    if (w.healthySpilled() > 0) {
                        v.healthyLaneSpills(w.healthySpilled(), LaneReport.describe(w) + " (" + w.label() + ")");
                    }
                }
            });
        } finally {
            for (DataSource s : sources) {
                s.close();
            }
        }
        if (usersRedis) {
            progress.line(KeyKeeper.removeAll(history, workload.kinds(), primaryEndpoint, standbyEndpoint));
        }
        Map<String, Duration> timeOn = timeOnEndpoint(samples, labels);
        DrillResult result = new DrillResult(scenario.name(), chaos == null ? "not played (your own Redis)"
                : scenario.description(), chaos != null, topology, duration, ran, drain, drained, workload,
                endpointNames, timeOn, steps, events, samples, verdict, rate, seed, shape, lanes);
        writeReports(result, runDir);
        out.print(TextReport.render(result));
        out.flush();
        return result;
    }

    /**
     * Drops an ENDPOINT_DOWN for an endpoint already reported down: a breaker whose trial call fails opens
     * again every open delay, which is not news for the console.
     */
    private static final class RepeatFilter {
        private final java.util.Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();

        boolean add(io.resilientredis.failover.FailoverEvent e) {
            if (e.endpoint() == null) {
                return true;
            }
            return switch (e.type()) {
                case ENDPOINT_DOWN -> down.add(e.endpoint());
                case ENDPOINT_UP -> {
                    down.remove(e.endpoint());
                    yield true;
                }
                default -> true;
            };
        }
    }

    private static void awaitQuietly(ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String relabel(String text, Map<String, String> labels) {
        String r = text;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            r = r.replace(e.getKey(), e.getValue());
        }
        return r;
    }

    /** The metrics endpoint, closed without a checked exception. */
    private interface Served extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Starts the metrics endpoint when {@code --metrics-port} asked for one, else returns null. The
     * endpoint's classes (Micrometer's) are only loaded then: they are optional for the harness.
     */
    private Served serveMetrics(ResilientRedis redis, Progress progress) {
        if (metricsPort < 0) {
            return null;
        }
        return MetricsServing.start(redis, metricsPort, progress);
    }

    /** Holds the one reference to the Micrometer-backed endpoint. */
    private static final class MetricsServing {
        static Served start(ResilientRedis redis, int port, Progress progress) {
            io.resilientredis.chaos.metrics.MetricsEndpoint endpoint =
                    io.resilientredis.chaos.metrics.MetricsEndpoint.start(redis, "127.0.0.1", port);
            progress.line("Metrics: http://" + endpoint.target() + "/metrics (Prometheus text format) while the drill"
                    + " runs");
            return endpoint::close;
        }
    }

    private static Sample sample(ResilientRedis redis, Workload w, FaultTimeline timeline, Map<String, String> labels,
                                 long start) {
        ClientStatus s = redis.status();
        List<String> breakers = new ArrayList<>();
        List<Sample.Lane> lanes = new ArrayList<>();
        for (LaneStatus l : s.lanes()) {
            lanes.add(new Sample.Lane(l.lane(), l.slots(), l.master(), l.breaker().name(), l.spill().depth(),
                    l.spill().replayedTotal()));
            breakers.add(l.breaker().name());
        }
        if (lanes.isEmpty()) {
            for (EndpointStatus e : s.endpoints()) {
                if ("master".equals(e.role())) {
                    breakers.add(e.state().name());
                }
            }
        }
        String active = s.activeEndpoint() == null ? "none" : labels.getOrDefault(s.activeEndpoint(), "other");
        return new Sample((System.nanoTime() - start) / 1_000_000, w.written(), w.spilled(), w.failed(), w.reads(),
                w.readFailures(), s.spill().depth(), s.spill().replayedTotal(), active, breakers,
                timeline == null ? "none" : timeline.current(), lanes);
    }

    private String status(ResilientRedis redis, Workload w, FaultTimeline timeline, Map<String, String> labels,
                          long start, String phase) {
        ClientStatus s = redis.status();
        String active = s.activeEndpoint() == null ? "none" : labels.getOrDefault(s.activeEndpoint(), "other");
        long secs = (System.nanoTime() - start) / 1_000_000_000L;
        String clock = "run".equals(phase) ? String.format(Locale.ROOT, "%3ds/%ds", secs, duration.toSeconds())
                : "draining";
        StringBuilder lanes = new StringBuilder();
        for (LaneStatus l : s.lanes()) {
            lanes.append(lanes.length() == 0 ? " (lanes " : " ").append(l.lane()).append(':').append(l.spill().depth());
        }
        if (lanes.length() > 0) {
            lanes.append(')');
        }
        return String.format(Locale.ROOT, "%s  writes %d (written %d, spilled %d, failed %d)  replayed %d  spill %d%s"
                        + "  reads %d (%d failed)  active %s%s", clock, w.written() + w.spilled() + w.failed(),
                w.written(), w.spilled(), w.failed(), w.spilledApplied(), s.spill().depth(), lanes, w.reads(),
                w.readFailures(), active, timeline == null ? "" : "  fault: " + timeline.current());
    }

    static Map<String, Duration> timeOnEndpoint(List<Sample> samples, Map<String, String> labels) {
        Map<String, Duration> time = new LinkedHashMap<>();
        for (String label : labels.values()) {
            time.put(label, Duration.ZERO);
        }
        time.put("none", Duration.ZERO);
        List<Sample> copy;
        synchronized (samples) {
            copy = new ArrayList<>(samples);
        }
        for (int i = 1; i < copy.size(); i++) {
            Sample prev = copy.get(i - 1);
            time.merge(prev.active(), Duration.ofMillis(copy.get(i).millis() - prev.millis()), Duration::plus);
        }
        return time;
    }

    private static void writeReports(DrillResult result, Path runDir) {
        result.textReport = runDir.resolve("report.txt");
        result.htmlReport = runDir.resolve("report.html");
        result.jsonReport = runDir.resolve("report.json");
        result.runDir = runDir;
        try {
            Files.writeString(result.textReport, TextReport.render(result));
            Files.writeString(result.htmlReport, HtmlReport.render(result));
            Files.writeString(result.jsonReport, JsonReport.render(result));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the drill's reports to " + runDir + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Creates a new run's own folder, {@code drill-<yyyyMMdd-HHmmss>-<unique>}, under {@code reportDir}: its
     * reports, its spill store and (from the command line) its {@code drill.log} go there, so no run
     * overwrites another's.
     *
     * @param reportDir the folder that holds the runs' folders; created if missing
     * @return the new folder
     * @throws UncheckedIOException when it cannot be created
     */
    public static Path createRunDir(Path reportDir) {
        String stamp = LocalDateTime.now().format(STAMP);
        try {
            Files.createDirectories(reportDir);
            return Files.createTempDirectory(reportDir, "drill-" + stamp + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the report directory under " + reportDir.toAbsolutePath()
                    + ": " + e.getMessage() + "; choose another with --report-dir", e);
        }
    }

    /** Configures a {@link Drill}. */
    public static final class Builder {
        private Duration duration = Duration.ofSeconds(60);
        private String scenario = Scenario.DEFAULT;
        private DrillShape shape = DrillShape.SENTINEL;
        private int rate = 200;
        private int writers = 4;
        private int readers = 2;
        private Path reportDir = Path.of("drill-reports");
        private RedisEndpoint primary;
        private RedisEndpoint standby;
        private PrintStream out = System.out;
        private boolean tty;
        private Duration timeout = Duration.ofMillis(500);
        private Duration drainTimeout = Duration.ofSeconds(120);
        private int metricsPort = -1;
        private Durability durability;
        private Long seed;
        private Path runDir;

        private Builder() {
        }

        /**
         * @param seed the seed of the scenario's random choices ({@code soak}); the same seed plays the same
         *     faults at the same times. Default: a new random seed, printed in the report
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param dir this run's own folder (see {@link #createRunDir}), when the caller made it already (the
         *     command line does, to put {@code drill.log} in it); default a new folder under the report directory
         * @return this builder
         */
        public Builder runDir(Path dir) {
            this.runDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * @param durability when a write counts as written; default {@code REPLICATED(1 replica within 500 ms)}
         *     for the embedded topology, {@code ACKNOWLEDGED} for the user's own Redis
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * @param duration how long the workload runs (at least 5 s); default 60 s
         * @return this builder
         */
        public Builder duration(Duration duration) {
            if (duration == null || duration.compareTo(Duration.ofSeconds(5)) < 0) {
                throw new IllegalArgumentException("a drill runs at least 5 s, was " + duration);
            }
            this.duration = duration;
            return this;
        }

        /**
         * @param name a {@link Scenario} preset; default {@code outage}
         * @return this builder
         * @throws IllegalArgumentException naming the presets when there is none by that name
         */
        public Builder scenario(String name) {
            Objects.requireNonNull(name, "name");
            if (!Scenario.presets(DrillShape.SENTINEL).containsKey(name.toLowerCase(Locale.ROOT))
                    && !Scenario.presets(DrillShape.CLUSTER).containsKey(name.toLowerCase(Locale.ROOT))) {
                Scenario.named(name, shape);   // throws, naming the presets
            }
            this.scenario = name;
            return this;
        }

        /**
         * @param shape the topology an embedded drill starts: {@link DrillShape#SENTINEL} (default) or
         *     {@link DrillShape#CLUSTER}, each with its own scenario presets ({@link Scenario#presets(DrillShape)})
         * @return this builder
         */
        public Builder shape(DrillShape shape) {
            this.shape = Objects.requireNonNull(shape, "shape");
            return this;
        }

        /**
         * @param writesPerSecond target writes per second over all writers; reads run at half that; default 200
         * @return this builder
         */
        public Builder rate(int writesPerSecond) {
            if (writesPerSecond < 1) {
                throw new IllegalArgumentException("rate must be at least 1 write/s, was " + writesPerSecond);
            }
            this.rate = writesPerSecond;
            return this;
        }

        /**
         * @param writers writer threads (default 4)
         * @param readers reader threads (default 2)
         * @return this builder
         */
        public Builder threads(int writers, int readers) {
            if (writers < 1 || readers < 0) {
                throw new IllegalArgumentException("at least one writer and no negative readers");
            }
            this.writers = writers;
            this.readers = readers;
            return this;
        }

        /**
         * @param dir where each run's folder (reports, spill store) is created; default {@code drill-reports}
         * @return this builder
         */
        public Builder reportDir(Path dir) {
            this.reportDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Runs against the user's own Redis instead of an embedded topology; no faults are injected.
         *
         * @param primary the primary endpoint
         * @param standby a standby endpoint, or null
         * @return this builder
         */
        public Builder redis(RedisEndpoint primary, RedisEndpoint standby) {
            this.primary = Objects.requireNonNull(primary, "primary");
            this.standby = standby;
            return this;
        }

        /**
         * @param out where progress and the final report are printed; default {@code System.out}
         * @param tty whether it is a terminal (one progress line rewritten in place) or not (periodic lines)
         * @return this builder
         */
        public Builder output(PrintStream out, boolean tty) {
            this.out = Objects.requireNonNull(out, "out");
            this.tty = tty;
            return this;
        }

        /**
         * @param timeout the client's per-call and connect timeout; default 500 ms
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param port serve the client's meters in Prometheus's text format at
         *     {@code http://127.0.0.1:PORT/metrics} while the drill runs; 0 for a free port (printed).
         *     Default: not served
         * @return this builder
         */
        public Builder metricsPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("the metrics port must be 0-65535, was " + port);
            }
            this.metricsPort = port;
            return this;
        }

        /**
         * @return the drill
         * @throws IllegalArgumentException when the scenario is not one of the shape's presets
         */
        public Drill build() {
            return new Drill(this);
        }
    }
}
