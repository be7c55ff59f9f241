package io.resilientredis.failover.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One-line descriptions, which go into exception messages and status, keep what happened and drop
 * what a client library appends about itself: command parameters (key names, values), channels,
 * pending futures. The cause chain keeps the full text.
 */
class FailuresTest {

    @Test
    void aTimeoutKeepsTheCommandNameButNotItsKeyOrValue() {
        RuntimeException e = new RuntimeException("Command execution timeout for command: (SET), params: "
                + "[customer:4711:email, ada@example.com], Redis client: [addr=redis://127.0.0.1:6379]");

        assertThat(Failures.describe(e)).isEqualTo("RuntimeException: Command execution timeout for command: (SET)")
                .doesNotContain("customer:4711").doesNotContain("ada@example.com");
    }

    @Test
    void aReplyKeepsTheReplyButNotTheChannelOrCommandData() {
        RuntimeException e = new RuntimeException("WRONGTYPE Operation against a key holding the wrong kind of value. "
                + "channel: [id: 0x5f3e, L:/127.0.0.1:53422 - R:127.0.0.1/127.0.0.1:6379] data: CommandData "
                + "[promise=java.util.concurrent.CompletableFuture@1b2c[Not completed], command=(GET), "
                + "params: [orders:2024], codec=org.redisson.client.codec.StringCodec]");

        assertThat(Failures.describe(e))
                .isEqualTo("RuntimeException: WRONGTYPE Operation against a key holding the wrong kind of value.")
                .doesNotContain("orders:2024").doesNotContain("CommandData");
    }

    @Test
    void aWriteFailureDropsTheConnectionDump() {
        RuntimeException e = new RuntimeException("Unable to write command into connection! Node source: NodeSource "
                + "[slot=0, addr=null], connection: RedisConnection@91 [redisClient=[addr=redis://10.0.0.5:6379], "
                + "currentCommand=CommandData [promise=java.util.concurrent.CompletableFuture@7e, command=(SET), "
                + "params: [k, AdaptivePoolingAllocator...]]], command: (SET), params: [k, v]");

        assertThat(Failures.describe(e)).isEqualTo("RuntimeException: Unable to write command into connection!");
    }

    @Test
    void theRootCauseIsCleanedToo() {
        RuntimeException e = new RuntimeException("wrapper", new IllegalStateException(
                "Unable to acquire connection! java.util.concurrent.CompletableFuture@3f[Completed exceptionally]"
                        + "Increase connection pool size or timeout. Node source: NodeSource [slot=0]"));

        assertThat(Failures.describe(e))
                .isEqualTo("RuntimeException: wrapper (caused by IllegalStateException: Unable to acquire connection!)");
    }

    @Test
    void anOrdinaryMessageIsKept() {
        assertThat(Failures.describe(new java.net.ConnectException("Connection refused: /127.0.0.1:6379")))
                .isEqualTo("ConnectException: Connection refused: /127.0.0.1:6379");
        assertThat(Failures.withoutInternals(null)).isNull();
    }
}
