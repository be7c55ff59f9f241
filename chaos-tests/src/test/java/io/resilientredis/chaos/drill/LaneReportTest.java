package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.topology.ClusterSlots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the drill attributes writes to lanes, shards and fault windows on a cluster, and slot-wise deletes. */
class LaneReportTest {

    private static final String A = ClusterSlots.keyInSlot("k", 100);     // shard 0
    private static final String B = ClusterSlots.keyInSlot("k", 9000);    // shard 1

    private static Sample sample(long millis, long depth0, long depth1) {
        return new Sample(millis, 0, 0, 0, 0, 0, depth0 + depth1, 0, "primary", List.of("CLOSED", "CLOSED"), "none",
                List.of(new Sample.Lane(0, List.of("0-8191"), "127.0.0.1:7000", "CLOSED", depth0, 0),
                        new Sample.Lane(1, List.of("8192-16383"), "127.0.0.1:7001", "OPEN", depth1, 0)));
    }

    private static WriteRecord write(String key, long at, WriteRecord.Outcome outcome) {
        return new WriteRecord(0, at, "set", key, at, outcome, null, at);
    }

    private static final Map<Integer, Integer> SHARDS = Map.of(7000, 0, 7001, 1);

    @Test
    void aSpillOfTheFaultedShardIsExpectedAndOneOfAnotherShardIsAHealthyLaneSpill() {
        List<Sample> samples = List.of(sample(0, 0, 0), sample(1000, 0, 3), sample(2000, 0, 0));
        // The history's clock runs 50 ms ahead of the workload's.
        List<WriteRecord> writes = new ArrayList<>(List.of(
                write(A, 1150, WriteRecord.Outcome.WRITTEN), write(B, 1160, WriteRecord.Outcome.SPILLED),
                write(B, 1170, WriteRecord.Outcome.SPILLED), write(A, 1500, WriteRecord.Outcome.WRITTEN)));
        List<FaultTimeline.Applied> steps = List.of(new FaultTimeline.Applied(Duration.ofMillis(1000),
                Duration.ofMillis(1000), "shard 1 down", null, Duration.ofMillis(1600), 1));

        LaneReport calm = LaneReport.of(samples, writes, 50, steps, SHARDS);
        assertThat(calm.healthyLaneSpills()).isZero();
        assertThat(calm.lanes()).extracting(LaneReport.Lane::spilled).containsExactly(0L, 2L);
        assertThat(calm.lanes()).extracting(LaneReport.Lane::shards).containsExactly(List.of(0), List.of(1));
        assertThat(calm.windows()).singleElement().satisfies(w -> {
            assertThat(w.healthyDirect()).isEqualTo(2);
            assertThat(w.spilled()).containsEntry(1, 2L);
        });

        writes.add(write(A, 1400, WriteRecord.Outcome.SPILLED));
        writes.add(write(A, 1900, WriteRecord.Outcome.SPILLED));   // after the window: reported, not judged
        LaneReport hit = LaneReport.of(samples, writes, 50, steps, SHARDS);
        assertThat(hit.healthyLaneSpills()).isEqualTo(1);
        assertThat(hit.spilledOutsideWindows()).isEqualTo(1);
        assertThat(hit.lines()).anyMatch(l -> l.contains("1 writes of the other shards SPILLED"));
    }

    private static Sample lanes(long millis, String breaker1, long depth1) {
        return new Sample(millis, 0, 0, 0, 0, 0, depth1, 0, "primary", List.of("CLOSED", breaker1), "none",
                List.of(new Sample.Lane(0, List.of("0-8191"), "127.0.0.1:7000", "CLOSED", 0, 0),
                        new Sample.Lane(1, List.of("8192-16383"), "127.0.0.1:7001", breaker1, depth1, 0)));
    }

