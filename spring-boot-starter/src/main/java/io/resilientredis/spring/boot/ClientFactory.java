package io.resilientredis.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.ConnectionSpec;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.spill.OverflowPolicy;
import io.resilientredis.failover.spill.SpillStoreConfig;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Builds the client from {@link ResilientRedisProperties}, or, when those name no endpoint, from
 * {@code spring.data.redis.*} (Sentinel first, then cluster, then URL, then host and port, the order
 * Spring Boot itself reads them in). Each property is checked where it is applied, so a bad one fails
 * with a {@link ResilientRedisPropertyException} naming it.
 */
final class ClientFactory {

    static final String PREFIX = "resilient-redis.";
    private static final String DATA = "spring.data.redis.";

    private final ResilientRedisProperties p;
    private final Environment env;

    ClientFactory(ResilientRedisProperties properties, Environment env) {
        this.p = properties;
        this.env = env;
    }

    ResilientRedis build() {
        ResilientRedis.Builder b = ResilientRedis.builder();
        List<RedisEndpoint> endpoints = endpoints();
        b.primary(endpoints.get(0));
        for (RedisEndpoint e : endpoints.subList(1, endpoints.size())) {
            b.standby(e);
        }
        duration("timeout", p.getTimeout(), "give a positive duration such as 1s", b::timeout);
        duration("connect-timeout", p.getConnectTimeout(), "give a positive duration such as 1s", b::connectTimeout);
        duration("failback-grace", p.getFailbackGrace(), "give a duration such as 5s", b::failbackGrace);
        duration("marker-ttl", p.getMarkerTtl(), "give a duration longer than any outage you ride out, such as 24h",
                b::markerTtl);
        if (p.getReplicaReads() != null) {
            b.replicaReads(p.getReplicaReads());
        }
        breaker(b);
        retry(b);
        replay(b);
        spill(b);
        durability(b);
        try {
            return b.build();
        } catch (IllegalStateException e) {
            if (p.getDurability().getMode() == ResilientRedisProperties.Mode.REPLICATED
                    && p.getSpill().getDirectory() == null) {
                throw new ResilientRedisPropertyException(PREFIX + "durability.mode", "replicated",
                        "replicated durability keeps unconfirmed writes in the spill store, and none is configured",
                        "Set resilient-redis.spill.directory to a directory only this process uses, or set "
                                + "resilient-redis.durability.mode=acknowledged.", null);
            }
            throw e;
        }
    }

    /** @return the spill bounds the client runs with, for the health indicator's "full" check */
    SpillBounds spillBounds() {
        ResilientRedisProperties.Spill s = p.getSpill();
        return new SpillBounds(s.getMaxBytes() == null ? SpillStoreConfig.DEFAULT_MAX_BYTES : s.getMaxBytes().toBytes(),
                s.getMaxEntries() == null ? SpillStoreConfig.DEFAULT_MAX_ENTRIES : s.getMaxEntries());
    }

    // ---------------------------------------------------------------- endpoints

    List<RedisEndpoint> endpoints() {
        List<RedisEndpoint> out = new ArrayList<>();
        List<String> urls = p.getUrls() == null ? List.of() : p.getUrls();
        for (int i = 0; i < urls.size(); i++) {
            out.add(standalone(PREFIX + "urls[" + i + "]", urls.get(i)));
        }
        ResilientRedisProperties.Sentinel s = p.getSentinel();
        if (s.getMaster() != null && !s.getMaster().isBlank()) {
            out.add(sentinel(PREFIX + "sentinel", s.getMaster(), s.getNodes(), p.getUsername(), p.getPassword(),
                    s.getUsername(), s.getPassword()));
        } else if (s.getNodes() != null && !s.getNodes().isEmpty()) {
            throw new ResilientRedisPropertyException(PREFIX + "sentinel.master", "(unset)",
                    "resilient-redis.sentinel.nodes is set but the master name is not",
                    "Set resilient-redis.sentinel.master to the name the Sentinels monitor the master under "
                            + "(SENTINEL MASTERS lists them).", null);
        }
        List<String> clusterNodes = nonBlank(p.getCluster().getNodes());
        if (!clusterNodes.isEmpty()) {
            if (s.getMaster() != null && !s.getMaster().isBlank()) {
                throw new ResilientRedisPropertyException(PREFIX + "cluster.nodes", shownNodes(clusterNodes),
                        "resilient-redis.sentinel.master is set too, and a client has one Sentinel group or one "
                                + "cluster besides its standalone urls",
                        "Remove resilient-redis.sentinel.* or resilient-redis.cluster.nodes. A standalone primary "
                                + "with a cluster as its standby is resilient-redis.urls plus resilient-redis.cluster.nodes.",
                        null);
            }
            out.add(cluster(PREFIX + "cluster.nodes", clusterNodes, false, p.getUsername(), p.getPassword(),
                    PREFIX));
        }
        if (out.isEmpty()) {
            out.add(fromSpringData());
        }
        return out;
    }

