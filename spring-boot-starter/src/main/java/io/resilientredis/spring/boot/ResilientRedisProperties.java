package io.resilientredis.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code resilient-redis.*} properties. Every property is optional: one left unset keeps the
 * client's default. When none of {@code urls}, {@code sentinel.master} and {@code cluster.nodes} is
 * set, the endpoint is taken from the application's {@code spring.data.redis.*} properties.
 */
@ConfigurationProperties(prefix = "resilient-redis")
public class ResilientRedisProperties {

    /**
     * Standalone Redis servers, {@code redis[s]://[[user]:password@]host[:port][/database]}: the
     * first is the primary, the others are standbys in priority order.
     */
    private List<String> urls = new ArrayList<>();

    /** ACL user for the data nodes of the Sentinel group or the cluster. */
    private String username;

    /** Password for the data nodes of the Sentinel group or the cluster (never logged). */
    private String password;

    /** Timeout of one call. */
    private Duration timeout;

    /** Timeout for opening a connection. */
    private Duration connectTimeout;

    /** How long the primary must stay healthy before writes fail back to it. */
    private Duration failbackGrace;

    /** Whether reads may go to a replica the Sentinels list as up (possibly stale) when no master can serve. */
    private Boolean replicaReads;

    /** How long exactly-once markers live in Redis. */
    private Duration markerTtl;

    private final Sentinel sentinel = new Sentinel();

    private final Cluster cluster = new Cluster();

    private final Spill spill = new Spill();

    private final Breaker breaker = new Breaker();

    private final Retry retry = new Retry();

    private final Replay replay = new Replay();

    private final DurabilityProperties durability = new DurabilityProperties();

    private final Shutdown shutdown = new Shutdown();

    private final CacheProperties cache = new CacheProperties();

    /** @return the standalone URLs, primary first */
    public List<String> getUrls() {
        return urls;
    }

    /** @param urls the standalone URLs, primary first */
    public void setUrls(List<String> urls) {
        this.urls = urls;
    }

    /** @return the data nodes' ACL user, or null */
    public String getUsername() {
        return username;
    }

    /** @param username the data nodes' ACL user */
    public void setUsername(String username) {
        this.username = username;
    }

    /** @return the data nodes' password, or null */
    public String getPassword() {
        return password;
    }

    /** @param password the data nodes' password */
    public void setPassword(String password) {
        this.password = password;
    }

    /** @return the call timeout, or null for the default */
    public Duration getTimeout() {
        return timeout;
    }

    /** @param timeout the call timeout */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /** @return the connect timeout, or null for the default */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /** @param connectTimeout the connect timeout */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** @return the failback grace, or null for the default */
    public Duration getFailbackGrace() {
        return failbackGrace;
    }

    /** @param failbackGrace the failback grace */
    public void setFailbackGrace(Duration failbackGrace) {
        this.failbackGrace = failbackGrace;
    }

    /** @return whether replica reads are allowed, or null for the default */
    public Boolean getReplicaReads() {
        return replicaReads;
    }

    /** @param replicaReads whether replica reads are allowed */
    public void setReplicaReads(Boolean replicaReads) {
        this.replicaReads = replicaReads;
    }

    /** @return the marker TTL, or null for the default */
    public Duration getMarkerTtl() {
        return markerTtl;
    }

    /** @param markerTtl the marker TTL */
    public void setMarkerTtl(Duration markerTtl) {
        this.markerTtl = markerTtl;
    }

    /** @return the Sentinel group */
    public Sentinel getSentinel() {
        return sentinel;
    }

    /** @return the Redis Cluster */
    public Cluster getCluster() {
        return cluster;
    }

    /** @return the spill store */
    public Spill getSpill() {
        return spill;
    }

    /** @return the circuit breakers */
    public Breaker getBreaker() {
        return breaker;
    }

    /** @return the retries */
    public Retry getRetry() {
        return retry;
    }

    /** @return the replayer */
    public Replay getReplay() {
        return replay;
    }

    /** @return the durability */
    public DurabilityProperties getDurability() {
        return durability;
    }

    /** @return the shutdown */
    public Shutdown getShutdown() {
        return shutdown;
    }

    /** @return the Spring Cache manager */
    public CacheProperties getCache() {
        return cache;
    }

    /** The Spring Cache manager on the client. */
    public static class CacheProperties {