    @Test
    void aLaneStillRecoveringFromAnEarlierFaultIsJudgedOnlyOnceASampleShowsItRecovered() {
        // Shard 1 failed over just before shard 0's fault: its lane is half-open with a backlog at 1000 ms,
        // closed but replaying at 1250, recovered at 1500; shard 0's window runs 1000-3000 ms.
        List<Sample> samples = List.of(lanes(750, "OPEN", 30), lanes(1000, "HALF_OPEN", 30),
                lanes(1250, "CLOSED", 4), lanes(1500, "CLOSED", 0), lanes(2000, "OPEN", 1), lanes(2500, "CLOSED", 0));
        List<FaultTimeline.Applied> steps = List.of(new FaultTimeline.Applied(Duration.ofMillis(1000),
                Duration.ofMillis(1000), "shard 0 down", null, Duration.ofMillis(3000), 0));
        List<WriteRecord> tail = new ArrayList<>(List.of(write(B, 1100, WriteRecord.Outcome.SPILLED),
                write(B, 1300, WriteRecord.Outcome.SPILLED), write(B, 1600, WriteRecord.Outcome.WRITTEN),
                write(A, 1700, WriteRecord.Outcome.SPILLED)));

        LaneReport recovering = LaneReport.of(samples, tail, 0, steps, SHARDS);
        assertThat(recovering.healthyLaneSpills()).isZero();
        assertThat(recovering.windows()).singleElement().satisfies(w -> {
            assertThat(w.spilled()).containsEntry(1, 2L);
            assertThat(w.recoveringSpilled()).isEqualTo(2);
        });
        assertThat(recovering.lines()).anyMatch(l -> l.contains("all went direct once their lanes had recovered")
                && l.contains("2 spilled into a lane still recovering"));

        // Once a sample showed lane 1 recovered, its breaker opening in shard 0's window is a healthy-lane spill.
        tail.add(write(B, 2100, WriteRecord.Outcome.SPILLED));
        LaneReport broken = LaneReport.of(samples, tail, 0, steps, SHARDS);
        assertThat(broken.healthyLaneSpills()).isEqualTo(1);
        assertThat(broken.windows().get(0).recoveringSpilled()).isEqualTo(2);
        assertThat(broken.lines()).anyMatch(l -> l.contains("1 writes of the other shards SPILLED"));

        // A lane recovered when the window starts is judged from its start.
        List<Sample> calm = List.of(lanes(750, "CLOSED", 0), lanes(1250, "CLOSED", 0));
        LaneReport judged = LaneReport.of(calm, List.of(write(B, 1100, WriteRecord.Outcome.SPILLED)), 0, steps,
                SHARDS);
        assertThat(judged.healthyLaneSpills()).isEqualTo(1);
        assertThat(judged.windows().get(0).recoveringSpilled()).isZero();
    }

    @Test
    void aFullOutageSpillsEveryLaneWithoutBlame() {
        List<Sample> samples = List.of(sample(0, 0, 0));
        List<WriteRecord> writes = List.of(write(A, 10, WriteRecord.Outcome.SPILLED),
                write(B, 20, WriteRecord.Outcome.SPILLED));
        List<FaultTimeline.Applied> steps = List.of(new FaultTimeline.Applied(Duration.ZERO, Duration.ZERO,
                "full outage", null, Duration.ofMillis(100), FaultStep.ALL_SHARDS));
        assertThat(LaneReport.of(samples, writes, 0, steps, SHARDS).healthyLaneSpills()).isZero();
    }

    @Test
    void keysAreDeletedSlotBySlot() {
        String marker = io.resilientredis.client.internal.Markers.key("id-1", A);
        List<List<String>> groups = KeyKeeper.bySlot(List.of(A, B, marker, "rr:q:{" + A + "}:ready"));
        assertThat(groups).hasSize(3);
        for (List<String> group : groups) {
            assertThat(group.stream().map(ClusterSlots::slot).distinct()).hasSize(1);
        }
        assertThat(groups.get(0)).containsExactly(A, marker);
    }
}
