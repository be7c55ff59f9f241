package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Redis and Sentinel nodes on free 127.0.0.1 ports, each in its own directory with its own log,
 * for tests that need Redis to fail for real.
 *
 * <pre>{@code
 * try (RedisTopology topology = RedisTopology.sentinelGroup(1).start()) {
 *     RedisNode master = topology.primary();
 *     master.kill();
 *     RedisNode promoted = topology.awaitFailover(Duration.ofSeconds(30));
 *     master.restart();   // rejoins as a replica of the promoted node
 * }
 * }</pre>
 *
 * <p>The {@code redis-server} binary is the one named by {@code -Dresilientredis.redis.server} or
 * {@code RESILIENTREDIS_REDIS_SERVER} (the value {@code embedded} forces the one shipped in the
 * embedded-redis jar), else {@code redis-server} on PATH, else the embedded one, extracted once and
 * cached. Node directories live under {@code -Dresilientredis.workdir}, else
 * {@code java.io.tmpdir/resilient-redis}, and are kept after {@link #close()} for inspection. No child
 * process outlives {@link #close()}, and none outlives the JVM, even one killed with SIGKILL.
 */
public final class RedisTopology implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTopology.class);
    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;

    private final Shape shape;
    private final String masterName;
    private final Path directory;
    private final BackendType backend;
    private final String serverVersion;
    private final NodeBackend nodeBackend;
    private final List<AbstractNode> started;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Set once while starting, before the topology is handed out; volatile for pollers on other threads.
    private volatile RedisNode primary;
    private volatile List<RedisNode> replicas = List.of();
    private volatile SentinelGroup group;
    private volatile RedisCluster cluster;

    private RedisTopology(Shape shape, String masterName, Path directory, BackendType backend, String serverVersion,
            NodeBackend nodeBackend) {
        this.shape = shape;
        this.masterName = masterName;
        this.directory = directory;
        this.backend = backend;
        this.serverVersion = serverVersion;
        this.nodeBackend = nodeBackend;
        this.started = Collections.synchronizedList(new ArrayList<>());
    }

    /** {@return a builder for one standalone server} */
    public static Builder standalone() {
        return new Builder(Shape.STANDALONE, 0);
    }

    /**
     * A builder for a primary with {@code replicas} replicas (at least 1), no Sentinels.
     *
     * @param replicas the number of replicas
     * @return a new builder
     */
    public static Builder primaryWithReplicas(int replicas) {
        return new Builder(Shape.PRIMARY_WITH_REPLICAS, replicas);
    }

    /**
     * A builder for a master with {@code replicas} replicas (at least 1) and three Sentinels, quorum 2.
     *
     * @param replicas the number of replicas
     * @return a new builder
     */
    public static Builder sentinelGroup(int replicas) {
        return new Builder(Shape.SENTINEL_GROUP, replicas);
    }

    /**
     * A builder for two independent deployments: a standalone primary, and a standby Sentinel group of a
     * master with {@code standbyReplicas} replicas (at least 1) and three Sentinels.
     *
     * @param standbyReplicas the number of replicas in the standby group
     * @return a new builder
     */
    public static Builder primaryWithStandbyGroup(int standbyReplicas) {
        return new Builder(Shape.PRIMARY_WITH_STANDBY_GROUP, standbyReplicas);
    }

    /**
     * A builder for a Redis Cluster of {@code masters} shards (at least 3, so a majority of masters can
     * vote a failover), each with one replica unless {@link Builder#replicasPerShard(int)} says otherwise,
     * {@code cluster-node-timeout} 1 s unless {@link Builder#clusterNodeTimeout(Duration)} says otherwise.
     * See {@link RedisCluster} for how it is built and what it offers.
     *
     * @param masters the number of shards, 3 to 16
     * @return a new builder
     */
    public static Builder cluster(int masters) {
        if (masters < 3 || masters > 16) {
            throw new IllegalArgumentException("A cluster has 3 to 16 masters, got " + masters);
        }
        Builder builder = new Builder(Shape.CLUSTER, 1);
        builder.shards = masters;
        return builder;
    }

    /**
     * A builder for any shape; {@code replicas} is ignored for {@link Shape#STANDALONE}, and is the number
     * of replicas per shard for {@link Shape#CLUSTER} (three shards).
     *
     * @param replicas the number of replicas
     * @param shape the topology shape
     * @return a new builder
     */
    public static Builder builder(Shape shape, int replicas) {
        return new Builder(Objects.requireNonNull(shape, "shape"), shape == Shape.STANDALONE ? 0 : replicas);
    }

    /** {@return the shape this topology was started as} */
    public Shape shape() {
        return shape;
    }

    /** {@return the backend that runs the nodes ({@link BackendType#PROCESS} or {@link BackendType#CONTAINER})} */
    public BackendType backend() {
        return backend;
    }

    /** {@return the Redis version of the nodes, such as {@code 6.2.11}} */
    public String serverVersion() {
        return serverVersion;
    }

    /** {@return the folder holding one sub-folder per node} */
    public Path directory() {
        return directory;
    }

    /** {@return the name Sentinels monitor the master under ({@code mymaster} unless configured)} */
    public String masterName() {
        return masterName;
    }

    /**
     * The cluster of a {@link Shape#CLUSTER} topology.
     *
     * @return the cluster
     * @throws IllegalStateException for other shapes
     */
    public RedisCluster cluster() {
        RedisCluster current = cluster;
        if (current == null) {
            throw new IllegalStateException("A " + shape + " topology is no cluster: use RedisTopology.cluster(3)");
        }
        return current;
    }

    /**
     * Waits for a cluster shard's failover (see {@link RedisCluster#awaitClusterFailover}).
     *
     * @param shard the shard's number, from 0
     * @param timeout how long to wait at most
     * @return the promoted master
     * @throws IllegalStateException for shapes other than {@link Shape#CLUSTER}
     */
    public RedisNode awaitClusterFailover(int shard, Duration timeout) {
        return cluster().awaitClusterFailover(shard, timeout);
    }

    /**
     * The node started as primary: the standalone server, the replicated primary, the Sentinel group's
     * initial master, (two deployments) the standalone primary, or (cluster) shard 0's first master.
     *
     * @return the node started as primary
     */
    public RedisNode primary() {
        return primary;
    }

    /** {@return the nodes started as replicas of {@link #primary()} (none for the standalone shapes; for a cluster, shard 0's)} */
    public List<RedisNode> replicas() {
        return replicas;
    }

    /** {@return the Sentinels of the topology's Sentinel group (for two deployments, the standby's); else empty} */
    public List<RedisNode> sentinels() {
        return group == null ? List.of() : group.sentinels();
    }

    /** {@return every node, data nodes before Sentinels} */
    public List<RedisNode> nodes() {
        List<RedisNode> all = new ArrayList<>();
        synchronized (started) {
            all.addAll(started);
        }
        all.sort((a, b) -> Boolean.compare(a.isSentinel(), b.isSentinel()));
        return Collections.unmodifiableList(all);
    }

    /**
     * The node with that name.
     *
     * @param name the node name
     * @return the node
     * @throws IllegalArgumentException listing the names when there is none
     */
    public RedisNode node(String name) {
        for (RedisNode node : nodes()) {
            if (node.name().equals(name)) {
                return node;
            }
        }
        throw new IllegalArgumentException("No node named '" + name + "'; nodes are "
                + nodes().stream().map(RedisNode::name).toList());
    }

    /**
     * The Sentinel group: the whole topology for {@link Shape#SENTINEL_GROUP}, the standby for
     * {@link Shape#PRIMARY_WITH_STANDBY_GROUP}.
     *
     * @return the Sentinel group
     * @throws IllegalStateException for shapes without Sentinels
     */
    public SentinelGroup sentinelGroup() {
        if (group == null) {
            throw new IllegalStateException("A " + shape + " topology has no Sentinels: use "
                    + "RedisTopology.sentinelGroup(n) or primaryWithStandbyGroup(n)");
        }
        return group;
    }

    /**
     * The standby Sentinel group of the two-deployment shape.
     *
     * @return the standby Sentinel group
     * @throws IllegalStateException for other shapes
     */
    public SentinelGroup standby() {
        if (shape != Shape.PRIMARY_WITH_STANDBY_GROUP) {
            throw new IllegalStateException("Only a PRIMARY_WITH_STANDBY_GROUP topology has a standby; this is "
                    + shape);
        }
        return group;
    }

    /** {@return per Sentinel, the master address it reports now (see {@link SentinelGroup#reportedMasters()})} */
    public Map<RedisNode, Optional<InetSocketAddress>> reportedMasters() {
        return sentinelGroup().reportedMasters();
    }

    /**
     * The Sentinel group's master as a quorum of Sentinels reports it now; for shapes without Sentinels,
     * {@link #primary()}.
     *
     * @return the current master
     */
    public RedisNode currentMaster() {
        return group == null ? primary : group.currentMaster();
    }

    /**
     * Waits for the Sentinel group to converge (see {@link SentinelGroup#awaitConverged}) and returns its
     * master.
     *
     * @param timeout how long to wait at most
     * @return the master the Sentinels agree on
     */
    public RedisNode awaitConverged(Duration timeout) {
        return sentinelGroup().awaitConverged(timeout);
    }

    /**
     * Waits for the Sentinel group to promote a new master (see {@link SentinelGroup#awaitFailover}).
     *
     * @param timeout how long to wait at most
     * @return the promoted master
     */
    public RedisNode awaitFailover(Duration timeout) {
        return sentinelGroup().awaitFailover(timeout);
    }

    /**
     * The last {@code lines} lines of every node's log, headed by the node's name and log path: what a
     * failing test prints.
     *
     * @param lines how many lines of each log, at most
     * @return the log tails, one section per node
     */
    public String logTails(int lines) {
        StringBuilder text = new StringBuilder();
        for (RedisNode node : nodes()) {
            text.append("---- ").append(node.name()).append(" ").append(node.host()).append(':')
                    .append(node.port()).append(" (").append(node.logFile()).append(")\n")
                    .append(node.logTail(lines)).append('\n');
        }
        return text.toString();
    }

    /** Kills every node (SIGKILL) and waits for each to exit. Safe to call more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AbstractNode> nodes;
        synchronized (started) {
            nodes = new ArrayList<>(started);
        }
        RuntimeException failure = null;
        for (AbstractNode node : nodes) {
            try {
                nodeBackend.destroy(node);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        LOG.debug("Closed {} topology in {}", shape, directory);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "RedisTopology[" + shape.name().toLowerCase(Locale.ROOT) + ", " + backend.name().toLowerCase(Locale.ROOT)
                + ", redis " + serverVersion + ", nodes " + nodes() + "]";
    }

    // ---------------------------------------------------------------- start-up

    private void startNodes(Builder options) {
        switch (shape) {
            case STANDALONE:
                primary = startData("primary", null, options);
                break;
            case PRIMARY_WITH_REPLICAS: {
                primary = startData("primary", null, options);
                replicas = startReplicas("replica-", primary, options);
                awaitReplicasInSync(replicas, options.startTimeout);
                break;
            }
            case SENTINEL_GROUP:
                group = startGroup("", options);
                primary = group.primary();
                replicas = group.replicas();
                break;
            case PRIMARY_WITH_STANDBY_GROUP:
                primary = startData("primary", null, options);
                group = startGroup("standby-", options);
                break;
            case CLUSTER:
                cluster = startCluster(options);
                primary = cluster.nodes().get(0);
                replicas = cluster.nodes().subList(1, 1 + options.replicas);
                break;
            default:
                throw new IllegalStateException("unknown shape " + shape);
        }
    }

    private AbstractNode startData(String name, RedisNode master, Builder options) {
        return startData(name, master, options, List.of(), Support::freePort);
    }

    private AbstractNode startData(String name, RedisNode master, Builder options, List<String> shapeDirectives,
            IntSupplier ports) {
        Integer masterPort = master == null ? null : master.port();
        List<String> directives = new ArrayList<>(NodeConfigs.versionDirectives(serverVersion));
        directives.addAll(shapeDirectives);
        directives.addAll(options.directives);
        AbstractNode node = nodeBackend.start(name, directory.resolve(name), false, options.password,
                ports.getAsInt(), ports, (port, dir) -> NodeConfigs.dataNode(port, dir, masterPort, options.password,
                        directives));
        started.add(node);
        return node;
    }

    private RedisCluster startCluster(Builder options) {
        List<String> clusterDirectives = NodeConfigs.clusterDirectives(options.clusterNodeTimeout);
        List<List<RedisNode>> shards = new ArrayList<>();
        for (int s = 0; s < options.shards; s++) {
            List<RedisNode> shard = new ArrayList<>();
            shard.add(startData("shard-" + s + "-primary", null, options, clusterDirectives,
                    Support::freeClusterPort));
            for (int r = 1; r <= options.replicas; r++) {
                shard.add(startData("shard-" + s + "-replica-" + r, null, options, clusterDirectives,
                        Support::freeClusterPort));
            }
            shards.add(shard);
        }
        return RedisCluster.form(shards, options.password, options.clusterNodeTimeout, options.startTimeout);
    }

    private List<RedisNode> startReplicas(String prefix, RedisNode master, Builder options) {
        List<RedisNode> list = new ArrayList<>();
        for (int i = 1; i <= options.replicas; i++) {
            list.add(startData(prefix + i, master, options));
        }
        return Collections.unmodifiableList(list);
    }

    private SentinelGroup startGroup(String prefix, Builder options) {
        RedisNode master = startData(prefix + "primary", null, options);
        List<RedisNode> groupReplicas = startReplicas(prefix + "replica-", master, options);
        awaitReplicasInSync(groupReplicas, options.startTimeout);

        List<Integer> replicaPorts = groupReplicas.stream().map(RedisNode::port).toList();
        Map<Integer, String> ids = new LinkedHashMap<>();
        while (ids.size() < SENTINELS) {
            ids.put(Support.freePort(), randomSentinelId());
        }
        List<RedisNode> sentinels = new ArrayList<>();
        int index = 1;
        for (Map.Entry<Integer, String> self : ids.entrySet()) {
            Map<Integer, String> others = new LinkedHashMap<>(ids);
            others.remove(self.getKey());
            String name = prefix + "sentinel-" + index++;
            AbstractNode sentinel = nodeBackend.start(name, directory.resolve(name), true, null, self.getKey(), Support::freePort,
                    (port, dir) -> NodeConfigs.sentinel(port, dir, self.getValue(), masterName, master.port(),
                            QUORUM, options.downAfter, options.failoverTimeout, options.password, replicaPorts,
                            others));
            started.add(sentinel);
            sentinels.add(sentinel);
        }
        SentinelGroup created = new SentinelGroup(masterName, QUORUM, master, groupReplicas, sentinels);
        if (!Support.pollUntil(options.startTimeout, Duration.ofMillis(50), created::settled)) {
            throw new RedisTopologyException("The Sentinels of " + masterName + " did not all see the master, its "
                    + groupReplicas.size() + " replica(s) and each other within " + options.startTimeout.toMillis()
                    + " ms:" + created.sentinelViews());
        }
        return created;
    }

    private static void awaitReplicasInSync(List<RedisNode> replicas, Duration timeout) {
        for (RedisNode replica : replicas) {
            boolean synced = Support.pollUntil(timeout, Duration.ofMillis(25), () -> {
                try (RespConnection connection = replica.connect(Duration.ofMillis(500))) {
                    Map<String, String> info = connection.info("replication");
                    return "up".equals(info.get("master_link_status"))
                            && "0".equals(info.get("master_sync_in_progress"));
                } catch (IOException e) {
                    return false;
                }
            });
            if (!synced) {
                throw new RedisTopologyException(replica.name() + " did not finish its initial sync within "
                        + timeout.toMillis() + " ms. Its log " + replica.logFile() + " ends with:\n"
                        + Support.indent(replica.logTail(30)));
            }
        }
    }

    private static String randomSentinelId() {
        StringBuilder id = new StringBuilder(40);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 40; i++) {
            id.append(Character.forDigit(random.nextInt(16), 16));
        }
        return id.toString();
    }

    /**
     * Options for a topology; {@link #start()} launches it. Defaults: master name {@code mymaster},
     * {@code down-after-milliseconds} 1 s, {@code failover-timeout} 3 s, no password, backend from
     * {@code -Dresilientredis.backend} (else auto), start timeout 30 s.
     */
    public static final class Builder {
        private final Shape shape;
        private int replicas;
        private int shards = 3;
        private Duration clusterNodeTimeout = Duration.ofSeconds(1);
        private String masterName = "mymaster";
        private Duration downAfter = Duration.ofSeconds(1);
        private Duration failoverTimeout = Duration.ofSeconds(3);
        private String password;
        private final List<String> directives = new ArrayList<>();
        private BackendType backend;
        private String redisServer;
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder(Shape shape, int replicas) {
            if (shape == Shape.CLUSTER ? replicas < 0 : shape != Shape.STANDALONE && replicas < 1) {
                throw new IllegalArgumentException(shape + " needs at least one replica, got " + replicas);
            }
            this.shape = shape;
            this.replicas = replicas;
        }

        /**
         * The name Sentinels monitor the master under.
         *
         * @param name the node name
         * @return this builder
         */
        public Builder masterName(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("A master name is letters, digits, '.', '_' or '-', got '" + name
                        + "'");
            }
            this.masterName = name;
            return this;
        }

        /**
         * A {@link Shape#CLUSTER} topology's replicas per shard (default 1; 0 gives masters that cannot fail
         * over).
         *
         * @param count 0 to 5
         * @return this builder
         * @throws IllegalStateException for other shapes
         */
        public Builder replicasPerShard(int count) {
            requireCluster("replicasPerShard");
            if (count < 0 || count > 5) {
                throw new IllegalArgumentException("replicasPerShard is 0 to 5, got " + count);
            }
            this.replicas = count;
            return this;
        }

        /**
         * A {@link Shape#CLUSTER} topology's {@code cluster-node-timeout} (default 1 s): how long a node must
         * be silent before the others count it as failing; a replica is promoted about one to two timeouts
         * after its master stopped answering.
         *
         * @param duration a positive duration
         * @return this builder
         * @throws IllegalStateException for other shapes
         */
        public Builder clusterNodeTimeout(Duration duration) {
            requireCluster("clusterNodeTimeout");
            this.clusterNodeTimeout = positive(duration, "clusterNodeTimeout");
            return this;
        }

        private void requireCluster(String option) {
            if (shape != Shape.CLUSTER) {
                throw new IllegalStateException(option + " is for RedisTopology.cluster(n), not " + shape);
            }
        }

        /**
         * Sentinel's {@code down-after-milliseconds}: how long the master must be silent to count as down.
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder downAfter(Duration duration) {
            this.downAfter = positive(duration, "downAfter");
            return this;
        }

        /**
         * Sentinel's {@code failover-timeout}.
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder failoverTimeout(Duration duration) {
            this.failoverTimeout = positive(duration, "failoverTimeout");
            return this;
        }

        /**
         * Protects the data nodes with a password: {@code requirepass} and {@code masterauth} on each, and
         * {@code sentinel auth-pass} on the Sentinels. It is written only to the node config files (mode
         * 0600), never to logs or {@code toString()}.
         *
         * @param password the password; not empty, no newline
         * @return this builder
         */
        public Builder password(String password) {
            if (password == null || password.isEmpty() || password.contains("\n")) {
                throw new IllegalArgumentException("A password must be non-empty and on one line");
            }
            this.password = password;
            return this;
        }

        /**
         * An extra redis.conf directive for every data node, such as {@code maxmemory 2mb}.
         *
         * @param directive one directive line, without newline
         * @return this builder
         */
        public Builder config(String directive) {
            if (directive == null || directive.isBlank() || directive.contains("\n")) {
                throw new IllegalArgumentException("A config directive is one non-blank line, got '" + directive + "'");
            }
            directives.add(directive.trim());
            return this;
        }

        /**
         * Forces a backend instead of {@code -Dresilientredis.backend}.
         *
         * @param type the backend
         * @return this builder
         */
        public Builder backend(BackendType type) {
            this.backend = Objects.requireNonNull(type, "backend");
            return this;
        }

        /**
         * The {@code redis-server} to run: a path, or {@code embedded} for the binary in the embedded-redis
         * jar. Overrides {@code -Dresilientredis.redis.server} and PATH.
         *
         * @param pathOrEmbedded a path to a {@code redis-server}, or {@code embedded}
         * @return this builder
         */
        public Builder redisServer(String pathOrEmbedded) {
            if (pathOrEmbedded == null || pathOrEmbedded.isBlank()) {
                throw new IllegalArgumentException("redisServer needs a path or 'embedded'");
            }
            this.redisServer = pathOrEmbedded;
            return this;
        }

        /**
         * How long each wait during start-up (a node answering, a sync, the Sentinels settling) may take.
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder startTimeout(Duration duration) {
            this.startTimeout = positive(duration, "startTimeout");
            return this;
        }

        /**
         * Starts every node and returns once each answers PING, every replica finished its initial sync and
         * every Sentinel sees the master, its replicas and the other Sentinels (a cluster: once every node
         * reports {@code cluster_state:ok} and the same slot map).
         *
         * @return the running topology; the caller closes it
         * @throws RedisTopologyException naming the node and showing its log when start-up fails; nodes
         *     already started are killed first
         */
        public RedisTopology start() {
            long begin = System.nanoTime();
            BackendType requested = backend != null ? backend : BackendType.parse(requestedBackend());
            RedisBinary binary = null;
            RedisTopologyException binaryProblem = null;
            if (requested != BackendType.CONTAINER) {
                try {
                    binary = RedisBinary.resolve(redisServer);
                } catch (RedisTopologyException e) {
                    binaryProblem = e;
                }
            }
            BackendType chosen;
            try {
                chosen = BackendSelection.choose(requested, binary != null, ContainerRedisNode::dockerAnswers);
            } catch (RedisTopologyException e) {
                if (binaryProblem != null) {
                    e.addSuppressed(binaryProblem);
                }
                throw e;
            }
            NodeBackend nodeBackend;
            String version;
            if (chosen == BackendType.PROCESS) {
                nodeBackend = NodeBackend.processes(binary, startTimeout);
                version = binary.version();
                LOG.info("Redis topology backend: process (requested {}), using {}",
                        requested.name().toLowerCase(Locale.ROOT), binary);
            } else {
                nodeBackend = NodeBackend.containers(startTimeout);
                version = ContainerRedisNode.IMAGE;
                LOG.info("Redis topology backend: container (requested {}), image {} with host networking",
                        requested.name().toLowerCase(Locale.ROOT), ContainerRedisNode.IMAGE);
            }
            Path directory = createDirectory();
            RedisTopology topology = new RedisTopology(shape, masterName, directory, chosen, version, nodeBackend);
            try {
                topology.startNodes(this);
            } catch (RuntimeException e) {
                try {
                    topology.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            LOG.info("Started {} in {} ms: {}", shape, (System.nanoTime() - begin) / 1_000_000, topology);
            return topology;
        }

        private static String requestedBackend() {
            String property = System.getProperty(BackendType.PROPERTY);
            return property != null ? property : System.getenv(BackendType.ENV);
        }

        private Path createDirectory() {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            String prefix = shape.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + stamp + "-";
            try {
                return Files.createTempDirectory(Support.workRoot(), prefix);
            } catch (IOException e) {
                throw new RedisTopologyException("Cannot create a topology folder under " + Support.workRoot() + ": "
                        + e.getMessage(), e);
            }
        }

        private static Duration positive(Duration duration, String what) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + duration);
            }
            return duration;
        }

        @Override
        public String toString() {
            return "RedisTopology.Builder[" + shape + (shape == Shape.CLUSTER ? ", shards " + shards : "")
                    + ", replicas " + replicas + ", master " + masterName
                    + (password != null ? ", password set" : "") + "]";
        }
    }
}
