package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resilientredis.failover.spill.SpillStoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write too large for Redis (proto-max-bulk-len) or for the spill store (its entry limit) fails
 * at call time with {@link IllegalArgumentException} naming the limit, whether or not Redis is up;
 * and the sizes are computed without building the spill form, which direct writes never build.
 */
class WriteSizeLimitTest {

    @TempDir
    Path dir;

    @Test
    void theSpillSizeIsComputedExactlyWithoutEncoding() {
        String[] values = {"", "plain", "caf\u00e9 \u20ac", "\uD83D\uDE00 emoji", "lone \uD800 surrogate", "\u0000nul"};
        for (String v : values) {
            SpilledWrite command = new SpilledWrite("id-\u00e9", false, "SET",
                    List.of(RedisWrite.bytes("k\u00e9y"), RedisWrite.bytes(v)));
            assertThat(command.encodedSize()).as(v).isEqualTo(command.encode().length);
            assertThat(SpilledWrite.encodedCommandSize("id-\u00e9", "SET", "k\u00e9y", v)).as(v)
                    .isEqualTo(command.encode().length);
            assertThat(SpilledWrite.utf8Length(v)).isEqualTo(v.getBytes(StandardCharsets.UTF_8).length);
            SpilledWrite script = SpilledWrite.script("id", true, "enqueue", List.of("q:\u00e9", "m"),
                    List.of(RedisWrite.bytes(v)));
            assertThat(script.encodedSize()).as(v).isEqualTo(script.encode().length);
        }
    }

    @Test
    void aDirectWriteBuildsItsSpillFormOnlyWhenAskedAndTheSameOneEveryTime() {
        RedisWrite<Void> w = RedisWrite.idempotent("SET", c -> null, "key", "value", "PX", "100");
        String id = w.id();
        SpilledWrite form = w.form();
        assertThat(form.id()).isEqualTo(id);
        assertThat(form.command()).isEqualTo("SET");
        assertThat(form.args()).extracting(a -> new String(a, StandardCharsets.UTF_8))
                .containsExactly("key", "value", "PX", "100");
        assertThat(w.form()).isSameAs(form);
        long size = w.encode().length;
        w.checkSize(Long.MAX_VALUE, size); // exactly at the limit: fine
        assertThatThrownBy(() -> w.checkSize(Long.MAX_VALUE, size - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry limit of " + (size - 1) + " bytes");
        assertThatThrownBy(() -> w.checkSize(4, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argument of 5 bytes").hasMessageContaining("proto-max-bulk-len of 4 bytes");
    }

    @Test
    void anOversizeWriteFailsAtCallTimeNamingTheLimitAndIsNeitherSentNorSpilled() {
        // Port 1 refuses connections: were the size not checked first, the write would be spilled.
        try (ResilientRedis redis = ResilientRedis.builder()
                .primary(RedisEndpoint.standalone("redis://127.0.0.1:1"))
                .timeout(Duration.ofMillis(200))
                .protoMaxBulkLen(4096)
                .spill(SpillStoreConfig.builder(dir).maxEntryBytes(2048).build())
                .build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> redis.set("secret-key-name", "v".repeat(3000)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("entry limit of 2048 bytes")
                    .hasMessageContaining("maxEntryBytes")
                    .hasMessageNotContaining("secret-key-name");
            assertThatThrownBy(() -> redis.set("k", "v".repeat(5000), Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("proto-max-bulk-len of 4096 bytes");
            assertThatThrownBy(() -> redis.rpush("k", "v".repeat(3000)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("entry limit of 2048 bytes");
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[measure] three oversize writes refused in %d ms in all%n", millis);
            assertThat(millis).as("refused at once, not after a connection attempt").isLessThan(1000);
            assertThat(redis.status().spill().depth()).isZero();
            assertThat(redis.status().spill().pendingAppends()).isZero();
        }
        assertThatThrownBy(() -> ResilientRedis.builder().protoMaxBulkLen(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("protoMaxBulkLen");
    }
}