        /** Whether to register a CacheManager on the client. */
        private boolean enabled;

        /** Prefix of every cache key in Redis. */
        private String keyPrefix = "cache:";

        /** Time to live of cache entries; unset keeps them until evicted. */
        private Duration ttl;

        /** Time to live by cache name, overriding {@code ttl}. */
        private java.util.Map<String, Duration> ttls = new java.util.LinkedHashMap<>();

        /** Whether puts while Redis cannot take writes are spilled and replayed (true) or dropped (false). */
        private boolean spillPuts;

        /**
         * How cached values are stored: json (Jackson, with the application's JsonMapper when there is
         * one) or java (Java serialization). A CacheValueSerializer bean of the application's own
         * replaces either.
         */
        private Serializer serializer = Serializer.JSON;

        /**
         * Packages whose classes cached values may be read back as, besides the application's own
         * packages (those of its @SpringBootApplication class) and JDK value types, java.time types and
         * JDK collections. A stored value naming any other class is a miss.
         */
        private List<String> trustedPackages = new ArrayList<>();

        /** @return whether enabled */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether enabled */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the key prefix */
        public String getKeyPrefix() {
            return keyPrefix;
        }

        /** @param keyPrefix the key prefix */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /** @return the default TTL, or null */
        public Duration getTtl() {
            return ttl;
        }

        /** @param ttl the default TTL */
        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        /** @return TTLs by cache name */
        public java.util.Map<String, Duration> getTtls() {
            return ttls;
        }

        /** @param ttls TTLs by cache name */
        public void setTtls(java.util.Map<String, Duration> ttls) {
            this.ttls = ttls;
        }

        /** @return whether outage puts are spilled */
        public boolean isSpillPuts() {
            return spillPuts;
        }

        /** @param spillPuts whether outage puts are spilled */
        public void setSpillPuts(boolean spillPuts) {
            this.spillPuts = spillPuts;
        }

        /** @return how cached values are stored */
        public Serializer getSerializer() {
            return serializer;
        }

        /** @param serializer how cached values are stored */
        public void setSerializer(Serializer serializer) {
            this.serializer = serializer;
        }

        /** @return the packages trusted besides the application's own */
        public List<String> getTrustedPackages() {
            return trustedPackages;
        }

        /** @param trustedPackages the packages trusted besides the application's own */
        public void setTrustedPackages(List<String> trustedPackages) {
            this.trustedPackages = trustedPackages;
        }
    }

    /** How the cache stores values. */
    public enum Serializer {
        /** JSON with the value's class stored alongside ({@link JsonCacheValueSerializer}). */
        JSON,
        /** Java serialization, Base64 ({@link JavaCacheValueSerializer}); values must be Serializable. */
        JAVA
    }

    /** A Sentinel group: the primary, or the standby when {@code urls} are set too. */
    public static class Sentinel {

        /** The name the Sentinels monitor the master under. */
        private String master;

        /** The Sentinels, {@code host:port}. */
        private List<String> nodes = new ArrayList<>();

        /** ACL user for the Sentinels. */
        private String username;

        /** Password for the Sentinels (never logged). */
        private String password;

        /** @return the master name, or null */
        public String getMaster() {
            return master;
        }

        /** @param master the master name */
        public void setMaster(String master) {
            this.master = master;
        }

        /** @return the Sentinels */
        public List<String> getNodes() {
            return nodes;
        }

        /** @param nodes the Sentinels */
        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }

        /** @return the Sentinels' ACL user, or null */
        public String getUsername() {
            return username;
        }

        /** @param username the Sentinels' ACL user */
        public void setUsername(String username) {
            this.username = username;
        }

        /** @return the Sentinels' password, or null */
        public String getPassword() {
            return password;
        }

