package io.resilientredis.failover.spill;

import static io.resilientredis.failover.spill.SpillTestSupport.payloadFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends, reads, deletes, recovery, group commit and close of {@link SpillStore}. */
class SpillStoreTest {
    @TempDir Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    private SpillStore open(SpillStoreConfig.Builder builder) {
        SpillStore store = SpillStore.open(builder.build());
        toClose.add(store);
        return store;
    }

    private SpillStore open() {
        return open(SpillStoreConfig.builder(dir));
    }

    @Test
    void appendsBecomeDurableEntriesReadBackInSequenceOrder() {
        SpillStore store = open();
        Instant before = Instant.now();
        SpillEntry a = store.append("a", payloadFor("a")).join();
        SpillEntry b = store.append("b", payloadFor("b")).join();
        SpillEntry c = store.append("c", new byte[0]).join();

        assertThat(List.of(a.sequence(), b.sequence(), c.sequence())).containsExactly(1L, 2L, 3L);
        assertThat(a.appendedAt()).isBetween(before.minusMillis(1), Instant.now());
        assertThat(store.depth()).isEqualTo(3);
        assertThat(store.bytes()).isEqualTo(payloadFor("a").length + payloadFor("b").length);
        assertThat(store.oldestEntryTime()).contains(a.appendedAt());
        assertThat(store.pendingAppends()).isZero();

        assertThat(store.read(0, 10, Long.MAX_VALUE)).containsExactly(a, b, c);
        assertThat(store.read(1, 10, Long.MAX_VALUE)).containsExactly(b, c);
        assertThat(store.read(0, 2, Long.MAX_VALUE)).containsExactly(a, b);
        assertThat(store.read(3, 10, Long.MAX_VALUE)).isEmpty();
        // maxBytes: the first entry always comes back, then only what fits
        assertThat(store.read(0, 10, 1)).containsExactly(a);
        int ab = a.payload().length + b.payload().length;
        assertThat(store.read(0, 10, ab - 1)).containsExactly(a);
        assertThat(store.read(0, 10, ab)).containsExactly(a, b, c); // c is empty, so it fits too
    }

    @Test
    void theStoredPayloadIsACopyOfTheCallersArray() {
        SpillStore store = open();
        byte[] payload = "original".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<SpillEntry> f = store.append("id", payload);
        payload[0] = 'X';
        f.join();
        assertThat(new String(store.read(0, 1, 100).get(0).payload(), StandardCharsets.UTF_8))
                .isEqualTo("original");
    }

    @Test
    void deleteThroughRemovesTheAcknowledgedPrefixDurably() {
        SpillStore store = open();
        List<SpillEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(store.append("id" + i, payloadFor("id" + i)).join());
        }
        store.deleteThrough(2);
        assertThat(store.depth()).isEqualTo(3);
        assertThat(store.bytes())
                .isEqualTo(entries.subList(2, 5).stream().mapToLong(e -> e.payload().length).sum());
        assertThat(store.oldestEntryTime()).contains(entries.get(2).appendedAt());
        assertThat(store.read(0, 10, Long.MAX_VALUE))
                .containsExactlyElementsOf(entries.subList(2, 5));

        store.deleteThrough(2); // again: nothing left to delete, nothing changes
        assertThat(store.depth()).isEqualTo(3);
        store.deleteThrough(5);
        assertThat(store.depth()).isZero();
        assertThat(store.bytes()).isZero();
        assertThat(store.oldestEntryTime()).isEmpty();
        assertThat(store.read(0, 10, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void reopeningRecoversDepthBytesOldestAndTheNextSequence() {
        List<SpillEntry> entries = new ArrayList<>();
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            for (int i = 0; i < 5; i++) {
                entries.add(store.append("id" + i, payloadFor("id" + i)).join());
            }
            store.deleteThrough(2);
        }
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThat(store.depth()).isEqualTo(3);
            assertThat(store.bytes())
                    .isEqualTo(
                            entries.subList(2, 5).stream()
                                    .mapToLong(e -> e.payload().length)
                                    .sum());
            assertThat(store.oldestEntryTime()).contains(entries.get(2).appendedAt());
            assertThat(store.read(0, 10, Long.MAX_VALUE))
                    .containsExactlyElementsOf(entries.subList(2, 5));
            assertThat(store.append("next", payloadFor("next")).join().sequence()).isEqualTo(6);
            store.deleteThrough(6);
        }
        // an emptied store still never reuses a sequence number
        try (SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThat(store.depth()).isZero();
            assertThat(store.oldestEntryTime()).isEmpty();
            assertThat(store.append("after", payloadFor("after")).join().sequence()).isEqualTo(7);
        }
    }

