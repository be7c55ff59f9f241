package io.resilientredis.benchmarks.bakeoff;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.client.LaneStatus;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;

/**
 * The cluster bake-off's clients, each in its cluster mode. Every one starts from the harness's seeds
 * (the nodes' proxy addresses) and reaches the nodes the cluster announces through the proxies with its
 * own address-mapping hook ({@link ChaosTopology#clusterNatMap()}); that mapping is the only setting that
 * differs from the library's defaults. The versions are the ones the bake-off pins (the root pom), named
 * in each row.
 */
final class ClusterContenders {

    private ClusterContenders() {
    }

    /** The pinned versions, from {@code versions.properties} (filtered from the root pom). */
    static final Properties VERSIONS = versions();

    private static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = ClusterContenders.class.getResourceAsStream("/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static String version(String library) {
        return VERSIONS.getProperty(library, "?");
    }

    static Contender redisson(ChaosTopology chaos) {
        Map<String, String> nat = chaos.clusterNatMap();
        Config config = new Config();
        config.setCodec(org.redisson.client.codec.StringCodec.INSTANCE);
        ClusterServersConfig cluster = config.useClusterServers();
        for (String seed : chaos.clusterSeeds()) {
            cluster.addNodeAddress("redis://" + seed);
        }
        cluster.setNatMapper(uri -> {
            String mapped = nat.get(uri.getHost() + ":" + uri.getPort());
            if (mapped == null) {
                return uri;
            }
            int colon = mapped.lastIndexOf(':');
            return new org.redisson.misc.RedisURI(uri.getScheme(), mapped.substring(0, colon),
                    Integer.parseInt(mapped.substring(colon + 1)));
        });
        RedissonClient client = Redisson.create(config);
        return Contender.of("Redisson " + version("redisson") + " (cluster mode)",
                "`Config.useClusterServers()` with the six seeds, string codec, a `NatMapper` to the proxies; every "
                        + "other setting Redisson's default (timeout 3 s, retries as shipped, scan interval 5 s, "
                        + "read mode SLAVE)",
                (key, value) -> client.<String>getList(key).add(value),
                () -> client.shutdown(0, 2, TimeUnit.SECONDS));
    }

    static Contender lettuce(ChaosTopology chaos) {
        ClientResources resources = Contenders.lettuceResources(chaos.clusterNatMap());
        List<RedisURI> seeds = new ArrayList<>();
        for (String seed : chaos.clusterSeeds()) {
            seeds.add(RedisURI.create("redis://" + seed));
        }
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        StatefulRedisClusterConnection<String, String> connection;
        try {
            connection = client.connect(StringCodec.UTF8);
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
        return Contender.of("Lettuce " + version("lettuce") + " (RedisClusterClient)",
                "`RedisClusterClient.create(resources, seeds).connect(StringCodec.UTF8)` with a "
                        + "`MappingSocketAddressResolver` to the proxies; `ClusterClientOptions` at their defaults "
                        + "(command timeout 60 s, auto-reconnect on, commands buffered while disconnected, "
                        + "topology refresh as shipped)",
                (key, value) -> connection.sync().rpush(key, value),
                () -> {
                    connection.close();
                    client.shutdown(0, 2, TimeUnit.SECONDS);
                    resources.shutdown(0, 2, TimeUnit.SECONDS);
                });
    }

    /**
     * resilient-redis on the same cluster: {@link ChaosTopology#primaryEndpoint()} is the cluster endpoint
     * (every node's proxy a seed, the NAT map to the proxies), with a spill directory, so each shard gets its
     * spill lane. A spilled write is a success for the caller (receipt {@code SPILLED}, durably stored); the
     * row's {@code settle} waits for every lane to replay its backlog before the lists are read.
     */
    static Contender resilient(ChaosTopology chaos) {
        Path spill;
        try {
            spill = Files.createTempDirectory("bakeoff-cluster-spill-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ResilientRedis redis;
        try {
            redis = ResilientRedis.builder().primary(chaos.primaryEndpoint())
                    .spill(SpillStoreConfig.builder(spill.resolve("store")).build()).build();
        } catch (RuntimeException e) {
            Contenders.deleteQuietly(spill);
            throw e;
        }
        return new Contender() {
            @Override
            public String name() {
                return "resilient-redis cluster (spill lanes)";
            }

            @Override
            public String configuration() {
                return "`ResilientRedis.builder().primary(RedisEndpoint.cluster(seeds).withNatMap(proxies)).spill(dir)`: "
                        + "a breaker and a spill lane per shard, every other setting the default (timeout 1 s, breaker "
                        + "and retry defaults, replay up to 50,000 writes/s per lane); writes via `rpush` (exactly once)";
            }

            @Override
            public void rpush(String key, String value) {
                redis.rpush(key, value);
            }

            @Override
            public String settle(Duration bound) {
                long deadline = System.nanoTime() + bound.toNanos();
                SpillStatus s = redis.status().spill();
                while (s.depth() > 0 || s.pendingAppends() > 0) {
                    if (System.nanoTime() > deadline) {
                        return "spill backlog of " + s.depth() + " not drained within " + bound.toSeconds() + " s";
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    s = redis.status().spill();
                }
                StringBuilder lanes = new StringBuilder();
                for (LaneStatus lane : redis.status().lanes()) {
                    lanes.append(lanes.length() == 0 ? "" : ", ").append("lane ").append(lane.lane()).append(": ")
                            .append(lane.spill().replayedTotal());
                }
                return "spilled writes replayed: " + s.replayedTotal() + " (" + lanes + ")";
            }

            @Override
            public void close() {
                redis.close();
                Contenders.deleteQuietly(spill);
            }
        };
    }

    static Contender jedis(ChaosTopology chaos) {
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .hostAndPortMapper(Contenders.jedisMapper(chaos.clusterNatMap())).build();
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        for (String seed : chaos.clusterSeeds()) {
            seeds.add(Contenders.hp(seed));
        }
        JedisCluster jedis = new JedisCluster(seeds, config);
        return Contender.of("Jedis " + version("jedis") + " (JedisCluster)",
                "`new JedisCluster(seeds, DefaultJedisClientConfig.builder().hostAndPortMapper(...))`: 2 s "
                        + "timeouts, 5 attempts per command and the pool at their defaults",
                (key, value) -> jedis.rpush(key, value),
                jedis::close);
    }
}