    private RedisEndpoint fromSpringData() {
        Binder binder = Binder.get(env);
        String master = env.getProperty(DATA + "sentinel.master");
        String username = env.getProperty(DATA + "username");
        String password = env.getProperty(DATA + "password");
        if (master != null && !master.isBlank()) {
            List<String> nodes = binder.bind(DATA + "sentinel.nodes", Bindable.listOf(String.class)).orElse(List.of());
            RedisEndpoint e = sentinel(DATA + "sentinel", master, nodes, username, password,
                    env.getProperty(DATA + "sentinel.username"), env.getProperty(DATA + "sentinel.password"));
            return withDatabase(e);
        }
        List<String> clusterNodes = nonBlank(binder.bind(DATA + "cluster.nodes", Bindable.listOf(String.class))
                .orElse(List.of()));
        if (!clusterNodes.isEmpty()) {
            // As Spring Boot does in cluster mode, spring.data.redis.database is not read: a cluster has database 0.
            for (String node : clusterNodes) {
                if (node.contains("://") || node.contains("@")) {
                    throw new ResilientRedisPropertyException(DATA + "cluster.nodes",
                            shownNodes(clusterNodes), "'" + shownNodes(List.of(node)) + "' is not host:port",
                            "List each node as host:port, comma-separated, as Spring Data Redis takes them; give the "
                                    + "credentials in spring.data.redis.username and spring.data.redis.password, TLS "
                                    + "with spring.data.redis.ssl.enabled=true.", null);
                }
            }
            boolean ssl = binder.bind(DATA + "ssl.enabled", Boolean.class).orElse(false);
            return cluster(DATA + "cluster.nodes", clusterNodes, ssl, username, password, DATA);
        }
        String url = env.getProperty(DATA + "url");
        if (url != null && !url.isBlank()) {
            RedisEndpoint e = standalone(DATA + "url", url);
            return username != null || password != null ? e.withCredentials(username, password) : e;
        }
        String host = env.getProperty(DATA + "host", "localhost");
        String portText = env.getProperty(DATA + "port", "6379");
        int port;
        try {
            port = Integer.parseInt(portText.strip());
        } catch (NumberFormatException e) {
            throw new ResilientRedisPropertyException(DATA + "port", portText, "not a number",
                    "Set spring.data.redis.port to the port Redis listens on (6379 by default).", null);
        }
        boolean ssl = binder.bind(DATA + "ssl.enabled", Boolean.class).orElse(false);
        RedisEndpoint e = standalone(DATA + "host", (ssl ? "rediss://" : "redis://") + host + ":" + port);
        if (username != null || password != null) {
            e = e.withCredentials(username, password);
        }
        return withDatabase(e);
    }

    private RedisEndpoint withDatabase(RedisEndpoint e) {
        String db = env.getProperty(DATA + "database");
        if (db == null || db.isBlank()) {
            return e;
        }
        try {
            return e.withDatabase(Integer.parseInt(db.strip()));
        } catch (IllegalArgumentException ex) {
            throw new ResilientRedisPropertyException(DATA + "database", db, "not a database number",
                    "Set spring.data.redis.database to a number from 0 to the server's databases - 1.", null);
        }
    }

    private static RedisEndpoint standalone(String property, String url) {
        try {
            return RedisEndpoint.standalone(url == null ? "" : url.strip());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResilientRedisPropertyException(property, Redaction.url(url), String.valueOf(e.getMessage()),
                    "Give a URL of the form redis://[[user]:password@]host[:port][/database], or rediss://... for TLS.",
                    null);
        }
    }

