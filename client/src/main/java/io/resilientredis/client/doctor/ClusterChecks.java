package io.resilientredis.client.doctor;

import static io.resilientredis.client.doctor.Format.millis;
import static io.resilientredis.client.doctor.Format.parseInt;
import static io.resilientredis.client.doctor.Format.parseLong;

import io.resilientredis.client.internal.resp.RespClient;
import io.resilientredis.client.internal.resp.RespError;
import io.resilientredis.client.internal.resp.RespReplies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The Redis Cluster part of the runbook, run when the node the doctor reached reports
 * {@code cluster_enabled:1}: the cluster's state, slot coverage, every listed node reachable, a
 * replica per master and no node flagged failing. The judgements ({@link #state}, {@link #slots},
 * {@link #replicas}, {@link #failures}) and the parser of {@code CLUSTER NODES} ({@link #parseNodes})
 * are pure functions of the replies; {@link #run} asks the nodes through {@link NetworkSteps}.
 *
 * <p>Nodes announce their own address in {@code CLUSTER NODES}; behind NAT, containers or a proxy
 * that is not the address this machine dials, so each announced {@code host:port} is looked up in
 * the endpoint's NAT map first (the same map the client uses for Sentinel-reported addresses).
 */
final class ClusterChecks {

    /** The cluster checks, in runbook order ({@link CheckName#CLUSTER_NODE} once per node). */
    static final List<CheckName> CHECKS = List.of(CheckName.CLUSTER_STATE, CheckName.CLUSTER_SLOTS,
            CheckName.CLUSTER_NODE, CheckName.CLUSTER_REPLICAS, CheckName.CLUSTER_FAILURES);

    /** Hash slots of every Redis Cluster. */
    static final int SLOTS = 16384;

    private final NetworkSteps network;
    private final Findings findings;

    ClusterChecks(NetworkSteps network, Findings findings) {
        this.network = network;
        this.findings = findings;
    }

    /**
     * One line of {@code CLUSTER NODES}.
     *
     * @param id the node id
     * @param address the announced {@code host:port} (empty when the node has no address yet)
     * @param flags {@code myself}, {@code master}, {@code slave}, {@code fail?}, {@code fail}, ...
     * @param masterId a replica's master id, else {@code -}
     * @param linkState {@code connected} or {@code disconnected} (the cluster bus, as the asked node sees it)
     * @param slots the slots the node serves (a master's)
     * @param migrating slots in migration to or from this node ({@code [slot->-id]}, {@code [slot-<-id]})
     */
    record Node(String id, String address, Set<String> flags, String masterId, String linkState, BitSet slots,
                List<Integer> migrating) {

        boolean master() {
            return flags.contains("master");
        }

        boolean replica() {
            return flags.contains("slave") || flags.contains("replica");
        }

        boolean myself() {
            return flags.contains("myself");
        }

        /** @return whether the node is flagged {@code fail} or {@code fail?} */
        boolean failing() {
            return flags.contains("fail") || flags.contains("fail?");
        }

        int slotCount() {
            return slots.cardinality();
        }

        /** @return {@code host:port}, or the id's first 8 characters when the node has no address */
        String shown() {
            return address.isEmpty() ? "node " + id.substring(0, Math.min(8, id.length())) : address;
        }
    }

    /**
     * @param info the fields of {@code INFO}
     * @return whether the node runs in cluster mode ({@code cluster_enabled:1})
     */
    static boolean isCluster(Map<String, String> info) {
        return "1".equals(info.get("cluster_enabled"));
    }

    /**
     * Parses the text of {@code CLUSTER NODES}: one node per line, {@code <id> <ip:port@cport[,hostname]>
     * <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...}. Lines that do not
     * have the eight fixed fields are skipped.
     *
     * @param text the reply
     * @return the nodes, in the order listed
     */
    static List<Node> parseNodes(String text) {
        List<Node> nodes = new ArrayList<>();
        if (text == null) {
            return nodes;
        }
        for (String raw : text.split("\r?\n")) {
            String[] f = raw.strip().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            String address = f[1];
            int at = address.indexOf('@');
            if (at >= 0) {
                address = address.substring(0, at);
            } else if (address.indexOf(',') >= 0) {
                address = address.substring(0, address.indexOf(','));
            }
            if (address.startsWith(":")) {
                address = ""; // no address known yet (":0" or ":port" before the node met another)
            }
            Set<String> flags = new LinkedHashSet<>(List.of(f[2].split(",")));
            BitSet slots = new BitSet(SLOTS);
            List<Integer> migrating = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                String s = f[i];
                if (s.startsWith("[")) {
                    int end = s.indexOf('-');
                    int slot = parseInt(s.substring(1, end > 0 ? end : s.length()), -1);
                    if (slot >= 0) {
                        migrating.add(slot);
                    }
                    continue;
                }
                int dash = s.indexOf('-');
                int first = parseInt(dash > 0 ? s.substring(0, dash) : s, -1);
                int last = dash > 0 ? parseInt(s.substring(dash + 1), -1) : first;
                if (first >= 0 && last >= first && last < SLOTS) {
                    slots.set(first, last + 1);
                }
            }
            nodes.add(new Node(f[0], address, flags, f[3], f[7], slots, migrating));
        }
        return nodes;
    }

    /**
     * {@link CheckName#CLUSTER_STATE}: {@code cluster_state} of {@code CLUSTER INFO}.
     *
     * @param clusterInfo the fields of {@code CLUSTER INFO}
     * @param target the node asked
     * @return the check; a failure unless {@code ok}
     */
    static DoctorCheck state(Map<String, String> clusterInfo, String target) {
        String state = clusterInfo.getOrDefault("cluster_state", "?");
        String finding = "cluster_state:" + state + ", " + clusterInfo.getOrDefault("cluster_known_nodes", "?")
                + " known nodes, " + clusterInfo.getOrDefault("cluster_size", "?") + " masters serving slots, "
                + "current epoch " + clusterInfo.getOrDefault("cluster_current_epoch", "?");
        if ("ok".equals(state)) {
            return DoctorCheck.pass(CheckName.CLUSTER_STATE, target, finding);
        }
        return DoctorCheck.fail(CheckName.CLUSTER_STATE, target, finding + ": this node refuses commands with "
                        + "CLUSTERDOWN",
                "the cluster is down as this node sees it: some slots have no master (unassigned, or their master "
                        + "failed with no replica promoted yet), or this node is cut off from the majority of "
                        + "masters; the slot, node and flag checks below say which, fix that and the state turns "
                        + "ok by itself");
    }

    /**
     * {@link CheckName#CLUSTER_SLOTS}: every slot assigned, by {@code cluster_slots_assigned} and by the
     * masters' slot ranges in {@code CLUSTER NODES}; a slot in migration is a warning.
     *
     * @param clusterInfo the fields of {@code CLUSTER INFO}
     * @param nodes the parsed {@code CLUSTER NODES}
     * @param target the node asked
     * @return the check
     */
    static DoctorCheck slots(Map<String, String> clusterInfo, List<Node> nodes, String target) {
        BitSet covered = new BitSet(SLOTS);
        Set<Integer> migrating = new java.util.TreeSet<>();
        for (Node node : nodes) {
            if (node.master()) {
                covered.or(node.slots());
            }
            migrating.addAll(node.migrating());
        }
        long assigned = parseLong(clusterInfo.get("cluster_slots_assigned"), covered.cardinality());
        long failing = parseLong(clusterInfo.get("cluster_slots_fail"), 0);
        long pfailing = parseLong(clusterInfo.get("cluster_slots_pfail"), 0);
        String served = failing + pfailing > 0 ? " (" + failing + " served by a master flagged fail, " + pfailing
                + " by one flagged fail?)" : "";
        if (assigned < SLOTS || covered.cardinality() < SLOTS) {
            BitSet missing = new BitSet(SLOTS);
            missing.set(0, SLOTS);
            missing.andNot(covered);
            return DoctorCheck.fail(CheckName.CLUSTER_SLOTS, target, "cluster_slots_assigned:" + assigned + " of "
                            + SLOTS + "; no master serves slot(s) " + ranges(missing, 8) + served,
                    "assign the missing slots to a master: CLUSTER ADDSLOTSRANGE <first> <last> (Redis 7; CLUSTER "
                            + "ADDSLOTS before) on the master that should own them, or redis-cli --cluster fix; until "
                            + "then keys in those slots fail with CLUSTERDOWN, and with cluster-require-full-coverage "
                            + "yes (the default) so does every key");
        }
        String finding = "all " + SLOTS + " slots assigned" + served;
        if (!migrating.isEmpty()) {
            BitSet moving = new BitSet(SLOTS);
            migrating.forEach(moving::set);
            return DoctorCheck.warn(CheckName.CLUSTER_SLOTS, target, finding + "; slot(s) " + ranges(moving, 8)
                            + " in migration (MIGRATING/IMPORTING)",
                    "a resharding is running or was left half done: clients get ASK redirects for those slots; "
                            + "let it finish, or complete it with CLUSTER SETSLOT <slot> NODE <target-id> on both "
                            + "nodes (redis-cli --cluster fix does this)");
        }
        return DoctorCheck.pass(CheckName.CLUSTER_SLOTS, target, finding + " to "
                + nodes.stream().filter(n -> n.master() && n.slotCount() > 0).count() + " masters");
    }

    /**
     * {@link CheckName#CLUSTER_REPLICAS}: every master that serves slots has a replica that is connected:
     * one {@code CLUSTER NODES} lists as its replica, not flagged failing, and, when the master answered
     * {@code INFO replication}, counted in its {@code connected_slaves}.
     *
     * @param nodes the parsed {@code CLUSTER NODES}
     * @param connectedReplicas a master's id to its {@code connected_slaves}, for the masters that answered
     * @param target the node asked
     * @return the check; a warning naming each master without a connected replica
     */
    static DoctorCheck replicas(List<Node> nodes, Map<String, Integer> connectedReplicas, String target) {
        List<String> covered = new ArrayList<>();
        List<String> bare = new ArrayList<>();
        for (Node master : nodes) {
            if (!master.master() || master.slotCount() == 0) {
                continue;
            }
            List<String> healthy = new ArrayList<>();
            for (Node replica : nodes) {
                if (replica.replica() && master.id().equals(replica.masterId()) && !replica.failing()
                        && !"disconnected".equals(replica.linkState())) {
                    healthy.add(replica.shown());
                }
            }
            Integer connected = connectedReplicas.get(master.id());
            String name = master.shown() + " (slots " + ranges(master.slots(), 3) + ")";
            if (healthy.isEmpty() || (connected != null && connected < 1)) {
                bare.add(name + (connected != null ? ": connected_slaves:" + connected : "")
                        + (healthy.isEmpty() ? ", no healthy replica listed" : ", listed " + String.join(", ", healthy)));
            } else {
                covered.add(master.shown() + ": " + String.join(", ", healthy));
            }
        }
        if (!bare.isEmpty()) {
            return DoctorCheck.warn(CheckName.CLUSTER_REPLICAS, target, bare.size() + " master(s) without a connected "
                            + "replica: " + String.join("; ", bare),
                    "if such a master fails, its slots have no server until it returns, and what it had not saved "
                            + "is lost: restart its replica, or add one (start a cluster node, CLUSTER MEET it, then "
                            + "CLUSTER REPLICATE <master-id> on it); cluster-allow-replica-migration lets a spare "
                            + "replica of another master move over");
        }
        if (covered.isEmpty()) {
            return DoctorCheck.warn(CheckName.CLUSTER_REPLICAS, target, "CLUSTER NODES lists no master serving slots",
                    "assign slots to the masters (see the slot coverage check)");
        }
        return DoctorCheck.pass(CheckName.CLUSTER_REPLICAS, target, "every master has a connected replica: "
                + String.join("; ", covered));
    }

    /**
     * {@link CheckName#CLUSTER_FAILURES}: no node flagged {@code fail} or {@code fail?}; a master that still
     * serves slots is a failure (its keys fail until a replica takes over), any other node a warning.
     *
     * @param nodes the parsed {@code CLUSTER NODES}
     * @param target the node asked
     * @return the check
     */
    static DoctorCheck failures(List<Node> nodes, String target) {
        List<String> serving = new ArrayList<>();
        List<String> others = new ArrayList<>();
        List<String> odd = new ArrayList<>();
        for (Node node : nodes) {
            if (node.failing()) {
                String flag = node.flags().contains("fail") ? "fail (the masters agreed it is down)"
                        : "fail? (pfail: the asked node has not heard from it for cluster-node-timeout)";
                String text = node.shown() + " " + (node.master() ? "master" : "replica") + " flagged " + flag;
                if (node.master() && node.slotCount() > 0) {
                    serving.add(text + ", still owner of slots " + ranges(node.slots(), 3));
                } else {
                    others.add(text);
                }
            } else if (node.flags().contains("handshake") || node.flags().contains("noaddr")) {
                odd.add(node.shown() + " flagged " + String.join(",", node.flags()));
            }
        }
        if (!serving.isEmpty()) {
            serving.addAll(others);
            return DoctorCheck.fail(CheckName.CLUSTER_FAILURES, target, String.join("; ", serving),
                    "a master is down and its slots are unserved until a replica is promoted (after "
                            + "cluster-node-timeout and an election, by itself) or it returns: restart it, and "
                            + "check that its shard has a healthy replica; a shard without one stays down");
        }
        if (!others.isEmpty()) {
            return DoctorCheck.warn(CheckName.CLUSTER_FAILURES, target, String.join("; ", others),
                    "restart the node: it rejoins with its nodes.conf (a former master as a replica of the "
                            + "promoted one); for a node removed for good, CLUSTER FORGET <id> on every other node");
        }
        if (!odd.isEmpty()) {
            return DoctorCheck.warn(CheckName.CLUSTER_FAILURES, target, String.join("; ", odd),
                    "a node stuck in handshake or without an address is one that was met but never answered: "
                            + "check that the cluster bus port (port + 10000) is open between the nodes, or CLUSTER "
                            + "FORGET it");
        }
        return DoctorCheck.pass(CheckName.CLUSTER_FAILURES, target, "no node flagged fail or fail? ("
                + nodes.size() + " nodes)");
    }

    /**
     * @param slots a set of slots
     * @param max how many ranges to show before {@code ...}
     * @return the set as ranges, such as {@code 0-99, 5000, 6000-6001}
     */
    static String ranges(BitSet slots, int max) {
        List<String> parts = new ArrayList<>();
        int shown = 0;
        for (int first = slots.nextSetBit(0); first >= 0; ) {
            int end = slots.nextClearBit(first);
            if (shown == max) {
                parts.add("...");
                break;
            }
            parts.add(end - 1 == first ? Integer.toString(first) : first + "-" + (end - 1));
            shown++;
            first = slots.nextSetBit(end);
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    // ------------------------------------------------------------------ the network part

    /**
     * Runs the cluster checks from a node already connected and authenticated.
     *
     * @param seed the connection to the node the doctor reached
     * @param seedNode that node
     * @param natMap announced {@code host:port} to dialled {@code host:port}
     */
    void run(RespClient seed, DataNode seedNode, Map<String, String> natMap) {
        String target = seedNode.address();
        Map<String, String> clusterInfo;
        List<Node> nodes;
        try {
            Object info = seed.call("CLUSTER", "INFO");
            Object listed = info instanceof RespError ? info : seed.call("CLUSTER", "NODES");
            if (listed instanceof RespError error) {
                findings.add(DoctorCheck.warn(CheckName.CLUSTER_STATE, target, "CLUSTER INFO/NODES refused: "
                                + error.message(),
                        "run doctor as a user allowed them (ACL SETUSER <user> +cluster|info +cluster|nodes)"));
                findings.skipAll(CHECKS.subList(1, CHECKS.size()), target, "CLUSTER INFO/NODES refused");
                return;
            }
            clusterInfo = RespReplies.info(String.valueOf(info));
            nodes = parseNodes(String.valueOf(listed));
        } catch (IOException e) {
            findings.add(DoctorCheck.fail(CheckName.CLUSTER_STATE, target, "CLUSTER INFO got no usable reply: "
                    + NetworkSteps.describe(e), network.replyFailureFix(e)));
            findings.skipAll(CHECKS.subList(1, CHECKS.size()), target, "CLUSTER INFO failed");
            return;
        }
        findings.add(state(clusterInfo, target));
        findings.add(slots(clusterInfo, nodes, target));
        Map<String, Integer> connectedReplicas = new LinkedHashMap<>();
        for (Node node : nodes) {
            if (node.address().isEmpty()) {
                findings.add(DoctorCheck.warn(CheckName.CLUSTER_NODE, node.shown(), "listed without an address ("
                                + String.join(",", node.flags()) + ")",
                        "the node was met but never answered on the cluster bus: check port + 10000 between the "
                                + "nodes, or CLUSTER FORGET " + node.id() + " on every node"));
                continue;
            }
            Integer connected = reach(node, seedNode, natMap);
            if (connected != null) {
                connectedReplicas.put(node.id(), connected);
            }
        }
        findings.add(replicas(nodes, connectedReplicas, target));
        findings.add(failures(nodes, target));
    }

    /**
     * {@link CheckName#CLUSTER_NODE} for one node: connect (through the NAT map), TLS when the seed used
     * it, AUTH with the seed's credentials, PING; for a master, {@code INFO replication}.
     *
     * @return a reached master's {@code connected_slaves}, else null
     */
    private Integer reach(Node node, DataNode seedNode, Map<String, String> natMap) {
        String announced = node.address();
        String dialled = natMap.getOrDefault(announced, announced);
        String via = dialled.equals(announced) ? "" : " (dialled as " + dialled + " via the NAT map)";
        String role = node.master() ? "master of " + node.slotCount() + " slots" : "replica";
        int colon = dialled.lastIndexOf(':');
        int port = colon > 0 ? parseInt(dialled.substring(colon + 1), -1) : -1;
        if (port <= 0) {
            findings.add(DoctorCheck.warn(CheckName.CLUSTER_NODE, announced, "cannot tell the port of " + dialled,
                    "check the NAT map entry for " + announced + ": host:port"));
            return null;
        }
        String host = dialled.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String notMapped = natMap.isEmpty() || !dialled.equals(announced) ? ""
                : "; the NAT map has no entry for this announced address";
        InetAddress[] resolved;
        try {
            resolved = network.resolve(host);
        } catch (UnknownHostException | TimeoutException e) {
            findings.add(DoctorCheck.fail(CheckName.CLUSTER_NODE, announced, role + ": host '" + host
                            + "' does not resolve" + via,
                    "nodes announce this address to clients: set cluster-announce-ip (or cluster-announce-hostname) "
                            + "to an address clients can reach, or map it with a NAT map (--nat-map, "
                            + "RedisEndpoint.withNatMap)" + notMapped));
            return null;
        }
        long start = System.nanoTime();
        Socket socket;
        try {
            socket = network.connect(resolved, port);
        } catch (IOException e) {
            String[] why = network.connectFailure(e, dialled, "the cluster node");
            findings.add(DoctorCheck.fail(CheckName.CLUSTER_NODE, announced, role + ": " + why[0] + via,
                    why[1] + "; a cluster client routes this node's slots here, so its keys fail until it answers "
                            + "or a replica takes over; when clients reach the nodes through NAT or a proxy, map the "
                            + "announced addresses (--nat-map, RedisEndpoint.withNatMap)" + notMapped));
            return null;
        }
        try {
            if (seedNode.tls()) {
                DataNode asNode = new DataNode(host, port, true, seedNode.username(), seedNode.password(), 0, false,
                        null);
                try {
                    socket = network.handshakeQuietly(socket, asNode);
                } catch (IOException e) {
                    String[] why = network.tlsFailure(e, dialled);
                    findings.add(DoctorCheck.fail(CheckName.CLUSTER_NODE, announced, role + ": " + why[0] + via,
                            why[1]));
                    return null;
                }
            }
            try (RespClient connection = new RespClient(socket)) {
                if (seedNode.password() != null) {
                    Object auth = seedNode.username() != null
                            ? connection.call("AUTH", seedNode.username(), seedNode.password())
                            : connection.call("AUTH", seedNode.password());
                    if (auth instanceof RespError error && !error.message().toUpperCase(Locale.ROOT)
                            .contains("WITHOUT ANY PASSWORD CONFIGURED")) {
                        findings.add(DoctorCheck.fail(CheckName.CLUSTER_NODE, announced, role + ": AUTH answered "
                                        + error.code() + via,
                                "every node of a cluster needs the same credentials the client gives the seed: set "
                                        + "the same requirepass (or ACL user) on this node"));
                        return null;
                    }
                }
                Object pong = connection.call("PING");
                String took = millis(System.nanoTime() - start);
                if (pong instanceof RespError error) {
                    findings.add(DoctorCheck.fail(CheckName.CLUSTER_NODE, announced, role + ": PING answered "
                                    + error.message() + via,
                            "LOADING".equals(error.code()) ? "the node is loading its dataset; wait for it"
                                    : "give the same credentials every node accepts, and see the node's log"));
                    return null;
                }
                Integer connected = null;
                String replicasText = "";
                if (node.master()) {
                    Object info = connection.call("INFO", "replication");
                    if (!(info instanceof RespError)) {
                        Map<String, String> fields = RespReplies.info(String.valueOf(info));
                        connected = parseInt(fields.get("connected_slaves"), 0);
                        replicasText = ", " + connected + " connected replica(s)";
                    }
                }
                findings.add(DoctorCheck.pass(CheckName.CLUSTER_NODE, announced, role + replicasText + ", " + pong
                        + " in " + took + " ms" + via));
                return connected;
            }
        } catch (java.io.EOFException e) {
            // Typical of a proxy or load balancer in front of a node that is down: it accepts, then closes.
            findings.add(DoctorCheck.fail(CheckName.CLUSTER_NODE, announced, role + ": connected, but the connection "
                            + "closed before any reply" + via,
                    (via.isEmpty() ? "" : "the NAT map sends this node through another address (a proxy, a load "
                            + "balancer, a port forward) that accepted and hung up: the node behind it is probably "
                            + "down, or the forward points nowhere; ")
                            + "check that the node runs and answers on " + announced + "; a cluster client routes "
                            + "this node's slots here, so its keys fail until it answers or a replica takes over"));
            return null;
        } catch (IOException e) {
            findings.add(DoctorCheck.fail(CheckName.CLUSTER_NODE, announced, role + ": no usable reply: "
                    + NetworkSteps.describe(e) + via, network.replyFailureFix(e)));
            return null;
        } finally {
            NetworkSteps.closeQuietly(socket);
        }
    }
}
