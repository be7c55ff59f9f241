package io.resilientredis.chaos;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.SentinelGroup;
import io.resilientredis.chaos.toxiproxy.FaultProxyServer;
import io.resilientredis.chaos.toxiproxy.FaultProxyServers;
import io.resilientredis.client.RedisEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Redis topology with a Toxiproxy-compatible fault proxy in front of every node, for the
 * client's traffic only: replication and Sentinel traffic go directly between the nodes, the way a
 * network fault between one service and Redis looks in production. Client endpoints built here
 * dial the proxies (Sentinel-reported addresses are mapped to them), so a test injects faults
 * through {@link #proxy(RedisNode)} with the toxiproxy-java API.
 *
 * <pre>{@code
 * try (ChaosTopology chaos = ChaosTopology.start(RedisTopology.primaryWithStandbyGroup(1))) {
 *     ResilientRedis redis = ResilientRedis.builder()
 *             .primary(chaos.primaryEndpoint()).standby(chaos.standbyEndpoint()).build();
 *     chaos.proxy(chaos.topology().primary()).disable();   // the primary is unreachable
 * }
 * }</pre>
 */
public final class ChaosTopology implements AutoCloseable {

    private static final String STANDBY_PREFIX = "standby-";

    private final RedisTopology topology;
    private final RedisTopology standbyDeployment;
    private final FaultProxyServer server;
    private final ToxiproxyClient client;
    private final Map<RedisNode, Proxy> proxies = new LinkedHashMap<>();

    private ChaosTopology(RedisTopology topology, RedisTopology standbyDeployment, FaultProxyServer server) {
        this.topology = topology;
        this.standbyDeployment = standbyDeployment;
        this.server = server;
        this.client = server.client();
    }

    /**
     * Starts the fault proxy server (embedded unless {@code -Dresilientredis.toxiproxy} says
     * otherwise), then the topology, then one proxy per node.
     *
     * @param topology the topology to start
     * @return the running chaos topology; close it to stop everything
     */
    public static ChaosTopology start(RedisTopology.Builder topology) {
        return start(topology, null);
    }

    /**
     * Starts two independent deployments behind one fault proxy server: {@code primary} (for example a
     * Sentinel group) and {@code standby} (for example a standalone server or a second Sentinel group).
     * {@link #primaryEndpoint()} and {@link #standbyEndpoint()} point at them; the standby's proxies are
     * named after its nodes with a {@code standby-} prefix.
     *
     * @param primary the primary deployment
     * @param standby the standby deployment, or null for none
     * @return the running chaos topology; close it to stop everything
     */
    public static ChaosTopology start(RedisTopology.Builder primary, RedisTopology.Builder standby) {
        Objects.requireNonNull(primary, "primary");
        FaultProxyServer server = FaultProxyServers.start();
        RedisTopology started = null;
        RedisTopology startedStandby = null;
        try {
            started = primary.start();
            if (standby != null) {
                startedStandby = standby.start();
            }
            ChaosTopology chaos = new ChaosTopology(started, startedStandby, server);
            chaos.addProxies(started, "");
            if (startedStandby != null) {
                chaos.addProxies(startedStandby, STANDBY_PREFIX);
            }
            return chaos;
        } catch (IOException | RuntimeException e) {
            if (startedStandby != null) {
                startedStandby.close();
            }
            if (started != null) {
                started.close();
            }
            server.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not create the fault proxies: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private void addProxies(RedisTopology deployment, String prefix) throws IOException {
        for (RedisNode node : deployment.nodes()) {
            proxies.put(node, client.createProxy(prefix + proxyName(node), "127.0.0.1:0", "127.0.0.1:" + node.port()));
        }
    }

    private static String proxyName(RedisNode node) {
        return node.name();
    }

    /** @return the Redis topology behind the proxies */
    public RedisTopology topology() {
        return topology;
    }

    /**
     * @return the standby deployment started by {@link #start(RedisTopology.Builder, RedisTopology.Builder)}
     * @throws IllegalStateException when this chaos topology was started with one deployment
     */
    public RedisTopology standbyTopology() {
        if (standbyDeployment == null) {
            throw new IllegalStateException("this chaos topology has one deployment; start it with "
                    + "ChaosTopology.start(primary, standby) for a separate standby deployment");
        }
        return standbyDeployment;
    }

    /** @return the deployments behind the proxies: the topology, then the standby deployment if there is one */
    public List<RedisTopology> deployments() {
        return standbyDeployment == null ? List.of(topology) : List.of(topology, standbyDeployment);
    }

    /** @return the fault proxy server */
    public FaultProxyServer proxyServer() {
        return server;
    }

    /**
     * @param node a node of the topology
     * @return the proxy in front of it, to disable, enable or add toxics to
     */
    public Proxy proxy(RedisNode node) {
        Proxy p = proxies.get(Objects.requireNonNull(node, "node"));
        if (p == null) {
            throw new IllegalArgumentException(node.name() + " is not a node of this topology");
        }
        return p;
    }

    /**
     * @param node a node of the topology
     * @return {@code 127.0.0.1:<proxy port>}, the address clients dial for it
     */
    public String clientAddress(RedisNode node) {
        return "127.0.0.1:" + server.mappedPort(proxyPort(node));
    }

    private int proxyPort(RedisNode node) {
        String listen = proxy(node).getListen();
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    /**
     * The endpoint of the topology's primary deployment: the standalone primary (standalone,
     * replicated and standby shapes), the Sentinel group (Sentinel shape) or the cluster (every node a
     * seed, with the NAT map of {@link #clusterNatMap()}), through the proxies.
     *
     * @return the endpoint, without credentials: for a topology started with a password, add it with
     *         {@link RedisEndpoint#withCredentials(String, String)}
     */
    public RedisEndpoint primaryEndpoint() {
        return endpointOf(topology);
    }

    /**
     * @return the standby deployment's endpoint (its Sentinel group or its standalone primary) when one
     *     was started; else the Sentinel-managed standby group of the two-deployment shape; through the proxies
     * @throws IllegalStateException for other shapes
     */
    public RedisEndpoint standbyEndpoint() {
        if (standbyDeployment != null) {
            return endpointOf(standbyDeployment);
        }
        return sentinelEndpoint(topology.standby());
    }

    private RedisEndpoint endpointOf(RedisTopology deployment) {
        if (deployment.shape() == io.resilientredis.chaos.topology.Shape.CLUSTER) {
            List<String> seeds = new ArrayList<>();
            Map<String, String> nat = new LinkedHashMap<>();
            for (RedisNode node : deployment.cluster().nodes()) {
                seeds.add("redis://" + clientAddress(node));
                nat.put(node.host() + ":" + node.port(), clientAddress(node));
            }
            return RedisEndpoint.cluster(seeds).withNatMap(nat);
        }
        if (deployment.shape() == io.resilientredis.chaos.topology.Shape.SENTINEL_GROUP) {
            return sentinelEndpoint(deployment.sentinelGroup());
        }
        return RedisEndpoint.standalone("redis://" + clientAddress(deployment.primary()));
    }

    private RedisEndpoint sentinelEndpoint(SentinelGroup group) {
        List<String> sentinels = new ArrayList<>();
        for (RedisNode s : group.sentinels()) {
            sentinels.add(clientAddress(s));
        }
        Map<String, String> nat = new LinkedHashMap<>();
        for (RedisNode n : group.dataNodes()) {
            nat.put("127.0.0.1:" + n.port(), clientAddress(n));
        }
        return RedisEndpoint.sentinel(group.masterName(), sentinels).withNatMap(nat);
    }

    /**
     * The proxy addresses of a cluster's nodes, shard by shard: the seed nodes a cluster client starts from.
     *
     * @return {@code 127.0.0.1:<proxy port>} per data node of the (primary) deployment
     * @throws IllegalStateException when the deployment is no {@link io.resilientredis.chaos.topology.Shape#CLUSTER}
     */
    public List<String> clusterSeeds() {
        List<String> seeds = new ArrayList<>();
        for (RedisNode node : topology.cluster().nodes()) {
            seeds.add(clientAddress(node));
        }
        return List.copyOf(seeds);
    }

    /**
     * The address translation a cluster client needs to reach the nodes through their proxies. Cluster
     * nodes announce their own address in {@code CLUSTER SLOTS}, {@code CLUSTER NODES} and {@code MOVED}/{@code
     * ASK} replies, and the harness keeps it that way so replication and the cluster bus stay direct (an
     * announced proxy address would also be what replicas replicate from); a client maps each announced
     * address to its proxy with this map, as it does for Sentinel-reported addresses.
     *
     * @return {@code 127.0.0.1:<node port>} to {@code 127.0.0.1:<proxy port>}, per data node, in
     *     {@link #clusterSeeds()} order
     * @throws IllegalStateException when the deployment is no {@link io.resilientredis.chaos.topology.Shape#CLUSTER}
     */
    public Map<String, String> clusterNatMap() {
        Map<String, String> nat = new LinkedHashMap<>();
        for (RedisNode node : topology.cluster().nodes()) {
            nat.put(node.host() + ":" + node.port(), clientAddress(node));
        }
        return java.util.Collections.unmodifiableMap(nat);
    }

    /** Disables every proxy: every node is unreachable for clients (a full outage). */
    public void disableAll() {
        forEach(p -> p.disable());
    }

    /** Re-enables every proxy and removes every toxic. */
    public void resetAll() {
        try {
            client.reset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void forEach(ProxyAction action) {
        for (Proxy p : proxies.values()) {
            try {
                action.apply(p);
            } catch (IOException e) {
                throw new UncheckedIOException("fault proxy " + p.getName() + ": " + e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    private interface ProxyAction {
        void apply(Proxy proxy) throws IOException;
    }

    /** Stops the topology (both deployments when there are two) and the fault proxy server. */
    @Override
    public void close() {
        try {
            try {
                if (standbyDeployment != null) {
                    standbyDeployment.close();
                }
            } finally {
                topology.close();
            }
        } finally {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "ChaosTopology{" + topology + (standbyDeployment == null ? "" : ", standby " + standbyDeployment)
                + ", proxies at " + server.url() + "}";
    }
}
