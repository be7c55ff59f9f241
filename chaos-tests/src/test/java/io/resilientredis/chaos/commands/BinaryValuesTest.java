package io.resilientredis.chaos.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisCommand;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binary keys and values through the generic commands: every byte value 0-255 and a 1 MiB value round-trip
 * written directly, spilled and replayed, and replayed by the next client after a restart.
 */
class BinaryValuesTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS = ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path dir;

    private static final byte[] EVERY_BYTE = new byte[256];
    private static final byte[] ONE_MIB = new byte[1 << 20];

    static {
        for (int i = 0; i < 256; i++) {
            EVERY_BYTE[i] = (byte) i;
        }
        new Random(42).nextBytes(ONE_MIB);
    }

    private ResilientRedis.Builder client() {
        return ResilientRedis.builder().primary(CHAOS.get().primaryEndpoint()).spill(dir)
                .timeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2));
    }

    private static byte[] key(String name) {
        // A binary key: the name, then every byte value (no hash tag: '{' and '}' come in order, empty tag).
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[n.length + 256];
        System.arraycopy(n, 0, k, 0, n.length);
        System.arraycopy(EVERY_BYTE, 0, k, n.length, 256);
        return k;
    }

    private static void write(ResilientRedis r, String prefix, WriteStatus expected) {
        assertThat(r.execute(RedisCommand.writeBinary("SET", key(prefix + "every"), EVERY_BYTE).idempotent()).status())
                .isEqualTo(expected);
        assertThat(r.execute(RedisCommand.writeBinary("SET", key(prefix + "big"), ONE_MIB).idempotent()).status())
                .isEqualTo(expected);
        assertThat(r.execute(RedisCommand.writeBinary("RPUSH", key(prefix + "list"), EVERY_BYTE, ONE_MIB)).status())
                .as("exactly once").isEqualTo(expected);
    }

    private static void check(ResilientRedis r, String prefix) {
        assertThat((byte[]) r.execute(RedisCommand.readBinary("GET", key(prefix + "every"))
                .reply(RedisCommand.Reply.BYTES))).isEqualTo(EVERY_BYTE);
        assertThat((byte[]) r.execute(RedisCommand.readBinary("GET", key(prefix + "big"))
                .reply(RedisCommand.Reply.BYTES))).isEqualTo(ONE_MIB);
        List<?> list = (List<?>) r.execute(RedisCommand.readBinary("LRANGE", key(prefix + "list"),
                "0".getBytes(StandardCharsets.US_ASCII), "-1".getBytes(StandardCharsets.US_ASCII))
                .reply(RedisCommand.Reply.BYTES));
        assertThat(list).hasSize(2);
        assertThat((byte[]) list.get(0)).isEqualTo(EVERY_BYTE);
        assertThat((byte[]) list.get(1)).isEqualTo(ONE_MIB);
    }

    @Test
    void everyByteAndAMebibyteRoundTripDirectSpilledAndReplayedAndAfterARestart() throws Exception {
        try (ResilientRedis r = client().build()) {
            write(r, "direct:", WriteStatus.WRITTEN);
            check(r, "direct:");
            r.maintenance(true);
            write(r, "spilled:", WriteStatus.SPILLED);
            r.maintenance(false);
            assertThat(r.awaitSpillDrained(Duration.ofSeconds(30))).isTrue();
            check(r, "spilled:");
            r.maintenance(true);
            write(r, "restart:", WriteStatus.SPILLED);
        }
        try (ResilientRedis r = client().build()) {
            assertThat(r.awaitSpillDrained(Duration.ofSeconds(30))).isTrue();
            check(r, "restart:");
        }
    }
}
