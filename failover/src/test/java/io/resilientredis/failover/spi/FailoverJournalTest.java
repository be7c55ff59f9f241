package io.resilientredis.failover.spi;

import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.JournalSettings;
import io.resilientredis.failover.JournalStatus;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;

import static io.resilientredis.failover.spi.EngineFixture.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The failover journal on fake nodes: one endpoint whose target the test moves from an old master
 * to a new one that holds only a prefix of what the old one acknowledged (what asynchronous
 * replication leaves after a failover).
 */
class FailoverJournalTest {

    @RegisterExtension
    final EngineFixture fx = new EngineFixture(Duration.ofSeconds(5));

    private final FakeRedis oldMaster = new FakeRedis("10.0.0.1:6379");
    private final FakeRedis newMaster = new FakeRedis("10.0.0.2:6379");
    private final EndpointTarget<FakeRedis> target = EndpointTarget.movable(() -> CompletableFuture.completedFuture(null));
    private FailoverEngine<FakeRedis> engine;

    /** Holds the journal's re-apply until completed (for the test of a write arriving meanwhile). */
    private volatile CompletableFuture<Void> reapplyHold = CompletableFuture.completedFuture(null);

    /** Re-applies journaled appends: each payload is the appended value; FakeRedis applies a value once. */
    private final ReplayApplier<FakeRedis> applier = EngineFixture.applierAfter(() -> reapplyHold);

    private FailoverEngine<FakeRedis> engine(JournalSettings journal) {
        target.moveTo(oldMaster, "10.0.0.1:6379");
        return fx.start(FailoverEngine.<FakeRedis>builder()
                .endpoint(Endpoint.following("sentinel://m@s1:26379", target, FakeRedis::ping))
                .journal(journal, applier)
                .probeTimeout(Duration.ofMillis(500))
                .listener(fx.events::add));
    }

    private void write(String value) {
        WriteReceipt<String> r = fx.join(engine.write(append(value)));
        assertThat(r.status()).isEqualTo(WriteStatus.WRITTEN);
    }

    @Test
    void writesTheOldMasterAcknowledgedReachTheNewOneInOrderBeforeNewerWrites() {
        engine = engine(JournalSettings.defaults());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            write("w" + i);
            expected.add("w" + i);
        }
        // Replication had delivered the first 30 when the new master was promoted.
        for (int i = 0; i < 30; i++) {
            newMaster.append("w" + i);
        }
        assertThat(target.moveTo(newMaster, "10.0.0.2:6379")).succeedsWithin(Duration.ofSeconds(5));
        write("after");
        expected.add("after");

