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

    /** The name the Sentinels monitor the master under. */
    public String masterName() {
        return masterName;
    }

    /** How many Sentinels must agree that the master is down (2). */
    public int quorum() {
        return quorum;
    }

    /** The data node started as master (after a failover it may be a replica). */
    public RedisNode primary() {
        return primary;
    }

    /** The data nodes started as replicas. */
    public List<RedisNode> replicas() {
        return replicas;
    }

    /** The three Sentinels. */
    public List<RedisNode> sentinels() {
        return sentinels;
    }

    /** The primary and the replicas, in that order. */
    public List<RedisNode> dataNodes() {
        return dataNodes;
    }

    /** The Sentinels' addresses, in the form a Sentinel client's configuration takes them. */
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
        try (RespConnection connection = sentinel.connect(QUERY_TIMEOUT)) {
            Map<String, String> master = RespConnection.pairs(connection.call("SENTINEL", "MASTER", masterName));
            if (!"master".equals(master.get("flags"))
                    || !String.valueOf(replicas.size()).equals(master.get("num-slaves"))
                    || !String.valueOf(sentinels.size() - 1).equals(master.get("num-other-sentinels"))) {
                return false;
            }
            for (Object replica : (List<?>) connection.call("SENTINEL", "REPLICAS", masterName)) {
                Map<String, String> fields = RespConnection.pairs(replica);
                if (!"slave".equals(fields.get("flags")) || !"ok".equals(fields.get("master-link-status"))) {
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
