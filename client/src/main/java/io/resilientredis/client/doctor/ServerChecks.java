package io.resilientredis.client.doctor;

import static io.resilientredis.client.doctor.Format.bytes;
import static io.resilientredis.client.doctor.Format.parseInt;
import static io.resilientredis.client.doctor.Format.parseLong;
import static io.resilientredis.client.doctor.Format.percent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of a data node that read its {@code INFO} (and two {@code CONFIG GET} answers): pure
 * functions of what the server said, so each finding and fix can be pinned by a unit test on a
 * real-looking {@code INFO} reply. Never talks to the network.
 */
final class ServerChecks {

    /** The checks that read {@code INFO}, in runbook order. */
    static final List<CheckName> INFO_CHECKS = List.of(CheckName.ROLE, CheckName.PERSISTENCE, CheckName.MAXMEMORY,
            CheckName.EVICTION_POLICY, CheckName.USED_MEMORY, CheckName.EVICTED_KEYS);

    private static final double MEMORY_WARN_RATIO = 0.9;
    private static final double SYSTEM_MEMORY_WARN_RATIO = 0.5;
    private static final long REPLICA_LAG_WARN_SECONDS = 10;

    private ServerChecks() {
    }

    /**
     * @param info the fields of {@code INFO}
     * @return whether the node is a Sentinel ({@code redis_mode:sentinel}), not a data node
     */
    static boolean isSentinel(Map<String, String> info) {
        return "sentinel".equals(info.get("redis_mode"));
    }

    /**
     * {@link CheckName#ROLE} for a node that turned out to be a Sentinel.
     *
     * @param target the node's address
     * @return the failed check
     */
    static DoctorCheck notADataNode(String target) {
        return DoctorCheck.fail(CheckName.ROLE, target, "this is a Sentinel (redis_mode:sentinel), not a Redis "
                        + "data node",
                "give the data node's address, or check the group as a Sentinel endpoint: --sentinel "
                        + "host:port,... --master NAME (RedisEndpoint.sentinel)");
    }

    /**
     * {@link CheckName#ROLE}: a master's replicas and their lag; a replica's link to its master.
     *
     * @param info the fields of {@code INFO}
     * @param target the node's address
     * @param viaSentinel whether the Sentinels named this node as master (then a replica is a failure)
     * @return the check
     */
    static DoctorCheck role(Map<String, String> info, String target, boolean viaSentinel) {
        String role = info.getOrDefault("role", "?");
        if ("master".equals(role)) {
            int connected = parseInt(info.get("connected_slaves"), 0);
            long offset = parseLong(info.get("master_repl_offset"), 0);
            List<String> replicas = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < connected; i++) {
                String line = info.get("slave" + i);
                if (line == null) {
                    continue;
                }
                Map<String, String> f = new LinkedHashMap<>();
                for (String kv : line.split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        f.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                long behind = Math.max(0, offset - parseLong(f.get("offset"), offset));
                long lag = parseLong(f.get("lag"), 0);
                String text = f.get("ip") + ":" + f.get("port") + " " + f.get("state") + ", " + behind
                        + " bytes behind, lag " + lag + " s";
                replicas.add(text);
                if (!"online".equals(f.get("state")) || lag > REPLICA_LAG_WARN_SECONDS) {
                    problems.add(text);
                }
            }
            String finding = "master, " + connected + " connected replica(s)"
                    + (replicas.isEmpty() ? "" : ": " + String.join("; ", replicas));
            if (!problems.isEmpty()) {
                return DoctorCheck.warn(CheckName.ROLE, target, finding,
                        "a replica that is not online or lags over " + REPLICA_LAG_WARN_SECONDS + " s would lose recent "
                                + "writes if promoted: check its link and log, and the network between the nodes");
            } else {
                return DoctorCheck.pass(CheckName.ROLE, target, finding);
            }
        }
        if ("slave".equals(role)) {
            String master = info.get("master_host") + ":" + info.get("master_port");
            String link = info.getOrDefault("master_link_status", "?");
            if (!"up".equals(link)) {
                String down = info.get("master_link_down_since_seconds");
                return DoctorCheck.fail(CheckName.ROLE, target, "replica of " + master + " with its link down"
                                + (down != null ? " for " + down + " s" : ""),
                        "check that the master runs and is reachable from this replica, and that masterauth matches "
                                + "the master's password; the replica's log says why the sync fails");
            }
            String finding = "replica of " + master + ", link up, last I/O " + info.get("master_last_io_seconds_ago")
                    + " s ago" + ("1".equals(info.get("master_sync_in_progress")) ? ", sync in progress" : "");
            if ("1".equals(info.get("cluster_enabled"))) {
                // A cluster client only uses a replica as a seed; it sends writes to the slot's master.
                return DoctorCheck.pass(CheckName.ROLE, target, "cluster " + finding);
            }
            if (viaSentinel) {
                return DoctorCheck.fail(CheckName.ROLE, target, "the Sentinels report this node as master, but it is a "
                                + finding,
                        "a failover or reconfiguration is in progress, or the Sentinels' view is stale: run doctor "
                                + "again in a few seconds, then check SENTINEL MASTER on each Sentinel");
            } else {
                return DoctorCheck.warn(CheckName.ROLE, target, finding + ": writes sent here fail with READONLY",
                        "point writes at the master (" + master + "), or use a Sentinel endpoint so the client "
                                + "follows failovers");
            }
        }
        return DoctorCheck.fail(CheckName.ROLE, target, "the server reports role '" + role + "'",
                "this is not a Redis data node (a Sentinel?): give the data node's address");
    }

