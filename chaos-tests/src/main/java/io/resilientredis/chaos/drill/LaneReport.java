package io.resilientredis.chaos.drill;

import io.resilientredis.chaos.topology.ClusterSlots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The drill's figures per spill lane on a Redis Cluster, and the point of lanes put to the test: during a
 * fault on one shard, writes to the other shards go straight to Redis.
 *
 * <p><b>How a write is attributed.</b> A write goes to the lane that routes the slot of its key (a job
 * queue's keys carry the queue's name as their hash tag, so the name's slot), as the client's
 * {@code status().lanes()} showed it at the last sample before the call started (samples are 250 ms apart;
 * a lane's slots change only when the cluster moves slots). A lane belongs to the shard whose node it
 * names as its master (shard membership is fixed; a failover promotes another member of the same shard).
 *
 * <p><b>Fault windows.</b> Consecutive fault steps about the same shard ({@link FaultStep#shard()}) form a
 * window, from the first's start to the last's end (for a shard down: from the kill until the restarted
 * shard has synced). A write that started in a window and was spilled into the lane of a shard the window
 * is not about is a <em>healthy-lane spill</em>: the verdict fails on it. A lane still recovering from an
 * earlier fault when a window starts (its breaker not closed, or writes waiting in its spill) is judged in
 * that window only from the first sample that shows it recovered: its spills before that are the earlier
 * fault's tail, counted apart as <em>recovering</em> (a shard failed over a second before the next fault
 * starts still has a breaker waiting to probe). Full-outage windows spill every lane and are reported only;
 * spills outside any window are reported, not judged (a loaded machine can time a call out anywhere).
 */
final class LaneReport {

    /**
     * One lane's figures over the run.
     *
     * @param lane the lane's number
     * @param shards the shards it belonged to (normally one)
     * @param direct writes through it that Redis acknowledged
     * @param spilled writes spilled into it
     * @param maxDepth its largest spill depth in a sample
     * @param replayed writes it replayed (the client's count at the last sample)
     */
    record Lane(int lane, List<Integer> shards, long direct, long spilled, long maxDepth, long replayed) {
    }

    /**
     * A fault window and what writes did during it, per shard.
     *
     * @param label the window's steps, joined
     * @param shard the shard it is about, or {@link FaultStep#ALL_SHARDS}
     * @param fromMillis its start, in the workload's time
     * @param toMillis its end
     * @param direct per shard, writes Redis acknowledged that started in the window
     * @param spilled per shard, writes spilled that started in the window
     * @param recovering per shard, those of the spilled writes that went into a lane still recovering from
     *     an earlier fault (not judged)
     */
    record Window(String label, int shard, long fromMillis, long toMillis, Map<Integer, Long> direct,
                  Map<Integer, Long> spilled, Map<Integer, Long> recovering) {

        /**
         * @return spilled writes of shards the window is not about, less those of lanes still recovering
         *     from an earlier fault (0 for a full outage)
         */
        long healthySpilled() {
            if (shard < 0) {
                return 0;
            }
            long n = 0;
            for (Map.Entry<Integer, Long> e : spilled.entrySet()) {
                if (e.getKey() >= 0 && e.getKey() != shard) {
                    n += e.getValue() - recovering.getOrDefault(e.getKey(), 0L);
                }
            }
            return n;
        }

        /** @return spilled writes of other shards' lanes still recovering from an earlier fault */
        long recoveringSpilled() {
            if (shard < 0) {
                return 0;
            }
            long n = 0;
            for (Map.Entry<Integer, Long> e : recovering.entrySet()) {
                if (e.getKey() >= 0 && e.getKey() != shard) {
                    n += e.getValue();
                }
            }
            return n;
        }

        /** @return direct writes of shards the window is not about */
        long healthyDirect() {
            long n = 0;
            for (Map.Entry<Integer, Long> e : direct.entrySet()) {
                if (e.getKey() >= 0 && e.getKey() != shard) {
                    n += e.getValue();
                }
            }
            return n;
        }
    }

    /** Shard number of a lane whose master the drill could not match with a shard. */
    static final int UNKNOWN = -1;

    private final List<Lane> lanes;
    private final List<Window> windows;
    private final long spilledOutsideWindows;
    private final long unattributed;

    private LaneReport(List<Lane> lanes, List<Window> windows, long spilledOutsideWindows, long unattributed) {
        this.lanes = List.copyOf(lanes);
        this.windows = List.copyOf(windows);
        this.spilledOutsideWindows = spilledOutsideWindows;
        this.unattributed = unattributed;
    }

    /**
     * @param samples the drill's samples, in time order, each with its lanes
     * @param writes every write of the run
     * @param historyOffsetMillis {@link History#millisSinceStart()} when the workload started (the samples'
     *     and the steps' time zero)
     * @param steps the fault steps that ran
     * @param shardOfPort each cluster node's port (and its proxy's) to its shard's number
     * @return the report
     */
    static LaneReport of(List<Sample> samples, List<WriteRecord> writes, long historyOffsetMillis,
                         List<FaultTimeline.Applied> steps, Map<Integer, Integer> shardOfPort) {
        List<Window> windows = windows(steps);
        List<Map<Integer, Long>> judgedFrom = new ArrayList<>();
        for (Window w : windows) {
            judgedFrom.add(judgedFrom(w, samples));
        }
        Map<Integer, long[]> perLane = new TreeMap<>();   // direct, spilled
        Map<Integer, TreeSet<Integer>> shardsOfLane = new TreeMap<>();
        Map<Integer, long[]> depthReplayed = new TreeMap<>();
        for (Sample s : samples) {
            for (Sample.Lane l : s.lanes()) {
                long[] d = depthReplayed.computeIfAbsent(l.lane(), k -> new long[2]);
                d[0] = Math.max(d[0], l.depth());
                d[1] = l.replayed();
                int shard = shardOf(l, shardOfPort);
                if (shard != UNKNOWN) {
                    shardsOfLane.computeIfAbsent(l.lane(), k -> new TreeSet<>()).add(shard);
                }
            }
        }
        long outside = 0;
        long unattributed = 0;
        int cursor = 0;
        List<WriteRecord> sorted = new ArrayList<>(writes);
        sorted.sort(java.util.Comparator.comparingLong(WriteRecord::atMillis));
        for (WriteRecord r : sorted) {
            if (!r.outcome().accepted()) {
                continue;
            }
            long t = r.atMillis() - historyOffsetMillis;
            while (cursor + 1 < samples.size() && samples.get(cursor + 1).millis() <= t) {
                cursor++;
            }
            Sample.Lane lane = samples.isEmpty() ? null : laneOf(samples.get(cursor), ClusterSlots.slot(r.key()));
            boolean spilled = r.outcome() == WriteRecord.Outcome.SPILLED;
            if (lane == null) {
                unattributed++;
                continue;
            }
            long[] c = perLane.computeIfAbsent(lane.lane(), k -> new long[2]);
            c[spilled ? 1 : 0]++;
            int shard = shardOf(lane, shardOfPort);
            boolean inWindow = false;
            for (int i = 0; i < windows.size(); i++) {
                Window w = windows.get(i);
                if (t >= w.fromMillis() && t <= w.toMillis()) {
                    inWindow = true;
                    (spilled ? w.spilled() : w.direct()).merge(shard, 1L, Long::sum);
                    if (spilled && t < judgedFrom.get(i).getOrDefault(lane.lane(), Long.MAX_VALUE)) {
                        w.recovering().merge(shard, 1L, Long::sum);
                    }
                }
            }
            if (spilled && !inWindow) {
                outside++;
            }
        }
        List<Lane> lanes = new ArrayList<>();
        for (Map.Entry<Integer, long[]> e : depthReplayed.entrySet()) {
            long[] c = perLane.getOrDefault(e.getKey(), new long[2]);
            lanes.add(new Lane(e.getKey(), List.copyOf(shardsOfLane.getOrDefault(e.getKey(), new TreeSet<>())), c[0],
                    c[1], e.getValue()[0], e.getValue()[1]));
        }
        return new LaneReport(lanes, windows, outside, unattributed);
    }

    private static List<Window> windows(List<FaultTimeline.Applied> steps) {
        List<Window> out = new ArrayList<>();
        int i = 0;
        while (i < steps.size()) {
            FaultTimeline.Applied first = steps.get(i);
            int j = i;
            while (j + 1 < steps.size() && steps.get(j + 1).shard() == first.shard()) {
                j++;
            }
            if (first.shard() != FaultStep.NO_SHARD) {
                List<String> labels = new ArrayList<>();
                long to = 0;
                for (int k = i; k <= j; k++) {
                    labels.add(steps.get(k).label());
                    to = Math.max(to, steps.get(k).finished().toMillis());
                }
                out.add(new Window(String.join("; ", labels), first.shard(), first.started().toMillis(), to,
                        new TreeMap<>(), new TreeMap<>(), new TreeMap<>()));
            }
            i = j + 1;
        }
        return out;
    }

    /**
     * From when each lane is judged in a window: its start for a lane that was recovered at the last sample
     * before it (breaker closed, nothing waiting in its spill), else the first sample in the window that
     * shows it recovered; a lane never seen recovered in the window is absent (never judged there).
     */
    private static Map<Integer, Long> judgedFrom(Window w, List<Sample> samples) {
        Map<Integer, Long> from = new TreeMap<>();
        int first = 0;
        while (first + 1 < samples.size() && samples.get(first + 1).millis() <= w.fromMillis()) {
            first++;
        }
        for (int i = first; i < samples.size() && samples.get(i).millis() <= w.toMillis(); i++) {
            Sample s = samples.get(i);
            for (Sample.Lane l : s.lanes()) {
                if (!from.containsKey(l.lane()) && "CLOSED".equals(l.breaker()) && l.depth() == 0) {
                    from.put(l.lane(), Math.max(w.fromMillis(), s.millis()));
                }
            }
        }
        return from;
    }

    private static Sample.Lane laneOf(Sample s, int slot) {
        for (Sample.Lane l : s.lanes()) {
            if (l.routes(slot)) {
                return l;
            }
        }
        return null;
    }

    private static int shardOf(Sample.Lane lane, Map<Integer, Integer> shardOfPort) {
        String master = lane.master();
        if (master == null) {
            return UNKNOWN;
        }
        try {
            return shardOfPort.getOrDefault(Integer.parseInt(master.substring(master.lastIndexOf(':') + 1)), UNKNOWN);
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    /** @return every lane's figures, by lane number */
    List<Lane> lanes() {
        return lanes;
    }

    /** @return the fault windows, in time order */
    List<Window> windows() {
        return windows;
    }

    /** @return writes spilled into the lane of a shard a single-shard fault window was not about */
    long healthyLaneSpills() {
        return windows.stream().mapToLong(Window::healthySpilled).sum();
    }

    /** @return writes spilled outside every fault window (reported, not judged) */
    long spilledOutsideWindows() {
        return spilledOutsideWindows;
    }

    /** @return accepted writes no lane in the sample before them routed (none once the client has seen the cluster) */
    long unattributed() {
        return unattributed;
    }

    /** @return one line per lane and per window, for the text report */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Lane l : lanes) {
            out.add(String.format(Locale.ROOT, "lane %d (shard %s): %,d direct, %,d spilled, max depth %,d, "
                    + "%,d replayed", l.lane(), shards(l.shards()), l.direct(), l.spilled(), l.maxDepth(), l.replayed()));
        }
        for (Window w : windows) {
            out.add(describe(w));
        }
        out.add(String.format(Locale.ROOT, "outside fault windows %,d spilled (reported, not judged)%s",
                spilledOutsideWindows, unattributed == 0 ? "" : String.format(Locale.ROOT,
                        "; %,d writes before the client had seen the cluster's lanes", unattributed)));
        return out;
    }

    static String describe(Window w) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.1f-%.1f s %s: ", w.fromMillis() / 1000.0,
                w.toMillis() / 1000.0, w.shard() < 0 ? "every shard" : "shard " + w.shard()));
        TreeSet<Integer> shards = new TreeSet<>(w.direct().keySet());
        shards.addAll(w.spilled().keySet());
        List<String> parts = new ArrayList<>();
        for (int s : shards) {
            parts.add(String.format(Locale.ROOT, "shard %s %,d direct/%,d spilled", s < 0 ? "?" : Integer.toString(s),
                    w.direct().getOrDefault(s, 0L), w.spilled().getOrDefault(s, 0L)));
        }
        b.append(parts.isEmpty() ? "no writes" : String.join(", ", parts));
        if (w.shard() >= 0) {
            if (w.healthySpilled() > 0) {
                b.append(String.format(Locale.ROOT, "; %,d writes of the other shards SPILLED", w.healthySpilled()));
            } else if (w.recoveringSpilled() == 0) {
                b.append(String.format(Locale.ROOT, "; the other shards' %,d writes all went direct", w.healthyDirect()));
            } else {
                b.append("; the other shards' writes all went direct once their lanes had recovered");
            }
            if (w.recoveringSpilled() > 0) {
                b.append(String.format(Locale.ROOT, " (%,d spilled into a lane still recovering from an earlier fault, "
                        + "not judged)", w.recoveringSpilled()));
            }
        }
        return b.toString();
    }

    private static String shards(List<Integer> shards) {
        if (shards.isEmpty()) {
            return "?";
        }
        StringBuilder b = new StringBuilder();
        for (int s : shards) {
            b.append(b.length() == 0 ? "" : "+").append(s);
        }
        return b.toString();
    }

    /** @return the figures for {@code report.json} */
    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Map<String, Object>> ls = new ArrayList<>();
        for (Lane l : lanes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lane", l.lane());
            m.put("shards", l.shards());
            m.put("direct", l.direct());
            m.put("spilled", l.spilled());
            m.put("maxDepth", l.maxDepth());
            m.put("replayed", l.replayed());
            ls.add(m);
        }
        root.put("lanes", ls);
        List<Map<String, Object>> ws = new ArrayList<>();
        for (Window w : windows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", w.label());
            m.put("shard", w.shard() < 0 ? "all" : w.shard());
            m.put("fromMillis", w.fromMillis());
            m.put("toMillis", w.toMillis());
            m.put("directByShard", keysAsText(w.direct()));
            m.put("spilledByShard", keysAsText(w.spilled()));
            m.put("healthyShardsDirect", w.shard() < 0 ? null : w.healthyDirect());
            m.put("healthyShardsSpilled", w.shard() < 0 ? null : w.healthySpilled());
            m.put("recoveringLanesSpilled", w.shard() < 0 ? null : w.recoveringSpilled());
            ws.add(m);
        }
        root.put("faultWindows", ws);
        root.put("healthyLaneSpills", healthyLaneSpills());
        root.put("spilledOutsideWindows", spilledOutsideWindows);
        root.put("unattributedWrites", unattributed);
        return root;
    }

    private static Map<String, Long> keysAsText(Map<Integer, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k < 0 ? "unknown" : Integer.toString(k), v));
        return out;
    }
}