    @Test
    void appendsWaitingTogetherAreCommittedInOneTransaction() throws Exception {
        SpillTestSupport.Gate gate = new SpillTestSupport.Gate();
        SpillStore store = open(SpillStoreConfig.builder(dir).writerHook(gate));
        CompletableFuture<SpillEntry> first = store.append("first", payloadFor("first"));
        gate.awaitWriterHeld(); // the writer has taken "first" and waits before its transaction
        List<CompletableFuture<SpillEntry>> rest = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            rest.add(store.append("id" + i, payloadFor("id" + i)));
        }
        assertThat(store.pendingAppends()).isEqualTo(100);
        assertThat(first).isNotDone();
        gate.open();

        assertThat(first.join().sequence()).isEqualTo(1);
        for (int i = 0; i < 99; i++) {
            assertThat(rest.get(i).join().sequence()).isEqualTo(i + 2);
        }
        assertThat(gate.batchSizes).containsExactly(1, 99);
        assertThat(store.transactionCount()).isEqualTo(2);
        assertThat(store.pendingAppends()).isZero();
        assertThat(store.depth()).isEqualTo(100);
    }

    @Test
    void concurrentAppendsKeepEachThreadsOrderAndAreAllStored() throws Exception {
        SpillStore store = open();
        int threads = 8;
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(
                        pool.submit(
                                () -> {
                                    List<Long> seqs = new ArrayList<>();
                                    List<CompletableFuture<SpillEntry>> futures = new ArrayList<>();
                                    for (int i = 0; i < perThread; i++) {
                                        String id = "t" + thread + "-" + i;
                                        futures.add(store.append(id, payloadFor(id)));
                                        if (i % 10 == 9) {
                                            futures.forEach(f -> seqs.add(f.join().sequence()));
                                            futures.clear();
                                        }
                                    }
                                    return seqs;
                                }));
            }
            for (Future<List<Long>> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).hasSize(perThread).isSorted();
            }
        } finally {
            pool.shutdownNow();
        }
        List<SpillEntry> all = store.read(0, threads * perThread + 1, Long.MAX_VALUE);
        assertThat(all).hasSize(threads * perThread);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).sequence()).isEqualTo(i + 1);
            assertThat(all.get(i).payload()).isEqualTo(payloadFor(all.get(i).id()));
        }
        // group commit: far fewer transactions than appends
        assertThat(store.transactionCount()).isLessThan(threads * perThread);
    }

    @Test
    void deletesWhileAppendsRunKeepCountsAndContentConsistent() throws Exception {
        // a small store that the appenders fill: they wait (BLOCK) for the replayer to free room
        SpillStore store =
                open(
                        SpillStoreConfig.builder(dir)
                                .maxEntries(100)
                                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(30))));
        AtomicLong appended = new AtomicLong();
        Map<String, Boolean> ids = new ConcurrentHashMap<>();
        java.util.Set<String> readIds = new java.util.HashSet<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> appenders = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                appenders.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 500; i++) {
                                        String id = "t" + thread + "-" + i;
                                        store.append(id, payloadFor(id)).join();
                                        ids.put(id, true);
                                        appended.incrementAndGet();
                                    }
                                }));
            }
            // a replayer: read a batch, check it, delete it
            long deletedThrough = 0;
            long seen = 0;
            while (seen < 1000) {
                List<SpillEntry> batch = store.read(deletedThrough, 100, Long.MAX_VALUE);
                for (SpillEntry e : batch) {
                    assertThat(e.sequence()).isEqualTo(deletedThrough + 1);
                    assertThat(e.payload()).isEqualTo(payloadFor(e.id()));
                    assertThat(readIds.add(e.id())).as("entry %s read once", e.id()).isTrue();
                    deletedThrough = e.sequence();
                    seen++;
                }
                if (!batch.isEmpty()) {
                    store.deleteThrough(deletedThrough);
                }
            }
            for (Future<?> f : appenders) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(appended.get()).isEqualTo(1000);
        assertThat(readIds).isEqualTo(ids.keySet());
        assertThat(store.depth()).isZero();
        assertThat(store.bytes()).isZero();
    }

    @Test
    void deleteThroughFromAnAppendCallbackDoesNotDeadlock() {
        SpillStore store = open();
        SpillEntry e =
                store.append("a", payloadFor("a"))
                        .thenApply(
                                entry -> {
                                    store.deleteThrough(
                                            entry.sequence()); // runs on the writer thread
                                    return entry;
                                })
                        .orTimeout(30, TimeUnit.SECONDS)
                        .join();
        assertThat(e.sequence()).isEqualTo(1);
        assertThat(store.depth()).isZero();
        assertThat(store.append("b", payloadFor("b")).join().sequence()).isEqualTo(2);
    }

    @Test
    void closeCommitsWhatIsQueuedThenStopsTheWriterAndRejectsFurtherUse() throws Exception {
        SpillTestSupport.Gate gate = new SpillTestSupport.Gate();
        SpillStore store = SpillStore.open(SpillStoreConfig.builder(dir).writerHook(gate).build());
        List<CompletableFuture<SpillEntry>> futures = new ArrayList<>();
        futures.add(store.append("first", payloadFor("first")));
        gate.awaitWriterHeld();
        for (int i = 0; i < 49; i++) {
            futures.add(store.append("id" + i, payloadFor("id" + i)));
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> store.append("late", new byte[1]).isCompletedExceptionally());
        assertThat(closing).isNotDone(); // close waits for the queued appends
        gate.open();
        closing.get(30, TimeUnit.SECONDS);

        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(futures.stream().map(CompletableFuture::join).map(SpillEntry::sequence))
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(SpillTestSupport.writerThreadAlive()).isFalse();

        assertThatThrownBy(() -> store.append("after", new byte[1]).join())
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.read(0, 1, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.deleteThrough(1)).isInstanceOf(IllegalStateException.class);
        store.close(); // idempotent

        try (SpillStore reopened = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThat(reopened.depth()).isEqualTo(50);
        }
    }

    @Test
    void configAndEntryValidateAndPrintSafely() {
        assertThatThrownBy(() -> SpillStoreConfig.builder(dir).maxBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> SpillStoreConfig.builder(dir).maxEntries(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEntries");
        assertThatThrownBy(() -> OverflowPolicy.block(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reject()");
        SpillStoreConfig config = SpillStoreConfig.builder(dir).build();
        assertThat(config.maxBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(config.maxEntries()).isEqualTo(1_000_000L);
        assertThat(config.overflowPolicy()).isEqualTo(OverflowPolicy.reject());
        assertThat(OverflowPolicy.block(Duration.ofSeconds(2)))
                .hasToString("BLOCK(timeout=PT2S)")
                .isEqualTo(OverflowPolicy.block(Duration.ofSeconds(2)));

        SpillEntry e =
                new SpillEntry(
                        1, "id", "secret-value".getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
        assertThat(e.toString()).doesNotContain("secret-value").contains("12 bytes");
        assertThat(e)
                .isEqualTo(
                        new SpillEntry(
                                1,
                                "id",
                                "secret-value".getBytes(StandardCharsets.UTF_8),
                                Instant.EPOCH));
    }
}
