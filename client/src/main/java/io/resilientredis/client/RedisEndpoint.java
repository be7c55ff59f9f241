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
 * URL, credentials allowed in it) or a Sentinel group (master name and Sentinel addresses).
 * Immutable; the {@code with...} methods return copies. Credentials never appear in
 * {@link #toString()}, logs or exception messages.
 */
public final class RedisEndpoint {

    static {
        // The doctor reads the connection details through this one door, never through accessors.
        ConnectionSpec.install(e -> new ConnectionSpec(e.displayName(), e.sentinel, e.tls, e.host, e.port, e.database,
                e.username, e.password, e.masterName, e.sentinels, e.sentinelUsername, e.sentinelPassword, e.natMap));
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

    private RedisEndpoint(boolean sentinel, boolean tls, String host, int port, String masterName,
                          List<String> sentinels, String username, String password, String sentinelUsername,
                          String sentinelPassword, int database, Map<String, String> natMap) {
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
     * @param username ACL user for the data nodes, or null
     * @param password password for the data nodes, or null
     * @return a copy with these credentials
     */
    public RedisEndpoint withCredentials(String username, String password) {
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, username, password,
                sentinelUsername, sentinelPassword, database, natMap);
    }

    /**
     * @param username ACL user for the Sentinels, or null
     * @param password password for the Sentinels, or null
     * @return a copy with these Sentinel credentials
     */
    public RedisEndpoint withSentinelCredentials(String username, String password) {
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, this.username, this.password,
                username, password, database, natMap);
    }

    /**
     * @param database the logical database number
     * @return a copy using that database
     */
    public RedisEndpoint withDatabase(int database) {
        if (database < 0) {
            throw new IllegalArgumentException("database must not be negative, was " + database);
        }
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, username, password,
                sentinelUsername, sentinelPassword, database, natMap);
    }

    /**
     * Maps the node addresses Sentinels report ({@code host:port}) to the addresses this client
     * must dial, for NAT, containers or a fault proxy in between.
     *
     * @param map reported address to dialled address, both {@code host:port}
     * @return a copy with the mapping
     */
    public RedisEndpoint withNatMap(Map<String, String> map) {
        return new RedisEndpoint(sentinel, tls, host, port, masterName, sentinels, username, password,
                sentinelUsername, sentinelPassword, database, new LinkedHashMap<>(map));
    }

    /** @return whether this is a Sentinel group */
    public boolean isSentinel() {
        return sentinel;
    }

    /** @return the display name: the URL with the password redacted, or the master name and Sentinels */
    public String displayName() {
        if (sentinel) {
            return "sentinel://" + masterName + "@" + String.join(",", sentinels);
        }
        String auth = "";
        if (password != null) {
            auth = (username == null ? "" : username) + ":***@";
        } else if (username != null) {
            auth = username + "@";
        }
        return (tls ? "rediss://" : "redis://") + auth + hostForUrl() + ":" + port
                + (database == 0 ? "" : "/" + database);
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
}
