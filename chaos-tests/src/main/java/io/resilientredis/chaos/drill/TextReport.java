package io.resilientredis.chaos.drill;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The drill's final report as plain text: what the console shows and {@code report.txt} holds. */
final class TextReport {

    private TextReport() {
    }

    static String render(DrillResult r) {
        StringBuilder t = new StringBuilder(2048);
        Verdict v = r.verdict;
        t.append('\n').append("resilient-redis outage drill: ").append(r.passed() ? "PASSED" : "FAILED").append('\n');
        row(t, "scenario", r.scenario + ": " + r.scenarioDescription
                + (Scenario.named(r.scenario, r.shape).random() ? " (seed " + r.seed + "; --seed " + r.seed + " plays these faults "
                + "again)" : ""));
        row(t, "topology", r.topology);
        row(t, "ran", String.format(Locale.ROOT, "%.1f s at %d writes/s target, then %.1f s for the spill store to "
                + "drain%s", secs(r.ran), r.rate, secs(r.drain), r.drained ? "" : " (NOT drained)"));
        row(t, "operations", String.format(Locale.ROOT, "%,d (%,d writes, %,d reads, %,d reads failed fast)",
                r.operations(), r.written + r.spilled + r.failed, r.reads, r.readFailures));
        row(t, "written", String.format(Locale.ROOT, "%,d acknowledged by Redis directly", r.written));
        row(t, "spilled", String.format(Locale.ROOT, "%,d kept in the spill store", r.spilled));
        row(t, "replayed", String.format(Locale.ROOT, "%,d of the spilled writes replayed and applied", r.replayed));
        row(t, "failed", String.format(Locale.ROOT, "%,d writes threw (%,d because the spill store was full)",
                r.failed, v.spillFullRejections()));
        row(t, "lost", String.format(Locale.ROOT, "%,d%s", r.lost(), units(v.counterShortfall(), "short")));
        row(t, "duplicated", String.format(Locale.ROOT, "%,d%s", r.duplicated(), v.duplicatedAcrossDeployments() == 0
                ? units(v.counterExcess(), "over")
                : String.format(Locale.ROOT, " (%,d applied on both deployments)%s", v.duplicatedAcrossDeployments(),
                        units(v.counterExcess(), "over"))));
        row(t, "write latency", latency(r.writeLatency));
        row(t, "  raw", raw(r.writeLatency));
        row(t, "read latency", latency(r.readLatency) + String.format(Locale.ROOT, " (bound %d ms)",
                v.readBound().toMillis()));
        row(t, "  raw", raw(r.readLatency));
        StringBuilder on = new StringBuilder();
        for (Map.Entry<String, Duration> e : r.timeOnEndpoint.entrySet()) {
            on.append(on.length() == 0 ? "" : ", ").append(e.getKey());
            String name = r.endpoints.get(e.getKey());
            if (name != null) {
                on.append(" (").append(name).append(')');
            }
            on.append(String.format(Locale.ROOT, " %.1f s", secs(e.getValue())));
        }
        row(t, "time on endpoint", on.toString() + (r.lanes == null ? ""
                : " (on a cluster 'none' while any lane's writes are not going direct)"));
        if (!r.faultsInjected) {
            row(t, "faults", "none injected: the drill ran against your own Redis");
        } else if (r.steps.isEmpty()) {
            row(t, "faults", "none (scenario " + r.scenario + ")");
        } else {
            t.append("  faults\n");
            for (FaultTimeline.Applied s : r.steps) {
                t.append(String.format(Locale.ROOT, "    %6.1f s  %s%s%n", secs(s.started()), s.label(),
                        s.error() == null ? "" : "  (FAILED: " + s.error() + ")"));
            }
        }
        if (r.lanes != null) {
            t.append("  lanes             one spill lane per shard; a fault on one shard must spill only its lane\n");
            for (String line : r.lanes.lines()) {
                t.append("    ").append(line).append('\n');
            }
        }
        row(t, "verdict", v.summary());
        if (!v.findings().isEmpty()) {
            t.append("  findings\n");
            for (String f : v.findings()) {
                t.append("    ").append(f).append('\n');
            }
        }
        if (r.htmlReport != null) {
            row(t, "reports", r.htmlReport.toAbsolutePath() + "\n" + " ".repeat(20) + r.textReport.toAbsolutePath()
                    + "\n" + " ".repeat(20) + r.jsonReport.toAbsolutePath());
        }
        return t.toString();
    }

    static String units(long units, String way) {
        return units == 0 ? "" : String.format(Locale.ROOT, "; counters %,d units %s the accepted total", units, way);
    }

    /** Corrected for coordinated omission: from when each call was due on the pacer's schedule. */
    private static String latency(LatencyHistogram h) {
        long missed = h.count() - h.rawCount();
        return String.format(Locale.ROOT, "p50 %s  p99 %s  max %s  (%,d calls%s; from when each was due)",
                ms(h.percentile(50)), ms(h.percentile(99)), ms(h.max()), h.rawCount(),
                missed == 0 ? "" : String.format(Locale.ROOT, " + %,d a blocked caller never made", missed));
    }

    /** As measured from each actual send: the library's own time per call, blind to calls never made. */
    private static String raw(LatencyHistogram h) {
        return String.format(Locale.ROOT, "p50 %s  p99 %s  max %s  (from each send)", ms(h.rawPercentile(50)),
                ms(h.rawPercentile(99)), ms(h.rawMax()));
    }

    static String ms(Duration d) {
        double ms = d.toNanos() / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f ms", ms) : String.format(Locale.ROOT, "%,.0f ms", ms);
    }

    static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static void row(StringBuilder t, String name, String value) {
        t.append(String.format(Locale.ROOT, "  %-17s %s%n", name, value));
    }
}
