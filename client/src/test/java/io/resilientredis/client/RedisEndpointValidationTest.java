package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * A URL the client cannot use is refused when the endpoint is created, not at the first call: the
 * message names the bad part and the fix, and never the password.
 */
class RedisEndpointValidationTest {

    private static final String SECRET = "hunter2-Xq7";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "redis://:hunter2-Xq7@host:99999        | port 99999 in redis://***@host:99999 is outside 1-65535 | port Redis listens on",
            "redis://:hunter2-Xq7@host:0            | port 0 in redis://***@host:0 is outside 1-65535         | port Redis listens on",
            "redis://:hunter2-Xq7@host:65536        | is outside 1-65535                                      | 6379 by default",
            "redis://:hunter2-Xq7@host:63a9         | port '63a9' in redis://***@host:63a9 is not a number   | as a number",
            "redis://:hunter2-Xq7@host:             | gives no port                                           | add the port",
            "redis://:hunter2-Xq7@:6379             | has no host                                             | name the server",
            "redis://:hunter2-Xq7@host:6379/0?ssl=1 | after '?' or '#'                                         | rediss://",
            "redis://:hunter2-Xq7@host:6379/x       | database 'x'                                             | by number",
            "redis://:hunter2-Xq7@::1:6379          | several ':'                                              | [::1]",
            "tcp://:hunter2-Xq7@host:6379           | scheme 'tcp://' is not a Redis scheme                    | rediss://",
            "host:6379                              | has no scheme                                            | redis://host:6379",
            "redis://:hunt@er2-Xq7@host:6379        | an unencoded '@'                                         | %40",
            "redis://:hunter2-Xq7%zz@host:6379      | does not start a %XX escape                              | %25",
    })
    void aMalformedUrlIsRefusedAtCreationWithTheBadPartAndTheFix(String url, String problem, String fix) {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> RedisEndpoint.standalone(url));

        assertThat(e).as(url).isNotNull();
        assertThat(e.getMessage()).contains(problem).contains("Fix: ").contains(fix)
                .doesNotContain(SECRET).doesNotContain("hunter2").doesNotContain("er2-Xq7");
    }

    @Test
    void aSentinelPortOutsideTheRangeIsRefused() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> RedisEndpoint.sentinel("mymaster", "10.0.0.1:26379", "10.0.0.2:99999"));

        assertThat(e).hasMessageContaining("port 99999 in Sentinel address '10.0.0.2:99999' is outside 1-65535")
                .hasMessageContaining("26379 by default");
    }

    @Test
    void wellFormedUrlsStillParse() {
        RedisEndpoint ipv6 = RedisEndpoint.standalone("redis://[::1]:7000/3");
        assertThat(ipv6.host()).isEqualTo("::1");
        assertThat(ipv6.address()).isEqualTo("redis://[::1]:7000");
        assertThat(ipv6.toString()).isEqualTo("redis://[::1]:7000/3");

        RedisEndpoint underscore = RedisEndpoint.standalone("redis://redis_cache:6380");
        assertThat(underscore.host()).as("docker-compose service names hold '_'").isEqualTo("redis_cache");
        assertThat(underscore.port()).isEqualTo(6380);

        RedisEndpoint edges = RedisEndpoint.standalone("redis://h:1");
        assertThat(edges.port()).isEqualTo(1);
        assertThat(RedisEndpoint.standalone("redis://h:65535").port()).isEqualTo(65535);
        assertThat(RedisEndpoint.standalone("  REDISS://user@h  ").tls()).isTrue();
        assertThat(RedisEndpoint.standalone("redis://user@h").username()).isNull();
    }
}