    /**
     * {@link CheckName#PERSISTENCE}: AOF and RDB on, and their last save and write succeeded.
     *
     * @param info the fields of {@code INFO}
     * @param save {@code CONFIG GET save}, or null when refused
     * @param fsync {@code CONFIG GET appendfsync}, or null when refused or AOF is off
     * @param target the node's address
     * @return the check
     */
    static DoctorCheck persistence(Map<String, String> info, String save, String fsync, String target) {
        boolean aof = "1".equals(info.get("aof_enabled"));
        String bgsave = info.getOrDefault("rdb_last_bgsave_status", "?");
        String aofWrite = info.getOrDefault("aof_last_write_status", "?");
        String rewrite = info.getOrDefault("aof_last_bgrewrite_status", "?");
        boolean rdb = save != null && !save.isBlank();
        String status = "AOF " + (aof ? "on" + (fsync != null ? " (appendfsync " + fsync + ")" : "") : "off")
                + ", RDB save points " + (save == null ? "unknown (CONFIG GET refused)" : rdb ? "'" + save + "'" : "none")
                + "; rdb_last_bgsave_status:" + bgsave + ", aof_last_write_status:" + aofWrite;
        if ("err".equals(bgsave)) {
            return DoctorCheck.fail(CheckName.PERSISTENCE, target, "the last RDB save failed (" + status + ")",
                    "with stop-writes-on-bgsave-error yes (the default) Redis refuses writes with MISCONF: check free "
                            + "disk space and permissions of its dir (CONFIG GET dir) and the log, then BGSAVE");
        } else if ("err".equals(aofWrite)) {
            return DoctorCheck.fail(CheckName.PERSISTENCE, target, "writing the AOF failed (" + status + ")",
                    "Redis refuses writes until the AOF can be written: check free disk space and permissions of "
                            + "its dir and the log");
        } else if ("err".equals(rewrite)) {
            return DoctorCheck.warn(CheckName.PERSISTENCE, target, "the last AOF rewrite failed (" + status + ")",
                    "check free disk space and the log, then BGREWRITEAOF; the AOF keeps growing until a rewrite works");
        } else if (!aof && !rdb) {
            return DoctorCheck.warn(CheckName.PERSISTENCE, target, "no persistence (" + status + "): a restart empties this "
                            + "Redis",
                    "enable appendonly yes (appendfsync everysec) or RDB save points, unless this Redis only holds a "
                            + "cache that may be lost; a master without persistence that restarts also empties its "
                            + "replicas");
        } else {
            return DoctorCheck.pass(CheckName.PERSISTENCE, target, status);
        }
    }

    /**
     * {@link CheckName#MAXMEMORY}: a limit is set, and below the system's memory.
     *
     * @param info the fields of {@code INFO}
     * @param target the node's address
     * @return the check
     */
    static DoctorCheck maxmemory(Map<String, String> info, String target) {
        long max = parseLong(info.get("maxmemory"), -1);
        long system = parseLong(info.get("total_system_memory"), 0);
        if (max < 0) {
            return DoctorCheck.skip(CheckName.MAXMEMORY, target, "INFO memory has no maxmemory field (Redis before 4?)");
        } else if (max == 0) {
            return DoctorCheck.warn(CheckName.MAXMEMORY, target, "maxmemory 0 (no limit): Redis grows until the host or "
                            + "container runs out of memory and the kernel kills it, losing every write since the "
                            + "last save",
                    "set maxmemory to about three quarters of the memory Redis may use (its container limit, else "
                            + "the host), leaving room for fork copy-on-write and buffers");
        } else if (system > 0 && max > system) {
            return DoctorCheck.warn(CheckName.MAXMEMORY, target, "maxmemory " + bytes(max) + " is more than the system's "
                            + bytes(system) + ": the limit is never reached before the kernel kills Redis",
                    "set maxmemory below the memory Redis may really use (about three quarters of it)");
        } else {
            return DoctorCheck.pass(CheckName.MAXMEMORY, target, "maxmemory " + bytes(max)
                    + (system > 0 ? " (" + percent(max, system) + " of system memory " + bytes(system) + ")" : ""));
        }
    }

