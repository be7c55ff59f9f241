package io.resilientredis.chaos.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The drill's HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing fetched)
 * with the summary, a timeline chart (throughput, spill depth, breaker states, active endpoint, fault
 * steps), the events and the findings.
 */
final class HtmlReport {

    private static final int WIDTH = 1100;
    private static final int LEFT = 130;
    private static final int RIGHT = 1075;
    private static final int TOP = 40;
    private static final int THROUGHPUT_H = 170;
    private static final int SPILL_TOP = TOP + THROUGHPUT_H + 35;
    private static final int SPILL_H = 90;
    private static final int ROWS_TOP = SPILL_TOP + SPILL_H + 30;
    private static final int ROW_H = 22;

    private HtmlReport() {
    }

    static String render(DrillResult r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>resilient-redis drill: ")
                .append(r.passed() ? "PASSED" : "FAILED").append(" (").append(esc(r.scenario)).append(")</title>\n")
                .append("<style>body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
                        + "margin:24px;color:#222;max-width:1140px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
                        + "table{border-collapse:collapse}td,th{padding:3px 12px 3px 0;text-align:left;vertical-align:top}"
                        + "th{font-weight:600;color:#555}.pass{color:#1e7d3a}.fail{color:#c0271d}"
                        + "pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px}"
                        + "svg text{font-family:system-ui,Helvetica,Arial,sans-serif}</style></head><body>\n");
        h.append("<h1>resilient-redis outage drill: <span class=\"").append(r.passed() ? "pass\">PASSED" : "fail\">FAILED")
                .append("</span></h1>\n");
        h.append("<p>").append(esc(r.verdict.summary())).append("</p>\n");
        summary(h, r);
        h.append("<h2>Timeline</h2>\n");
        chart(h, r);
        steps(h, r);
        h.append("<h2>Events</h2>\n<pre>");
        for (String e : r.events) {
            h.append(esc(e)).append('\n');
        }
        h.append("</pre>\n");
        if (!r.verdict.findings().isEmpty()) {
            h.append("<h2>Findings</h2>\n<pre>");
            for (String f : r.verdict.findings()) {
                h.append(esc(f)).append('\n');
            }
            h.append("</pre>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, DrillResult r) {
        h.append("<table>\n");
        tr(h, "scenario", r.scenario + ": " + r.scenarioDescription);
        tr(h, "topology", r.topology);
        tr(h, "ran", String.format(Locale.ROOT, "%.1f s at %d writes/s target; spill store drained in %.1f s%s",
                TextReport.secs(r.ran), r.rate, TextReport.secs(r.drain), r.drained ? "" : " (NOT drained)"));
        tr(h, "operations", String.format(Locale.ROOT, "%,d (%,d writes, %,d reads)", r.operations(),
                r.written + r.spilled + r.failed, r.reads));
        tr(h, "written", String.format(Locale.ROOT, "%,d", r.written));
        tr(h, "spilled", String.format(Locale.ROOT, "%,d", r.spilled));
        tr(h, "replayed", String.format(Locale.ROOT, "%,d", r.replayed));
        tr(h, "failed writes", String.format(Locale.ROOT, "%,d", r.failed));
        tr(h, "lost", String.format(Locale.ROOT, "%,d%s", r.lost(), TextReport.units(r.verdict.counterShortfall(),
                "short")));
        tr(h, "duplicated", String.format(Locale.ROOT, "%,d (%,d applied on both deployments)%s", r.duplicated(),
                r.verdict.duplicatedAcrossDeployments(), TextReport.units(r.verdict.counterExcess(), "over")));
        tr(h, "write latency", String.format(Locale.ROOT, "p50 %s, p99 %s, max %s (from when each call was due); "
                + "raw p50 %s, p99 %s, max %s (from each send)", TextReport.ms(r.writeLatency.percentile(50)),
                TextReport.ms(r.writeLatency.percentile(99)), TextReport.ms(r.writeLatency.max()),
                TextReport.ms(r.writeLatency.rawPercentile(50)), TextReport.ms(r.writeLatency.rawPercentile(99)),
                TextReport.ms(r.writeLatency.rawMax())));
        tr(h, "read latency", String.format(Locale.ROOT, "p50 %s, p99 %s, max %s (bound %d ms)",
                TextReport.ms(r.readLatency.percentile(50)), TextReport.ms(r.readLatency.percentile(99)),
                TextReport.ms(r.readLatency.max()), r.verdict.readBound().toMillis()));
        StringBuilder on = new StringBuilder();
        for (Map.Entry<String, Duration> e : r.timeOnEndpoint.entrySet()) {
            on.append(on.length() == 0 ? "" : "; ").append(e.getKey());
            String name = r.endpoints.get(e.getKey());
            if (name != null) {
                on.append(" (").append(name).append(')');
            }
            on.append(String.format(Locale.ROOT, " %.1f s", TextReport.secs(e.getValue())));
        }
        tr(h, "time on endpoint", on.toString());
        if (r.lanes != null) {
            for (String line : r.lanes.lines()) {
                tr(h, "lanes", line);
            }
        }
        h.append("</table>\n");
    }

    private static void tr(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void chart(StringBuilder h, DrillResult r) {
        List<Sample> s = r.samples;
        java.util.TreeSet<Integer> laneNumbers = new java.util.TreeSet<>();
        for (Sample x : s) {
            x.lanes().forEach(l -> laneNumbers.add(l.lane()));
        }
        List<Integer> lanes = new ArrayList<>(laneNumbers);
        int breakerRows = !lanes.isEmpty() ? lanes.size() : s.isEmpty() ? 0 : s.get(0).breakers().size();
        int activeTop = ROWS_TOP + breakerRows * (ROW_H + 4) + 10;
        int axisY = activeTop + ROW_H + 8;
        int height = axisY + 60;
        long tMax = Math.max(1000, s.isEmpty() ? 1000 : s.get(s.size() - 1).millis());
        h.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"drill timeline\">\n")
                .append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" fill=\"#fff\"/>\n");

        // Throughput per interval.
        List<double[]> rates = new ArrayList<>();
        double maxRate = 1;
        for (int i = 1; i < s.size(); i++) {
            Sample a = s.get(i - 1);
            Sample b = s.get(i);
            double dt = Math.max(1, b.millis() - a.millis()) / 1000.0;
            double[] v = {b.millis(), (b.written() - a.written()) / dt, (b.spilled() - a.spilled()) / dt,
                    (b.failed() - a.failed()) / dt, (b.reads() - a.reads()) / dt};
            rates.add(v);
            for (int k = 1; k < v.length; k++) {
                maxRate = Math.max(maxRate, v[k]);
            }
        }
        maxRate = niceCeiling(maxRate);
        panelFrame(h, TOP, THROUGHPUT_H, "operations/s", maxRate);
        String[] colors = {"", "#2e9d4f", "#e67e22", "#c0271d", "#3367d6"};
        String[] names = {"", "written/s", "spilled/s", "failed/s", "reads/s"};
        for (int k = 1; k <= 4; k++) {
            StringBuilder pts = new StringBuilder();
            for (double[] v : rates) {
                pts.append(fmt(x(v[0], tMax))).append(',').append(fmt(TOP + THROUGHPUT_H - v[k] / maxRate
                        * THROUGHPUT_H)).append(' ');
            }
            h.append("<polyline class=\"series-").append(names[k].replace("/s", "")).append("\" fill=\"none\" stroke=\"")
                    .append(colors[k]).append("\" stroke-width=\"1.6\"").append(k == 4 ? " stroke-dasharray=\"4 3\"" : "")
                    .append(" points=\"").append(pts).append("\"/>\n");
            int lx = LEFT + 10 + (k - 1) * 120;
            h.append("<line x1=\"").append(lx).append("\" y1=\"").append(TOP - 12).append("\" x2=\"").append(lx + 18)
                    .append("\" y2=\"").append(TOP - 12).append("\" stroke=\"").append(colors[k])
                    .append("\" stroke-width=\"3\"/><text x=\"").append(lx + 23).append("\" y=\"").append(TOP - 8)
                    .append("\" font-size=\"12\">").append(names[k]).append("</text>\n");
        }

        // Spill depth.
        double maxDepth = 1;
        for (Sample x : s) {
            maxDepth = Math.max(maxDepth, x.spillDepth());
        }
        maxDepth = niceCeiling(maxDepth);
        panelFrame(h, SPILL_TOP, SPILL_H, "spill depth", maxDepth);
        StringBuilder area = new StringBuilder();
        area.append(fmt(LEFT)).append(',').append(SPILL_TOP + SPILL_H).append(' ');
        for (Sample x : s) {
            area.append(fmt(x(x.millis(), tMax))).append(',').append(fmt(SPILL_TOP + SPILL_H - x.spillDepth() / maxDepth
                    * SPILL_H)).append(' ');
        }
        if (!s.isEmpty()) {
            area.append(fmt(x(s.get(s.size() - 1).millis(), tMax))).append(',').append(SPILL_TOP + SPILL_H);
        }
        h.append("<polygon id=\"spill-depth\" fill=\"#8e44ad\" fill-opacity=\"0.35\" stroke=\"#8e44ad\" points=\"")
                .append(area).append("\"/>\n");
        // On a cluster, one line per spill lane over the total's area.
        for (int i = 0; i < lanes.size(); i++) {
            int lane = lanes.get(i);
            String colour = LANE_COLOURS[i % LANE_COLOURS.length];
            StringBuilder pts = new StringBuilder();
            for (Sample x : s) {
                long depth = 0;
                for (Sample.Lane l : x.lanes()) {
                    if (l.lane() == lane) {
                        depth = l.depth();
                    }
                }
                pts.append(fmt(x(x.millis(), tMax))).append(',').append(fmt(SPILL_TOP + SPILL_H - depth / maxDepth
                        * SPILL_H)).append(' ');
            }
            h.append("<polyline class=\"lane-depth\" id=\"spill-lane-").append(lane)
                    .append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.6\" points=\"")
                    .append(pts).append("\"><title>lane ").append(lane).append(" spill depth</title></polyline>\n");
            int lx = LEFT + 10 + i * 120;
            h.append("<line x1=\"").append(lx).append("\" y1=\"").append(SPILL_TOP - 10).append("\" x2=\"")
                    .append(lx + 18).append("\" y2=\"").append(SPILL_TOP - 10).append("\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"3\"/><text x=\"").append(lx + 23).append("\" y=\"").append(SPILL_TOP - 6)
                    .append("\" font-size=\"12\">lane ").append(lane).append(laneShards(r, lane)).append("</text>\n");
        }

        // Breaker state per endpoint, then the active endpoint.
        List<String> labels = new ArrayList<>(r.endpoints.keySet());
        labels.sort((a, b) -> a.equals("primary") ? -1 : b.equals("primary") ? 1 : a.compareTo(b));
        for (int row = 0; row < breakerRows && !lanes.isEmpty(); row++) {
            int y = ROWS_TOP + row * (ROW_H + 4);
            int lane = lanes.get(row);
            h.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"12\" text-anchor=\"end\">breaker lane ").append(lane).append("</text>\n");
            bands(h, s, tMax, y, x -> {
                for (Sample.Lane l : x.lanes()) {
                    if (l.lane() == lane) {
                        return l.breaker();
                    }
                }
                return "none";
            }, HtmlReport::breakerColor, "breaker-lane-" + lane);
        }
        for (int row = 0; row < breakerRows && lanes.isEmpty(); row++) {
            int y = ROWS_TOP + row * (ROW_H + 4);
            String label = row < labels.size() ? labels.get(row) : "endpoint " + row;
            h.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"12\" text-anchor=\"end\">breaker ").append(esc(label)).append("</text>\n");
            int rowIndex = row;
            bands(h, s, tMax, y, x -> x.breakers().size() > rowIndex ? x.breakers().get(rowIndex) : "CLOSED",
                    HtmlReport::breakerColor, "breaker-" + label);
        }
        h.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(activeTop + 15)
                .append("\" font-size=\"12\" text-anchor=\"end\">active endpoint</text>\n");
        bands(h, s, tMax, activeTop, Sample::active, HtmlReport::activeColor, "active");

        // Legend for the bands.
        int ly = axisY + 40;
        int lx = LEFT;
        String[][] legend = {{"closed", breakerColor("CLOSED")}, {"half-open", breakerColor("HALF_OPEN")},
                {"open", breakerColor("OPEN")}, {"on primary", activeColor("primary")},
                {"on standby", activeColor("standby")}, {"no endpoint", activeColor("none")}};
        for (String[] l : legend) {
            h.append("<rect x=\"").append(lx).append("\" y=\"").append(ly - 10).append("\" width=\"14\" height=\"12\" fill=\"")
                    .append(l[1]).append("\"/><text x=\"").append(lx + 19).append("\" y=\"").append(ly)
                    .append("\" font-size=\"12\">").append(l[0]).append("</text>\n");
            lx += 120;
        }

        // Time axis.
        h.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(axisY).append("\" x2=\"").append(RIGHT)
                .append("\" y2=\"").append(axisY).append("\" stroke=\"#444\"/>\n");
        long step = tMax > 120_000 ? 20_000 : tMax > 40_000 ? 10_000 : 5_000;
        for (long t = 0; t <= tMax; t += step) {
            double x = x(t, tMax);
            h.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(axisY).append("\" x2=\"").append(fmt(x))
                    .append("\" y2=\"").append(axisY + 5).append("\" stroke=\"#444\"/><text x=\"").append(fmt(x))
                    .append("\" y=\"").append(axisY + 18).append("\" font-size=\"11\" text-anchor=\"middle\">")
                    .append(t / 1000).append(" s</text>\n");
        }

        // Fault steps and the end of the workload, across every panel.
        int n = 1;
        for (FaultTimeline.Applied a : r.steps) {
            double x = x(a.started().toMillis(), tMax);
            marker(h, x, axisY, "#c0271d", String.valueOf(n++), a.label());
        }
        marker(h, x(r.ran.toMillis(), tMax), axisY, "#555", "end", "workload stopped; spill store draining");
        h.append("</svg>\n");
    }

    private static final String[] LANE_COLOURS = {"#d35400", "#16a085", "#2c3e50", "#c0392b", "#7f8c8d",
        "#f39c12"};

    private static String laneShards(DrillResult r, int lane) {
        if (r.lanes == null) {
            return "";
        }
        for (LaneReport.Lane l : r.lanes.lanes()) {
            if (l.lane() == lane && !l.shards().isEmpty()) {
                StringBuilder b = new StringBuilder(" (shard ");
                for (int i = 0; i < l.shards().size(); i++) {
                    b.append(i == 0 ? "" : "+").append(l.shards().get(i));
                }
                return b.append(')').toString();
            }
        }
        return "";
    }

    private static void steps(StringBuilder h, DrillResult r) {
        if (r.steps.isEmpty()) {
            h.append("<p>").append(r.faultsInjected ? "No fault steps in this scenario."
                    : "No faults injected: the drill ran against your own Redis.").append("</p>\n");
            return;
        }
        h.append("<table id=\"fault-steps\"><tr><th>#</th><th>at</th><th>fault</th></tr>\n");
        int n = 1;
        for (FaultTimeline.Applied a : r.steps) {
            h.append("<tr><td>").append(n++).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f s", TextReport.secs(a.started()))).append("</td><td>")
                    .append(esc(a.label())).append(a.error() == null ? "" : " <b class=\"fail\">failed: "
                            + esc(a.error()) + "</b>").append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private interface Field {
        String of(Sample s);
    }

    private interface Colour {
        String of(String value);
    }

    private static void bands(StringBuilder h, List<Sample> s, long tMax, int y, Field field, Colour colour, String id) {
        h.append("<g id=\"").append(esc(id)).append("\">");
        int i = 0;
        while (i < s.size()) {
            String value = field.of(s.get(i));
            int j = i;
            while (j + 1 < s.size() && field.of(s.get(j + 1)).equals(value)) {
                j++;
            }
            long from = s.get(i).millis();
            long to = j + 1 < s.size() ? s.get(j + 1).millis() : s.get(j).millis();
            double x0 = x(from, tMax);
            double w = Math.max(1, x(to, tMax) - x0);
            h.append("<rect x=\"").append(fmt(x0)).append("\" y=\"").append(y).append("\" width=\"").append(fmt(w))
                    .append("\" height=\"").append(ROW_H).append("\" fill=\"").append(colour.of(value))
                    .append("\"><title>").append(esc(value)).append("</title></rect>");
            i = j + 1;
        }
        h.append("</g>\n");
    }

    private static void marker(StringBuilder h, double x, int bottom, String color, String tag, String title) {
        h.append("<g class=\"fault-marker\"><title>").append(esc(title)).append("</title><line x1=\"").append(fmt(x))
                .append("\" y1=\"").append(TOP - 2).append("\" x2=\"").append(fmt(x)).append("\" y2=\"").append(bottom)
                .append("\" stroke=\"").append(color).append("\" stroke-dasharray=\"3 3\"/><text x=\"").append(fmt(x + 3))
                .append("\" y=\"").append(TOP + 10).append("\" font-size=\"11\" fill=\"").append(color).append("\">")
                .append(esc(tag)).append("</text></g>\n");
    }

    private static void panelFrame(StringBuilder h, int top, int height, String title, double max) {
        h.append("<rect x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"").append(RIGHT - LEFT)
                .append("\" height=\"").append(height).append("\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n");
        for (int k = 0; k <= 2; k++) {
            double y = top + height - k * height / 2.0;
            h.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" font-size=\"11\" text-anchor=\"end\">").append(fmtNumber(max * k / 2)).append("</text>");
            if (k == 1) {
                h.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y)).append("\" x2=\"").append(RIGHT)
                        .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e3e3e3\"/>");
            }
        }
        h.append("<text x=\"").append(12).append("\" y=\"").append(top + height / 2 + 4)
                .append("\" font-size=\"12\" font-weight=\"600\">").append(esc(title)).append("</text>\n");
    }

    private static String breakerColor(String state) {
        return switch (state) {
            case "CLOSED" -> "#2e9d4f";
            case "HALF_OPEN" -> "#e0a100";
            case "OPEN" -> "#d0342c";
            default -> "#999";
        };
    }

    private static String activeColor(String label) {
        return switch (label) {
            case "primary" -> "#3367d6";
            case "standby" -> "#8e44ad";
            case "none" -> "#bbbbbb";
            default -> "#555";
        };
    }

    private static double x(double millis, long tMax) {
        return LEFT + (RIGHT - LEFT) * Math.min(1.0, millis / tMax);
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= v) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmtNumber(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