    /**
     * A cluster from its seed nodes ({@code host:port} gets {@code redis://}, or {@code rediss://} with
     * {@code tls}); the credentials apply to every node, and must agree with any a seed URL gives.
     *
     * @param credentialsPrefix where {@code username} and {@code password} were read, for the message
     */
    private static RedisEndpoint cluster(String property, List<String> nodes, boolean tls, String username,
                                         String password, String credentialsPrefix) {
        List<String> urls = new ArrayList<>();
        for (String node : nodes) {
            String n = node.strip();
            urls.add(n.contains("://") ? n : (tls ? "rediss://" : "redis://") + n);
        }
        RedisEndpoint e;
        try {
            e = RedisEndpoint.cluster(urls);
        } catch (IllegalArgumentException ex) {
            throw new ResilientRedisPropertyException(property, shownNodes(urls), String.valueOf(ex.getMessage()),
                    "List each seed node as host:port (or redis://[[user]:password@]host:port), comma-separated: "
                            + "one scheme and the same credentials for all, and no database, since Redis Cluster has "
                            + "database 0 only.", null);
        }
        if (username == null && password == null) {
            return e;
        }
        ConnectionSpec inUrls = ConnectionSpec.of(e);
        if (inUrls.password() != null && password != null && !inUrls.password().equals(password)) {
            throw new ResilientRedisPropertyException(credentialsPrefix + "password", "***",
                    "differs from the password in the URLs of " + property,
                    "Give the cluster's password once: in " + credentialsPrefix + "password, or in the seed URLs.", null);
        }
        if (inUrls.username() != null && username != null && !inUrls.username().equals(username)) {
            throw new ResilientRedisPropertyException(credentialsPrefix + "username", username,
                    "differs from the user in the URLs of " + property,
                    "Give the cluster's ACL user once: in " + credentialsPrefix + "username, or in the seed URLs.", null);
        }
        return e.withCredentials(username != null ? username : inUrls.username(),
                password != null ? password : inUrls.password());
    }

    /** @return the nodes as a failure report shows them: comma-separated, passwords redacted */
    private static String shownNodes(List<String> nodes) {
        List<String> shown = new ArrayList<>();
        for (String n : nodes) {
            String t = n.strip();
            // a bare user:password@host:port has no scheme for the redaction to anchor on: lend it one
            shown.add(t.contains("://") ? Redaction.url(t) : Redaction.url("x://" + t).substring(4));
        }
        return String.join(",", shown);
    }

    private static List<String> nonBlank(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null && !v.isBlank()) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static RedisEndpoint sentinel(String property, String master, List<String> nodes, String username,
                                          String password, String sentinelUsername, String sentinelPassword) {
        RedisEndpoint e;
        try {
            e = RedisEndpoint.sentinel(master.strip(), nodes == null ? List.of() : nodes);
        } catch (IllegalArgumentException e1) {
            throw new ResilientRedisPropertyException(property + ".nodes",
                    nodes == null || nodes.isEmpty() ? "(unset)" : Redaction.url(String.join(",", nodes)),
                    String.valueOf(e1.getMessage()),
                    "List each Sentinel as host:port, comma-separated, such as 10.0.0.7:26379,10.0.0.8:26379.", null);
        }
        if (username != null || password != null) {
            e = e.withCredentials(username, password);
        }
        if (sentinelUsername != null || sentinelPassword != null) {
            e = e.withSentinelCredentials(sentinelUsername, sentinelPassword);
        }
        return e;
    }

    // ---------------------------------------------------------------- settings

    private void breaker(ResilientRedis.Builder b) {
        ResilientRedisProperties.Breaker x = p.getBreaker();
        BreakerSettings d = BreakerSettings.defaults();
        BreakerSettings.Builder s = BreakerSettings.builder();
        String key = x.getFailureRatePercent() != null ? "breaker.failure-rate-percent" : "breaker.minimum-calls";
        Object value = x.getFailureRatePercent() != null ? x.getFailureRatePercent() : x.getMinimumCalls();
        apply(key, String.valueOf(value), "give failure-rate-percent from 1 to 100 and minimum-calls of 1 or more",
                () -> s.failureRate(x.getFailureRatePercent() == null ? d.failureRatePercent() : x.getFailureRatePercent(),
                        x.getMinimumCalls() == null ? d.minimumCalls() : x.getMinimumCalls()));
        apply("breaker.window", x.getWindow(), "give a positive duration such as 2s",
                () -> s.window(x.getWindow() == null ? d.window() : x.getWindow()));
        apply("breaker.open-delay", x.getOpenDelay(), "give a positive duration such as 1s",
                () -> s.openDelay(x.getOpenDelay() == null ? d.openDelay() : x.getOpenDelay()));
        apply("breaker.half-open-trials", x.getHalfOpenTrials(), "give 1 or more",
                () -> s.halfOpenTrials(x.getHalfOpenTrials() == null ? d.halfOpenTrials() : x.getHalfOpenTrials()));
        apply("breaker.probe-interval", x.getProbeInterval(), "give a positive duration such as 250ms",
                () -> s.probeInterval(x.getProbeInterval() == null ? d.probeInterval() : x.getProbeInterval()));
        b.breaker(s.build());
    }

