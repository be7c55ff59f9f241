package io.resilientredis.chaos.drill;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a drill did and found: the figures of its final report, the {@link Verdict}, and where the reports
 * are. {@link #exitCode()} is what the command line exits with.
 */
public final class DrillResult {

    /** Exit code when every guarantee held. */
    public static final int PASSED = 0;
    /** Exit code when something was lost, duplicated, reordered, or a guarantee was broken otherwise. */
    public static final int FAILED = 1;

    final String scenario;
    final String scenarioDescription;
    final boolean faultsInjected;
    final String topology;
    final Duration planned;
    final Duration ran;
    final Duration drain;
    final boolean drained;
    final long written;
    final long spilled;
    final long failed;
    final long replayed;
    final long reads;
    final long readFailures;
    final LatencyHistogram writeLatency;
    final LatencyHistogram readLatency;
    final Map<String, String> endpoints;
    final Map<String, Duration> timeOnEndpoint;
    final List<FaultTimeline.Applied> steps;
    final List<String> events;
    final List<Sample> samples;
    final Verdict verdict;
    final int rate;
    final long seed;
    final DrillShape shape;
    /** Per-lane figures on a Redis Cluster; null for other deployments. */
    final LaneReport lanes;
    Path runDir;
    Path textReport;
    Path htmlReport;
    Path jsonReport;

    DrillResult(String scenario, String scenarioDescription, boolean faultsInjected, String topology, Duration planned,
                Duration ran, Duration drain, boolean drained, Workload workload, Map<String, String> endpoints,
                Map<String, Duration> timeOnEndpoint, List<FaultTimeline.Applied> steps, List<String> events,
                List<Sample> samples, Verdict verdict, int rate, long seed, DrillShape shape, LaneReport lanes) {
        this.shape = shape;
        this.lanes = lanes;
        this.scenario = scenario;
        this.scenarioDescription = scenarioDescription;
        this.faultsInjected = faultsInjected;
        this.topology = topology;
        this.planned = planned;
        this.ran = ran;
        this.drain = drain;
        this.drained = drained;
        this.written = workload.written();
        this.spilled = workload.spilled();
        this.failed = workload.failed();
        this.replayed = workload.spilledApplied();
        this.reads = workload.reads();
        this.readFailures = workload.readFailures();
        this.writeLatency = workload.writeLatency();
        this.readLatency = workload.readLatency();
        this.endpoints = Map.copyOf(endpoints);
        this.timeOnEndpoint = timeOnEndpoint;
        this.steps = List.copyOf(steps);
        this.events = List.copyOf(events);
        this.samples = List.copyOf(samples);
        this.verdict = verdict;
        this.rate = rate;
        this.seed = seed;
    }

    /**
     * @return {@link #PASSED} when the verdict passed and the spill store drained, else {@link #FAILED}: a
     *     write lost, duplicated or out of order, a counter off, an outage exception while the spill store had
     *     room, a read that waited past its bound, or a spill store that did not drain in time
     */
    public int exitCode() {
        return passed() ? PASSED : FAILED;
    }

    /** @return whether every guarantee held and the spill store drained */
    public boolean passed() {
        return verdict.passed() && drained;
    }

    /** @return the history checker's verdict */
    public Verdict verdict() {
        return verdict;
    }

    /** @return the scenario played */
    public String scenario() {
        return scenario;
    }

    /** @return whether faults were injected (false against a user's own Redis) */
    public boolean faultsInjected() {
        return faultsInjected;
    }

    /** @return operations performed: writes attempted plus reads */
    public long operations() {
        return written + spilled + failed + reads;
    }

    /** @return writes Redis acknowledged directly */
    public long written() {
        return written;
    }

    /** @return writes the client spilled */
    public long spilled() {
        return spilled;
    }

    /** @return spilled writes replayed (their receipts reported them applied) */
    public long replayed() {
        return replayed;
    }

    /** @return writes whose call threw */
    public long failedWrites() {
        return failed;
    }

    /**
     * @return accepted writes missing after the run (lists and last values; a counter's shortfall is in
     *     {@link Verdict#counterShortfall()}, in units, since a total cannot say which increment is missing)
     */
    public long lost() {
        return verdict.lost();
    }

    /** @return extra applications after the run (counters' excess units: {@link Verdict#counterExcess()}) */
    public long duplicated() {
        return verdict.duplicated();
    }

    /** @return caller latency of writes */
    public LatencyHistogram writeLatency() {
        return writeLatency;
    }

    /** @return caller latency of reads */
    public LatencyHistogram readLatency() {
        return readLatency;
    }

    /** @return time with writes routed to each endpoint label ("primary", "standby", "none") */
    public Map<String, Duration> timeOnEndpoint() {
        return timeOnEndpoint;
    }

    /** @return how long the spill store took to drain after the workload stopped */
    public Duration drainTime() {
        return drain;
    }

    /** @return the fault steps that ran */
    public List<FaultTimeline.Applied> steps() {
        return steps;
    }

    /** @return the seed of the scenario's random choices; {@code --seed} with it plays the same faults again */
    public long seed() {
        return seed;
    }

    /** @return the drill's shape: a Sentinel group with a standby, or a Redis Cluster */
    public DrillShape shape() {
        return shape;
    }

    /**
     * @return on a Redis Cluster, each spill lane's spilled writes, keyed by lane number; empty otherwise
     */
    public Map<Integer, Long> spilledPerLane() {
        Map<Integer, Long> out = new java.util.LinkedHashMap<>();
        if (lanes != null) {
            lanes.lanes().forEach(l -> out.put(l.lane(), l.spilled()));
        }
        return out;
    }

    /**
     * @return on a Redis Cluster, writes spilled into the lane of a shard a single-shard fault did not hit
     *     while it lasted (the verdict fails on them); 0 otherwise
     */
    public long healthyLaneSpills() {
        return lanes == null ? 0 : lanes.healthyLaneSpills();
    }

    /** @return whether the spill store drained within the drill's bound after the workload stopped */
    public boolean drained() {
        return drained;
    }

    /** @return this run's own folder: reports, {@code drill.log} (from the command line), the spill store */
    public Path runDir() {
        return runDir;
    }

    /** @return the machine-readable report ({@code report.json}): every counter of the verdict */
    public Path jsonReport() {
        return jsonReport;
    }

    /** @return the plain-text report file */
    public Path textReport() {
        return textReport;
    }

    /** @return the HTML report file (with the timeline chart) */
    public Path htmlReport() {
        return htmlReport;
    }

    @Override
    public String toString() {
        return "DrillResult{" + scenario + ", " + verdict.summary() + "}";
    }
}