        assertThat(newMaster.log).as("every acknowledged write once, in order, then the newer one").containsExactlyElementsOf(expected);
        assertThat(target.node()).isEqualTo("10.0.0.2:6379");
        JournalStatus journal = engine.status().journal();
        assertThat(journal.masterChanges()).isEqualTo(1);
        assertThat(journal.reapplied()).isEqualTo(50);
        assertThat(journal.overflowed()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.events.stream()
                .anyMatch(e -> e.type() == FailoverEvent.Type.MASTER_CHANGED && e.detail().contains("50 writes")));
    }

    @Test
    void aWriteArrivingDuringTheMoveWaitsForTheReapplyAndGoesToTheNewMaster() throws Exception {
        engine = engine(JournalSettings.defaults());
        write("old-1");
        // The new master applies the journal slowly: a write made meanwhile must wait behind it.
        CompletableFuture<Void> release = new CompletableFuture<>();
        reapplyHold = release;
        FakeRedis slow = newMaster;
        CompletableFuture<Void> moved = CompletableFuture.runAsync(() -> target.moveTo(slow, "10.0.0.2:6379").join());
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.status().journal().masterChanges() == 0
                && target.node().equals("10.0.0.1:6379") && !moved.isDone());
        CompletableFuture<WriteReceipt<String>> during = engine.write(append("new-1"));
        assertThat(during).isNotDone();
        release.complete(null);
        assertThat(moved).succeedsWithin(Duration.ofSeconds(5));
        assertThat(during).succeedsWithin(Duration.ofSeconds(5));
        assertThat(slow.log).containsExactly("old-1", "new-1");
        assertThat(oldMaster.log).containsExactly("old-1");
    }

    @Test
    void aWriteInFlightWhenTheMoveStartsIsJournaledAndReapplied() {
        engine = engine(JournalSettings.defaults());
        CompletableFuture<String> reply = new CompletableFuture<>();
        AtomicReference<String> appliedOnOld = new AtomicReference<>();
        WriteOp<FakeRedis, String> slowWrite = new WriteOp<>() {
            @Override
            public String id() {
                return "in-flight";
            }

            @Override
            public CompletionStage<String> apply(FakeRedis connection) {
                appliedOnOld.set(connection.toString());
                connection.append("in-flight");
                return reply; // the old master's reply is still on its way
            }

            @Override
            public byte[] encode() {
                return "in-flight".getBytes(StandardCharsets.UTF_8);
            }
        };
        CompletableFuture<WriteReceipt<String>> write = engine.write(slowWrite);
        CompletableFuture<Void> moved = CompletableFuture.runAsync(() -> target.moveTo(newMaster, "10.0.0.2:6379").join());
        assertThat(moved).isNotDone();
        reply.complete("OK");
        assertThat(write).succeedsWithin(Duration.ofSeconds(5));
        assertThat(moved).succeedsWithin(Duration.ofSeconds(5));
        assertThat(appliedOnOld.get()).isEqualTo("10.0.0.1:6379");
        assertThat(newMaster.log).containsExactly("in-flight");
    }

    @Test
    void theByteBoundPushingOutWritesInsideTheWindowIsCountedAndReportedOnce() {
        engine = engine(JournalSettings.builder().maxBytes(64 * 10).build());
        for (int i = 0; i < 40; i++) {
            write("v" + i);
        }
        JournalStatus journal = engine.status().journal();
        assertThat(journal.overflowed()).isGreaterThanOrEqualTo(30);
        assertThat(journal.bytes()).isLessThanOrEqualTo(64 * 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.events.stream()
                .anyMatch(e -> e.type() == FailoverEvent.Type.JOURNAL_OVERFLOW));
        assertThat(fx.count(FailoverEvent.Type.JOURNAL_OVERFLOW)).isEqualTo(1);
    }

    @Test
    void aCallMadeBeforeTheFirstDiscoveryWaitsForItInsteadOfFailing() {
        EndpointTarget<FakeRedis> undiscovered = EndpointTarget.movable(() -> CompletableFuture.completedFuture(null));
        engine = fx.start(FailoverEngine.<FakeRedis>builder()
                .endpoint(Endpoint.following("sentinel://m@s1:26379", undiscovered, FakeRedis::ping))
                .journal(JournalSettings.defaults(), applier)
                .probeTimeout(Duration.ofSeconds(2)));
        CompletableFuture<WriteReceipt<String>> early = engine.write(append("early"));
        assertThat(early).isNotDone();
        undiscovered.moveTo(oldMaster, "10.0.0.1:6379");
        assertThat(early).succeedsWithin(Duration.ofSeconds(5));
        assertThat(oldMaster.log).containsExactly("early");
        assertThat(engine.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void onceTheFirstDiscoveryIsOverWithoutANodeCallsFailAtOnce() {
        EndpointTarget<FakeRedis> none = EndpointTarget.movable(() -> CompletableFuture.completedFuture(null));
        none.unknown(new java.io.IOException("no Sentinel answered"), false);
        none.settle();
        engine = fx.start(FailoverEngine.<FakeRedis>builder()
                .endpoint(Endpoint.following("sentinel://m@s1:26379", none, FakeRedis::ping))
                .probeTimeout(Duration.ofSeconds(2)));
        long start = System.nanoTime();
        assertThat(engine.write(append("x"))).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().withMessageContaining("no Sentinel answered");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aFailedReapplyKeepsWritesAwayFromTheNewMasterUntilARetrySucceeds() {
        engine = engine(JournalSettings.defaults());
        write("a");
        newMaster.down();
        assertThat(target.moveTo(newMaster, "10.0.0.2:6379")).failsWithin(Duration.ofSeconds(5));
        assertThat(target.node()).as("not switched while the journal is not re-applied").isEqualTo("10.0.0.1:6379");
        // A write now waits at the gate, then fails unsent (no spill store here: unavailable).
        CompletableFuture<WriteReceipt<String>> blocked = engine.write(append("b"));
        assertThat(blocked).failsWithin(Duration.ofSeconds(5));
        assertThat(oldMaster.log).containsExactly("a");
        newMaster.up();
        assertThat(target.moveTo(newMaster, "10.0.0.2:6379")).succeedsWithin(Duration.ofSeconds(5));
        write("c");
        assertThat(newMaster.log).containsExactly("a", "c");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fx.events.stream()
                .filter(e -> e.type() == FailoverEvent.Type.MASTER_CHANGED).count())
                .as("one event for the failure, one for the move").isEqualTo(2));
    }
}