        /** @param password the Sentinels' password */
        public void setPassword(String password) {
            this.password = password;
        }
    }

    /**
     * A Redis Cluster, reached through seed nodes: the primary, or the standby when {@code urls} are
     * set too (not together with {@code sentinel}). Its data nodes take {@code resilient-redis.username}
     * and {@code resilient-redis.password}.
     */
    public static class Cluster {

        /**
         * Seed nodes of the cluster, {@code host:port} or {@code redis[s]://[[user]:password@]host:port}
         * (no database: a cluster has database 0 only); the client learns the other nodes from them.
         */
        private List<String> nodes = new ArrayList<>();

        /** @return the seed nodes */
        public List<String> getNodes() {
            return nodes;
        }

        /** @param nodes the seed nodes */
        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }
    }

    /** The spill store, where writes wait while no endpoint takes them. */
    public static class Spill {

        /** Directory of the spill store, used by this process only; without it, writes during an outage fail. */
        private Path directory;

        /** The most payload the store holds. */
        private DataSize maxBytes;

        /** The most writes the store holds. */
        private Long maxEntries;

        /** The largest single write the store takes. */
        private DataSize maxEntryBytes;

        /** What a write does when the store is full: {@code reject} at once, or {@code block} up to {@code overflow-timeout}. */
        private Overflow overflow = Overflow.REJECT;

        /** How long a write waits for room when {@code overflow} is {@code block}. */
        private Duration overflowTimeout;

        /** @return the directory, or null for no spill store */
        public Path getDirectory() {
            return directory;
        }

        /** @param directory the directory */
        public void setDirectory(Path directory) {
            this.directory = directory;
        }

        /** @return the byte bound, or null for the default */
        public DataSize getMaxBytes() {
            return maxBytes;
        }

        /** @param maxBytes the byte bound */
        public void setMaxBytes(DataSize maxBytes) {
            this.maxBytes = maxBytes;
        }

        /** @return the entry bound, or null for the default */
        public Long getMaxEntries() {
            return maxEntries;
        }

        /** @param maxEntries the entry bound */
        public void setMaxEntries(Long maxEntries) {
            this.maxEntries = maxEntries;
        }

        /** @return the largest write, or null for the default */
        public DataSize getMaxEntryBytes() {
            return maxEntryBytes;
        }

        /** @param maxEntryBytes the largest write */
        public void setMaxEntryBytes(DataSize maxEntryBytes) {
            this.maxEntryBytes = maxEntryBytes;
        }

        /** @return the overflow policy */
        public Overflow getOverflow() {
            return overflow;
        }

        /** @param overflow the overflow policy */
        public void setOverflow(Overflow overflow) {
            this.overflow = overflow;
        }

        /** @return how long a blocked write waits, or null */
        public Duration getOverflowTimeout() {
            return overflowTimeout;
        }

        /** @param overflowTimeout how long a blocked write waits */
        public void setOverflowTimeout(Duration overflowTimeout) {
            this.overflowTimeout = overflowTimeout;
        }
    }

    /** What a write does when the spill store is full. */
    public enum Overflow {
        /** Throw a {@code SpillFullException} at once. */
        REJECT,
        /** Wait up to {@code overflow-timeout} for room, then throw. */
        BLOCK
    }

    /** One circuit breaker per endpoint. */
    public static class Breaker {

        /** Failure rate, in percent, that opens the breaker. */
        private Integer failureRatePercent;

        /** Calls in the window before the rate counts. */
        private Integer minimumCalls;

        /** The window the failure rate is measured over. */
        private Duration window;

        /** How long the breaker stays open before trials. */
        private Duration openDelay;

        /** Successful trial pings that close the breaker. */
        private Integer halfOpenTrials;

        /** How often an open breaker's endpoint is pinged. */
        private Duration probeInterval;

        /** @return the failure rate, or null */
        public Integer getFailureRatePercent() {
            return failureRatePercent;
        }

        /** @param failureRatePercent the failure rate */
        public void setFailureRatePercent(Integer failureRatePercent) {
            this.failureRatePercent = failureRatePercent;
        }

        /** @return the minimum calls, or null */
        public Integer getMinimumCalls() {
            return minimumCalls;
        }

        /** @param minimumCalls the minimum calls */
        public void setMinimumCalls(Integer minimumCalls) {
            this.minimumCalls = minimumCalls;
        }

        /** @return the window, or null */
        public Duration getWindow() {
            return window;
        }

        /** @param window the window */
        public void setWindow(Duration window) {
            this.window = window;
        }

        /** @return the open delay, or null */
        public Duration getOpenDelay() {
            return openDelay;
        }

        /** @param openDelay the open delay */
        public void setOpenDelay(Duration openDelay) {
            this.openDelay = openDelay;
        }

        /** @return the trials, or null */
        public Integer getHalfOpenTrials() {
            return halfOpenTrials;
        }

        /** @param halfOpenTrials the trials */
        public void setHalfOpenTrials(Integer halfOpenTrials) {
            this.halfOpenTrials = halfOpenTrials;
        }

        /** @return the probe interval, or null */
        public Duration getProbeInterval() {
            return probeInterval;
        }

        /** @param probeInterval the probe interval */
        public void setProbeInterval(Duration probeInterval) {
            this.probeInterval = probeInterval;
        }
    }

    /** Retries of connectivity and failover failures. */
    public static class Retry {

        /** Attempts in all, the first included; 1 turns retries off. */
        private Integer maxAttempts;

        /** Delay before the first retry. */
        private Duration initialDelay;

        /** The longest delay between retries. */
        private Duration maxDelay;

        /** Jitter factor, 0 to 1. */
        private Double jitter;

        /** Time budget for all attempts of one call. */
        private Duration maxDuration;

        /** @return the attempts, or null */
        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        /** @param maxAttempts the attempts */
        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /** @return the first delay, or null */
        public Duration getInitialDelay() {
            return initialDelay;
        }

        /** @param initialDelay the first delay */
        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        /** @return the longest delay, or null */
        public Duration getMaxDelay() {
            return maxDelay;
        }

        /** @param maxDelay the longest delay */
        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        /** @return the jitter, or null */
        public Double getJitter() {
            return jitter;
        }

        /** @param jitter the jitter */
        public void setJitter(Double jitter) {
            this.jitter = jitter;
        }

        /** @return the budget, or null */
        public Duration getMaxDuration() {
            return maxDuration;
        }

        /** @param maxDuration the budget */
        public void setMaxDuration(Duration maxDuration) {
            this.maxDuration = maxDuration;
        }
    }

    /** The replayer of spilled writes. */
    public static class Replay {

        /** Writes per pipelined batch. */
        private Integer batchSize;

        /** The most writes replayed per second. */
        private Integer maxWritesPerSecond;

        /** How long a write of unknown outcome waits for its endpoint before it is replayed elsewhere. */
        private Duration inDoubtWindow;

        /** @return the batch size, or null */
        public Integer getBatchSize() {
            return batchSize;
        }

        /** @param batchSize the batch size */
        public void setBatchSize(Integer batchSize) {
            this.batchSize = batchSize;
        }

        /** @return the rate limit, or null */
        public Integer getMaxWritesPerSecond() {
            return maxWritesPerSecond;
        }

        /** @param maxWritesPerSecond the rate limit */
        public void setMaxWritesPerSecond(Integer maxWritesPerSecond) {
            this.maxWritesPerSecond = maxWritesPerSecond;
        }

        /** @return the in-doubt window, or null */
        public Duration getInDoubtWindow() {
            return inDoubtWindow;
        }

        /** @param inDoubtWindow the in-doubt window */
        public void setInDoubtWindow(Duration inDoubtWindow) {
            this.inDoubtWindow = inDoubtWindow;
        }
    }

    /** When a write counts as written. */
    public static class DurabilityProperties {

        /** {@code acknowledged} (the master replied) or {@code replicated} (replicas confirmed; needs a spill store). */
        private Mode mode = Mode.ACKNOWLEDGED;

        /** Replicas that must confirm a write when {@code mode} is {@code replicated}. */
        private int replicas = 1;

        /** How long to wait for the replicas when {@code mode} is {@code replicated}. */
        private Duration timeout = Duration.ofMillis(500);

        /** @return the mode */
        public Mode getMode() {
            return mode;
        }

        /** @param mode the mode */
        public void setMode(Mode mode) {
            this.mode = mode;
        }

        /** @return the replicas */
        public int getReplicas() {
            return replicas;
        }

        /** @param replicas the replicas */
        public void setReplicas(int replicas) {
            this.replicas = replicas;
        }

        /** @return the replicas' timeout */
        public Duration getTimeout() {
            return timeout;
        }

        /** @param timeout the replicas' timeout */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Durability modes. */
    public enum Mode {
        /** A write counts when the master replies. */
        ACKNOWLEDGED,
        /** A write counts when replicas confirmed it. */
        REPLICATED
    }

    /** What happens when the application context closes. */
    public static class Shutdown {

        /** How long to wait for spilled writes to replay before the client closes; unset closes at once. */
        private Duration drainTimeout;

        /** @return the drain timeout, or null */
        public Duration getDrainTimeout() {
            return drainTimeout;
        }

        /** @param drainTimeout the drain timeout */
        public void setDrainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
        }
    }
}
