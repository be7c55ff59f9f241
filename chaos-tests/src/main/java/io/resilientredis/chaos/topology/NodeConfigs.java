package io.resilientredis.chaos.topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Writes the redis.conf and sentinel.conf texts the harness starts nodes with. */
final class NodeConfigs {

    private NodeConfigs() {
    }

    /**
     * A data node: loopback only, no persistence by default (add {@code appendonly yes} through extra
     * directives), diskless replication without delay so replicas sync in milliseconds.
     */
    static String dataNode(int port, String directory, Integer masterPort, String password, List<String> extra) {
        StringBuilder conf = new StringBuilder(512);
        line(conf, "port " + port);
        line(conf, "bind " + AbstractNode.HOST);
        line(conf, "protected-mode no");
        line(conf, "daemonize no");
        line(conf, "dir " + quote(directory));
        line(conf, "logfile \"\"");
        line(conf, "save \"\"");
        line(conf, "appendonly no");
        line(conf, "repl-diskless-sync yes");
        line(conf, "repl-diskless-sync-delay 0");
        if (password != null) {
            line(conf, "requirepass " + quote(password));
            line(conf, "masterauth " + quote(password));
        }
        if (masterPort != null) {
            line(conf, "replicaof " + AbstractNode.HOST + " " + masterPort);
        }
        for (String directive : extra) {
            line(conf, directive);
        }
        return conf.toString();
    }

    /**
     * A Sentinel that already knows the master, its replicas and the other Sentinels (by their fixed
     * ids), so it is ready as soon as its links are up instead of after the 2 s hello rounds.
     *
     * @param otherSentinels port to Sentinel id of the group's other Sentinels
     */
    static String sentinel(int port, String directory, String myId, String masterName, int masterPort, int quorum,
            Duration downAfter, Duration failoverTimeout, String password, List<Integer> replicaPorts,
            Map<Integer, String> otherSentinels) {
        StringBuilder conf = new StringBuilder(512);
        line(conf, "port " + port);
        line(conf, "bind " + AbstractNode.HOST);
        line(conf, "protected-mode no");
        line(conf, "daemonize no");
        line(conf, "dir " + quote(directory));
        line(conf, "logfile \"\"");
        line(conf, "sentinel myid " + myId);
        line(conf, "sentinel monitor " + masterName + " " + AbstractNode.HOST + " " + masterPort + " " + quorum);
        line(conf, "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis());
        line(conf, "sentinel failover-timeout " + masterName + " " + failoverTimeout.toMillis());
        line(conf, "sentinel parallel-syncs " + masterName + " 1");
        if (password != null) {
            line(conf, "sentinel auth-pass " + masterName + " " + quote(password));
        }
        for (int replicaPort : replicaPorts) {
            line(conf, "sentinel known-replica " + masterName + " " + AbstractNode.HOST + " " + replicaPort);
        }
        otherSentinels.forEach((otherPort, otherId) -> line(conf,
                "sentinel known-sentinel " + masterName + " " + AbstractNode.HOST + " " + otherPort + " " + otherId));
        return conf.toString();
    }

    /**
     * The directives that make a data node a cluster node: its own {@code nodes.conf} in its directory, the
     * given node timeout, replicas that may always fail over (validity factor 0), and the other shards
     * serving while one shard has no master ({@code cluster-require-full-coverage no}). A later
     * {@link RedisTopology.Builder#config} line overrides any of them.
     */
    static List<String> clusterDirectives(Duration nodeTimeout) {
        return List.of("cluster-enabled yes", "cluster-config-file nodes.conf",
                "cluster-node-timeout " + nodeTimeout.toMillis(), "cluster-replica-validity-factor 0",
                "cluster-require-full-coverage no");
    }

    /**
     * Directives a data node of this Redis version needs so the harness's faults work: Redis 7 refuses
     * {@code DEBUG} unless {@code enable-debug-command} allows it (local connections are enough: the
     * harness connects from 127.0.0.1); older versions do not know the directive and would refuse to start.
     *
     * @param serverVersion {@code 7.0.15}, or a container image such as {@code redis:7}
     */
    static List<String> versionDirectives(String serverVersion) {
        return majorVersion(serverVersion) >= 7 ? List.of("enable-debug-command local") : List.of();
    }

    /** The major version in {@code 7.0.15} or {@code redis:7}; 0 when there is none. */
    static int majorVersion(String serverVersion) {
        if (serverVersion == null) {
            return 0;
        }
        String v = serverVersion.substring(serverVersion.lastIndexOf(':') + 1);
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }

    private static void line(StringBuilder conf, String line) {
        conf.append(line).append('\n');
    }

    /** Quotes a value for redis.conf, escaping backslashes and quotes. */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
