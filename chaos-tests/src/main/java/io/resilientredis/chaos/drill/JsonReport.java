package io.resilientredis.chaos.drill;

import com.google.gson.GsonBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drill's result for machines: {@code report.json}, next to {@code report.txt}. It holds every counter
 * of the {@link Verdict}, the run's figures and the exit code; times are in milliseconds. Fields are only
 * ever added, never renamed, so a script reading it keeps working.
 */
final class JsonReport {

    /** Bumped only if a field changes meaning. */
    static final int FORMAT = 1;

    private JsonReport() {
    }

    static String render(DrillResult r) {
        Verdict v = r.verdict;
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("passed", r.passed());
        root.put("exitCode", r.exitCode());
        root.put("scenario", r.scenario);
        root.put("scenarioDescription", r.scenarioDescription);
        root.put("shape", r.shape.option());
        root.put("seed", r.seed);
        root.put("faultsInjected", r.faultsInjected);
        root.put("topology", r.topology);
        root.put("rateTarget", r.rate);
        root.put("plannedMillis", r.planned.toMillis());
        root.put("ranMillis", r.ran.toMillis());
        root.put("drainMillis", r.drain.toMillis());
        root.put("drained", r.drained);
        root.put("operations", r.operations());
        root.put("writes", r.written + r.spilled + r.failed);
        root.put("written", r.written);
        root.put("spilled", r.spilled);
        root.put("replayed", r.replayed);
        root.put("failedWrites", r.failed);
        root.put("reads", r.reads);
        root.put("readFailures", r.readFailures);

        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("passed", v.passed());
        verdict.put("acceptedWrites", v.acceptedWrites());
        verdict.put("failedWrites", v.failedWrites());
        verdict.put("lost", v.lost());
        verdict.put("duplicated", v.duplicated());
        verdict.put("duplicatedAcrossDeployments", v.duplicatedAcrossDeployments());
        verdict.put("outOfOrder", v.outOfOrder());
        verdict.put("counterShortfall", v.counterShortfall());
        verdict.put("counterExcess", v.counterExcess());
        verdict.put("appliedDespiteFailure", v.appliedDespiteFailure());
        verdict.put("outageExceptions", v.outageExceptions());
        verdict.put("spillFullRejections", v.spillFullRejections());
        verdict.put("refusedWrites", v.refusedWrites());
        verdict.put("inDoubtWrites", v.inDoubtWrites());
        verdict.put("readsOverBound", v.readsOverBound());
        verdict.put("maxReadWaitMillis", v.maxReadWait().toMillis());
        verdict.put("readBoundMillis", v.readBound().toMillis());
        verdict.put("healthyLaneSpills", v.healthyLaneSpills());
        verdict.put("findings", v.findings());
        root.put("verdict", verdict);

        root.put("writeLatency", latency(r.writeLatency));
        root.put("readLatency", latency(r.readLatency));

        Map<String, Object> timeOn = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> e : r.timeOnEndpoint.entrySet()) {
            timeOn.put(e.getKey(), e.getValue().toMillis());
        }
        root.put("timeOnEndpointMillis", timeOn);
        root.put("endpoints", new LinkedHashMap<>(r.endpoints));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (FaultTimeline.Applied s : r.steps) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("plannedMillis", s.planned().toMillis());
            step.put("startedMillis", s.started().toMillis());
            step.put("label", s.label());
            step.put("error", s.error());
            step.put("finishedMillis", s.finished().toMillis());
            if (s.shard() != FaultStep.NO_SHARD) {
                step.put("shard", s.shard() == FaultStep.ALL_SHARDS ? "all" : s.shard());
            }
            steps.add(step);
        }
        root.put("faults", steps);
        if (r.lanes != null) {
            root.put("cluster", r.lanes.json());
        }
        root.put("events", r.events);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(root) + "\n";
    }

    private static Map<String, Object> latency(LatencyHistogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.count());
        m.put("p50Millis", h.percentile(50).toNanos() / 1e6);
        m.put("p99Millis", h.percentile(99).toNanos() / 1e6);
        m.put("maxMillis", h.max().toNanos() / 1e6);
        m.put("corrected", "from when each call was due on the pacer's schedule, plus the calls a blocked caller "
                + "never made (coordinated omission)");
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("count", h.rawCount());
        raw.put("p50Millis", h.rawPercentile(50).toNanos() / 1e6);
        raw.put("p99Millis", h.rawPercentile(99).toNanos() / 1e6);
        raw.put("maxMillis", h.rawMax().toNanos() / 1e6);
        m.put("raw", raw);
        return m;
    }
}
