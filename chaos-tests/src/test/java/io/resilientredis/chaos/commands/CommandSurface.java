package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.StreamEntry;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every typed operation of the command surface, once written directly and once spilled and replayed: the
 * replayed run leaves Redis in the same state as the direct one. Each shape the harness has runs it (a
 * subclass per shape). Keys carry one hash tag per run, so multi-key operations stay in one slot.
 */
abstract class CommandSurface {

    @TempDir
    Path dir;

    /** @return the topology of the subclass's shape */
    abstract ChaosTopology chaos();

    @AfterEach
    void heal() {
        chaos().resetAll();
    }

    ResilientRedis.Builder client() {
        return ResilientRedis.builder().primary(chaos().primaryEndpoint()).spill(dir)
                .timeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(2));
    }

    /** Runs every write once; returns the receipts in order. */
    static List<WriteReceipt<?>> exercise(ResilientRedis r, String tag) {
        String p = "{" + tag + "}:";
        List<WriteReceipt<?>> out = new ArrayList<>();
        Map<String, String> mset = new LinkedHashMap<>();
        mset.put(p + "a", "1");
        mset.put(p + "b", "2");
        mset.put(p + "gone", "x");
        out.add(r.mset(mset));
        out.add(r.getDel(p + "gone"));
        out.add(r.incrByFloat(p + "f", 1.5));
        out.add(r.incrByFloat(p + "f", 1.25));
        out.add(r.set(p + "t", "v", Duration.ofMinutes(10)));
        out.add(r.persist(p + "t"));
        out.add(r.hincrBy(p + "h", "n", 3));
        out.add(r.hincrBy(p + "h", "n", 4));
        out.add(r.hsetAll(p + "h", Map.of("x", "1", "y", "2")));
        out.add(r.sadd(p + "s", "a", "b", "c"));
        out.add(r.srem(p + "s", "b"));
        out.add(r.zadd(p + "z", 1.0, "one"));
        out.add(r.zadd(p + "z", 5.0, "five"));
        out.add(r.zincrBy(p + "z", 2.5, "one"));
        out.add(r.zadd(p + "z", 9.0, "drop"));
        out.add(r.zrem(p + "z", "drop"));
        out.add(r.xadd(p + "x", Map.of("k", "1")));
        out.add(r.xadd(p + "x", Map.of("k", "2")));
        out.add(r.xadd(p + "x", Map.of("k", "3")));
        out.add(r.xtrim(p + "x", 2));
        out.add(r.publish(p + "ch", "hello"));
        return out;
    }

    /** Reads back everything {@link #exercise} wrote, ids of stream entries left out. */
    static Map<String, Object> state(ResilientRedis r, String tag) {
        String p = "{" + tag + "}:";
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mget", r.mget(p + "a", p + "b", p + "gone"));
        s.put("f", r.get(p + "f"));
        s.put("ttl", r.ttl(p + "t"));
        s.put("hmget", r.hmget(p + "h", "n", "x", "y", "none"));
        s.put("smembers", r.smembers(p + "s"));
        s.put("sismember", r.sismember(p + "s", "a"));
        s.put("scard", r.scard(p + "s"));
        s.put("zscore", r.zscore(p + "z", "one"));
        s.put("zrange", r.zrange(p + "z", 0, -1));
        s.put("zrangeByScore", r.zrangeByScore(p + "z", 3.0, 10.0));
        s.put("zcard", r.zcard(p + "z"));
        s.put("xrange", r.xrange(p + "x", "-", "+").stream().map(StreamEntry::fields).toList());
        s.put("xlen", r.xlen(p + "x"));
        return s;
    }

    @Test
    void everyOperationWrittenDirectlyLeavesTheStateItPromises() {
        try (ResilientRedis r = client().build()) {
            List<WriteReceipt<?>> receipts = exercise(r, "direct");
            assertThat(receipts).extracting(WriteReceipt::status).containsOnly(WriteStatus.WRITTEN);
            assertThat(receipts.get(1).reply()).isEqualTo("x");
            assertThat(receipts.get(3).reply()).isEqualTo(2.75);
            assertThat(receipts.get(7).reply()).isEqualTo(7L);
            assertThat(receipts.get(13).reply()).isEqualTo(3.5);
            assertThat((String) receipts.get(16).reply()).matches("\\d+-\\d+");
            assertThat(receipts.get(19).reply()).isEqualTo(1L);
            assertThat(r.getDel("{direct}:never").reply()).as("GETDEL of a missing key").isNull();
            Map<String, Object> s = state(r, "direct");
            assertThat(s.get("mget")).isEqualTo(java.util.Arrays.asList("1", "2", null));
            assertThat(s.get("f")).isEqualTo("2.75");
            assertThat(s.get("ttl")).isEqualTo(-1L);
            assertThat(s.get("hmget")).isEqualTo(java.util.Arrays.asList("7", "1", "2", null));
            assertThat(s.get("smembers")).isEqualTo(java.util.Set.of("a", "c"));
            assertThat(s.get("sismember")).isEqualTo(true);
            assertThat(s.get("scard")).isEqualTo(2L);
            assertThat(s.get("zscore")).isEqualTo(3.5);
            assertThat(s.get("zrange")).isEqualTo(List.of(new io.resilientredis.client.ScoredMember("one", 3.5),
                    new io.resilientredis.client.ScoredMember("five", 5.0)));
            assertThat(s.get("zrangeByScore")).isEqualTo(s.get("zrange"));
            assertThat(s.get("zcard")).isEqualTo(2L);
            assertThat(s.get("xrange")).isEqualTo(List.of(Map.of("k", "2"), Map.of("k", "3")));
            assertThat(s.get("xlen")).isEqualTo(2L);
        }
    }

    @Test
    void everyOperationSpilledAndReplayedLeavesTheSameStateAsWrittenDirectly() throws Exception {
        try (ResilientRedis r = client().build()) {
            exercise(r, "direct2");
            r.maintenance(true);
            List<WriteReceipt<?>> spilled = exercise(r, "spilled");
            assertThat(spilled).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
            r.maintenance(false);
            assertThat(r.awaitSpillDrained(Duration.ofSeconds(30))).isTrue();
            assertThat(state(r, "spilled")).isEqualTo(state(r, "direct2"));
        }
    }

    @Test
    void everyOperationSpilledByOneClientIsReplayedByTheNextToTheSameState() throws Exception {
        try (ResilientRedis r = client().build()) {
            r.maintenance(true);
            assertThat(exercise(r, "restart")).extracting(WriteReceipt::status).containsOnly(WriteStatus.SPILLED);
        }
        try (ResilientRedis r = client().build()) {
            assertThat(r.awaitSpillDrained(Duration.ofSeconds(30))).isTrue();
            exercise(r, "direct3");
            assertThat(state(r, "restart")).isEqualTo(state(r, "direct3"));
        }
    }
}
