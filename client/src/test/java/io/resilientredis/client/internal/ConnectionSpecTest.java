package io.resilientredis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.client.RedisEndpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one door to an endpoint's connection details: complete, immutable, and never shows a password. */
class ConnectionSpecTest {

    private static final String SECRET = "Zq-secret-8841";

    @Test
    void aStandaloneEndpointsDetailsWithoutThePasswordInToString() {
        ConnectionSpec spec = ConnectionSpec.of(RedisEndpoint.standalone("rediss://app:" + SECRET + "@cache:6380/3"));

        assertThat(spec.sentinel()).isFalse();
        assertThat(spec.tls()).isTrue();
        assertThat(spec.host()).isEqualTo("cache");
        assertThat(spec.port()).isEqualTo(6380);
        assertThat(spec.database()).isEqualTo(3);
        assertThat(spec.username()).isEqualTo("app");
        assertThat(spec.password()).isEqualTo(SECRET);
        assertThat(spec.displayName()).isEqualTo("rediss://app:***@cache:6380/3");
        assertThat(spec.toString()).doesNotContain(SECRET).contains("password ***");
    }

    @Test
    void aSentinelGroupsDetailsWithoutEitherPasswordInToString() {
        ConnectionSpec spec = ConnectionSpec.of(RedisEndpoint.sentinel("mymaster", "s1:26379", "s2:26379")
                .withCredentials(null, SECRET).withSentinelCredentials("sentinel-user", SECRET + "-s")
                .withNatMap(Map.of("10.0.0.5:6379", "127.0.0.1:7000")));

        assertThat(spec.sentinel()).isTrue();
        assertThat(spec.masterName()).isEqualTo("mymaster");
        assertThat(spec.sentinels()).containsExactly("s1:26379", "s2:26379");
        assertThat(spec.sentinelUsername()).isEqualTo("sentinel-user");
        assertThat(spec.sentinelPassword()).isEqualTo(SECRET + "-s");
        assertThat(spec.natMap()).containsExactly(Map.entry("10.0.0.5:6379", "127.0.0.1:7000"));
        assertThat(spec.toString()).doesNotContain(SECRET).contains("Sentinel password ***");
    }

    @Test
    void aParsedUrlNeverShowsItsPassword() {
        RedisUrl url = RedisUrl.parse("redis://app:" + SECRET + "@[::1]:7000/2");

        assertThat(url.password()).isEqualTo(SECRET);
        assertThat(url).hasToString("RedisUrl[redis://app:***@[::1]:7000/2]");
        assertThat(RedisUrl.redact("redis://app:" + SECRET + "@host:1")).isEqualTo("redis://***@host:1");
    }

    @Test
    void aClustersSeedsAndCredentialsWithoutThePasswordInToString() {
        ConnectionSpec spec = ConnectionSpec.of(RedisEndpoint.cluster("redis://seed-a:7000", "redis://[::1]:7001")
                .withCredentials("app", SECRET).withNatMap(Map.of("10.0.0.5:7000", "127.0.0.1:17000")));

        assertThat(spec.cluster()).isTrue();
        assertThat(spec.sentinel()).isFalse();
        assertThat(spec.clusterSeeds()).containsExactly("seed-a:7000", "[::1]:7001");
        assertThat(spec.host()).isEqualTo("seed-a");
        assertThat(spec.port()).isEqualTo(7000);
        assertThat(spec.username()).isEqualTo("app");
        assertThat(spec.password()).isEqualTo(SECRET);
        assertThat(spec.natMap()).containsExactly(Map.entry("10.0.0.5:7000", "127.0.0.1:17000"));
        assertThat(spec.displayName()).isEqualTo("redis-cluster://app:***@seed-a:7000,[::1]:7001");
        assertThat(spec.toString()).doesNotContain(SECRET).contains("redis-cluster://app:***@").contains("password ***");
        assertThat(ConnectionSpec.of(RedisEndpoint.standalone("redis://cache:6379")).cluster()).isFalse();
        assertThat(ConnectionSpec.of(RedisEndpoint.standalone("redis://cache:6379")).clusterSeeds()).isEmpty();
    }
}
