package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.spill.SpillWriterChild;
import io.resilientredis.chaos.topology.ChildJvm;
import io.resilientredis.chaos.topology.ClusterSlots;
import io.resilientredis.chaos.topology.RedisCluster;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.SentinelGroup;
import io.resilientredis.chaos.topology.Shape;
import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.RedisScript;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.StreamEntry;
import io.resilientredis.client.internal.resp.RespReader;
import io.resilientredis.client.internal.resp.RespWriter;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every write of the command surface, once written directly and once spilled and replayed (by the same
 * client, by the next one after a clean close, and by the next one after a SIGKILL of the client that
 * spilled them): each replayed run leaves Redis in the same state as the direct one. Each shape the harness
 * has runs it (a subclass per shape). Keys carry one hash tag per run, so multi-key operations stay in one
 * slot.
 */
abstract class CommandSurface {

    @TempDir
    Path dir;

    /** @return the topology of the subclass's shape */
    abstract ChaosTopology chaos();

    /** Scratch space outside the spill directory. */
    @TempDir
    Path scratch;

    private ChildJvm child;

    @AfterEach
    void heal() throws InterruptedException {
        try {
            if (child != null) {
                child.kill();
            }
        } finally {
            chaos().resetAll();
        }
    }

    ResilientRedis.Builder client() {
        return client(chaos().primaryEndpoint(), dir);
    }

    /** The client every run uses, also in {@link CommandSurfaceChild}'s JVM. */
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