    private void retry(ResilientRedis.Builder b) {
        ResilientRedisProperties.Retry x = p.getRetry();
        RetrySettings d = RetrySettings.defaults();
        RetrySettings.Builder s = RetrySettings.builder();
        apply("retry.max-attempts", x.getMaxAttempts(), "give 1 (no retries) or more",
                () -> s.maxAttempts(x.getMaxAttempts() == null ? d.maxAttempts() : x.getMaxAttempts()));
        apply(x.getInitialDelay() != null ? "retry.initial-delay" : "retry.max-delay",
                x.getInitialDelay() != null ? x.getInitialDelay() : x.getMaxDelay(),
                "give positive durations, initial-delay no longer than max-delay",
                () -> s.backoff(x.getInitialDelay() == null ? d.initialDelay() : x.getInitialDelay(),
                        x.getMaxDelay() == null ? d.maxDelay() : x.getMaxDelay()));
        apply("retry.jitter", x.getJitter(), "give a factor from 0 to 1, such as 0.25",
                () -> s.jitter(x.getJitter() == null ? d.jitter() : x.getJitter()));
        apply("retry.max-duration", x.getMaxDuration(), "give a positive duration such as 1500ms",
                () -> s.maxDuration(x.getMaxDuration() == null ? d.maxDuration() : x.getMaxDuration()));
        b.retry(s.build());
    }

    private void replay(ResilientRedis.Builder b) {
        ResilientRedisProperties.Replay x = p.getReplay();
        ReplaySettings.Builder s = ReplaySettings.builder();
        if (x.getBatchSize() != null) {
            apply("replay.batch-size", x.getBatchSize(), "give 1 or more", () -> s.batchSize(x.getBatchSize()));
        }
        if (x.getMaxWritesPerSecond() != null) {
            apply("replay.max-writes-per-second", x.getMaxWritesPerSecond(), "give 1 or more",
                    () -> s.maxWritesPerSecond(x.getMaxWritesPerSecond()));
        }
        if (x.getInDoubtWindow() != null) {
            apply("replay.in-doubt-window", x.getInDoubtWindow(), "give a duration such as 30s",
                    () -> s.inDoubtWindow(x.getInDoubtWindow()));
        }
        b.replay(s.build());
    }

    private void spill(ResilientRedis.Builder b) {
        ResilientRedisProperties.Spill x = p.getSpill();
        if (x.getDirectory() == null) {
            return;
        }
        SpillStoreConfig.Builder s = SpillStoreConfig.builder(x.getDirectory());
        if (x.getMaxBytes() != null) {
            apply("spill.max-bytes", x.getMaxBytes(), "give a positive size such as 256MB",
                    () -> s.maxBytes(x.getMaxBytes().toBytes()));
        }
        if (x.getMaxEntries() != null) {
            apply("spill.max-entries", x.getMaxEntries(), "give 1 or more", () -> s.maxEntries(x.getMaxEntries()));
        }
        if (x.getMaxEntryBytes() != null) {
            apply("spill.max-entry-bytes", x.getMaxEntryBytes(), "give a positive size such as 64MB",
                    () -> s.maxEntryBytes(x.getMaxEntryBytes().toBytes()));
        }
        if (x.getOverflow() == ResilientRedisProperties.Overflow.BLOCK) {
            Duration t = x.getOverflowTimeout();
            if (t == null) {
                throw new ResilientRedisPropertyException(PREFIX + "spill.overflow-timeout", "(unset)",
                        "resilient-redis.spill.overflow=block needs a bound on the wait",
                        "Set resilient-redis.spill.overflow-timeout to a duration such as 2s.", null);
            }
            apply("spill.overflow-timeout", t, "give a positive duration such as 2s",
                    () -> s.overflowPolicy(OverflowPolicy.block(t)));
        }
        SpillStoreConfig[] built = new SpillStoreConfig[1];
        apply("spill.directory", x.getDirectory(), "name a directory this process may create and write",
                () -> built[0] = s.build());
        b.spill(built[0]);
    }

    private void durability(ResilientRedis.Builder b) {
        ResilientRedisProperties.DurabilityProperties x = p.getDurability();
        if (x.getMode() != ResilientRedisProperties.Mode.REPLICATED) {
            return;
        }
        apply("durability.replicas", x.getReplicas(), "give 1 or more replicas",
                () -> Durability.replicated(x.getReplicas(), x.getTimeout()));
        b.durability(Durability.replicated(x.getReplicas(), x.getTimeout()));
    }

    private static void duration(String key, Duration value, String fix, Consumer<Duration> setter) {
        if (value != null) {
            apply(key, value, fix, () -> setter.accept(value));
        }
    }

    private static void apply(String key, Object value, String fix, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResilientRedisPropertyException(PREFIX + key, String.valueOf(value),
                    String.valueOf(e.getMessage()),
                    "Set " + PREFIX + key + " to a valid value: " + fix + ".", null);
        }
    }

    /** The spill store's bounds. */
    record SpillBounds(long maxBytes, long maxEntries) {
    }
}
