package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.Codec;
import io.resilientredis.client.JsonCodec;
import io.resilientredis.client.RedisView;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.ScoredMember;
import io.resilientredis.client.StreamEntry;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each codec the client offers, and one of an application's own, through the operations that take keys
 * and values: written directly, spilled through a full outage and replayed, and spilled by one client and
 * replayed by the next; read back through the same codec, the values equal what was written.
 */
class CodecTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path dir;

    /** A value type for the JSON codec. */
    record Order(long id, String state, List<String> items) {
    }

    @AfterEach
    void heal() {
        CHAOS.get().resetAll();
    }

    private ResilientRedis.Builder client() {
        return ResilientRedis.builder().primary(CHAOS.get().primaryEndpoint()).spill(dir)
                .timeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(2));
    }

    /**
     * The operations a codec's values go through, on keys made by {@code key} from a run's prefix.
     *
     * @param <K> key type
     * @param <V> value type
     */
    private record Exercise<K, V>(Function<String, K> key, V a, V b, V c) {

        List<WriteReceipt<?>> write(RedisView<K, V> r, String run) {
            List<WriteReceipt<?>> out = new ArrayList<>();
            out.add(r.set(key.apply(run + "s"), a));
            out.add(r.set(key.apply(run + "gone"), b));
            out.add(r.getDel(key.apply(run + "gone")));
            out.add(r.hset(key.apply(run + "h"), key.apply("f1"), a));
            Map<K, V> fields = new LinkedHashMap<>();
            fields.put(key.apply("f2"), b);
            fields.put(key.apply("f3"), c);
            out.add(r.hsetAll(key.apply(run + "h"), fields));
            out.add(r.rpush(key.apply(run + "l"), a, b));
            out.add(r.lpush(key.apply(run + "l"), c));
            out.add(r.sadd(key.apply(run + "set"), a, b, c));
            out.add(r.srem(key.apply(run + "set"), b));
            out.add(r.zadd(key.apply(run + "z"), 1.0, a));
            out.add(r.zincrBy(key.apply(run + "z"), 2.5, a));
            out.add(r.zadd(key.apply(run + "z"), 2.0, c));
            out.add(r.xadd(key.apply(run + "x"), Map.of(key.apply("field"), b)));
            out.add(r.mset(Map.of(key.apply(run + "m"), c)));
            return out;
        }

        void check(RedisView<K, V> r, String run, Function<V, Object> comparable) {
            assertThat(comparable.apply(r.get(key.apply(run + "s")))).isEqualTo(comparable.apply(a));
            assertThat(r.exists(key.apply(run + "gone"))).isFalse();
            Map<K, V> h = r.hgetAll(key.apply(run + "h"));
            assertThat(h).hasSize(3);
            assertThat(comparable.apply(r.hget(key.apply(run + "h"), key.apply("f3")))).isEqualTo(comparable.apply(c));
            assertThat(r.hmget(key.apply(run + "h"), key.apply("f1"), key.apply("f2")).stream().map(comparable))
                    .containsExactly(comparable.apply(a), comparable.apply(b));
            assertThat(r.lrange(key.apply(run + "l"), 0, -1).stream().map(comparable))
                    .containsExactly(comparable.apply(c), comparable.apply(a), comparable.apply(b));
            assertThat(r.smembers(key.apply(run + "set")).stream().map(comparable))
                    .containsExactlyInAnyOrder(comparable.apply(a), comparable.apply(c));
            assertThat(r.sismember(key.apply(run + "set"), b)).isFalse();
            List<ScoredMember<V>> z = r.zrange(key.apply(run + "z"), 0, -1);
            assertThat(z).extracting(m -> comparable.apply(m.member())).containsExactly(comparable.apply(c),
                    comparable.apply(a));
            assertThat(z).extracting(ScoredMember::score).containsExactly(2.0, 3.5);
            assertThat(r.zscore(key.apply(run + "z"), a)).isEqualTo(3.5);
            List<StreamEntry<K, V>> x = r.xrange(key.apply(run + "x"), "-", "+");
            assertThat(x).hasSize(1);
            assertThat(x.get(0).fields().values().stream().map(comparable)).containsExactly(comparable.apply(b));
            assertThat(r.mget(key.apply(run + "m"), key.apply(run + "s")).stream().map(comparable))
                    .containsExactly(comparable.apply(c), comparable.apply(a));
        }
    }

    /** Writes directly, through a full outage, and through a restart; each run must read back the same. */
    private <K, V> void roundTrips(Function<ResilientRedis, RedisView<K, V>> view, Exercise<K, V> e,
                                   Function<V, Object> comparable) {
        try (ResilientRedis client = client().build()) {
            RedisView<K, V> r = view.apply(client);
            List<WriteReceipt<?>> direct = e.write(r, "direct:");
            assertThat(direct).allMatch(w -> w.status() == WriteStatus.WRITTEN);
            assertThat(comparable.apply(castReply(direct.get(2)))).as("GETDEL's reply through the codec")
                    .isEqualTo(comparable.apply(e.b()));
            e.check(r, "direct:", comparable);

            CHAOS.get().disableAll();
            assertThat(e.write(r, "outage:")).allMatch(w -> w.status() == WriteStatus.SPILLED);
            CHAOS.get().resetAll();
            assertThat(awaitDrained(client)).isTrue();
            e.check(r, "outage:", comparable);

            CHAOS.get().disableAll();
            assertThat(e.write(r, "restart:")).allMatch(w -> w.status() == WriteStatus.SPILLED);
        }
        CHAOS.get().resetAll();
        try (ResilientRedis client = client().build()) {
            assertThat(awaitDrained(client)).isTrue();
            e.check(view.apply(client), "restart:", comparable);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> V castReply(WriteReceipt<?> r) {
        return (V) r.reply();
    }

    private static boolean awaitDrained(ResilientRedis client) {
        try {
            return client.awaitSpillDrained(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void utf8StringsOfEveryPlaneRoundTrip() {
        // The client itself is the UTF-8 view; withCodecs(utf8, utf8) is the same thing made explicit.
        roundTrips(c -> c.withCodecs(Codec.utf8(), Codec.utf8()),
                new Exercise<>(k -> "{utf8}:ключ:" + k, "héllo", "日本語", "emoji \uD83D\uDE80 and a\u0000nul"),
                v -> v);
        try (ResilientRedis client = client().build()) {
            assertThat(client.get("{utf8}:ключ:restart:s")).isEqualTo("héllo");
        }
    }

    @Test
    void bytesKeepEveryByteValueInKeysAndValuesAndAMebibyte() {
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0};
        roundTrips(c -> c.withCodecs(Codec.bytes(), Codec.bytes()),
                new Exercise<>(k -> concat("{bytes}:".getBytes(StandardCharsets.UTF_8), every,
                        k.getBytes(StandardCharsets.UTF_8)), every, big, invalidUtf8),
                v -> ByteBuffer.wrap(v));
    }

    @Test
    void jsonValuesComeBackAsTheirType() {
        roundTrips(c -> c.withCodecs(Codec.utf8(), JsonCodec.of(Order.class)),
                new Exercise<>(k -> "{json}:" + k, new Order(1, "paid", List.of("a", "b")),
                        new Order(2, "shipped \"quoted\" ü", List.of()), new Order(3, null, List.of("c"))),
                v -> v);
    }

    @Test
    void jsonOfAnotherShapeIsAClearErrorNamingTheType() {
        try (ResilientRedis client = client().build()) {
            client.set("{json}:not-json", "plain text");
            RedisView<String, Order> orders = client.withCodecs(Codec.utf8(), JsonCodec.of(Order.class));
            assertThatThrownBy(() -> orders.get("{json}:not-json"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("CodecTest$Order")
                    .hasMessageContaining("not JSON");
            // The caller's error, not the endpoint's: no breaker opened, the next read is served.
            assertThat(client.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
            assertThat(client.get("{json}:not-json")).isEqualTo("plain text");
        }
    }

    /** An application's own codec: longs as 8 big-endian bytes. */
    private static final Codec<Long> LONGS = new Codec<>() {
        @Override
        public byte[] encode(Long value) {
            return ByteBuffer.allocate(8).putLong(value).array();
        }

        @Override
        public Long decode(byte[] bytes) {
            return ByteBuffer.wrap(bytes).getLong();
        }
    };

    @Test
    void anApplicationsOwnCodecIsUsedBothWays() {
        roundTrips(c -> c.withCodecs(Codec.utf8(), LONGS),
                new Exercise<>(k -> "{longs}:" + k, Long.MIN_VALUE, 0L, 1L << 40),
                v -> v);
        try (ResilientRedis client = client().build()) {
            // Stored as the codec's 8 bytes, not as text.
            byte[] raw = client.withCodecs(Codec.utf8(), Codec.bytes()).get("{longs}:restart:s");
            assertThat(raw).hasSize(8);
            assertThat(Arrays.equals(raw, LONGS.encode(Long.MIN_VALUE))).isTrue();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
