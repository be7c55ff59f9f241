package io.resilientredis.benchmarks.bakeoff;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.failover.api.DatabaseConfig;
import io.lettuce.core.failover.api.MultiDbOptions;
import io.lettuce.core.failover.api.StatefulRedisMultiDbConnection;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.DnsResolvers;
import io.lettuce.core.resource.MappingSocketAddressResolver;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.SentinelGroup;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.SentinelServersConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.HostAndPortMapper;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.MultiDbClient;
import redis.clients.jedis.MultiDbConfig;
import redis.clients.jedis.RedisSentinelClient;

/**
 * The bake-off's clients. Every client dials the fault proxies: node addresses that Sentinels
 * report (the real ports) are mapped to the proxies with each client's own address-mapping hook,
 * which is the only setting that differs from the library's defaults unless noted.
 */
final class Contenders {

    private Contenders() {
    }

    /** Real address {@code 127.0.0.1:<port>} of every node, mapped to its proxy address. */
    static Map<String, String> natMap(ChaosTopology chaos) {
        Map<String, String> map = new LinkedHashMap<>();
        for (RedisNode n : chaos.topology().nodes()) {
            map.put("127.0.0.1:" + n.port(), chaos.clientAddress(n));
        }
        return map;
    }

    static HostAndPort hp(String address) {
        int colon = address.lastIndexOf(':');
        return new HostAndPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    // ------------------------------------------------------------------ Redisson

    static Contender redissonSentinel(ChaosTopology chaos) {
        SentinelGroup group = chaos.topology().sentinelGroup();
        Config config = new Config();
        config.setCodec(org.redisson.client.codec.StringCodec.INSTANCE);
        SentinelServersConfig s = config.useSentinelServers().setMasterName(group.masterName());
        for (RedisNode sentinel : group.sentinels()) {
            s.addSentinelAddress("redis://" + chaos.clientAddress(sentinel));
        }
        s.setNatMap(natMap(chaos));
        RedissonClient client = Redisson.create(config);
        return Contender.of("Redisson (Sentinel)",
                "`Config.useSentinelServers()` with the master name and the three Sentinels, string codec, "
                + "`natMap` to the proxies; every other setting Redisson's default (timeout 3 s, retries as "
                + "shipped, read mode SLAVE, sentinel list check on)",
                (key, value) -> client.<String>getList(key).add(value),
                () -> client.shutdown(0, 2, TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------ Lettuce

    /** Lettuce's client resources with a resolver that dials each mapped address at its proxy. */
    static ClientResources lettuceResources(Map<String, String> nat) {
        return DefaultClientResources.builder()
                .socketAddressResolver(MappingSocketAddressResolver.create(DnsResolvers.UNRESOLVED, hp -> {
                    String mapped = nat.get(hp.getHostText() + ":" + hp.getPort());
                    if (mapped == null) {
                        return hp;
                    }
                    int colon = mapped.lastIndexOf(':');
                    return io.lettuce.core.internal.HostAndPort.of(mapped.substring(0, colon),
                            Integer.parseInt(mapped.substring(colon + 1)));
                }))
                .build();
    }

    static Contender lettuceSentinel(ChaosTopology chaos) {
        SentinelGroup group = chaos.topology().sentinelGroup();
        ClientResources resources = lettuceResources(natMap(chaos));
        RedisURI.Builder uri = null;
        for (RedisNode sentinel : group.sentinels()) {
            // Sentinels are given by their real address; the resolver maps them to the proxies too.
            if (uri == null) {
                uri = RedisURI.Builder.sentinel("127.0.0.1", sentinel.port(), group.masterName());
            } else {
                uri.withSentinel("127.0.0.1", sentinel.port());
            }
        }
        RedisClient client = RedisClient.create(resources);
        StatefulRedisMasterReplicaConnection<String, String> connection =
                MasterReplica.connect(client, StringCodec.UTF8, uri.build());
        connection.setReadFrom(ReadFrom.UPSTREAM);
        return Contender.of("Lettuce (Sentinel, master/replica)",
                "`MasterReplica.connect(client, StringCodec.UTF8, RedisURI.Builder.sentinel(...).withSentinel(...))` "
                + "with `ReadFrom.UPSTREAM`, a `MappingSocketAddressResolver` to the proxies; every other "
                + "setting Lettuce's default (command timeout 60 s, auto-reconnect on, commands buffered "
                + "while disconnected)",
                (key, value) -> connection.sync().rpush(key, value),
                () -> {
                    connection.close();
                    client.shutdown(0, 2, TimeUnit.SECONDS);
                    resources.shutdown(0, 2, TimeUnit.SECONDS);
                });
    }

    /**
     * For the two-deployment shape, like {@link #jedisMultiDb}: Lettuce's multi-database client over
     * the standalone primary (weight 1.0) and the standby's master (0.5), every option its default.
     */
    static Contender lettuceMultiDb(ChaosTopology chaos) {
        RedisURI primary = RedisURI.create("redis://" + chaos.clientAddress(chaos.topology().primary()));
        RedisURI standby = RedisURI.create("redis://" + chaos.clientAddress(chaos.topology().standby().currentMaster()));
        io.lettuce.core.failover.MultiDbClient client = io.lettuce.core.failover.MultiDbClient.create(List.of(
                DatabaseConfig.builder(primary).weight(1.0f).build(),
                DatabaseConfig.builder(standby).weight(0.5f).build()), MultiDbOptions.create());
        StatefulRedisMultiDbConnection<String, String> connection;
        try {
            connection = client.connect();
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
        return Contender.of("Lettuce MultiDbClient (primary + standby)",
                "`MultiDbClient.create(List.of(DatabaseConfig.builder(primary).weight(1.0f), "
                + "DatabaseConfig.builder(standby master).weight(0.5f)), MultiDbOptions.create())` then "
                + "`connect()` (string codec); circuit breaker, health checks, failback and client options "
                + "(command timeout 60 s, commands buffered while disconnected) at their defaults",
                (key, value) -> connection.sync().rpush(key, value),
                () -> {
                    connection.close();
                    client.shutdown(0, 2, TimeUnit.SECONDS);
                });
    }

    // ------------------------------------------------------------------ Jedis

    static HostAndPortMapper jedisMapper(Map<String, String> nat) {
        return hp -> {
            String mapped = nat.get(hp.getHost() + ":" + hp.getPort());
            return mapped == null ? hp : hp(mapped);
        };
    }

    static Contender jedisSentinel(ChaosTopology chaos) {
        SentinelGroup group = chaos.topology().sentinelGroup();
        JedisClientConfig master = DefaultJedisClientConfig.builder()
                .hostAndPortMapper(jedisMapper(natMap(chaos))).build();
        JedisClientConfig sentinelConfig = DefaultJedisClientConfig.builder().build();
        Set<HostAndPort> sentinels = new HashSet<>();
        for (RedisNode sentinel : group.sentinels()) {
            sentinels.add(hp(chaos.clientAddress(sentinel)));
        }
        RedisSentinelClient jedis = RedisSentinelClient.builder().masterName(group.masterName()).sentinels(sentinels)
                .clientConfig(master).sentinelClientConfig(sentinelConfig).build();
        return Contender.of("Jedis (RedisSentinelClient)",
                "`RedisSentinelClient.builder().masterName(...).sentinels(...).clientConfig(...)"
                + ".sentinelClientConfig(...)` (Jedis 8's Sentinel client; its `MultiDbClient` takes fixed "
                + "endpoints, not a Sentinel group), `DefaultJedisClientConfig` defaults (2 s timeouts) plus "
                + "a `hostAndPortMapper` to the proxies",
                (key, value) -> jedis.rpush(key, value),
                jedis::close);
    }

    /** For the two-deployment shape: the standalone primary (weight 1.0) and the standby's master (0.5). */
    static Contender jedisMultiDb(ChaosTopology chaos) {
        JedisClientConfig clientConfig = DefaultJedisClientConfig.builder().build();
        HostAndPort primary = hp(chaos.clientAddress(chaos.topology().primary()));
        HostAndPort standby = hp(chaos.clientAddress(chaos.topology().standby().currentMaster()));
        MultiDbConfig config = MultiDbConfig.builder()
                .database(MultiDbConfig.DatabaseConfig.builder(primary, clientConfig).weight(1.0f).build())
                .database(MultiDbConfig.DatabaseConfig.builder(standby, clientConfig).weight(0.5f).build())
                .failbackSupported(true)
                .build();
        MultiDbClient client = MultiDbClient.builder().multiDbConfig(config).build();
        return Contender.of("Jedis MultiDbClient (primary + standby)",
                "`MultiDbClient.builder().multiDbConfig(MultiDbConfig.builder().database(primary, weight 1.0)"
                + ".database(standby master, weight 0.5).failbackSupported(true))`, as the Jedis failover "
                + "guide shows; circuit breaker, retry, health check (echo) and client timeouts at their defaults",
                (key, value) -> client.rpush(key, value),
                client::close);
    }

    // ------------------------------------------------------------------ ours

    /**
     * ResilientRedis with a spill store in a fresh temporary directory: on the Sentinel group (its
     * only endpoint), or on the two-deployment shape (primary plus Sentinel-managed standby).
     */
    static Contender resilient(ChaosTopology chaos, boolean withStandby) {
        Path spill;
        try {
            spill = Files.createTempDirectory("bakeoff-spill-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ResilientRedis.Builder b = ResilientRedis.builder().primary(chaos.primaryEndpoint())
                .spill(SpillStoreConfig.builder(spill.resolve("store")).build());
        if (withStandby) {
            b.standby(chaos.standbyEndpoint());
        }
        ResilientRedis redis = b.build();
        return new Contender() {
            @Override
            public String name() {
                return withStandby ? "ResilientRedis (primary + standby, spill)" : "ResilientRedis (Sentinel, spill)";
            }

            @Override
            public String configuration() {
                return "`ResilientRedis.builder().primary(" + (withStandby ? "standalone).standby(sentinel group)"
                        : "sentinel group)") + ".spill(dir)`, every other setting the default (timeout 1 s, "
                        + "breaker and retry defaults, replay up to 50,000 writes/s); writes via `rpush` (exactly once)";
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
                return "spilled writes replayed: " + s.replayedTotal();
            }

            @Override
            public void close() {
                redis.close();
                deleteQuietly(spill);
            }
        };
    }

    /** Deletes a temporary spill directory and what is in it; a leftover is harmless. */
    static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
