package io.resilientredis.client;

import io.resilientredis.failover.internal.Threads;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.ReadMode;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.SubscriptionMode;
import org.redisson.misc.RedisURI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Redisson clients behind each endpoint, configured so that the failover engine owns
 * failure handling: Redisson's retries off, short timeouts, lazy initialisation (start-up with
 * every endpoint down succeeds). Every client is a single-server client: a standalone endpoint's,
 * or one per node of a Sentinel group, which the client's own {@link SentinelTracker} chooses
 * between. All clients share one Netty event loop group and one executor, which {@link #close()}
 * stops.
 */
final class RedissonBinding implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");
    private static final AtomicInteger IDS = new AtomicInteger();
    /** How often Redisson's cluster mode asks the cluster for its topology. */
    static final int CLUSTER_SCAN_MILLIS = 1000;

    private final Duration timeout;
    private final Duration connectTimeout;
    private final Consumer<Config> customizer;
    private final EventLoopGroup eventLoop;
    private final ExecutorService executor;
    private final ExecutorService connector;
    private final List<RedissonClient> clients = new ArrayList<>();

    RedissonBinding(Duration timeout, Duration connectTimeout, int nettyThreads, Consumer<Config> customizer) {
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
        this.customizer = customizer;
        int id = IDS.incrementAndGet();
        this.eventLoop = new NioEventLoopGroup(nettyThreads, Threads.daemonFactory("resilient-redis-netty-" + id + "-"));
        this.executor = Executors.newFixedThreadPool(2, Threads.daemonFactory("resilient-redis-callbacks-" + id + "-"));
        this.connector = Executors.newCachedThreadPool(Threads.daemonFactory("resilient-redis-connect-" + id + "-"));
    }

    /**
     * A client for one standalone server. It connects (lazily) through SelfHealingRedisson: the
     * first connection is bounded and its failure sorted (configuration error or outage), and a
     * Redisson client that shut itself down is rebuilt (from a fresh configuration, the customizer
     * applied again).
     *
     * @param endpoint a standalone endpoint or a Redis Cluster
     * @return a Redisson client that connects lazily
     */
    synchronized RedissonClient connect(RedisEndpoint endpoint) {
        if (endpoint.isSentinel()) {
            throw new IllegalArgumentException("a Sentinel group is followed by SentinelTracker; connect its nodes");
        }
        RedissonClient client = SelfHealingRedisson.create(endpoint, () -> config(endpoint), connectTimeout, connector,
                eventLoop);
        clients.add(client);
        LOG.debug("Redisson client created for {}", endpoint);
        return client;
    }

    /**
     * A client for one node of a Sentinel group, by the address the client dials (the Sentinels'
     * report after the NAT map): the client's own master tracking decides which node calls go to.
     *
     * @param group the Sentinel group (credentials, database)
     * @param address host:port
     * @return a client that connects lazily, as for a standalone server
     */
    RedissonClient connectNode(RedisEndpoint group, String address) {
        return connect(RedisEndpoint.standalone("redis://" + address)
                .withCredentials(group.username(), group.password())
                .withDatabase(group.database()));
    }

    private Config config(RedisEndpoint endpoint) {
        if (endpoint.isCluster()) {
            return clusterConfig(endpoint);
        }
        Config config = baseConfig(endpoint);
        SingleServerConfig s = config.useSingleServer();
        s.setAddress(endpoint.address());
        s.setDatabase(endpoint.database());
        s.setConnectionMinimumIdleSize(1);
        common(s);
        if (customizer != null) {
            customizer.accept(config);
        }
        return config;
    }

    /**
     * Redisson's cluster mode: it learns the shards from the seeds, routes each call by its key's
     * slot, follows {@code MOVED}/{@code ASK} and rescans the topology every second; its retries are
     * off as everywhere (the engine retries). Reads go to masters (replica reads are the engine's
     * choice, not Redisson's), and a start-up with slots uncovered is allowed: the uncovered slots'
     * calls fail, and are spilled, like any outage.
     */
    private Config clusterConfig(RedisEndpoint endpoint) {
        Config config = baseConfig(endpoint);
        ClusterServersConfig c = config.useClusterServers();
        for (String seed : endpoint.clusterAddresses()) {
            c.addNodeAddress(seed);
        }
        c.setScanInterval(CLUSTER_SCAN_MILLIS);
        c.setCheckSlotsCoverage(false);
        c.setReadMode(ReadMode.MASTER);
        c.setSubscriptionMode(SubscriptionMode.MASTER);
        c.setMasterConnectionMinimumIdleSize(1);
        c.setSlaveConnectionMinimumIdleSize(0);
        Map<String, String> nat = endpoint.natMap();
        if (!nat.isEmpty()) {
            c.setNatMapper(uri -> {
                String to = nat.get(uri.getHost() + ":" + uri.getPort());
                if (to == null) {
                    return uri;
                }
                int colon = to.lastIndexOf(':');
                return new RedisURI(uri.getScheme(), to.substring(0, colon), Integer.parseInt(to.substring(colon + 1)));
            });
        }
        common(c);
        if (customizer != null) {
            customizer.accept(config);
        }
        return config;
    }

    /** What every client's configuration shares: lazy start, the shared threads, credentials, TCP options. */
    private Config baseConfig(RedisEndpoint endpoint) {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.setEventLoopGroup(eventLoop);
        config.setExecutor(executor);
        config.setUsername(endpoint.username());
        config.setPassword(endpoint.password());
        config.setTcpNoDelay(true);
        config.setTcpKeepAlive(true);
        // EVAL must send the script's body. With Redisson's script cache on (its default), a pipelined EVAL is
        // sent as EVALSHA whenever this JVM loaded the script on that address once: a server that forgot its
        // scripts since (restarted, SCRIPT FLUSH) then refuses it part-way through a replay batch, and the
        // batch sent again applies an idempotent write after the exactly-once one that followed it. The
        // facade sends by SHA itself where it can (WireForm), with its own NOSCRIPT handling.
        config.setUseScriptCache(false);
        return config;
    }

    private void common(BaseConfig<?> c) {
        c.setRetryAttempts(0);
        c.setTimeout((int) timeout.toMillis());
        c.setConnectTimeout((int) connectTimeout.toMillis());
        // No background PING: with one, Redisson also PINGs every new connection before using it, so a server
        // whose replies are late cannot even be connected to, and a write in flight is not sent. A pooled
        // connection a middlebox silenced is closed by Redisson when a call on it times out (the engine retries
        // that call on another), SilentConnectionTest.
        c.setPingConnectionInterval(0);
    }

    @Override
    public synchronized void close() {
        connector.shutdownNow(); // interrupts a connection attempt in flight
        for (RedissonClient client : clients) {
            try {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                LOG.debug("Redisson client shutdown failed", e);
            }
        }
        clients.clear();
        eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            connector.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
