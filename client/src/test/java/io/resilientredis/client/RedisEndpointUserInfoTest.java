package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A URL's user info is percent-decoded, never form-decoded: a '+' in a password stays a '+'. */
class RedisEndpointUserInfoTest {

    @Test
    void aPlusInThePasswordIsKeptAndPercentEscapesAreDecoded() {
        RedisEndpoint endpoint = RedisEndpoint.standalone("redis://us+er:a+b%2Bc%20d@localhost:6379");

        assertThat(endpoint.username()).isEqualTo("us+er");
        assertThat(endpoint.password()).isEqualTo("a+b+c d");
        assertThat(endpoint.toString()).isEqualTo("redis://us+er:***@localhost:6379");
    }
}