    /**
     * A client JVM built while nothing is reachable runs {@link #exercise}, every write spilled, and is
     * SIGKILLed with its client open; once the outage heals, a client in this JVM on the same spill
     * directory replays the backlog before a write it takes right away on the same keys, and the state is
     * the state of a direct run of the same writes (the published message delivered once, as directly).
     * On a Redis Cluster the backlog is in lane 0 (the killed client never saw the shards), and the keys are
     * on another shard: the next client must route them by the saved layout, else its own write overtakes
     * the backlog.
     */
    void killedWhileSpilledTheNextClientReplaysToTheSameState() throws Exception {
        String killed = tagOffTheFirstShard("killed");
        String direct = "direct4";
        String pk = "{" + killed + "}:";
        String pd = "{" + direct + "}:";
        Path hookMarker = scratch.resolve("hook");
        long started = System.nanoTime();
        Map<String, Object> state;
        chaos().disableAll();
        child = ChildJvm.start(CommandSurfaceChild.class, List.of("-XX:TieredStopAtLevel=1"), dir.toString(),
                childEndpoint(), killed, hookMarker.toString());
        String[] spilled = awaitSpilled(child, "the child's writes spilled", Duration.ofSeconds(45));
        int n = Integer.parseInt(spilled[1]);
        Map<Integer, Long> depths = new HashMap<>();
        for (int i = 2; i < spilled.length; i++) {
            String[] laneDepth = spilled[i].split("=");
            depths.put(Integer.parseInt(laneDepth[0]), Long.parseLong(laneDepth[1]));
        }
        assertThat(depths).as("every spilled write in the store before the kill, in lane 0: %s",
                String.join(" ", spilled)).containsEntry(0, (long) n);
        assertThat(depths.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
        assertThat(child.kill()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        assertThat(hookMarker).as("no shutdown hook ran").doesNotExist();
        if (chaos().topology().shape() == Shape.CLUSTER) {
            assertThat(dir.resolve("lanes").resolve("layout")).exists();
        }

        chaos().resetAll();
        try (Subscriber sub = new Subscriber(subscriberNode(pk + "ch"), pk + "ch", pd + "ch");
             ResilientRedis r = client().build()) {
            List<WriteReceipt<?>> next = List.of(r.set(pk + "a", "after"), r.rpush(pk + "l", "after"));
            assertThat(r.awaitSpillDrained(Duration.ofSeconds(30))).isTrue();
            long nextSpilled = next.stream().filter(w -> w.status() == WriteStatus.SPILLED).count();
            SpillStatus s = r.status().spill();
            assertThat(s.replayedTotal()).as("each spilled write replayed once").isEqualTo(n + nextSpilled);
            assertThat(s.rejectedTotal() + s.quarantinedTotal() + s.lostOnOpen()).isZero();
            await("the replayed writes deleted from the store").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20)).until(() -> r.status().spill().depth() == 0);

            List<WriteReceipt<?>> directly = exercise(r, direct);
            assertThat(directly).hasSize(n).extracting(WriteReceipt::status).containsOnly(WriteStatus.WRITTEN);
            r.set(pd + "a", "after");
            r.rpush(pd + "l", "after");
            state = state(r, killed);
            assertThat(state).isEqualTo(state(r, direct));
            assertThat(state.get("mget")).as("the next client's write after the replayed ones")
                    .isEqualTo(Arrays.asList("after", "2", null));

            Map<String, List<String>> delivered = new HashMap<>();
            await("both messages delivered").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        sub.read(delivered);
                        return delivered.containsKey(pk + "ch") && delivered.containsKey(pd + "ch");
                    });
            sub.read(delivered);
            assertThat(delivered.get(pk + "ch")).as("the spilled message, once").isEqualTo(List.of("hello"))
                    .isEqualTo(delivered.get(pd + "ch"));
        }
        System.out.printf("[measure] %s: %d writes spilled by a client killed with SIGKILL, replayed by the next"
                + " to the direct run's state (%d entries compared) in %d ms%n", getClass().getSimpleName(), n,
                state.size(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * @return {@code base} on one node; on a Redis Cluster, {@code base} and a number whose slot the shard
     *     serving slot 0 does not serve (so it is not in lane 0 of a fresh layout)
     */
    private String tagOffTheFirstShard(String base) {
        if (chaos().topology().shape() != Shape.CLUSTER) {
            return base;
        }
        RedisCluster cluster = chaos().topology().cluster();
        for (int i = 0; ; i++) {
            String tag = base + i;
            if (!cluster.shardOf(ClusterSlots.slot("{" + tag + "}")).owns(0)) {
                return tag;
            }
        }
    }

    /** @return the node a PUBLISH on this channel runs on (through no proxy) */
    private RedisNode subscriberNode(String channel) {
        RedisTopology t = chaos().topology();
        return t.shape() == Shape.CLUSTER ? t.cluster().shardOfKey(channel).master() : t.primary();
    }

    /** @return the primary endpoint, through the proxies, as {@link CommandSurfaceChild#endpoint} reads it */
    private String childEndpoint() {
        ChaosTopology c = chaos();
        RedisTopology t = c.topology();
        if (t.shape() == Shape.CLUSTER) {
            return SpillWriterChild.clusterArg(c.clusterSeeds().stream().map(a -> "redis://" + a).toList(),
                    c.clusterNatMap());
        }
        if (t.shape() == Shape.SENTINEL_GROUP) {
            SentinelGroup g = t.sentinelGroup();
            Map<String, String> nat = new LinkedHashMap<>();
            for (RedisNode node : g.dataNodes()) {
                nat.put("127.0.0.1:" + node.port(), c.clientAddress(node));
            }
            return CommandSurfaceChild.sentinelArg(g.masterName(),
                    g.sentinels().stream().map(c::clientAddress).toList(), nat);
        }
        return "redis://" + c.clientAddress(t.primary());
    }

    /**
     * Waits for the verdict a child spilling its writes prints ({@link CommandSurfaceChild}, {@link BatchChild}).
     *
     * @return the child's {@code SPILLED} line, split; fails when it printed {@code NOT_SPILLED} or exited
     */
    static String[] awaitSpilled(ChildJvm child, String what, Duration bound) {
        String verdict = child.awaitLine(what, bound, l -> l.startsWith("SPILLED ") || l.startsWith("NOT_SPILLED "));
        if (!verdict.startsWith("SPILLED ")) {
            throw new AssertionError(what + ": the child JVM did not spill:\n" + child.tail());
        }
        return verdict.split(" ");
    }

    /**
     * A plain RESP connection to one node, subscribed to channels; {@link #read} collects what was delivered
     * so far (it sends PING and reads up to its reply).
     */
    static final class Subscriber implements AutoCloseable {
        private final Socket socket;
        private final RespReader in;
        private final OutputStream out;

        Subscriber(RedisNode node, String... channels) throws IOException {
            socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(node.host(), node.port()), 5_000);
                socket.setSoTimeout(5_000);
                in = new RespReader(new BufferedInputStream(socket.getInputStream()));
                out = socket.getOutputStream();
                String[] command = new String[channels.length + 1];
                command[0] = "SUBSCRIBE";
                System.arraycopy(channels, 0, command, 1, channels.length);
                out.write(RespWriter.command(command));
                out.flush();
                for (String channel : channels) {
                    assertThat(in.read()).as("subscribed").isEqualTo(List.of("subscribe", channel,
                            (long) (List.of(channels).indexOf(channel) + 1)));
                }
            } catch (IOException | RuntimeException | Error e) {
                socket.close();
                throw e;
            }
        }

        /** Adds every message delivered since the last call, by channel. */
        void read(Map<String, List<String>> into) throws IOException {
            out.write(RespWriter.command("PING"));
            out.flush();
            while (true) {
                List<?> reply = (List<?>) in.read();
                if ("pong".equals(reply.get(0))) {
                    return;
                }
                if ("message".equals(reply.get(0))) {
                    into.computeIfAbsent((String) reply.get(1), k -> new ArrayList<>()).add((String) reply.get(2));
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
