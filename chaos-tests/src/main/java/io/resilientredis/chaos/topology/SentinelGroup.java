package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Sentinel-managed deployment inside a {@link RedisTopology}: the data node started as master, its
 * replicas, and three Sentinels with quorum 2. Sentinel and replication traffic go directly between the
 * nodes.
 */
public final class SentinelGroup {

    private static final Duration QUERY_TIMEOUT = Duration.ofMillis(500);
    private static final Duration POLL = Duration.ofMillis(50);

    private final String masterName;
    private final int quorum;
    private final RedisNode primary;
    private final List<RedisNode> replicas;
    private final List<RedisNode> sentinels;
    private final List<RedisNode> dataNodes;
    /** The master address last confirmed, at start or by {@link #awaitFailover}. */
    private volatile InetSocketAddress confirmedMaster;

    SentinelGroup(String masterName, int quorum, RedisNode primary, List<RedisNode> replicas,
            List<RedisNode> sentinels) {
        this.masterName = masterName;
        this.quorum = quorum;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.sentinels = List.copyOf(sentinels);
        List<RedisNode> data = new ArrayList<>();
        data.add(primary);
        data.addAll(replicas);
        this.dataNodes = Collections.unmodifiableList(data);
        this.confirmedMaster = primary.address();
    }

    /** {@return the name the Sentinels monitor the master under} */
    public String masterName() {
        return masterName;
    }

    /** {@return how many Sentinels must agree that the master is down (2)} */
    public int quorum() {
        return quorum;
    }

    /** {@return the data node started as master (after a failover it may be a replica)} */
    public RedisNode primary() {
        return primary;
    }

    /** {@return the data nodes started as replicas} */
    public List<RedisNode> replicas() {
        return replicas;
    }

    /** {@return the three Sentinels} */
    public List<RedisNode> sentinels() {
        return sentinels;
    }

    /** {@return the primary and the replicas, in that order} */
    public List<RedisNode> dataNodes() {
        return dataNodes;
    }

    /** {@return the Sentinels' addresses, in the form a Sentinel client's configuration takes them} */
    public List<String> sentinelAddresses() {
        List<String> addresses = new ArrayList<>();
        for (RedisNode sentinel : sentinels) {
            addresses.add(sentinel.uri());
        }
        return Collections.unmodifiableList(addresses);
    }

    /**
     * What each Sentinel answers to {@code SENTINEL get-master-addr-by-name} right now; empty for a
     * Sentinel that does not answer within 500 ms.
     *
     * @return each Sentinel's answer, in Sentinel order
     */
    public Map<RedisNode, Optional<InetSocketAddress>> reportedMasters() {
        Map<RedisNode, Optional<InetSocketAddress>> reports = new LinkedHashMap<>();
        for (RedisNode sentinel : sentinels) {
            reports.put(sentinel, reportedBy(sentinel));
        }
        return Collections.unmodifiableMap(reports);
    }

    /**
     * The data node a quorum of Sentinels report as master right now.
     *
     * @return the current master
     * @throws RedisTopologyException when no address has a quorum, or it is not a node of this group
     */
    public RedisNode currentMaster() {
        Map<RedisNode, Optional<InetSocketAddress>> reports = reportedMasters();
        Optional<InetSocketAddress> agreed = agreedAddress(reports, null);
        return agreed.map(this::nodeAt).flatMap(Optional::ofNullable).orElseThrow(() -> new RedisTopologyException(
                "No quorum of " + quorum + " Sentinels agrees on the master of " + masterName + ": "
                        + format(reports)));
    }

    /**
     * Waits until a quorum of Sentinels report a master other than the one confirmed before (at start, or
     * by the previous call) and that node reports the master role, then returns it.
     *
     * @param timeout how long to wait at most
     * @return the promoted master
     * @throws RedisTopologyException when that does not happen within {@code timeout}; the message holds
     *     what each Sentinel reports and the end of each Sentinel's log
     */
    public RedisNode awaitFailover(Duration timeout) {
        InetSocketAddress before = confirmedMaster;
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<RedisNode, Optional<InetSocketAddress>> reports;
        do {
            reports = reportedMasters();
            Optional<InetSocketAddress> agreed = agreedAddress(reports, before);
            if (agreed.isPresent()) {
                RedisNode candidate = nodeAt(agreed.get());
                if (candidate != null && reportsMasterRole(candidate)) {
                    confirmedMaster = candidate.address();
                    return candidate;
                }
            }
            Support.pause(POLL);
        } while (System.nanoTime() - deadline < 0);
        StringBuilder logs = new StringBuilder();
        for (RedisNode sentinel : sentinels) {
            logs.append("\n  ").append(sentinel.name()).append(" log (").append(sentinel.logFile()).append("):\n")
                    .append(Support.indent(sentinel.logTail(15)));
        }
        throw new RedisTopologyException("No failover of " + masterName + " away from " + format(before) + " within "
                + timeout.toMillis() + " ms; Sentinels report " + format(reports) + logs);
    }

