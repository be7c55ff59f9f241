package io.resilientredis.client.internal;

import io.resilientredis.client.RedisEndpoint;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where an endpoint lives and with which credentials, as one immutable value: the one way a package
 * of the client other than the facade's (the doctor) reads a {@link RedisEndpoint}'s connection
 * details. Not API. {@link #toString()} never shows a password; neither may anything built from it.
 *
 * @param displayName the endpoint as logs show it, any password redacted
 * @param sentinel whether this is a Sentinel group
 * @param tls whether a standalone endpoint uses TLS ({@code rediss://})
 * @param host a standalone endpoint's host (null for a Sentinel group)
 * @param port a standalone endpoint's port (0 for a Sentinel group)
 * @param database the logical database number
 * @param username the data nodes' ACL user, or null
 * @param password the data nodes' password, or null
 * @param masterName a Sentinel group's master name (null for a standalone endpoint)
 * @param sentinels a Sentinel group's {@code host:port} addresses (empty for a standalone endpoint)
 * @param sentinelUsername the Sentinels' ACL user, or null
 * @param sentinelPassword the Sentinels' password, or null
 * @param natMap reported {@code host:port} to dialled {@code host:port}
 * @param clusterSeeds a Redis Cluster's seed nodes as {@code host:port} (an IPv6 host in brackets), in the
 *     order given; empty for a standalone endpoint or a Sentinel group. For a cluster {@code host} and
 *     {@code port} are the first seed's, and {@code username}/{@code password} apply to every node
 */
public record ConnectionSpec(String displayName, boolean sentinel, boolean tls, String host, int port, int database,
                             String username, String password, String masterName, List<String> sentinels,
                             String sentinelUsername, String sentinelPassword, Map<String, String> natMap,
                             List<String> clusterSeeds) {

    private static volatile Function<RedisEndpoint, ConnectionSpec> reader;

    /**
     * Copies the list and the map: the spec is immutable.
     *
     * @param displayName the endpoint as logs show it, any password redacted
     * @param sentinel whether this is a Sentinel group
     * @param tls whether a standalone endpoint uses TLS
     * @param host a standalone endpoint's host
     * @param port a standalone endpoint's port
     * @param database the logical database number
     * @param username the data nodes' ACL user, or null
     * @param password the data nodes' password, or null
     * @param masterName a Sentinel group's master name
     * @param sentinels a Sentinel group's {@code host:port} addresses
     * @param sentinelUsername the Sentinels' ACL user, or null
     * @param sentinelPassword the Sentinels' password, or null
     * @param natMap reported {@code host:port} to dialled {@code host:port}
     * @param clusterSeeds a cluster's seed nodes as {@code host:port}, or empty
     */
    public ConnectionSpec {
        Objects.requireNonNull(displayName, "displayName");
        sentinels = List.copyOf(sentinels);
        natMap = Map.copyOf(natMap);
        clusterSeeds = List.copyOf(clusterSeeds);
    }

    /** @return whether this is a Redis Cluster, reached through {@link #clusterSeeds()} */
    public boolean cluster() {
        return !clusterSeeds.isEmpty();
    }

    /**
     * @param endpoint an endpoint
     * @return its connection details
     */
    public static ConnectionSpec of(RedisEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        // An endpoint exists, so its class is initialised and has installed its reader.
        return reader.apply(endpoint);
    }

    /**
     * Called once, by {@link RedisEndpoint} as its class initialises: how a spec is read from it.
     *
     * @param endpointReader makes the spec of an endpoint
     * @throws IllegalStateException when a reader is installed already
     */
    public static synchronized void install(Function<RedisEndpoint, ConnectionSpec> endpointReader) {
        if (reader != null) {
            throw new IllegalStateException("the endpoint reader is installed already");
        }
        reader = Objects.requireNonNull(endpointReader, "endpointReader");
    }

    @Override
    public String toString() {
        return "ConnectionSpec[" + displayName + (password != null ? ", password ***" : "")
                + (sentinelPassword != null ? ", Sentinel password ***" : "") + "]";
    }
}
