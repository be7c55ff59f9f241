package io.resilientredis.client;

import io.resilientredis.client.internal.ConnectionSpec;
import io.resilientredis.client.internal.RedisUrl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where one Redis deployment lives: a standalone server ({@code redis://} or {@code rediss://}
 * URL, credentials allowed in it), a Sentinel group (master name and Sentinel addresses), or a Redis
 * Cluster (seed node URLs).
 * Immutable; the {@code with...} methods return copies. Credentials never appear in
 * {@link #toString()}, logs or exception messages.
 */
public final class RedisEndpoint {

    static {
        // The doctor reads the connection details through this one door, never through accessors.
        ConnectionSpec.install(e -> new ConnectionSpec(e.displayName(), e.sentinel, e.tls, e.host, e.port, e.database,
                e.username, e.password, e.masterName, e.sentinels, e.sentinelUsername, e.sentinelPassword, e.natMap, e.clusterSeeds));
    }

    private final boolean sentinel;
    private final boolean tls;
    private final String host;
    private final int port;
    private final String masterName;
    private final List<String> sentinels;
    private final String username;
    private final String password;
    private final String sentinelUsername;
    private final String sentinelPassword;
    private final int database;
    private final Map<String, String> natMap;
    /** host:port of each seed node of a Redis Cluster; empty for the other kinds. */
    private final List<String> clusterSeeds;

    private RedisEndpoint(boolean sentinel, boolean tls, String host, int port, String masterName,
                          List<String> sentinels, String username, String password, String sentinelUsername,
                          String sentinelPassword, int database, Map<String, String> natMap) {
        this(sentinel, tls, host, port, masterName, sentinels, username, password, sentinelUsername, sentinelPassword,
                database, natMap, List.of());
    }

    private RedisEndpoint(boolean sentinel, boolean tls, String host, int port, String masterName,
                          List<String> sentinels, String username, String password, String sentinelUsername,
                          String sentinelPassword, int database, Map<String, String> natMap,
                          List<String> clusterSeeds) {
        this.clusterSeeds = List.copyOf(clusterSeeds);
        this.sentinel = sentinel;
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.masterName = masterName;
        this.sentinels = List.copyOf(sentinels);
        this.username = username;
        this.password = password;
        this.sentinelUsername = sentinelUsername;
        this.sentinelPassword = sentinelPassword;
        this.database = database;
        this.natMap = Map.copyOf(natMap);
    }

    /**
     * A standalone Redis server.
     *
     * @param url {@code redis://[[user]:password@]host[:port][/database]}, or {@code rediss://} for TLS
     * @return the endpoint
     * @throws IllegalArgumentException when the URL is malformed or its port is outside 1-65535: the
     *         message names the bad part and the fix, and never repeats the password
     */
    public static RedisEndpoint standalone(String url) {
        Objects.requireNonNull(url, "url");
        RedisUrl u = RedisUrl.parse(url);
        return new RedisEndpoint(false, u.tls(), u.host(), u.port(), null, List.of(), u.username(), u.password(),
                null, null, u.database(), Map.of());
    }

    /**
     * A Sentinel group: the client follows its master through failovers.
     *
     * @param masterName the name the Sentinels monitor the master under
     * @param sentinelAddresses {@code host:port} of each Sentinel (at least one)
     * @return the endpoint
     */
    public static RedisEndpoint sentinel(String masterName, List<String> sentinelAddresses) {
        Objects.requireNonNull(masterName, "masterName");
        if (sentinelAddresses == null || sentinelAddresses.isEmpty()) {
            throw new IllegalArgumentException("a Sentinel endpoint needs at least one Sentinel address (host:port)");
        }
        List<String> normalised = new ArrayList<>();
        for (String a : sentinelAddresses) {
            String s = a.strip();
            if (s.regionMatches(true, 0, "rediss://", 0, 9)) {
                throw new IllegalArgumentException("Sentinel address '" + RedisUrl.redact(a) + "' asks for TLS "
                        + "(rediss://), which Sentinel groups do not support yet: the client would talk to the Sentinels in plain "
                        + "TCP. Give host:port of Sentinels that accept plain connections, or use "
                        + "RedisEndpoint.standalone(\"rediss://...\") for a TLS master");
            }
            if (s.startsWith("redis://")) {
                s = s.substring(s.indexOf("://") + 3);
            }
            if (!s.matches("[^:/@]+:\\d+")) {
                throw new IllegalArgumentException("Sentinel address '" + RedisUrl.redact(a) + "' must be host:port");
            }
            RedisUrl.port(s.substring(s.lastIndexOf(':') + 1), "Sentinel address '" + s + "'", "", "",
                    "use the port the Sentinel listens on (26379 by default)");
            normalised.add(s);
        }
        return new RedisEndpoint(true, false, null, 0, masterName, normalised, null, null, null, null, 0, Map.of());
    }

    /**
     * @param sentinelAddresses {@code host:port} of each Sentinel
     * @param masterName the monitored master's name
     * @return the endpoint
     * @see #sentinel(String, List)
     */
    public static RedisEndpoint sentinel(String masterName, String... sentinelAddresses) {
        return sentinel(masterName, List.of(sentinelAddresses));
    }

    /**
     * A Redis Cluster, reached through one or more seed nodes: the client learns the shards and their
     * slots from them and follows resharding and failovers. Credentials may be given in a seed's URL
     * (every seed that has some must give the same) or with {@link #withCredentials}; node addresses the
     * cluster announces can be translated with {@link #withNatMap}. A cluster has database 0 only.
     *
     * @param seedUrls {@code redis://[[user]:password@]host[:port]} of at least one node ({@code rediss://}
     *                 for TLS, the same scheme for all)
     * @return the endpoint
     * @throws IllegalArgumentException when a URL is malformed, names a database other than 0, or the
     *         seeds disagree on TLS or credentials; the message never repeats a password
     */
    public static RedisEndpoint cluster(List<String> seedUrls) {
        if (seedUrls == null || seedUrls.isEmpty()) {
            throw new IllegalArgumentException("a cluster endpoint needs at least one seed node URL (redis://host:port)");
        }
        List<String> seeds = new ArrayList<>();
        RedisUrl first = null;
        RedisUrl credentials = null;
        for (String url : seedUrls) {
            Objects.requireNonNull(url, "seed URL");
            RedisUrl u = RedisUrl.parse(url);
            if (u.database() != 0) {
                throw new IllegalArgumentException("cluster seed '" + RedisUrl.redact(url) + "' names database "
                        + u.database() + ", but Redis Cluster has database 0 only. Fix: drop the /" + u.database());
            }
            if (first != null && first.tls() != u.tls()) {
                throw new IllegalArgumentException("cluster seeds mix redis:// and rediss://; every node of a cluster"
                        + " speaks the same. Fix: use one scheme for all seeds");
            }
            if (u.password() != null || u.username() != null) {
                if (credentials != null && (!Objects.equals(credentials.username(), u.username())
                        || !Objects.equals(credentials.password(), u.password()))) {
                    throw new IllegalArgumentException("cluster seeds give different credentials ('"
                            + RedisUrl.redact(url) + "' differs from an earlier seed); every node of a cluster takes"
                            + " the same. Fix: give them once, with withCredentials(user, password)");
                }
                credentials = u;
            }
            if (first == null) {
                first = u;
            }
            seeds.add(u.host().indexOf(':') >= 0 ? "[" + u.host() + "]:" + u.port() : u.host() + ":" + u.port());
        }
        return new RedisEndpoint(false, first.tls(), first.host(), first.port(), null, List.of(),
                credentials == null ? null : credentials.username(), credentials == null ? null : credentials.password(),
                null, null, 0, Map.of(), seeds);
    }

    /**
     * @param seedUrls {@code redis://host:port} of at least one node
     * @return the endpoint
     * @see #cluster(List)
     */
    public static RedisEndpoint cluster(String... seedUrls) {
        return cluster(List.of(seedUrls));
    }

    /**
     * @param username ACL user for the data nodes, or null
     * @param password password for the data nodes, or null
     * @return a copy with these credentials
     */
    public RedisEndpoint withCredentials(String username, String password) {
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, username, password,
                sentinelUsername, sentinelPassword, database, natMap, clusterSeeds);
    }

    /**
     * @param username ACL user for the Sentinels, or null
     * @param password password for the Sentinels, or null
     * @return a copy with these Sentinel credentials
     */
    public RedisEndpoint withSentinelCredentials(String username, String password) {
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, this.username, this.password,
                username, password, database, natMap, clusterSeeds);
    }

    /**
     * @param database the logical database number
     * @return a copy using that database
     */
    public RedisEndpoint withDatabase(int database) {
        if (database < 0) {
            throw new IllegalArgumentException("database must not be negative, was " + database);
        }
        if (database != 0 && isCluster()) {
            throw new IllegalArgumentException("Redis Cluster has database 0 only; database " + database
                    + " cannot be selected. Fix: use key prefixes instead of databases");
        }
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, username, password,
                sentinelUsername, sentinelPassword, database, natMap, clusterSeeds);
    }

    /**
     * Maps the node addresses Sentinels or cluster nodes report ({@code host:port}) to the addresses
     * this client must dial, for NAT, containers or a fault proxy in between.
     *
     * @param map reported address to dialled address, both {@code host:port}
     * @return a copy with the mapping
     */
    public RedisEndpoint withNatMap(Map<String, String> map) {
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, username, password,
                sentinelUsername, sentinelPassword, database, new LinkedHashMap<>(map), clusterSeeds);
    }

    /** @return whether this is a Sentinel group */
    public boolean isSentinel() {
        return sentinel;
    }

    /** @return whether this is a Redis Cluster */
    public boolean isCluster() {
        return !clusterSeeds.isEmpty();
    }

    /** @return the display name: the URL with the password redacted, or the master name and Sentinels */
    public String displayName() {
        if (sentinel) {
            return "sentinel://" + masterName + "@" + String.join(",", sentinels);
        }
        if (isCluster()) {
            return (tls ? "rediss-cluster://" : "redis-cluster://") + auth() + String.join(",", clusterSeeds);
        }
        return (tls ? "rediss://" : "redis://") + auth() + hostForUrl() + ":" + port
                + (database == 0 ? "" : "/" + database);
    }

    /** @return the credentials as a display name shows them: the password always {@code ***} */
    private String auth() {
        if (password != null) {
            return (username == null ? "" : username) + ":***@";
        }
        return username == null ? "" : username + "@";
    }

    @Override
    public String toString() {
        return displayName();
    }

    boolean tls() {
        return tls;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** @return the address Redisson dials, without credentials */
    String address() {
        return (tls ? "rediss://" : "redis://") + hostForUrl() + ":" + port;
    }

    /** @return the host as a URL writes it: an IPv6 address in brackets */
    private String hostForUrl() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    String masterName() {
        return masterName;
    }

    List<String> sentinels() {
        return sentinels;
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    String sentinelUsername() {
        return sentinelUsername;
    }

    String sentinelPassword() {
        return sentinelPassword;
    }

    int database() {
        return database;
    }

    Map<String, String> natMap() {
        return natMap;
    }

    /** @return the seed nodes' addresses Redisson dials, without credentials */
    List<String> clusterAddresses() {
        List<String> out = new ArrayList<>(clusterSeeds.size());
        for (String s : clusterSeeds) {
            out.add((tls ? "rediss://" : "redis://") + s);
        }
        return out;
    }
}