    /**
     * {@link CheckName#EVICTION_POLICY}: what Redis does when full.
     *
     * @param info the fields of {@code INFO}
     * @param target the node's address
     * @return the check
     */
    static DoctorCheck evictionPolicy(Map<String, String> info, String target) {
        long max = parseLong(info.get("maxmemory"), -1);
        String policy = info.getOrDefault("maxmemory_policy", "?");
        if (max <= 0) {
            return DoctorCheck.pass(CheckName.EVICTION_POLICY, target, policy + " (without maxmemory no policy applies)");
        } else if ("noeviction".equals(policy)) {
            return DoctorCheck.warn(CheckName.EVICTION_POLICY, target, "noeviction with maxmemory " + bytes(max)
                            + ": when it is full Redis refuses writes with OOM (resilient-redis raises "
                            + "RedisWriteRefusedException, nothing is spilled)",
                    "keep headroom and alert on used memory near maxmemory; choose allkeys-lru only if this data may "
                            + "be evicted");
        } else if (policy.startsWith("volatile-")) {
            return DoctorCheck.warn(CheckName.EVICTION_POLICY, target, policy + ": when full, Redis evicts keys that have a "
                            + "TTL first, and resilient-redis's exactly-once markers (rr:once:*) have one; an evicted "
                            + "marker lets a replayed write apply twice",
                    "use noeviction with headroom for data that must not vanish, or allkeys-lru for a cache");
        } else if ("allkeys-random".equals(policy)) {
            return DoctorCheck.warn(CheckName.EVICTION_POLICY, target, "allkeys-random: when full, Redis evicts any key, "
                            + "the newest included",
                    "use allkeys-lru or allkeys-lfu, which keep recently used keys (and fresh exactly-once markers)");
        } else {
            return DoctorCheck.pass(CheckName.EVICTION_POLICY, target, policy + ": when full, Redis evicts the least "
                    + "recently (or frequently) used keys, keeping fresh ones");
        }
    }

    /**
     * {@link CheckName#USED_MEMORY}: used memory against the limit (or the system's memory without one).
     *
     * @param info the fields of {@code INFO}
     * @param target the node's address
     * @return the check
     */
    static DoctorCheck usedMemory(Map<String, String> info, String target) {
        long max = parseLong(info.get("maxmemory"), -1);
        long used = parseLong(info.get("used_memory"), -1);
        long system = parseLong(info.get("total_system_memory"), 0);
        String policy = info.getOrDefault("maxmemory_policy", "?");
        if (used < 0) {
            return DoctorCheck.skip(CheckName.USED_MEMORY, target, "INFO memory has no used_memory field");
        } else if (max > 0) {
            String finding = "used " + bytes(used) + " of maxmemory " + bytes(max) + " (" + percent(used, max) + ")";
            if (used >= max * MEMORY_WARN_RATIO) {
                return DoctorCheck.warn(CheckName.USED_MEMORY, target, finding, "noeviction".equals(policy)
                        ? "writes fail with OOM at the limit: raise maxmemory, add memory, or delete data"
                        : "Redis is evicting (or about to evict) keys: raise maxmemory or reduce the data");
            } else {
                return DoctorCheck.pass(CheckName.USED_MEMORY, target, finding);
            }
        } else if (system > 0 && used >= system * SYSTEM_MEMORY_WARN_RATIO) {
            return DoctorCheck.warn(CheckName.USED_MEMORY, target, "used " + bytes(used) + " of system memory "
                            + bytes(system) + " (" + percent(used, system) + ") with no maxmemory",
                    "a background save or AOF rewrite forks and can need up to twice this; set maxmemory and add "
                            + "memory");
        } else {
            return DoctorCheck.pass(CheckName.USED_MEMORY, target, "used " + bytes(used)
                    + (system > 0 ? " (" + percent(used, system) + " of system memory " + bytes(system) + ")" : ""));
        }
    }

    /**
     * {@link CheckName#EVICTED_KEYS}: no key was evicted.
     *
     * @param info the fields of {@code INFO}
     * @param target the node's address
     * @return the check
     */
    static DoctorCheck evictedKeys(Map<String, String> info, String target) {
        String policy = info.getOrDefault("maxmemory_policy", "?");
        long evicted = parseLong(info.get("evicted_keys"), -1);
        if (evicted < 0) {
            return DoctorCheck.skip(CheckName.EVICTED_KEYS, target, "INFO stats has no evicted_keys field");
        } else if (evicted > 0) {
            return DoctorCheck.warn(CheckName.EVICTED_KEYS, target, evicted + " keys evicted since the server started ("
                            + policy + ")",
                    "Redis dropped keys to stay under maxmemory: raise maxmemory or reduce the data; if these keys "
                            + "must not be lost, use noeviction with headroom");
        } else {
            return DoctorCheck.pass(CheckName.EVICTED_KEYS, target, "no key evicted since the server started");
        }
    }
}