    /**
     * Waits until the group has converged, the state in which the next fault can be injected: every
     * Sentinel names the same master and sees it up (no failover in progress), with every other data node
     * as a linked replica and the other Sentinels; that node answers {@code ROLE} as master with every other
     * data node connected; and each other data node replicates from it, link up, no sync in progress. A
     * demoted master that Sentinel has still to convert (about 10 s after a failover that left it running)
     * keeps the group from converging, so this also waits for that. The master found is remembered as the
     * one {@link #awaitFailover} waits to move away from.
     *
     * @param timeout how long to wait
     * @return the master the group converged on
     * @throws RedisTopologyException when it does not converge in time; the message tells what each
     *     Sentinel and data node reports
     */
    public RedisNode awaitConverged(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            RedisNode master = convergedMaster();
            if (master != null) {
                confirmedMaster = master.address();
                return master;
            }
            Support.pause(POLL);
        } while (System.nanoTime() - deadline < 0);
        throw new RedisTopologyException("The Sentinel group " + masterName + " did not converge within "
                + timeout.toMillis() + " ms; Sentinels report " + format(reportedMasters()) + sentinelViews()
                + dataNodeViews());
    }

    /** The master when the group has converged (see {@link #awaitConverged}), else null. */
    RedisNode convergedMaster() {
        InetSocketAddress agreed = null;
        for (RedisNode sentinel : sentinels) {
            Optional<InetSocketAddress> reported = reportedBy(sentinel);
            if (reported.isEmpty() || (agreed != null && !agreed.equals(reported.get()))) {
                return null;
            }
            agreed = reported.get();
        }
        RedisNode master = agreed == null ? null : nodeAt(agreed);
        if (master == null) {
            return null;
        }
        for (RedisNode sentinel : sentinels) {
            if (!settled(sentinel, false)) {
                return null;
            }
        }
        for (RedisNode node : dataNodes) {
            if (!linked(node, master)) {
                return null;
            }
        }
        return master;
    }

    /** Whether {@code node} is the master with every other data node online, or a synced replica of it. */
    private boolean linked(RedisNode node, RedisNode master) {
        try (RespConnection connection = node.connect(QUERY_TIMEOUT)) {
            Map<String, String> info = connection.info("replication");
            if (node.equals(master)) {
                if (!"master".equals(info.get("role"))
                        || !String.valueOf(dataNodes.size() - 1).equals(info.get("connected_slaves"))) {
                    return false;
                }
                for (int i = 0; i < dataNodes.size() - 1; i++) {
                    String slave = info.get("slave" + i);
                    if (slave == null || !slave.contains("state=online")) {
                        return false;
                    }
                }
                return true;
            }
            return "slave".equals(info.get("role"))
                    && String.valueOf(master.port()).equals(info.get("master_port"))
                    && "up".equals(info.get("master_link_status"))
                    && "0".equals(info.get("master_sync_in_progress"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Each data node's role and replication link, for convergence errors. */
    private String dataNodeViews() {
        StringBuilder views = new StringBuilder();
        for (RedisNode node : dataNodes) {
            views.append("\n  ").append(node.name()).append(" (").append(node.port()).append("): ");
            try (RespConnection connection = node.connect(QUERY_TIMEOUT)) {
                Map<String, String> info = connection.info("replication");
                views.append("role=").append(info.get("role"));
                if ("slave".equals(info.get("role"))) {
                    views.append(" master_port=").append(info.get("master_port"))
                            .append(" link=").append(info.get("master_link_status"))
                            .append(" sync_in_progress=").append(info.get("master_sync_in_progress"));
                } else {
                    views.append(" connected_slaves=").append(info.get("connected_slaves"));
                }
            } catch (IOException | RuntimeException e) {
                views.append("no answer (").append(e.getMessage()).append(')');
            }
        }
        return views.toString();
    }

    /** The master address this group last confirmed (at start or by {@link #awaitFailover}). */
    InetSocketAddress confirmedMaster() {
        return confirmedMaster;
    }

    /**
     * Whether every Sentinel sees the master up with all replicas and both other Sentinels: the state
     * in which a failover can start as soon as the master fails.
     */
    boolean settled() {
        for (RedisNode sentinel : sentinels) {
            if (!settled(sentinel)) {
                return false;
            }
        }
        return true;
    }

    /** A one-line account of what each Sentinel thinks, for start-up errors. */
    String sentinelViews() {
        StringBuilder views = new StringBuilder();
        for (RedisNode sentinel : sentinels) {
            views.append("\n  ").append(sentinel.name()).append(": ");
            try (RespConnection connection = sentinel.connect(QUERY_TIMEOUT)) {
                Map<String, String> master = RespConnection.pairs(connection.call("SENTINEL", "MASTER", masterName));
                views.append("flags=").append(master.get("flags"))
                        .append(" num-slaves=").append(master.get("num-slaves"))
                        .append(" num-other-sentinels=").append(master.get("num-other-sentinels"));
            } catch (IOException e) {
                views.append("no answer (").append(e.getMessage()).append(')');
            }
        }
        return views.toString();
    }

    private boolean settled(RedisNode sentinel) {
        return settled(sentinel, true);
    }

    /**
     * Whether the Sentinel sees its master up (no failover in progress) with every replica and the other
     * Sentinels; with {@code checkReplicaLinks} (start-up) also that it reports each replica's link ok
     * (after a failover the links are checked on the data nodes instead).
     */
    private boolean settled(RedisNode sentinel, boolean checkReplicaLinks) {
        try (RespConnection connection = sentinel.connect(QUERY_TIMEOUT)) {
            Map<String, String> master = RespConnection.pairs(connection.call("SENTINEL", "MASTER", masterName));
            if (!"master".equals(master.get("flags"))
                    || !String.valueOf(replicas.size()).equals(master.get("num-slaves"))
                    || !String.valueOf(sentinels.size() - 1).equals(master.get("num-other-sentinels"))) {
                return false;
            }
            for (Object replica : (List<?>) connection.call("SENTINEL", "REPLICAS", masterName)) {
                Map<String, String> fields = RespConnection.pairs(replica);
                if (!"slave".equals(fields.get("flags"))) {
                    return false;
                }
                // A replica's link status is what its last INFO said, refreshed every 10 s; during convergence
                // the data nodes themselves are asked (see linked()), so a stale "err" does not hold it up.
                if (checkReplicaLinks && !"ok".equals(fields.get("master-link-status"))) {
                    return false;
                }
            }
            for (Object other : (List<?>) connection.call("SENTINEL", "SENTINELS", masterName)) {
                if (!"sentinel".equals(RespConnection.pairs(other).get("flags"))) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private Optional<InetSocketAddress> reportedBy(RedisNode sentinel) {
        try (RespConnection connection = sentinel.connect(QUERY_TIMEOUT)) {
            Object reply = connection.call("SENTINEL", "get-master-addr-by-name", masterName);
            if (reply instanceof List<?> pair && pair.size() == 2) {
                return Optional.of(InetSocketAddress.createUnresolved(String.valueOf(pair.get(0)),
                        Integer.parseInt(String.valueOf(pair.get(1)))));
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The address at least a quorum reports, other than {@code excluded}; empty when none. */
    private Optional<InetSocketAddress> agreedAddress(Map<RedisNode, Optional<InetSocketAddress>> reports,
            InetSocketAddress excluded) {
        Map<InetSocketAddress, Integer> votes = new HashMap<>();
        for (Optional<InetSocketAddress> report : reports.values()) {
            report.filter(address -> !address.equals(excluded)).ifPresent(address -> votes.merge(address, 1, Integer::sum));
        }
        return votes.entrySet().stream().filter(entry -> entry.getValue() >= quorum).map(Map.Entry::getKey).findFirst();
    }

    private RedisNode nodeAt(InetSocketAddress address) {
        for (RedisNode node : dataNodes) {
            if (node.address().equals(address)) {
                return node;
            }
        }
        return null;
    }

    private static boolean reportsMasterRole(RedisNode node) {
        try {
            return node.role() == Role.MASTER;
        } catch (RedisTopologyException e) {
            return false;
        }
    }

    private static String format(Map<RedisNode, Optional<InetSocketAddress>> reports) {
        StringBuilder text = new StringBuilder("{");
        reports.forEach((sentinel, report) -> text.append(text.length() > 1 ? ", " : "").append(sentinel.name())
                .append('=').append(report.map(SentinelGroup::format).orElse("no answer")));
        return text.append('}').toString();
    }

    private static String format(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return "SentinelGroup[" + masterName + ", master " + format(confirmedMaster) + ", " + replicas.size()
                + " replicas, " + sentinels.size() + " sentinels]";
    }
}
