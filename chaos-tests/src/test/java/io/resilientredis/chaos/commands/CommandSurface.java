package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.RedisScript;
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
 * Every write of the command surface, once written directly and once spilled and replayed: the
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
        return client(chaos().primaryEndpoint(), dir);
    }

    /** The client every run uses. */
    static ResilientRedis.Builder client(RedisEndpoint endpoint, Path spillDir) {
        return ResilientRedis.builder().primary(endpoint).spill(spillDir)
                .timeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(2));
    }

    private static final RedisScript INCR_SCRIPT = RedisScript.of("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    private static final RedisScript SET_SCRIPT = RedisScript.of("redis.call('SET', KEYS[1], ARGV[1]) return 1");

    /**
     * Runs every write of the operations table once (each typed write, a generic command and a script, both
     * exactly once and idempotent); returns the receipts in order.
     */
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
        out.add(r.incrBy(p + "c", 5));
        out.add(r.incrBy(p + "c", -2));
        out.add(r.setIfAbsent(p + "nx", "first", Duration.ofMinutes(10)));
        out.add(r.setIfAbsent(p + "nx", "second", Duration.ofMinutes(10)));
        out.add(r.set(p + "d1", "x"));
        out.add(r.set(p + "d2", "y"));
        out.add(r.del(p + "d1", p + "d2"));
        out.add(r.set(p + "e", "v"));
        out.add(r.expire(p + "e", Duration.ofMinutes(10)));
        out.add(r.hset(p + "h2", "f", "1"));
        out.add(r.hset(p + "h2", "g", "2"));
        out.add(r.hdel(p + "h2", "g"));
        out.add(r.lpush(p + "l", "a", "b"));
        out.add(r.rpush(p + "l", "c"));
        out.add(r.execute(RedisCommand.write("APPEND", p + "ap", "x")));
        out.add(r.execute(RedisCommand.write("APPEND", p + "ap", "y")));
        out.add(r.execute(RedisCommand.write("SETRANGE", p + "sr", "0", "abc").idempotent()));
        out.add(r.execute(INCR_SCRIPT.keys(p + "sc").args("4")));
        out.add(r.execute(INCR_SCRIPT.keys(p + "sc").args("4")));
        out.add(r.execute(SET_SCRIPT.keys(p + "si").args("v").idempotent()));
        return out;
    }

    /** @return whether a PTTL is a TTL of at most the ten minutes {@link #exercise} gives (the rest left varies) */
    private static boolean ttlSet(Long pttl) {
        return pttl != null && pttl > 0 && pttl <= Duration.ofMinutes(10).toMillis();
    }

    /**
     * Reads back everything {@link #exercise} wrote, ids of stream entries left out and TTLs as whether they
     * are set.
     */
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
        s.put("c", r.get(p + "c"));
        s.put("nx", r.get(p + "nx"));
        s.put("nxTtlSet", ttlSet(r.ttl(p + "nx")));
        s.put("deleted", !r.exists(p + "d1") && !r.exists(p + "d2"));
        s.put("e", r.get(p + "e"));
        s.put("eTtlSet", ttlSet(r.ttl(p + "e")));
        s.put("h2", r.hgetAll(p + "h2"));
        s.put("l", r.lrange(p + "l", 0, -1));
        s.put("llen", r.llen(p + "l"));
        s.put("ap", r.get(p + "ap"));
        s.put("sr", r.get(p + "sr"));
        s.put("sc", r.get(p + "sc"));
        s.put("si", r.get(p + "si"));
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
            assertThat(receipts.get(22).reply()).isEqualTo(3L);
            assertThat(receipts.get(23).reply()).isEqualTo(true);
            assertThat(receipts.get(24).reply()).isEqualTo(false);
            assertThat(receipts.get(27).reply()).isEqualTo(2L);
            assertThat(s.get("c")).isEqualTo("3");
            assertThat(s.get("nx")).isEqualTo("first");
            assertThat(s.get("nxTtlSet")).isEqualTo(true);
            assertThat(s.get("deleted")).isEqualTo(true);
            assertThat(s.get("e")).isEqualTo("v");
            assertThat(s.get("eTtlSet")).isEqualTo(true);
            assertThat(s.get("h2")).isEqualTo(Map.of("f", "1"));
            assertThat(s.get("l")).isEqualTo(List.of("b", "a", "c"));
            assertThat(s.get("ap")).isEqualTo("xy");
            assertThat(s.get("sr")).isEqualTo("abc");
            assertThat(s.get("sc")).isEqualTo("8");
            assertThat(s.get("si")).isEqualTo("v");
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
