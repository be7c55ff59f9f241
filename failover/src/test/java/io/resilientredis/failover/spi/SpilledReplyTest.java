package io.resilientredis.failover.spi;

import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.failover.spill.SpillStoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spilled write's {@code applied()} stage completes with the reply of its replay: what the applier
 * returned for its own entry, read by the write's {@link WriteOp#replayReply}. The writes here append
 * to the fake's log and reply with their position in it, like XADD's entry id: directly as an
 * Integer, on replay as the applier's text {@code "@<position>"} (a value applied before is not
 * appended again, and replies with the position it has, like the exactly-once marker's recorded reply).
 * Their reply readers hold nothing of the write, which the engine then does not keep in memory.
 */
class SpilledReplyTest {

    @RegisterExtension
    final EngineFixture fx = new EngineFixture();

    @TempDir
    Path dir;

    private final FakeRedis redis = new FakeRedis("redis://fake:6379");

    /** Replays stamp writes in order; each entry's reply is its value's position in the log, as text. */
    private static final ReplayApplier<FakeRedis> STAMPING = (c, entries) -> {
        List<Object> replies = new ArrayList<>(entries.size());
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (var e : entries) {
            String value = new String(e.payload(), StandardCharsets.UTF_8);
            chain = chain.thenCompose(x -> c.append(value).thenAccept(ok -> replies.add("@" + c.log.indexOf(value))));
        }
        return chain.thenApply(x -> replies);
    };

    private FailoverEngine<FakeRedis> engine(ReplayApplier<FakeRedis> applier) {
        return fx.start(fx.builder(redis).spill(SpillStoreConfig.builder(dir).build(), applier,
                ReplaySettings.builder().batchSize(3).maxWritesPerSecond(0).build()));
    }

    /** A write appending {@code value}; its reply is the value's position in the log. */
    private static WriteOp<FakeRedis, Integer> stamp(String value) {
        return stamp(value, false);
    }

    /** @param unreadable whether its {@code replayReply} fails on any reply */
    private static WriteOp<FakeRedis, Integer> stamp(String value, boolean unreadable) {
        return new WriteOp<>() {
            @Override
            public String id() {
                return value;
            }

            @Override
            public CompletionStage<Integer> apply(FakeRedis c) {
                return c.append(value).thenApply(ok -> c.log.indexOf(value));
            }

            @Override
            public byte[] encode() {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Function<Object, Integer> replayReply() {
                return unreadable ? SpilledReplyTest::unreadable : SpilledReplyTest::position;
            }
        };
    }

    private static Integer position(Object raw) {
        return Integer.valueOf(((String) raw).substring(1));
    }

    private static Integer unreadable(Object raw) {
        throw new IllegalStateException("unreadable reply " + raw);
    }

    private Object applied(WriteReceipt<?> receipt) throws Exception {
        return receipt.applied().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void eachSpilledWriteCompletesWithTheReplyOfItsOwnReplayDecodedLikeADirectOne() throws Exception {
        FailoverEngine<FakeRedis> engine = engine(STAMPING);
        WriteReceipt<Integer> direct = fx.join(engine.write(stamp("direct")));
        assertThat(direct.status()).isEqualTo(WriteStatus.WRITTEN);
        assertThat(direct.reply()).isZero();
        assertThat(direct.applied().toCompletableFuture().getNow(-1)).as("written: applied() is the reply")
                .isZero();

        redis.down();
        List<WriteReceipt<Integer>> spilled = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // four batches of at most three
            spilled.add(fx.join(engine.write(stamp("s" + i))));
        }
        assertThat(spilled).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
        assertThat(spilled).allMatch(r -> r.reply() == null && !r.applied().toCompletableFuture().isDone());
        redis.up();

        for (int i = 0; i < 10; i++) {
            Object reply = applied(spilled.get(i));
            assertThat(reply).as("s%d: its own position, as the Integer the write decodes", i)
                    .isInstanceOf(Integer.class).isEqualTo(redis.log.indexOf("s" + i)).isEqualTo(i + 1);
        }
    }

    @Test
    void aWriteThatLandedBeforeItWasSpilledGetsThePositionItHasNotASecondOne() throws Exception {
        FailoverEngine<FakeRedis> engine = engine(STAMPING);
        assertThat(fx.join(engine.write(stamp("first"))).reply()).isZero();
        redis.landThenTimeout(true); // applied, but the reply is lost: the write is spilled, in doubt
        WriteReceipt<Integer> landed = fx.join(engine.write(stamp("landed")));
        assertThat(landed.status()).isEqualTo(WriteStatus.SPILLED);
        assertThat(redis.log).containsExactly("first", "landed");
        redis.landThenTimeout(false);

        assertThat(applied(landed)).as("the position its first application got").isEqualTo(1);
        assertThat(redis.log).as("not applied a second time").containsExactly("first", "landed");
    }

    @Test
    void anApplierThatGivesNoRepliesCompletesAppliedWithNull() throws Exception {
        FailoverEngine<FakeRedis> engine = engine((c, entries) -> STAMPING.apply(c, entries).thenApply(r -> null));
        redis.down();
        WriteReceipt<Integer> spilled = fx.join(engine.write(stamp("no-reply")));
        assertThat(spilled.status()).isEqualTo(WriteStatus.SPILLED);
        redis.up();
        assertThat(applied(spilled)).isNull();
        assertThat(redis.log).containsExactly("no-reply");
    }

    @Test
    void repliesThatDoNotPairWithTheEntriesCountAsNone() throws Exception {
        // One reply too few: no write can tell which is its own, so none takes one.
        FailoverEngine<FakeRedis> engine = engine((c, entries) -> STAMPING.apply(c, entries)
                .thenApply(r -> r.subList(1, r.size())));
        redis.down();
        List<WriteReceipt<Integer>> spilled = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            spilled.add(fx.join(engine.write(stamp("u" + i))));
        }
        redis.up();
        for (WriteReceipt<Integer> r : spilled) {
            assertThat(applied(r)).isNull();
        }
        assertThat(redis.log).containsExactly("u0", "u1", "u2");
    }

