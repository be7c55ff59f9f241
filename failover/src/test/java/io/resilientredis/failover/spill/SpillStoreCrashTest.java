package io.resilientredis.failover.spill;

import static io.resilientredis.failover.spill.SpillTestSupport.payloadFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends from several threads and is killed with SIGKILL; reopening finds every entry
 * the child saw committed, a gap-free sequence, and no half-written entry. Three rounds on the same
 * directory, killed after different amounts of work.
 */
class SpillStoreCrashTest {
    @TempDir Path dir;

    @AfterEach
    void noWriterLeft() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    @Test
    void committedEntriesSurviveKillMinus9AndNothingIsHalfWritten() throws Exception {
        Map<Long, String> reportedCommitted = new HashMap<>();
        long[] killAfter = {200, 777, 1500};
        for (int round = 0; round < killAfter.length; round++) {
            long threshold = killAfter[round];
            try (SpillTestSupport.ChildJvm child =
                    new SpillTestSupport.ChildJvm("append", dir, Integer.toString(round), "4")) {
                child.awaitLine("OPENED");
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(5))
                        .failFast("child died: " + child.lines, () -> !child.process.isAlive())
                        .until(() -> child.count("COMMITTED ") >= threshold);
                child.kill9(); // mid-stream: appends are queued and a transaction may be in flight
                assertThat(child.process.exitValue()).isEqualTo(137); // 128 + SIGKILL
                for (String line : child.lines) {
                    if (line.startsWith("COMMITTED ")) {
                        String[] parts = line.split(" ");
                        reportedCommitted.put(Long.parseLong(parts[1]), parts[2]);
                    }
                }
            }

            try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
                List<SpillEntry> all = store.read(0, Integer.MAX_VALUE, Long.MAX_VALUE);
                assertThat(store.depth()).isEqualTo(all.size());
                assertThat(all).hasSizeGreaterThanOrEqualTo(reportedCommitted.size());
                for (int i = 0; i < all.size(); i++) {
                    SpillEntry e = all.get(i);
                    assertThat(e.sequence()).as("gap-free sequence").isEqualTo(i + 1);
                    assertThat(e.payload())
                            .as("payload of %s", e.id())
                            .isEqualTo(payloadFor(e.id()));
                }
                Map<Long, String> stored = new HashMap<>();
                all.forEach(e -> stored.put(e.sequence(), e.id()));
                assertThat(stored).containsAllEntriesOf(reportedCommitted);
                assertThat(store.bytes())
                        .isEqualTo(all.stream().mapToLong(e -> e.payload().length).sum());
            }
        }
        assertThat(reportedCommitted.size()).isGreaterThanOrEqualTo(200 + 777 + 1500);
    }
}
