package io.resilientredis.client.doctor;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.internal.ConnectionSpec;
import io.resilientredis.client.internal.RedisUrl;
import java.util.Objects;

/**
 * The Redis connection runbook as code: walks the checks an engineer would walk when a service
 * cannot use its Redis, and reports each as PASS, WARN, FAIL or SKIP with a one-line finding and,
 * for a warning or failure, the fix. It talks to Redis with its own small RESP client over a socket
 * (never through Redisson), so it sees raw replies and exact errors, and it never prints a password.
 *
 * <pre>{@code
 * DoctorReport report = Doctor.check("redis://:secret@cache.internal:6379");
 * System.out.print(report.render());
 * if (!report.passed()) { ... }
 * }</pre>
 *
 * <p>The checks, in runbook order; a check that needs an earlier one that failed is {@code SKIP}:
 * <ol>
 * <li>{@link CheckName#URL_FORM}: the URL (or Sentinel address list) is well formed.</li>
 * <li>For a Sentinel group: {@link CheckName#SENTINEL} (one per Sentinel: reachable, the master it reports),
 *     {@link CheckName#SENTINEL_AGREEMENT}, {@link CheckName#SENTINEL_QUORUM} ({@code SENTINEL CKQUORUM}),
 *     {@link CheckName#SENTINEL_MASTER} (down flags), {@link CheckName#SENTINEL_TOPOLOGY} (known Sentinels and
 *     replicas); then the data-node checks below run on the master the Sentinels report.</li>
 * <li>{@link CheckName#DNS}, {@link CheckName#TCP_CONNECT} (with its time),
 *     {@link CheckName#TLS_HANDSHAKE} ({@code rediss://} only), {@link CheckName#AUTH}
 *     ({@code NOAUTH}/{@code WRONGPASS} with the fix), {@link CheckName#PING}.</li>
 * <li>{@link CheckName#ROLE}: a master's connected replicas and their lag in bytes and seconds; a replica's
 *     link to its master. A plain URL that points at a replica is a warning (writes fail with
 *     {@code READONLY}); a node the Sentinels call master that says it is a replica is a failure.</li>
 * <li>{@link CheckName#PERSISTENCE}: AOF and RDB, {@code rdb_last_bgsave_status} and
 *     {@code aof_last_write_status}; a failed save is a failure (Redis then refuses writes with
 *     {@code MISCONF}), no persistence at all a warning.</li>
 * <li>{@link CheckName#MAXMEMORY}: {@code 0} (no limit) is a warning. Without a limit Redis grows until the
 *     host or container runs out of memory and the kernel kills it: a full outage that also loses
 *     every write since the last save, and inside a container Redis cannot even see the limit it will
 *     be killed at. A limit turns that into something visible and survivable (refused writes or
 *     evictions), so the doctor asks for one even for a service that uses Redis as its data store
 *     rather than as a cache.</li>
 * <li>{@link CheckName#EVICTION_POLICY}: with a limit, {@code noeviction} is a warning (writes are refused
 *     with {@code OOM} when full), and so are {@code volatile-*} (they evict keys with a TTL first,
 *     which includes this library's exactly-once markers) and {@code allkeys-random}; the
 *     {@code allkeys-lru}/{@code allkeys-lfu} policies pass, since they keep recently used keys.</li>
 * <li>{@link CheckName#USED_MEMORY} (a warning at 90% of maxmemory), {@link CheckName#EVICTED_KEYS}
 *     (a warning when any key was evicted), {@link CheckName#LATENCY} (a few PINGs: p50 and max; a
 *     warning when the median is above {@link DoctorOptions#latencyWarning()}).</li>
 * <li>For a node in cluster mode ({@code cluster_enabled:1} in its {@code INFO}), after the checks above:
 *     {@link CheckName#CLUSTER_STATE} ({@code cluster_state:ok} in {@code CLUSTER INFO}),
 *     {@link CheckName#CLUSTER_SLOTS} (all 16384 slots assigned, by {@code cluster_slots_assigned} and the
 *     masters' ranges in {@code CLUSTER NODES}; a slot left in migration is a warning),
 *     {@link CheckName#CLUSTER_NODE} (one per node {@code CLUSTER NODES} lists: connect, TLS as the seed,
 *     AUTH with the seed's credentials, PING; announced addresses are dialled through the endpoint's
 *     {@link RedisEndpoint#withNatMap NAT map}), {@link CheckName#CLUSTER_REPLICAS} (a warning for a master
 *     with no connected replica) and {@link CheckName#CLUSTER_FAILURES} (a master flagged {@code fail} or
 *     {@code fail?} that still owns slots is a failure, any other flagged node a warning). So
 *     {@code Doctor.check(RedisEndpoint.standalone("redis://seed:7000").withNatMap(map))} checks a whole
 *     cluster from one seed. A {@link RedisEndpoint#cluster cluster endpoint} (or a {@code redis-cluster://}
 *     URL) is walked the same way from the first of its seeds that answers; each seed tried before it that
 *     did not is a {@link CheckName#CLUSTER_SEED} warning.</li>
 * </ol>
 *
 * <p>Every network step is bounded by {@link DoctorOptions#timeout()}; a run leaves no socket open
 * and no thread running, except a DNS lookup that overran its bound, which the JDK cannot cancel: it
 * runs on a daemon thread named {@code resilient-redis-doctor-dns} until the resolver gives up.
 */
public final class Doctor {

    private Doctor() {
    }

    /**
     * Checks a standalone Redis given as a URL, or a Redis Cluster given by its seed nodes as
     * {@code redis-cluster://[[user]:password@]host:port,host:port} (the form a cluster endpoint's
     * {@link RedisEndpoint#displayName()} prints; {@code rediss-cluster://} for TLS), with
     * {@link DoctorOptions#defaults()}. A malformed URL is reported as a failed {@link CheckName#URL_FORM}
     * check, not thrown.
     *
     * @param url {@code redis://[[user]:password@]host[:port][/database]}, {@code rediss://...} or
     *     {@code redis-cluster://...}
     * @return the report
     */
    public static DoctorReport check(String url) {
        return check(url, DoctorOptions.defaults());
    }

    /**
     * @param url {@code redis://[[user]:password@]host[:port][/database]}, {@code rediss://...} or
     *     {@code redis-cluster://...}
     * @param options timeout, latency sampling, TLS context
     * @return the report
     * @see #check(String)
     */
    public static DoctorReport check(String url, DoctorOptions options) {
        Objects.requireNonNull(options, "options");
        DoctorUrlForm.Parsed parsed = DoctorUrlForm.parse(url);
        return new DoctorRun(options).report(parsed, url == null ? "(no URL)" : RedisUrl.redact(url.strip()));
    }

    /**
     * Checks an endpoint (standalone, Sentinel group or Redis Cluster), with {@link DoctorOptions#defaults()}.
     * For a cluster the data-node checks run on the first seed node that answers (a seed that does not
     * is a {@link CheckName#CLUSTER_SEED} warning), then the cluster checks run from it.
     *
     * @param endpoint the endpoint, as the client would be configured with it
     * @return the report
     */
    public static DoctorReport check(RedisEndpoint endpoint) {
        return check(endpoint, DoctorOptions.defaults());
    }

    /**
     * @param endpoint the endpoint, as the client would be configured with it
     * @param options timeout, latency sampling, TLS context
     * @return the report
     * @see #check(RedisEndpoint)
     */
    public static DoctorReport check(RedisEndpoint endpoint, DoctorOptions options) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(options, "options");
        return new DoctorRun(options).report(ConnectionSpec.of(endpoint));
    }
}
