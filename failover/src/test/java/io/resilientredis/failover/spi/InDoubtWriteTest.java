package io.resilientredis.failover.spi;

import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;

import static io.resilientredis.failover.spi.EngineFixture.APPLIER;
import static io.resilientredis.failover.spi.EngineFixture.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.failover.spill.SpillStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that timed out on the primary may have landed there, where its exactly-once marker lives.
 * It must not be applied on the standby as well: retries stay on the primary, and the spilled write
 * waits for the primary (up to the in-doubt window) instead of being replayed on the standby.
 */
class InDoubtWriteTest {

    @RegisterExtension
    final EngineFixture fx = new EngineFixture();

    @TempDir
    Path dir;

    private final FakeRedis primary = new FakeRedis("redis://primary:6379");
    private final FakeRedis standby = new FakeRedis("redis://standby:6379");
    private FailoverEngine<FakeRedis> engine;

    private FailoverEngine<FakeRedis> engine(Duration window) {
        return fx.start(fx.builder(primary, standby)
                .retry(RetrySettings.builder().maxAttempts(3).backoff(Duration.ofMillis(5), Duration.ofMillis(10)).build())
                .failbackGrace(Duration.ofSeconds(30))
                .spill(SpillStoreConfig.builder(dir).build(), APPLIER,
                        ReplaySettings.builder().maxWritesPerSecond(0).inDoubtWindow(window).build()));
    }

    private WriteReceipt<String> write(String value) {
        return fx.join(engine.write(append(value)));
    }

    @Test
    void aWriteOfUnknownOutcomeIsReplayedWhereItMayHaveLandedNotOnTheStandby() {
        engine = engine(Duration.ofSeconds(30));
        primary.landThenTimeout(true);
        // It lands on the primary, the reply is lost; the breaker opens and writes switch to the standby.
        WriteReceipt<String> inDoubt = write("in-doubt");
        assertThat(inDoubt.status()).isEqualTo(WriteStatus.SPILLED);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "redis://standby:6379".equals(engine.status().activeEndpoint()));
        WriteReceipt<String> next = write("next");
        assertThat(next.status()).isEqualTo(WriteStatus.SPILLED); // it queues behind the in-doubt write
        assertThat(primary.log).containsExactly("in-doubt");
        assertThat(standby.log).isEmpty(); // the standby did not get the in-doubt write, nor the one behind it

        primary.landThenTimeout(false); // the primary answers again (failback is 30 s away)
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.status().spill().depth() == 0);
        // Replayed on the primary, where its marker made it a no-op; the next write went to the active standby.
        assertThat(primary.log).containsExactly("in-doubt");
        assertThat(standby.log).containsExactly("next");
        assertThat(fx.events).extracting(FailoverEvent::type).doesNotContain(FailoverEvent.Type.REPLAY_REROUTED);
    }

    @Test
    void afterTheWindowItIsReplayedOnTheStandbyAndReported() {
        engine = engine(Duration.ofMillis(800));
        primary.landThenTimeout(true);
        assertThat(write("in-doubt").status()).isEqualTo(WriteStatus.SPILLED);
        primary.down(); // and then it stays down
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.status().spill().depth() == 0);
        assertThat(standby.log).containsExactly("in-doubt");
        assertThat(fx.events).anyMatch(e -> e.type() == FailoverEvent.Type.REPLAY_REROUTED
                && e.detail().contains("may now be applied in both deployments"));
    }

    @Test
    void eachReplayInDoubtStartsTheWindowAgain() {
        // The window (2.5 s) is longer than the replayer's longest back-off (2 s), shorter than the fault.
        engine = engine(Duration.ofMillis(2500));
        primary.landThenTimeout(true); // PING answers, write replies are lost: every attempt is in doubt
        assertThat(write("in-doubt").status()).isEqualTo(WriteStatus.SPILLED);
        long faultEnds = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        // Replays on the primary keep failing in doubt for more than two windows...
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(standby.log).isEmpty(); // ...and the write never moves to the standby
            return System.nanoTime() - faultEnds > 0;
        });
        assertThat(primary.calls.get()).as("replay attempts on the primary").isGreaterThanOrEqualTo(4);
        primary.landThenTimeout(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.status().spill().depth() == 0);
        assertThat(primary.log).containsExactly("in-doubt");
        assertThat(standby.log).isEmpty();
        assertThat(fx.events).extracting(FailoverEvent::type).doesNotContain(FailoverEvent.Type.REPLAY_REROUTED);
    }

    @Test
    void aWriteThatWasNeverSentIsNotHeldBack() {
        engine = engine(Duration.ofSeconds(30));
        primary.down(); // refused: the write certainly did not land
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            write("x" + System.nanoTime());
            assertThat(engine.status().activeEndpoint()).isEqualTo("redis://standby:6379");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.status().spill().depth() == 0);
        assertThat(primary.log).isEmpty();
        assertThat(standby.log).isNotEmpty();
    }
}
