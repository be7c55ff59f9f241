package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisBatch;
import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.RedisScript;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.Markers;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.failover.spill.SpillFullException;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    @AfterEach
    void heal() {
        CHAOS.get().resetAll();
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

    /** The state {@link #mixed} leaves, read on the node itself (not through the client or its proxy). */
    static Map<String, Object> state(String tag) {
        String p = "{" + tag + "}:";
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("s", call("GET", p + "s"));
        s.put("c", call("GET", p + "c"));
        s.put("l", call("LRANGE", p + "l", "0", "-1"));
        s.put("h", RespConnection.pairs(call("HGETALL", p + "h")));
        s.put("z", call("ZSCORE", p + "z", "m"));
        s.put("xlen", call("XLEN", p + "x"));
        s.put("nx", call("GET", p + "nx"));
        s.put("ap", call("GET", p + "ap"));
        s.put("sc", call("GET", p + "sc"));
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

    /** Runs one command on the node directly. */
    static Object call(String... command) {
        try (RespConnection c = node().connect(Duration.ofSeconds(5))) {
            return c.call(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
