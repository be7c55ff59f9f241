package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void parsesAStandaloneUrlAndKeepsTheCredentialsOutOfItsName() {
        RedisEndpoint e = RedisEndpoint.standalone("redis://app:s3cr%40t@cache.internal:6380/2");
        assertThat(e.host()).isEqualTo("cache.internal");
        assertThat(e.port()).isEqualTo(6380);
        assertThat(e.database()).isEqualTo(2);
        assertThat(e.username()).isEqualTo("app");
        assertThat(e.password()).isEqualTo("s3cr@t");
        assertThat(e.address()).isEqualTo("redis://cache.internal:6380");
        assertThat(e.toString()).isEqualTo("redis://app:***@cache.internal:6380/2").doesNotContain("s3cr");
        assertThat(e.displayName()).doesNotContain("s3cr");
    }

    @Test
    void aPasswordWithoutUserAndTheDefaultPortAndTls() {
        RedisEndpoint e = RedisEndpoint.standalone("rediss://:topsecret@10.0.0.5");
        assertThat(e.tls()).isTrue();
        assertThat(e.port()).isEqualTo(6379);
        assertThat(e.username()).isNull();
        assertThat(e.password()).isEqualTo("topsecret");
        assertThat(e.toString()).isEqualTo("rediss://:***@10.0.0.5:6379");
    }

    @Test
    void malformedUrlsAreRejectedWithoutRepeatingThePassword() {
        assertThatThrownBy(() -> RedisEndpoint.standalone("http://:hunter2@host:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a Redis scheme").hasMessageContaining("use redis://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisEndpoint.standalone("redis://:hunter2@host:6379/zero"))
                .hasMessageContaining("is not a number")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisEndpoint.standalone("redis://:hunter2@ho st:6379"))
                .hasMessageContaining("characters a host name cannot have")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void sentinelEndpointsNameTheMasterAndSentinelsAndMapAddresses() {
        RedisEndpoint e = RedisEndpoint.sentinel("orders", "10.0.0.1:26379", "redis://10.0.0.2:26379")
                .withCredentials(null, "datapass")
                .withSentinelCredentials(null, "sentinelpass")
                .withNatMap(Map.of("172.17.0.2:6379", "10.0.0.9:16379"));
        assertThat(e.isSentinel()).isTrue();
        assertThat(e.sentinels()).containsExactly("10.0.0.1:26379", "10.0.0.2:26379");
        assertThat(e.natMap()).containsEntry("172.17.0.2:6379", "10.0.0.9:16379");
        assertThat(e.toString()).isEqualTo("sentinel://orders@10.0.0.1:26379,10.0.0.2:26379")
                .doesNotContain("datapass").doesNotContain("sentinelpass");
        assertThatThrownBy(() -> RedisEndpoint.sentinel("orders", "no-port"))
                .hasMessageContaining("must be host:port");
    }

    @Test
    void aClusterOfSeedsTakesOneSchemeOneSetOfCredentialsAndDatabaseZero() {
        RedisEndpoint e = RedisEndpoint.cluster("redis://app:s3cret@10.0.0.1:7000", "redis://10.0.0.2:7001")
                .withNatMap(Map.of("10.0.0.1:7000", "127.0.0.1:17000"));
        assertThat(e.isCluster()).isTrue();
        assertThat(e.isSentinel()).isFalse();
        assertThat(e.clusterAddresses()).containsExactly("redis://10.0.0.1:7000", "redis://10.0.0.2:7001");
        assertThat(e.username()).isEqualTo("app");
        assertThat(e.password()).isEqualTo("s3cret");
        assertThat(e.natMap()).containsEntry("10.0.0.1:7000", "127.0.0.1:17000");
        assertThat(e.toString()).isEqualTo("redis-cluster://app:***@10.0.0.1:7000,10.0.0.2:7001")
                .doesNotContain("s3cret");

        assertThatThrownBy(() -> RedisEndpoint.cluster("redis://:pw1@a:1", "redis://:pw2@b:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different credentials")
                .hasMessageNotContaining("pw1").hasMessageNotContaining("pw2");
        assertThatThrownBy(() -> RedisEndpoint.cluster("redis://a:1", "rediss://b:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one scheme");
        assertThatThrownBy(() -> RedisEndpoint.cluster("redis://:pw@a:1/3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database 0 only")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> e.withDatabase(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database 0 only");
        assertThatThrownBy(() -> RedisEndpoint.cluster(java.util.List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one seed");
    }
}
