package io.resilientredis.client.queue;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Queue names: what a queue's keys cannot hold is refused with the fix. */
class QueueKeysTest {

    @Test
    void aNameWithBracesIsRefused() {
        assertThatThrownBy(() -> new QueueKeys("a{b}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("braces");
    }
}
