package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.ChildJvm;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.Codec;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisBatch;
import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.RedisScript;
import io.resilientredis.client.RedisView;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.Markers;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.failover.spill.SpillFullException;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches ({@code redis.batch()}) against a real Redis: one pipeline, one receipt per write in call order,
 * each write exactly once through its own marker, a batch spilled whole as one entry and replayed in order
 * (by the same client, after a restart, after a SIGKILL), late replies retried without applying twice,
 * a rejected command failing alone, one hash slot on a Redis Cluster.
 */
class BatchTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.standalone());

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final RedisScript INCR_SCRIPT = RedisScript.of("return redis.call('INCRBY', KEYS[1], ARGV[1])");

    @TempDir
    Path dir;

    private ChildJvm child;

    @AfterEach
    void heal() throws InterruptedException {
        try {
            if (child != null) {
                child.kill();
            }
        } finally {
            CHAOS.get().resetAll();
        }
    }

    private static Proxy proxy() {
        return CHAOS.get().proxy(node());
    }

    private ResilientRedis.Builder client() {
        return CommandSurface.client(CHAOS.get().primaryEndpoint(), dir);
    }

    // ------------------------------------------------------------------ the mixed batch

    /** What {@link #mixed} added to a batch: the writes' stages in call order, and the reads'. */
    record Mixed(List<CompletionStage<? extends WriteReceipt<?>>> writes, Map<String, CompletionStage<?>> reads) {
    }

    /**
     * A batch of every kind of write and reads between them: the {@code del} then {@code incrBy} of one
     * key, and the pushes to one list, make the order visible in the final state.
     */
    static Mixed mixed(RedisBatch<String, String> b, String tag) {
        String p = "{" + tag + "}:";
        List<CompletionStage<? extends WriteReceipt<?>>> w = new ArrayList<>();
        Map<String, CompletionStage<?>> r = new LinkedHashMap<>();
        w.add(b.set(p + "s", "v"));                                        // 0
        w.add(b.incrBy(p + "c", 5));                                       // 1 -> 5
        r.put("c after incrBy", b.get(p + "c"));                           //   "5"
        w.add(b.del(p + "c"));                                             // 2 -> 1
        r.put("c after del", b.exists(p + "c"));                           //   false
        w.add(b.incrBy(p + "c", 2));                                       // 3 -> 2
        w.add(b.rpush(p + "l", "a", "b", "c"));                            // 4 -> 3
        r.put("l", b.lrange(p + "l", 0, -1));                              //   [a, b, c]
        w.add(b.hset(p + "h", "f", "1"));                                  // 5 -> true
        w.add(b.hincrBy(p + "h", "n", 3));                                 // 6 -> 3
        r.put("h", b.hgetAll(p + "h"));                                    //   {f=1, n=3}
        w.add(b.zincrBy(p + "z", 1.5, "m"));                               // 7 -> 1.5
        w.add(b.zincrBy(p + "z", 1.5, "m"));                               // 8 -> 3.0
        r.put("zscore", b.zscore(p + "z", "m"));                           //   3.0
        w.add(b.xadd(p + "x", Map.of("k", "1")));                          // 9 -> an id
        r.put("xlen", b.xlen(p + "x"));                                    //   1
        w.add(b.setIfAbsent(p + "nx", "first", Duration.ofMinutes(10)));   // 10 -> true
        w.add(b.setIfAbsent(p + "nx", "second", Duration.ofMinutes(10)));  // 11 -> false
        w.add(b.execute(RedisCommand.write("APPEND", p + "ap", "x")));     // 12 -> "1"
        w.add(b.execute(INCR_SCRIPT.keys(p + "sc").args("4")));            // 13 -> 4
        w.add(b.lpush(p + "l", "z"));                                      // 14 -> 4
        r.put("missing", b.get(p + "missing"));                            //   null
        r.put("mget", b.mget(p + "s", p + "missing"));                     //   [v, null]
        return new Mixed(w, r);
    }

    /** The state {@link #mixed} leaves, read on the standalone node itself (not through the client or its proxy). */
    static Map<String, Object> state(String tag) {
        return state(node(), tag);
    }

    /** The state {@link #mixed} leaves, read on {@code node} itself. */
    static Map<String, Object> state(RedisNode node, String tag) {
        String p = "{" + tag + "}:";
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("s", call(node, "GET", p + "s"));
        s.put("c", call(node, "GET", p + "c"));
        s.put("l", call(node, "LRANGE", p + "l", "0", "-1"));
        s.put("h", RespConnection.pairs(call(node, "HGETALL", p + "h")));
        s.put("z", call(node, "ZSCORE", p + "z", "m"));
        s.put("xlen", call(node, "XLEN", p + "x"));
        s.put("nx", call(node, "GET", p + "nx"));
        s.put("ap", call(node, "GET", p + "ap"));
        s.put("sc", call(node, "GET", p + "sc"));
        return s;
    }

    private static final Map<String, Object> MIXED_STATE = mixedState();

    private static Map<String, Object> mixedState() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("s", "v");
        s.put("c", "2");
        s.put("l", List.of("z", "a", "b", "c"));
        s.put("h", Map.of("f", "1", "n", "3"));
        s.put("z", "3");
        s.put("xlen", 1L);
        s.put("nx", "first");
        s.put("ap", "x");
        s.put("sc", "4");
        return s;
    }

    @Test
    void aMixedBatchWrittenDirectlyGetsOneWrittenReceiptPerWriteAndItsReadsSeeTheEarlierWrites() throws Exception {
        try (ResilientRedis r = client().build()) {
            RedisBatch<String, String> b = r.batch();
            Mixed m = mixed(b, "direct");
            assertThat(b.size()).isEqualTo(m.writes().size() + m.reads().size());
            assertThat(m.writes().get(0).toCompletableFuture()).as("nothing sent before send()").isNotDone();

            assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);

            List<WriteReceipt<?>> receipts = receipts(m);
            assertThat(receipts).extracting(WriteReceipt::status).containsOnly(WriteStatus.WRITTEN);
            assertThat(receipts).extracting(WriteReceipt::id).doesNotHaveDuplicates();
            List<Object> replies = replies(receipts);
            assertThat(replies.subList(0, 9)).containsExactly(null, 5L, 1L, 2L, 3L, true, 3L, 1.5, 3.0);
            assertThat((String) replies.get(9)).matches("\\d+-\\d+");
            assertThat(replies.subList(10, 15)).containsExactly(true, false, "1", 4L, 4L);
            for (WriteReceipt<?> w : receipts) {
                assertThat(w.applied().toCompletableFuture()).isCompleted();
            }
            assertThat(reads(m)).containsExactly(
                    Map.entry("c after incrBy", "5"),
                    Map.entry("c after del", false),
                    Map.entry("l", List.of("a", "b", "c")),
                    Map.entry("h", Map.of("f", "1", "n", "3")),
                    Map.entry("zscore", 3.0),
                    Map.entry("xlen", 1L),
                    Map.entry("missing", nothing()),
                    Map.entry("mget", Arrays.asList("v", null)));
            assertThat(state("direct")).isEqualTo(MIXED_STATE);
            assertThat(call("EXISTS", Markers.key(receipts.get(0).id(), "{direct}:s")))
                    .as("an idempotent SET of a batch goes through its own marker too").isEqualTo(1L);
            assertThat(call("EXISTS", Markers.key(receipts.get(1).id(), "{direct}:c"))).isEqualTo(1L);
        }
    }


    @Test
    void aMixedBatchThroughAFullOutageIsSpilledWholeAsOneEntryAndReplayedInOrderOnce() throws Exception {
        try (ResilientRedis r = client().build()) {
            assertThat(r.set("{outage}:warm", "1").status()).isEqualTo(WriteStatus.WRITTEN);
            CHAOS.get().disableAll();
            RedisBatch<String, String> b = r.batch();
            Mixed m = mixed(b, "outage");

            assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.SPILLED);

            List<WriteReceipt<?>> receipts = receipts(m);
            assertThat(receipts).hasSize(15).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
            assertThat(receipts).extracting(WriteReceipt::id).doesNotHaveDuplicates();
            assertThat(replies(receipts)).containsOnlyNulls();
            for (CompletionStage<?> read : m.reads().values()) {
                assertThat(failure(read)).isInstanceOf(RedisUnavailableException.class)
                        .hasMessageContaining("spilled").hasMessageContaining("reads were not run");
            }
            assertThat(r.status().spill().depth()).as("the batch is one spill entry").isEqualTo(1);
            assertThat(call("EXISTS", "{outage}:s", "{outage}:c", "{outage}:l")).as("nothing applied yet")
                    .isEqualTo(0L);

            CHAOS.get().resetAll();
            CompletableFuture.allOf(receipts.stream().map(w -> w.applied().toCompletableFuture())
                    .toArray(CompletableFuture[]::new)).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.awaitSpillDrained(BOUND)).isTrue();

            assertThat(state("outage")).as("replayed in call order (del before incrBy, rpush before lpush),"
                    + " each write once").isEqualTo(MIXED_STATE);
            // Each spilled write's applied() completes with its own reply from the batch's replay.
            assertThat(applied(receipts.get(1))).isEqualTo(5L);
            assertThat(applied(receipts.get(3))).isEqualTo(2L);
            assertThat(applied(receipts.get(4))).isEqualTo(3L);
            assertThat(applied(receipts.get(8))).isEqualTo(3.0);
            assertThat(applied(receipts.get(10))).isEqualTo(true);
            assertThat(applied(receipts.get(11))).isEqualTo(false);
            assertThat(applied(receipts.get(14))).isEqualTo(4L);
            List<?> entry = (List<?>) ((List<?>) call("XRANGE", "{outage}:x", "-", "+")).get(0);
            assertThat(applied(receipts.get(9))).as("the id of the entry in the stream").isEqualTo(entry.get(0));
            assertThat(r.status().spill().replayedTotal()).as("one entry replayed").isEqualTo(1);
            for (int i = 0; i < receipts.size(); i++) {
                assertThat(call("EXISTS", Markers.key(receipts.get(i).id(), "{outage}:x")))
                        .as("write %d replayed under its own marker", i).isEqualTo(1L);
            }
            assertThat(r.incrBy("{outage}:c", 1).reply()).as("the counter is exact").isEqualTo(3L);
        }
    }

    @Test
    void aCommandRedisRejectsFailsAloneAndTheOthersAreApplied() throws Exception {
        try (ResilientRedis r = client().build()) {
            String p = "{rejected}:";
            RedisBatch<String, String> b = r.batch();
            CompletionStage<WriteReceipt<Void>> set = b.set(p + "s", "text");
            CompletionStage<WriteReceipt<Long>> push = b.rpush(p + "s", "a");
            CompletionStage<WriteReceipt<Long>> incr = b.incrBy(p + "c", 7);
            CompletionStage<List<String>> range = b.lrange(p + "s", 0, -1);
            CompletionStage<WriteReceipt<Long>> hincr = b.hincrBy(p + "s", "f", 1);
            CompletionStage<String> get = b.get(p + "s");
            CompletionStage<WriteReceipt<Long>> lpush = b.lpush(p + "l", "x");

            assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);

            assertThat(set.toCompletableFuture().join().status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(failure(push)).isInstanceOf(RedisCommandException.class)
                    .hasMessageContaining("operation 2 of the batch (RPUSH)").hasMessageContaining("WRONGTYPE");
            assertThat(incr.toCompletableFuture().join().reply()).isEqualTo(7L);
            assertThat(failure(range)).isInstanceOf(RedisCommandException.class)
                    .hasMessageContaining("operation 4 of the batch (LRANGE)").hasMessageContaining("WRONGTYPE");
            assertThat(failure(hincr)).isInstanceOf(RedisCommandException.class).hasMessageContaining("WRONGTYPE");
            assertThat(get.toCompletableFuture().join()).isEqualTo("text");
            assertThat(lpush.toCompletableFuture().join().reply()).isEqualTo(1L);
            assertThat(call("GET", p + "s")).isEqualTo("text");
            assertThat(call("GET", p + "c")).isEqualTo("7");
            assertThat(call("LRANGE", p + "l", "0", "-1")).isEqualTo(List.of("x"));
            assertThat(r.status().spill().depth()).as("a rejected command is not an outage").isZero();
        }
    }

    @Test
    void aBatchIsSentOnceAndAnEmptyBatchIsWrittenAtOnce() throws Exception {
        try (ResilientRedis r = client().build()) {
            RedisBatch<String, String> empty = r.batch();
            assertThat(empty.size()).isZero();
            assertThat(empty.send().toCompletableFuture().get(1, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);
            assertThatThrownBy(empty::send).isInstanceOf(IllegalStateException.class).hasMessageContaining("once");

            RedisBatch<String, String> b = r.batch();
            CompletionStage<WriteReceipt<Long>> incr = b.incrBy("{once}:c", 1);
            assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);
            assertThat(incr.toCompletableFuture().join().reply()).isEqualTo(1L);
            assertThatThrownBy(b::send).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sent already");
            assertThatThrownBy(() -> b.incrBy("{once}:c", 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("batch()");
            assertThatThrownBy(b::batch).isInstanceOf(IllegalStateException.class);
            assertThat(call("GET", "{once}:c")).as("sent once").isEqualTo("1");
        }
    }

    @Test
    void aBatchOfReadsOnlyDuringAnOutageFailsLikeAReadAndIsNotSpilled() throws Exception {
        try (ResilientRedis r = client().build()) {
            assertThat(r.set("{reads}:k", "v").status()).isEqualTo(WriteStatus.WRITTEN);
            RedisBatch<String, String> up = r.batch();
            CompletionStage<String> value = up.get("{reads}:k");
            CompletionStage<Boolean> exists = up.exists("{reads}:none");
            assertThat(up.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);
            assertThat(value.toCompletableFuture().join()).isEqualTo("v");
            assertThat(exists.toCompletableFuture().join()).isFalse();

            CHAOS.get().disableAll();
            Throwable single = catchFailure(() -> r.async().get("{reads}:k"));
            RedisBatch<String, String> down = r.batch();
            CompletionStage<String> get = down.get("{reads}:k");
            CompletionStage<List<String>> range = down.lrange("{reads}:l", 0, -1);
            Throwable sent = catchFailure(down::send);

            assertThat(single).isInstanceOf(RedisUnavailableException.class);
            assertThat(sent).as("send() fails as the read alone does").isInstanceOf(single.getClass());
            assertThat(failure(get)).isInstanceOf(single.getClass());
            assertThat(failure(range)).isInstanceOf(single.getClass());
            assertThat(r.status().spill().depth()).as("reads are never spilled").isZero();
        }
    }

    @Test
    void aBatchTooLargeForOneSpillEntryIsRefusedWholeAndNothingIsSent() throws Exception {
        SpillStoreConfig small = SpillStoreConfig.builder(dir).maxEntryBytes(4096).build();
        try (ResilientRedis r = client().spill(small).build()) {
            RedisBatch<String, String> b = r.batch();
            List<CompletionStage<WriteReceipt<Long>>> pushes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                pushes.add(b.rpush("{big}:l", "x".repeat(100)));
            }
            CompletionStage<String> read = b.get("{big}:k");
            assertThatThrownBy(b::send).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("larger than the spill store's entry limit of 4096 bytes")
                    .hasMessageContaining("Fix:");
            for (CompletionStage<WriteReceipt<Long>> p : pushes) {
                assertThat(failure(p)).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(failure(read)).isInstanceOf(IllegalArgumentException.class);
            assertThat(call("EXISTS", "{big}:l")).as("nothing sent").isEqualTo(0L);
        }
    }

    @Test
    void aBatchAFullSpillStoreRefusesFailsAsAWriteWouldAndSoDoesEveryOperation() throws Exception {
        SpillStoreConfig one = SpillStoreConfig.builder(dir).maxEntries(1).build();
        try (ResilientRedis r = client().spill(one).build()) {
            CHAOS.get().disableAll();
            assertThat(r.incrBy("{full}:c", 1).status()).isEqualTo(WriteStatus.SPILLED);
            RedisBatch<String, String> b = r.batch();
            CompletionStage<WriteReceipt<Long>> incr = b.incrBy("{full}:c", 1);
            CompletionStage<String> get = b.get("{full}:c");
            Throwable sent = catchFailure(b::send);

            assertThat(sent).as("send() fails as the write alone would").isInstanceOf(SpillFullException.class);
            assertThat(failure(incr)).isInstanceOf(SpillFullException.class);
            assertThat(failure(get)).isInstanceOf(SpillFullException.class);
            CHAOS.get().resetAll();
            assertThat(r.awaitSpillDrained(BOUND)).isTrue();
            assertThat(call("GET", "{full}:c")).as("only the spilled single write").isEqualTo("1");
        }
    }

    @Test
    void aServerThatKnowsOnlySomeOfTheBatchsScriptsStillAppliesAndReadsItInOrder() throws Exception {
        RedisScript copy = RedisScript.of("return redis.call('SET', KEYS[2], redis.call('GET', KEYS[1]))");
        try (ResilientRedis r = client().build()) {
            String p = "{scripts}:";
            call("SCRIPT", "FLUSH");
            // A single write as a client in service makes: the server knows the marker script now, but not
            // the batch's read script nor the application's script.
            assertThat(r.incrBy(p + "warm", 1).status()).isEqualTo(WriteStatus.WRITTEN);
            RedisBatch<String, String> b = r.batch();
            CompletionStage<WriteReceipt<Long>> first = b.incrBy(p + "c", 1);
            CompletionStage<String> between = b.get(p + "c");
            CompletionStage<WriteReceipt<Object>> copied = b.execute(copy.keys(p + "c", p + "copy"));
            CompletionStage<WriteReceipt<Long>> second = b.incrBy(p + "c", 1);

            assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);

            assertThat(first.toCompletableFuture().join().reply()).isEqualTo(1L);
            assertThat(between.toCompletableFuture().join()).as("the read between the two increments").isEqualTo("1");
            assertThat(copied.toCompletableFuture().join().status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(second.toCompletableFuture().join().reply()).isEqualTo(2L);
            assertThat(call("GET", p + "copy")).as("the script ran between the two increments").isEqualTo("1");
            assertThat(call("GET", p + "c")).isEqualTo("2");
        }
    }

    @Test
    void aBatchSpilledByOneClientIsReplayedInOrderByTheNextBeforeItsOwnWrites() throws Exception {
        List<WriteReceipt<?>> receipts;
        try (ResilientRedis r = client().build()) {
            CHAOS.get().disableAll();
            RedisBatch<String, String> b = r.batch();
            Mixed m = mixed(b, "restart");
            assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.SPILLED);
            receipts = receipts(m);
            assertThat(receipts).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
            assertThat(r.status().spill().depth()).isEqualTo(1);
        }
        CHAOS.get().resetAll();
        try (ResilientRedis r = client().build()) {
            // At once, on the batch's keys: these must be applied after the replayed batch.
            WriteReceipt<Long> incr = r.incrBy("{restart}:c", 10);
            WriteReceipt<Long> push = r.rpush("{restart}:l", "after");
            assertThat(r.awaitSpillDrained(BOUND)).isTrue();
            long ownSpilled = List.of(incr, push).stream().filter(w -> w.status() == WriteStatus.SPILLED).count();
            assertThat(r.status().spill().replayedTotal()).as("the batch one entry").isEqualTo(1 + ownSpilled);
            assertThat(state("restart")).isEqualTo(mixedStateWith("c", "12", "l", List.of("z", "a", "b", "c", "after")));
        }
    }

    @Test
    void aBatchSpilledByAClientKilledWithSigkillIsReplayedInOrderByTheNext() throws Exception {
        long started = System.nanoTime();
        CHAOS.get().disableAll();
        child = ChildJvm.start(BatchChild.class, List.of("-XX:TieredStopAtLevel=1"), dir.toString(),
                "redis://" + CHAOS.get().clientAddress(node()), "killed");
        String[] spilled = CommandSurface.awaitSpilled(child, "the child's batch spilled", Duration.ofSeconds(45));
        assertThat(spilled).as("15 writes spilled as one entry").containsExactly("SPILLED", "15", "1");
        assertThat(child.kill()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);

        CHAOS.get().resetAll();
        try (ResilientRedis r = client().build()) {
            WriteReceipt<Long> push = r.rpush("{killed}:l", "after");
            assertThat(r.awaitSpillDrained(BOUND)).isTrue();
            assertThat(r.status().spill().replayedTotal())
                    .isEqualTo(push.status() == WriteStatus.SPILLED ? 2 : 1);
            assertThat(r.status().spill().rejectedTotal() + r.status().spill().quarantinedTotal()).isZero();
            assertThat(state("killed")).isEqualTo(mixedStateWith("l", List.of("z", "a", "b", "c", "after")));
            assertThat(r.incrBy("{killed}:c", 1).reply()).as("the counter is exact").isEqualTo(3L);
        }
        System.out.printf("[measure] a batch of 15 writes spilled by a client killed with SIGKILL, replayed by the"
                + " next in order in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void aBatchThatLandedWhileItsRepliesWereLateIsRetriedThenSpilledAndEveryWriteIsAppliedOnce() throws Exception {
        // The late replies must not open the breaker: every attempt is to reach Redis, then the batch be spilled.
        BreakerSettings tolerant = BreakerSettings.builder().failureRate(100, 50).build();
        try (ResilientRedis r = client().timeout(Duration.ofMillis(300)).breaker(tolerant).build()) {
            assertThat(r.incrBy("{late}:warm", 1).status()).isEqualTo(WriteStatus.WRITTEN);
            long before = calls("evalsha");
            proxy().toxics().latency("late-replies", ToxicDirection.DOWNSTREAM, 600);
            RedisBatch<String, String> b = r.batch();
            Mixed m = mixed(b, "late");

            assertThat(b.send().toCompletableFuture().get(60, TimeUnit.SECONDS)).isEqualTo(WriteStatus.SPILLED);
            List<WriteReceipt<?>> receipts = receipts(m);
            assertThat(receipts).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
            long pipelined = m.writes().size() + m.reads().size();
            assertThat(calls("evalsha") - before).as("the batch reached Redis on every attempt (3)")
                    .isGreaterThanOrEqualTo(3 * pipelined);
            assertThat(state("late")).as("it landed before it was spilled, once").isEqualTo(MIXED_STATE);

            proxy().toxics().get("late-replies").remove();
            awaitApplied(receipts);
            assertThat(r.awaitSpillDrained(BOUND)).isTrue();
            assertThat(state("late")).as("replayed under the same ids: nothing applied again").isEqualTo(MIXED_STATE);
            assertThat(r.incrBy("{late}:c", 1).reply()).as("the counter is exact").isEqualTo(3L);
        }
    }

    @Test
    void aBatchRetriedAfterALateReplyGetsTheRepliesOfTheAttemptThatLanded() throws Exception {
        // A backoff long enough to remove the toxic between the first attempt's timeout and the retry.
        RetrySettings slowRetry = RetrySettings.builder().maxAttempts(2).backoff(Duration.ofMillis(1_500),
                Duration.ofMillis(1_500)).jitter(0).maxDuration(Duration.ofSeconds(10)).build();
        BreakerSettings tolerant = BreakerSettings.builder().failureRate(100, 50).build();
        try (ResilientRedis r = client().timeout(Duration.ofMillis(300)).retry(slowRetry).breaker(tolerant).build()) {
            assertThat(r.incrBy("{retried}:warm", 1).status()).isEqualTo(WriteStatus.WRITTEN);
            proxy().toxics().latency("late-replies", ToxicDirection.DOWNSTREAM, 600);
            RedisBatch<String, String> b = r.batch();
            Mixed m = mixed(b, "retried");
            CompletableFuture<WriteStatus> sent = b.send().toCompletableFuture();
            await("the first attempt landed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> "2".equals(call("GET", "{retried}:c")));
            await("and timed out").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> r.status().endpoints().get(0).lastFailure() != null);
            assertThat(sent).as("waiting for its retry").isNotDone();
            proxy().toxics().get("late-replies").remove();

            assertThat(sent.get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);
            List<Object> replies = replies(receipts(m));
            assertThat(replies.subList(0, 9)).as("each write's reply from the attempt that applied it")
                    .containsExactly(null, 5L, 1L, 2L, 3L, true, 3L, 1.5, 3.0);
            // The script's reply is the string its marker recorded (as for a single exactly-once write retried).
            assertThat(replies.subList(10, 15)).containsExactly(true, false, "1", "4", 4L);
            assertThat(state("retried")).as("the retry applied nothing again").isEqualTo(MIXED_STATE);
        }
    }

    @Test
    void aBytesViewBatchCarriesBinaryKeysAndValuesDirectlyAndThroughASpill() throws Exception {
        try (ResilientRedis r = client().build()) {
            RedisView<byte[], byte[]> raw = r.withCodecs(Codec.bytes(), Codec.bytes());
            for (String run : List.of("direct", "spilled")) {
                boolean spill = run.equals("spilled");
                r.maintenance(spill);
                RedisBatch<byte[], byte[]> b = raw.batch();
                List<CompletionStage<? extends WriteReceipt<?>>> writes = new ArrayList<>();
                writes.add(b.set(binary(run + "s"), EVERY_BYTE));
                writes.add(b.rpush(binary(run + "l"), EVERY_BYTE, binary("second")));
                writes.add(b.hset(binary(run + "h"), EVERY_BYTE, binary("value")));
                writes.add(b.incrBy(binary(run + "c"), 3));
                CompletionStage<byte[]> get = b.get(binary(run + "s"));
                CompletionStage<List<byte[]>> range = b.lrange(binary(run + "l"), 0, -1);

                WriteStatus status = b.send().toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertThat(status).isEqualTo(spill ? WriteStatus.SPILLED : WriteStatus.WRITTEN);
                for (CompletionStage<? extends WriteReceipt<?>> w : writes) {
                    assertThat(w.toCompletableFuture().join().status()).isEqualTo(status);
                }
                if (spill) {
                    assertThat(failure(get)).isInstanceOf(RedisUnavailableException.class);
                    r.maintenance(false);
                    assertThat(r.awaitSpillDrained(BOUND)).isTrue();
                } else {
                    assertThat(get.toCompletableFuture().join()).isEqualTo(EVERY_BYTE);
                    assertThat(range.toCompletableFuture().join()).containsExactly(EVERY_BYTE, binary("second"));
                    assertThat(writes.get(3).toCompletableFuture().join().reply()).isEqualTo(3L);
                }
                assertThat(raw.get(binary(run + "s"))).as(run).isEqualTo(EVERY_BYTE);
                assertThat(raw.lrange(binary(run + "l"), 0, -1)).as(run).containsExactly(EVERY_BYTE, binary("second"));
                assertThat(raw.hget(binary(run + "h"), EVERY_BYTE)).as(run).isEqualTo(binary("value"));
                assertThat(r.withCodecs(Codec.bytes(), Codec.utf8()).get(binary(run + "c"))).as(run).isEqualTo("3");
            }
        }
    }

    /** Every byte value 0-255. */
    private static final byte[] EVERY_BYTE = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            EVERY_BYTE[i] = (byte) i;
        }
    }

    /** @return a binary key or value: {@code name}, then every byte value but the braces (no hash tag) */
    private static byte[] binary(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(n);
        for (byte x : EVERY_BYTE) {
            if (x != '{' && x != '}') {
                out.write(x);
            }
        }
        return out.toByteArray();
    }

    /** The same batches on a three-shard Redis Cluster: a batch's keys in one slot, on its shard's lane. */
    @Nested
    class OnARedisCluster {

        @RegisterExtension
        static final ChaosTopologyExtension<ChaosTopology> CLUSTER =
                ChaosTopologyExtension.proxied(RedisTopology.cluster(3));

        @AfterEach
        void healCluster() {
            CLUSTER.get().resetAll();
        }

        private RedisNode shardOf(String tag) {
            return CLUSTER.get().topology().cluster().shardOfKey("{" + tag + "}").master();
        }

        @Test
        void aBatchInOneSlotIsWrittenAndSpilledOnItsShardAndOneSpanningSlotsIsRefused() throws Exception {
            try (ResilientRedis r = CommandSurface.client(CLUSTER.get().primaryEndpoint(), dir).build()) {
                RedisBatch<String, String> b = r.batch();
                Mixed m = mixed(b, "cluster");
                assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);
                assertThat(receipts(m)).extracting(WriteReceipt::status).containsOnly(WriteStatus.WRITTEN);
                assertThat(reads(m).get("c after incrBy")).isEqualTo("5");
                assertThat(state(shardOf("cluster"), "cluster")).isEqualTo(MIXED_STATE);

                r.maintenance(true);
                RedisBatch<String, String> spilled = r.batch();
                Mixed ms = mixed(spilled, "cluster-spilled");
                assertThat(spilled.send().toCompletableFuture().get(30, TimeUnit.SECONDS))
                        .isEqualTo(WriteStatus.SPILLED);
                List<WriteReceipt<?>> receipts = receipts(ms);
                assertThat(receipts).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
                r.maintenance(false);
                awaitApplied(receipts);
                assertThat(r.awaitSpillDrained(BOUND)).isTrue();
                assertThat(state(shardOf("cluster-spilled"), "cluster-spilled")).isEqualTo(MIXED_STATE);

                RedisBatch<String, String> across = r.batch();
                CompletionStage<WriteReceipt<Long>> kept = across.incrBy("{a}:n", 1);
                assertThatThrownBy(() -> across.incrBy("{b}:n", 1)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("share one hash slot").hasMessageContaining("'{b}:n' is in slot")
                        .hasMessageContaining("'{a}:n'").hasMessageContaining("Fix: give the batch's keys one hash tag");
                assertThatThrownBy(() -> across.get("{b}:n")).as("a read too")
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share one hash slot");
                assertThat(across.size()).as("the refused operations are not in the batch").isEqualTo(1);
                assertThat(across.send().toCompletableFuture().get(30, TimeUnit.SECONDS))
                        .isEqualTo(WriteStatus.WRITTEN);
                assertThat(kept.toCompletableFuture().join().reply()).isEqualTo(1L);
                assertThat(call(shardOf("b"), "EXISTS", "{b}:n")).isEqualTo(0L);
            }
        }
    }

    /** REPLICATED durability: the WAIT inside the batch's pipeline. */
    @Nested
    class WithAReplica {

        @RegisterExtension
        static final ChaosTopologyExtension<ChaosTopology> REPLICATED =
                ChaosTopologyExtension.proxied(RedisTopology.primaryWithReplicas(1));

        @AfterEach
        void healReplicated() {
            REPLICATED.get().resetAll();
        }

        @Test
        void aReplicatedBatchIsWrittenOnlyOnceTheReplicaHasItElseSpilled() throws Exception {
            RedisNode replica = REPLICATED.get().topology().replicas().get(0);
            // A WAIT bound no loaded machine misses: a first attempt whose WAIT timed out would be retried, and the
            // retry's reads see the state it finds (the writes skipped by their markers), not the first attempt's.
            try (ResilientRedis r = CommandSurface.client(REPLICATED.get().primaryEndpoint(), dir)
                    .durability(Durability.replicated(1, Duration.ofSeconds(3))).build()) {
                RedisBatch<String, String> b = r.batch();
                Mixed m = mixed(b, "replicated");
                assertThat(b.send().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(WriteStatus.WRITTEN);
                List<WriteReceipt<?>> receipts = receipts(m);
                assertThat(receipts).extracting(WriteReceipt::status).containsOnly(WriteStatus.WRITTEN);
                assertThat(replies(receipts).subList(1, 5)).containsExactly(5L, 1L, 2L, 3L);
                assertThat(reads(m).get("c after incrBy")).isEqualTo("5");
                // No wait: the WAIT inside the pipeline returned only once the replica had every write.
                assertThat(state(replica, "replicated")).isEqualTo(MIXED_STATE);
            }
            try (ResilientRedis r = CommandSurface.client(REPLICATED.get().primaryEndpoint(), dir)
                    .durability(Durability.replicated(1, Duration.ofMillis(500))).build()) {
                // A replica that does not confirm: the WAIT times out, every attempt, and the batch is spilled.
                replica.freeze();
                RedisBatch<String, String> unconfirmed = r.batch();
                Mixed mu = mixed(unconfirmed, "unconfirmed");
                try {
                    assertThat(unconfirmed.send().toCompletableFuture().get(30, TimeUnit.SECONDS))
                            .isEqualTo(WriteStatus.SPILLED);
                } finally {
                    replica.resume();
                }
                List<WriteReceipt<?>> spilled = receipts(mu);
                assertThat(spilled).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
                awaitApplied(spilled);
                assertThat(r.awaitSpillDrained(BOUND)).isTrue();
                assertThat(state(REPLICATED.get().topology().primary(), "unconfirmed"))
                        .as("applied once, though every attempt landed on the primary").isEqualTo(MIXED_STATE);
                assertThat(state(replica, "unconfirmed")).as("replayed with the WAIT too").isEqualTo(MIXED_STATE);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** @return how the stage {@code call} gives fails (bounded), or how {@code call} itself throws */
    static Throwable catchFailure(java.util.function.Supplier<? extends CompletionStage<?>> call) {
        CompletionStage<?> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            return e;
        }
        try {
            Object v = stage.toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("completed normally with " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    private static Object nothing() {
        return "<null>";
    }

    /** @return each write's receipt, in call order (each stage completed) */
    static List<WriteReceipt<?>> receipts(Mixed m) throws Exception {
        List<WriteReceipt<?>> out = new ArrayList<>();
        for (CompletionStage<? extends WriteReceipt<?>> w : m.writes()) {
            out.add(w.toCompletableFuture().get(1, TimeUnit.SECONDS));
        }
        return out;
    }

    /** @return each receipt's reply, in order (nulls kept) */
    static List<Object> replies(List<WriteReceipt<?>> receipts) {
        List<Object> out = new ArrayList<>();
        for (WriteReceipt<?> w : receipts) {
            out.add(w.reply());
        }
        return out;
    }

    /** @return each read's value (null shown as {@link #nothing()}), in call order */
    static Map<String, Object> reads(Mixed m) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, CompletionStage<?>> e : m.reads().entrySet()) {
            Object v = e.getValue().toCompletableFuture().get(1, TimeUnit.SECONDS);
            out.put(e.getKey(), v == null ? nothing() : v);
        }
        return out;
    }

    /** @return the failure a stage completed with (fails when it completed normally or is not done) */
    static Throwable failure(CompletionStage<?> stage) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        assertThat(f).isDone();
        try {
            f.get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("completed normally with " + f.join());
    }

    private static RedisNode node() {
        return CHAOS.get().topology().primary();
    }

    /** Runs one command on the standalone node directly. */
    static Object call(String... command) {
        return call(node(), command);
    }

    /** Runs one command on {@code node} directly. */
    static Object call(RedisNode node, String... command) {
        try (RespConnection c = node.connect(Duration.ofSeconds(5))) {
            return c.call(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return what Redis counted of one command ({@code calls=} of its commandstats line; 0 when absent) */
    static long calls(String command) {
        try (RespConnection c = node().connect(Duration.ofSeconds(5))) {
            String line = c.info("commandstats").get("cmdstat_" + command);
            if (line == null) {
                return 0;
            }
            for (String part : line.split(",")) {
                String[] kv = part.split("=");
                if (kv[0].equals("calls")) {
                    return Long.parseLong(kv[1]);
                }
            }
            throw new IllegalStateException("no call count in '" + line + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return what the receipt's {@code applied()} completed with (it has completed) */
    private static Object applied(WriteReceipt<?> receipt) {
        return receipt.applied().toCompletableFuture().join();
    }

    /** Waits, bounded, for every receipt's {@code applied()} to complete. */
    static void awaitApplied(List<WriteReceipt<?>> receipts) throws Exception {
        CompletableFuture.allOf(receipts.stream().map(w -> w.applied().toCompletableFuture())
                .toArray(CompletableFuture[]::new)).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the state {@link #mixed} leaves, with these entries changed */
    static Map<String, Object> mixedStateWith(Object... entries) {
        Map<String, Object> s = new LinkedHashMap<>(MIXED_STATE);
        for (int i = 0; i < entries.length; i += 2) {
            s.put((String) entries[i], entries[i + 1]);
        }
        return s;
    }
}
