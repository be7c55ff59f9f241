package io.resilientredis.failover.spill;

import static io.resilientredis.failover.spill.SpillTestSupport.payloadFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounds and overflow policies: nothing is ever dropped silently. */
class SpillStoreBoundsTest {
    @TempDir Path dir;

    private final List<SpillStore> stores = new ArrayList<>();

    @AfterEach
    void closeAll() {
        stores.forEach(SpillStore::close);
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    private SpillStore open(SpillStoreConfig.Builder builder) {
        SpillStore store = SpillStore.open(builder.build());
        stores.add(store);
        return store;
    }

    private static SpillFullException full(CompletableFuture<?> f) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(f::join);
        assertThat(t)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SpillFullException.class);
        return (SpillFullException) t.getCause();
    }

    @Test
    void aStoreFullByEntriesRejectsWithTheBoundsDepthAndTheFix() {
        SpillStore store = open(SpillStoreConfig.builder(dir).maxEntries(3));
        for (int i = 0; i < 3; i++) {
            store.append("id" + i, new byte[10]).join();
        }
        CompletableFuture<SpillEntry> rejected = store.append("over", new byte[10]);
        assertThat(rejected).isCompletedExceptionally(); // at once, not after a wait
        SpillFullException e = full(rejected);
        assertThat(e.getMessage())
                .contains(store.file().toString())
                .contains("3 of max 3 entries")
                .contains("30 of max " + SpillStoreConfig.DEFAULT_MAX_BYTES + " payload bytes")
                .contains("REJECT")
                .contains("not stored")
                .contains("Fix:");
        assertThat(e.depth()).isEqualTo(3);
        assertThat(e.maxEntries()).isEqualTo(3);
        assertThat(e.policy()).isEqualTo(OverflowPolicy.reject());
        assertThat(store.depth()).isEqualTo(3);
        assertThat(store.read(0, 10, Long.MAX_VALUE))
                .extracting(SpillEntry::id)
                .containsExactly("id0", "id1", "id2");
    }

    @Test
    void aStoreFullByBytesRejectsButStillTakesWhatFits() {
        SpillStore store = open(SpillStoreConfig.builder(dir).maxBytes(100));
        store.append("a", new byte[60]).join();
        SpillFullException e = full(store.append("b", new byte[41]));
        assertThat(e.getMessage())
                .contains("entry of 41 bytes")
                .contains("60 of max 100 payload bytes");
        assertThat(e.bytes()).isEqualTo(60);
        assertThat(store.append("c", new byte[40]).join().sequence()).isEqualTo(2);
        assertThat(store.bytes()).isEqualTo(100);
    }

    @Test
    void theBoundCountsQueuedAppendsNotOnlyCommittedOnes() throws Exception {
        SpillTestSupport.Gate gate = new SpillTestSupport.Gate();
        SpillStore store = open(SpillStoreConfig.builder(dir).maxEntries(5).writerHook(gate));
        List<CompletableFuture<SpillEntry>> accepted = new ArrayList<>();
        accepted.add(store.append("id0", new byte[1]));
        gate.awaitWriterHeld();
        for (int i = 1; i < 5; i++) {
            accepted.add(store.append("id" + i, new byte[1]));
        }
        assertThat(store.depth()).isZero(); // nothing committed yet...
        SpillFullException e = full(store.append("burst", new byte[1])); // ...but the bound holds
        assertThat(e.getMessage()).contains("5 of max 5 entries");
        gate.open();
        assertThat(accepted).allSatisfy(f -> assertThat(f.join()).isNotNull());
        assertThat(store.depth()).isEqualTo(5);
    }

    @Test
    void theBlockingPolicyWaitsForRoomThenFails() {
        Duration timeout = Duration.ofMillis(300);
        SpillStore store =
                open(
                        SpillStoreConfig.builder(dir)
                                .maxEntries(2)
                                .overflowPolicy(OverflowPolicy.block(timeout)));
        store.append("a", new byte[1]).join();
        store.append("b", new byte[1]).join();

        long start = System.nanoTime();
        CompletableFuture<SpillEntry> waiting = store.append("c", new byte[1]); // returns at once
        assertThat(waiting).isNotDone();
        assertThat(store.pendingAppends()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(10)).until(waiting::isDone);
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        SpillFullException e = full(waiting);
        assertThat(e.getMessage())
                .contains("no room within the overflow timeout of PT0.3S")
                .contains("BLOCK(timeout=PT0.3S)")
                .contains("not stored");
        assertThat(waitedMillis).isGreaterThanOrEqualTo(timeout.toMillis());
        assertThat(store.pendingAppends()).isZero();
        assertThat(store.depth()).isEqualTo(2);
    }

    @Test
    void blockedAppendsAreAdmittedInCallOrderWhenDeletesFreeRoom() {
        SpillStore store =
                open(
                        SpillStoreConfig.builder(dir)
                                .maxBytes(100)
                                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(30))));
        store.append("a", new byte[50]).join();
        store.append("b", new byte[40]).join();
        CompletableFuture<SpillEntry> big = store.append("big", new byte[50]);
        // "small" would fit now, but it must not overtake "big"
        CompletableFuture<SpillEntry> small = store.append("small", new byte[5]);
        assertThat(big).isNotDone();
        assertThat(small).isNotDone();
        assertThat(store.pendingAppends()).isEqualTo(2);

        store.deleteThrough(1); // frees 50 bytes: room for big, then small
        SpillEntry bigEntry = big.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        SpillEntry smallEntry = small.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(bigEntry.sequence()).isEqualTo(3);
        assertThat(smallEntry.sequence()).isEqualTo(4);
        assertThat(store.read(0, 10, Long.MAX_VALUE))
                .extracting(SpillEntry::id)
                .containsExactly("b", "big", "small");
        assertThat(store.bytes()).isEqualTo(95);
    }

    @Test
    void anEntryLargerThanTheWholeStoreFailsAtCallTimeEvenWhenBlocking() {
        SpillStore store =
                open(
                        SpillStoreConfig.builder(dir)
                                .maxBytes(100)
                                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(30))));
        // The entry limit is capped at maxBytes: such an entry could never fit.
        assertThat(store.config().maxEntryBytes()).isEqualTo(100);
        assertThatThrownBy(() -> store.append("huge", new byte[101]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101 bytes")
                .hasMessageContaining("entry limit of 100 bytes")
                .hasMessageContaining("maxEntryBytes");
        assertThat(store.pendingAppends()).isZero();
        assertThat(store.append("fits", new byte[100]).join().sequence()).isEqualTo(1);
    }

    @Test
    void anEntryLargerThanTheEntryLimitFailsAtCallTimeNamingTheLimit() {
        SpillStore store = open(SpillStoreConfig.builder(dir).maxEntryBytes(1024));
        assertThatThrownBy(() -> store.append("big", new byte[1025]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry limit of 1024 bytes");
        assertThatThrownBy(() -> store.checkEntrySize(1025)).isInstanceOf(IllegalArgumentException.class);
        store.checkEntrySize(1024);
        assertThat(store.append("ok", new byte[1024]).join().payload()).hasSize(1024);
        assertThat(SpillStoreConfig.builder(dir).build().maxEntryBytes())
                .isEqualTo(SpillStoreConfig.DEFAULT_MAX_ENTRY_BYTES);
        assertThatThrownBy(() -> SpillStoreConfig.builder(dir).maxEntryBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEntryBytes");
    }

    @Test
    void closingFailsAppendsStillWaitingForRoomAndKeepsTheRest() {
        SpillStore store =
                SpillStore.open(
                        SpillStoreConfig.builder(dir)
                                .maxEntries(1)
                                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(30)))
                                .build());
        store.append("a", payloadFor("a")).join();
        CompletableFuture<SpillEntry> waiting = store.append("b", payloadFor("b"));
        store.close();
        assertThatThrownBy(waiting::join)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed while this append waited for room")
                .hasMessageContaining("not stored");
        SpillStore reopened = open(SpillStoreConfig.builder(dir));
        assertThat(reopened.read(0, 10, Long.MAX_VALUE))
                .extracting(SpillEntry::id)
                .containsExactly("a");
    }
}
