package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The Redis Cluster of a {@link Shape#CLUSTER} topology: its shards, faults on them, failover and slot
 * migration. Every question is answered from the nodes' own {@code CLUSTER NODES} and {@code CLUSTER INFO}
 * replies, so a snapshot such as {@link #shards()} reflects failovers and migrations.
 *
 * <pre>{@code
 * try (RedisTopology topology = RedisTopology.cluster(3).replicasPerShard(1).start()) {
 *     RedisCluster cluster = topology.cluster();
 *     cluster.shard(1).master().kill();
 *     RedisNode promoted = cluster.awaitClusterFailover(1, Duration.ofSeconds(20));
 *     cluster.migrateSlot(ClusterSlots.slot("order:42"), cluster.shard(0).master(), promoted);
 * }
 * }</pre>
 *
 * <p>The cluster is built without {@code redis-cli}: the nodes start with {@code cluster-enabled yes},
 * each shard's first node gets its contiguous slot range ({@code CLUSTER ADDSLOTS}) and a config epoch of
 * its own, the nodes meet ({@code CLUSTER MEET}), the others replicate it ({@code CLUSTER REPLICATE}), and
 * start-up waits until every node reports {@code cluster_state:ok} and the same slot map. Every node
 * announces its own 127.0.0.1 address; replication and the cluster bus ({@code port + 10000}) run directly
 * between nodes.
 */
public final class RedisCluster {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int MIGRATE_BATCH = 100;
    private static final int MAX_REDIRECTS = 5;

    private final List<List<RedisNode>> members;
    private final Map<RedisNode, String> ids = new LinkedHashMap<>();
    private final String password;
    private final Duration nodeTimeout;
    /** Per shard, the master the harness last saw the whole cluster agree on. */
    private final AtomicReferenceArray<RedisNode> knownMasters;

    private RedisCluster(List<List<RedisNode>> members, String password, Duration nodeTimeout) {
        this.members = members;
        this.password = password;
        this.nodeTimeout = nodeTimeout;
        this.knownMasters = new AtomicReferenceArray<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            knownMasters.set(i, members.get(i).get(0));
        }
    }

    /**
     * Joins started cluster-enabled nodes into one cluster: per shard, its first node is the master of a
     * contiguous slot range and the others its replicas.
     */
    static RedisCluster form(List<List<RedisNode>> shards, String password, Duration nodeTimeout,
            Duration timeout) {
        List<List<RedisNode>> members = new ArrayList<>();
        for (List<RedisNode> shard : shards) {
            members.add(List.copyOf(shard));
        }
        RedisCluster cluster = new RedisCluster(Collections.unmodifiableList(members), password, nodeTimeout);
        try {
            cluster.build(timeout);
        } catch (IOException e) {
            throw new RedisTopologyException("Could not form the cluster: " + e.getMessage(), e);
        }
        return cluster;
    }

    private void build(Duration timeout) throws IOException {
        List<RedisNode> all = nodes();
        for (RedisNode node : all) {
            try (RespConnection connection = node.connect(CALL_TIMEOUT)) {
                ids.put(node, connection.callString("CLUSTER", "MYID"));
            }
        }
        int shardCount = members.size();
        for (int i = 0; i < shardCount; i++) {
            int first = ClusterSlots.SLOTS * i / shardCount;
            int last = ClusterSlots.SLOTS * (i + 1) / shardCount - 1;
            List<String> args = new ArrayList<>(last - first + 3);
            args.add("CLUSTER");
            args.add("ADDSLOTS");
            for (int slot = first; slot <= last; slot++) {
                args.add(Integer.toString(slot));
            }
            try (RespConnection connection = members.get(i).get(0).connect(CALL_TIMEOUT)) {
                connection.call(args.toArray(String[]::new));
                // Distinct epochs up front, as before any MEET: no epoch collision to resolve later.
                connection.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            }
        }
        RedisNode first = all.get(0);
        try (RespConnection connection = first.connect(CALL_TIMEOUT)) {
            for (RedisNode other : all.subList(1, all.size())) {
                connection.call("CLUSTER", "MEET", other.host(), Integer.toString(other.port()));
            }
        }
        await(timeout, "every node to know all " + all.size() + " nodes", () -> {
            for (RedisNode node : all) {
                ClusterView view = view(node);
                if (view.entries().size() != all.size()
                        || view.entries().values().stream().anyMatch(ClusterView.Entry::handshaking)) {
                    return false;
                }
            }
            return true;
        });
        for (List<RedisNode> shard : members) {
            String masterId = ids.get(shard.get(0));
            for (RedisNode replica : shard.subList(1, shard.size())) {
                try (RespConnection connection = replica.connect(CALL_TIMEOUT)) {
                    connection.call("CLUSTER", "REPLICATE", masterId);
                }
            }
        }
        await(timeout, "cluster_state:ok, one slot map on every node and every replica in sync", () -> {
            ClusterView view = agreedView(all);
            if (view == null) {
                return false;
            }
            for (List<RedisNode> shard : members) {
                String masterId = ids.get(shard.get(0));
                if (view.entry(masterId) == null || !view.entry(masterId).isMaster()
                        || view.entry(masterId).slots().isEmpty()) {
                    return false;
                }
                for (RedisNode replica : shard.subList(1, shard.size())) {
                    ClusterView.Entry entry = view.entry(ids.get(replica));
                    if (entry == null || entry.isMaster() || !masterId.equals(entry.masterId())
                            || !inSync(replica)) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    /** {@return how many shards (masters) the cluster has} */
    public int shardCount() {
        return members.size();
    }

    /** {@return the {@code cluster-node-timeout} the nodes run with} */
    public Duration nodeTimeout() {
        return nodeTimeout;
    }

    /** {@return every data node, shard by shard, each shard's first-started node first} */
    public List<RedisNode> nodes() {
        List<RedisNode> all = new ArrayList<>();
        members.forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    /**
     * The cluster's node id of a node (kept across restarts: it lives in the node's {@code nodes.conf}).
     *
     * @param node a node of this cluster
     * @return its 40-character node id
     */
    public String nodeId(RedisNode node) {
        String id = ids.get(Objects.requireNonNull(node, "node"));
        if (id == null) {
            throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
        }
        return id;
    }

    /**
     * Every shard as the first node that answers reports it now.
     *
     * @return the shards, by index
     * @throws RedisTopologyException when no node answers
     */
    public List<ClusterShard> shards() {
        ClusterView view = anyView();
        List<ClusterShard> shards = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            shards.add(shardFrom(i, view));
        }
        return Collections.unmodifiableList(shards);
    }

    /**
     * One shard as the first node that answers reports it now.
     *
     * @param index the shard's number, from 0
     * @return the shard
     */
    public ClusterShard shard(int index) {
        checkShard(index);
        return shardFrom(index, anyView());
    }

    /**
     * The shard serving a slot now.
     *
     * @param slot a slot, 0 to 16383
     * @return the shard whose master serves it
     * @throws RedisTopologyException when no shard serves it
     */
    public ClusterShard shardOf(int slot) {
        for (ClusterShard shard : shards()) {
            if (shard.owns(slot)) {
                return shard;
            }
        }
        throw new RedisTopologyException("no shard serves slot " + slot);
    }

    /**
     * The shard serving a key now.
     *
     * @param key a key
     * @return the shard whose master serves its slot
     */
    public ClusterShard shardOfKey(String key) {
        return shardOf(ClusterSlots.slot(key));
    }

    /**
     * SIGKILLs a shard's master.
     *
     * @param shard the shard's number
     * @return the killed node (restart it with {@link RedisNode#restart()}: it rejoins as a replica once a
     *     replica was promoted)
     */
    public RedisNode killMaster(int shard) {
        RedisNode master = shard(shard).master();
        master.kill();
        return master;
    }

    /**
     * SIGSTOPs a shard's master (resume it with {@link RedisNode#resume()}).
     *
     * @param shard the shard's number
     * @return the frozen node
     */
    public RedisNode freezeMaster(int shard) {
        RedisNode master = shard(shard).master();
        master.freeze();
        return master;
    }

    /**
     * SIGKILLs every node of a shard: its slots have no server until {@link #restartShard(int)}; the other
     * shards keep serving theirs.
     *
     * @param shard the shard's number
     */
    public void killShard(int shard) {
        checkShard(shard);
        members.get(shard).forEach(RedisNode::kill);
    }

    /**
     * SIGSTOPs every node of a shard.
     *
     * @param shard the shard's number
     */
    public void freezeShard(int shard) {
        checkShard(shard);
        members.get(shard).forEach(RedisNode::freeze);
    }

    /**
     * SIGCONTs every node of a shard.
     *
     * @param shard the shard's number
     */
    public void resumeShard(int shard) {
        checkShard(shard);
        members.get(shard).forEach(RedisNode::resume);
    }

    /**
     * Restarts every node of a shard (see {@link RedisNode#restart()}); each rejoins with its node id and
     * its view of the cluster from its {@code nodes.conf}. Follow with {@link #awaitClusterOk(Duration)}.
     *
     * @param shard the shard's number
     */
    public void restartShard(int shard) {
        checkShard(shard);
        members.get(shard).forEach(RedisNode::restart);
    }

    /**
     * Waits until every node that answers reports {@code cluster_state:ok} and the same slot map.
     *
     * @param timeout how long to wait at most
     * @throws RedisTopologyException with every node's view when it does not happen in time
     */
    public void awaitClusterOk(Duration timeout) {
        await(timeout, "cluster_state:ok and one slot map on every answering node", () -> {
            ClusterView view = agreedView(answering());
            if (view == null) {
                return false;
            }
            for (int i = 0; i < members.size(); i++) {
                knownMasters.set(i, shardFrom(i, view).master());
            }
            return true;
        });
    }

    /**
     * Waits for a shard's failover: another member of the shard than its master before (as last seen by
     * start-up, this method or {@link #awaitClusterOk}) is master of the shard's slots in the view of every
     * node that answers, says so itself ({@code ROLE}), and every answering node reports
     * {@code cluster_state:ok} again.
     *
     * @param shard the shard's number
     * @param timeout how long to wait at most
     * @return the promoted master
     * @throws RedisTopologyException with every node's view when it does not happen in time
     */
    public RedisNode awaitClusterFailover(int shard, Duration timeout) {
        checkShard(shard);
        RedisNode previous = knownMasters.get(shard);
        RedisNode[] promoted = new RedisNode[1];
        await(timeout, "a replica of shard " + shard + " to replace " + previous.name() + " as master", () -> {
            ClusterView view = agreedView(answering());
            if (view == null) {
                return false;
            }
            for (RedisNode member : members.get(shard)) {
                ClusterView.Entry entry = view.entry(ids.get(member));
                if (member != previous && entry != null && entry.isMaster() && !entry.failed()
                        && !entry.slots().isEmpty() && reportsMaster(member)) {
                    promoted[0] = member;
                    return true;
                }
            }
            return false;
        });
        knownMasters.set(shard, promoted[0]);
        return promoted[0];
    }

    /**
     * Moves one slot, with its keys, from one master to another the way {@code redis-cli --cluster
     * reshard} does: {@code CLUSTER SETSLOT slot IMPORTING} on the target, {@code MIGRATING} on the source,
     * {@code MIGRATE} of the slot's keys in batches, then {@code CLUSTER SETSLOT slot NODE} on the target, the
     * source and every other answering master; returns once every answering node sees the target as the
     * slot's owner. Clients meanwhile get {@code ASK} for keys already moved, then {@code MOVED}.
     *
     * @param slot the slot, 0 to 16383
     * @param from the master serving it now
     * @param to another master
     * @throws RedisTopologyException when a step fails or the nodes do not agree within the start timeout
     */
    public void migrateSlot(int slot, RedisNode from, RedisNode to) {
        if (slot < 0 || slot >= ClusterSlots.SLOTS) {
            throw new IllegalArgumentException("a slot is 0 to 16383, got " + slot);
        }
        String fromId = nodeId(from);
        String toId = nodeId(to);
        if (fromId.equals(toId)) {
            throw new IllegalArgumentException("migrateSlot needs two different masters, got " + from.name()
                    + " twice");
        }
        String s = Integer.toString(slot);
        try (RespConnection source = from.connect(CALL_TIMEOUT); RespConnection target = to.connect(CALL_TIMEOUT)) {
            target.call("CLUSTER", "SETSLOT", s, "IMPORTING", fromId);
            source.call("CLUSTER", "SETSLOT", s, "MIGRATING", toId);
            while (true) {
                Object keys = source.call("CLUSTER", "GETKEYSINSLOT", s, Integer.toString(MIGRATE_BATCH));
                if (!(keys instanceof List<?> list) || list.isEmpty()) {
                    break;
                }
                List<String> migrate = new ArrayList<>(List.of("MIGRATE", to.host(), Integer.toString(to.port()),
                        "", "0", Long.toString(CALL_TIMEOUT.toMillis()), "REPLACE"));
                if (password != null) {
                    migrate.add("AUTH");
                    migrate.add(password);
                }
                migrate.add("KEYS");
                list.forEach(key -> migrate.add(String.valueOf(key)));
                source.call(migrate.toArray(String[]::new));
            }
            target.call("CLUSTER", "SETSLOT", s, "NODE", toId);
            source.call("CLUSTER", "SETSLOT", s, "NODE", toId);
        } catch (IOException e) {
            throw new RedisTopologyException("Migrating slot " + slot + " from " + from.name() + " to " + to.name()
                    + " failed: " + e.getMessage(), e);
        }
        for (ClusterShard shard : shards()) {
            RedisNode master = shard.master();
            if (master != from && master != to && master.answersPing(PROBE_TIMEOUT)) {
                try (RespConnection connection = master.connect(CALL_TIMEOUT)) {
                    connection.call("CLUSTER", "SETSLOT", s, "NODE", toId);
                } catch (IOException e) {
                    throw new RedisTopologyException("Telling " + master.name() + " that " + to.name()
                            + " serves slot " + slot + " failed: " + e.getMessage(), e);
                }
            }
        }
        await(Duration.ofSeconds(10), "every answering node to see " + to.name() + " serving slot " + slot, () -> {
            ClusterView view = agreedView(answering());
            return view != null && toId.equals(view.ownerOf(slot));
        });
    }

    /**
     * Sends a command about {@code key} to the master serving the key's slot, following {@code MOVED} and
     * {@code ASK} redirections (at most 5): a minimal cluster-aware client for tests.
     *
     * @param key the key the command is about (it picks the slot)
     * @param command the command and its arguments
     * @return the reply, as {@link RespConnection#call} returns it
     * @throws IOException when the node fails, answers with an error or redirects too often
     */
    public Object call(String key, String... command) throws IOException {
        RedisNode node = shardOfKey(key).master();
        boolean asking = false;
        for (int redirect = 0; ; redirect++) {
            try (RespConnection connection = node.connect(CALL_TIMEOUT)) {
                if (asking) {
                    connection.call("ASKING");
                }
                return connection.call(command);
            } catch (RespConnection.ErrorReply e) {
                Redirect to = Redirect.of(e.reply());
                if (to == null || redirect == MAX_REDIRECTS) {
                    throw e;
                }
                node = nodeOnPort(to.port());
                asking = to.ask();
            }
        }
    }

    /** A {@code MOVED slot host:port} or {@code ASK slot host:port} error reply. */
    record Redirect(boolean ask, int slot, String host, int port) {

        /** The redirection an error reply asks for, or null when it is another error. */
        static Redirect of(String reply) {
            String[] parts = reply.split(" ");
            if (parts.length != 3 || !("MOVED".equals(parts[0]) || "ASK".equals(parts[0]))) {
                return null;
            }
            int colon = parts[2].lastIndexOf(':');
            return new Redirect("ASK".equals(parts[0]), Integer.parseInt(parts[1]), parts[2].substring(0, colon),
                    Integer.parseInt(parts[2].substring(colon + 1)));
        }
    }

    private RedisNode nodeOnPort(int port) {
        for (RedisNode node : nodes()) {
            if (node.port() == port) {
                return node;
            }
        }
        throw new RedisTopologyException("no node of this cluster listens on port " + port);
    }

    // ---------------------------------------------------------------- views

    private ClusterShard shardFrom(int index, ClusterView view) {
        List<RedisNode> shard = members.get(index);
        RedisNode master = null;
        for (RedisNode member : shard) {
            ClusterView.Entry entry = view.entry(ids.get(member));
            if (entry != null && entry.isMaster() && !entry.slots().isEmpty()) {
                master = member;
                break;
            }
        }
        if (master == null) {
            for (RedisNode member : shard) {
                ClusterView.Entry entry = view.entry(ids.get(member));
                if (entry != null && entry.isMaster() && !entry.failed()) {
                    master = member;
                    break;
                }
            }
        }
        if (master == null) {
            master = knownMasters.get(index);
        }
        List<RedisNode> replicas = new ArrayList<>(shard);
        replicas.remove(master);
        ClusterView.Entry entry = view.entry(ids.get(master));
        return new ClusterShard(index, master, replicas, entry == null ? List.of() : entry.slots());
    }

    private ClusterView anyView() {
        for (RedisNode node : nodes()) {
            if (node.isRunning() && node.answersPing(PROBE_TIMEOUT)) {
                try {
                    return view(node);
                } catch (IOException | RuntimeException e) {
                    // try the next node
                }
            }
        }
        throw new RedisTopologyException("no node of the cluster answers CLUSTER NODES");
    }

    private List<RedisNode> answering() {
        List<RedisNode> live = new ArrayList<>();
        for (RedisNode node : nodes()) {
            if (node.isRunning() && node.answersPing(PROBE_TIMEOUT)) {
                live.add(node);
            }
        }
        return live;
    }

    /** The view all of {@code nodes} share while each reports {@code cluster_state:ok}; else null. */
    private ClusterView agreedView(List<RedisNode> nodes) {
        if (nodes.isEmpty()) {
            return null;
        }
        ClusterView agreed = null;
        try {
            for (RedisNode node : nodes) {
                if (!"ok".equals(clusterInfo(node).get("cluster_state"))) {
                    return null;
                }
                ClusterView view = view(node);
                if (agreed == null) {
                    agreed = view;
                } else if (!agreed.signature().equals(view.signature())) {
                    return null;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return agreed;
    }

    private static ClusterView view(RedisNode node) throws IOException {
        try (RespConnection connection = node.connect(CALL_TIMEOUT)) {
            return ClusterView.parse(connection.callString("CLUSTER", "NODES"));
        }
    }

    private static Map<String, String> clusterInfo(RedisNode node) throws IOException {
        try (RespConnection connection = node.connect(CALL_TIMEOUT)) {
            return RespConnection.parseInfo(connection.callString("CLUSTER", "INFO"));
        }
    }

    private static boolean inSync(RedisNode replica) {
        try (RespConnection connection = replica.connect(CALL_TIMEOUT)) {
            Map<String, String> info = connection.info("replication");
            return "up".equals(info.get("master_link_status")) && "0".equals(info.get("master_sync_in_progress"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean reportsMaster(RedisNode node) {
        try {
            return node.role() == Role.MASTER;
        } catch (RedisTopologyException e) {
            return false;
        }
    }

    /** Every node's CLUSTER INFO state and CLUSTER NODES, for a failure message. */
    String describeViews() {
        StringBuilder text = new StringBuilder();
        for (RedisNode node : nodes()) {
            text.append("\n---- ").append(node.name()).append(' ').append(node.host()).append(':')
                    .append(node.port());
            if (!node.isRunning() || !node.answersPing(PROBE_TIMEOUT)) {
                text.append(" (not answering)");
                continue;
            }
            try (RespConnection connection = node.connect(CALL_TIMEOUT)) {
                text.append(" cluster_state:").append(RespConnection.parseInfo(
                        connection.callString("CLUSTER", "INFO")).get("cluster_state")).append('\n')
                        .append(Support.indent(connection.callString("CLUSTER", "NODES").trim()));
            } catch (IOException e) {
                text.append(" (").append(e.getMessage()).append(')');
            }
        }
        return text.toString();
    }

    private void await(Duration timeout, String what, IoCondition condition) {
        boolean done = Support.pollUntil(timeout, POLL, () -> {
            try {
                return condition.holds();
            } catch (IOException e) {
                return false;
            }
        });
        if (!done) {
            throw new RedisTopologyException("Waited " + timeout.toMillis() + " ms for " + what
                    + ", in vain. The nodes report:" + describeViews());
        }
    }

    private void checkShard(int index) {
        if (index < 0 || index >= members.size()) {
            throw new IllegalArgumentException("shards are numbered 0 to " + (members.size() - 1) + ", got " + index);
        }
    }

    @FunctionalInterface
    private interface IoCondition {
        boolean holds() throws IOException;
    }

    @Override
    public String toString() {
        return "RedisCluster[" + members.size() + " shards, nodes " + nodes() + "]";
    }
}
