package io.resilientredis.failover.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file gives its space back: a million spilled SETs drained leave a store under 1 MiB. */
class SpillStoreSpaceTest {
    @TempDir Path dir;

    @AfterEach
    void noWriterLeft() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    @Test
    void drainingAMillionEntriesLeavesTheFileUnderOneMebibyte() throws Exception {
        int total = 1_000_000;
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).maxEntries(total).build())) {
            long start = System.nanoTime();
            CompletableFuture<SpillEntry> last = null;
            for (int i = 0; i < total; i++) {
                // about the size of a spilled SET of a short key and value
                byte[] payload = ("\u0001\u0000\u0010id-" + i + "\u0000\u0003SET\u0000\u0000\u0000\u0002key:" + i
                        + "value-" + i + "-0123456789abcdef").getBytes(StandardCharsets.UTF_8);
                last = store.append("id-" + i, payload);
                if (i % 50_000 == 49_999) {
                    last.join(); // bounded memory
                }
            }
            last.join();
            double appendSeconds = (System.nanoTime() - start) / 1e9;
            long full = size();
            assertThat(store.depth()).isEqualTo(total);

            start = System.nanoTime();
            long after = 0;
            while (true) {
                List<SpillEntry> batch = store.read(after, 10_000, Long.MAX_VALUE);
                if (batch.isEmpty()) {
                    break;
                }
                after = batch.get(batch.size() - 1).sequence();
                store.deleteThroughAsync(after);
            }
            store.deleteThrough(after);
            double drainSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(store.depth()).isZero();
            // The writer vacuums and truncates the WAL right after the delete that emptied it.
            long reclaimStart = System.nanoTime();
            await("space given back").atMost(Duration.ofSeconds(30)).until(() -> size() < 1024 * 1024);
            double reclaimSeconds = (System.nanoTime() - reclaimStart) / 1e9;
            long drained = size();
            System.out.printf(
                    "[measure] 1,000,000 entries: appended in %.1f s (%.0f/s, one thread, async), %.1f MiB on"
                            + " disk; read and deleted in %.1f s (%.0f/s); %d bytes on disk after the drain (space given back"
                            + " within %.1f s)%n",
                    appendSeconds, total / appendSeconds, full / 1048576.0, drainSeconds, total / drainSeconds,
                    drained, reclaimSeconds);
            assertThat(full).as("the test stored something sizeable").isGreaterThan(50L * 1024 * 1024);
            assertThat(drained).as("db + WAL after draining").isLessThan(1024 * 1024);
        }
    }

    private long size() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("spill.db"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