    @Test
    void aReplyTheWriteCannotReadCompletesWithNullAndTheReplayGoesOn() throws Exception {
        FailoverEngine<FakeRedis> engine = engine(STAMPING);
        redis.down();
        WriteReceipt<Integer> before = fx.join(engine.write(stamp("r0")));
        WriteReceipt<Integer> unreadable = fx.join(engine.write(stamp("r1", true)));
        WriteReceipt<Integer> after = fx.join(engine.write(stamp("r2")));
        redis.up();
        assertThat(applied(before)).isEqualTo(0);
        assertThat(applied(unreadable)).as("applied, without a reply").isNull();
        assertThat(applied(after)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.status().spill().depth() == 0);
    }

    @Test
    void writesReplayedOneByOneAroundARefusedOneGetTheirRepliesAndTheRefusedOneFails() throws Exception {
        FailoverEngine<FakeRedis> engine = engine(STAMPING);
        redis.down();
        WriteReceipt<Integer> before = fx.join(engine.write(stamp("p0")));
        WriteReceipt<Integer> poison = fx.join(engine.write(stamp("poison")));
        WriteReceipt<Integer> after = fx.join(engine.write(stamp("p2")));
        redis.up();
        // The batch fails on the refused write; the replayer applies it entry by entry.
        assertThat(applied(before)).isEqualTo(0);
        assertThat(applied(after)).isEqualTo(1);
        assertThat(poison.applied().toCompletableFuture().handle((v, t) -> t).get(20, TimeUnit.SECONDS))
                .isInstanceOf(RedisCommandException.class);
        assertThat(redis.log).containsExactly("p0", "p2");
    }

    @Test
    void aSpilledWriteWaitingForItsReplayIsNotKeptInMemoryOnlyItsReplyReader() throws Exception {
        FailoverEngine<FakeRedis> engine = engine(STAMPING);
        redis.down();
        WriteOp<FakeRedis, Integer> op = stamp("held");
        java.lang.ref.WeakReference<WriteOp<FakeRedis, Integer>> ref = new java.lang.ref.WeakReference<>(op);
        WriteReceipt<Integer> spilled = fx.join(engine.write(op));
        assertThat(spilled.status()).isEqualTo(WriteStatus.SPILLED);
        op = null; // the spill store has the write; the receipt's stage waits for its replay
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return ref.get() == null;
        });
        redis.up();
        assertThat(applied(spilled)).as("read without the write").isEqualTo(0);
    }
}
