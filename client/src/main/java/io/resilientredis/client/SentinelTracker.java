package io.resilientredis.client;

import io.resilientredis.client.internal.resp.RespClient;
import io.resilientredis.client.internal.resp.RespError;
import io.resilientredis.client.internal.resp.RespReplies;
import io.resilientredis.failover.spi.EndpointTarget;
import io.resilientredis.failover.RedisConfigurationException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one Sentinel group: asks its Sentinels which node is the master (every scan interval, and
 * on demand), confirms a new master with {@code ROLE}, and moves the endpoint's target to it; the
 * engine then re-applies the writes the old master acknowledged recently before any newer write
 * reaches the new one. With replica reads, it also keeps the replica target on a replica the
 * Sentinels list as reachable, whatever its link to a dead master says.
 *
 * <p>The client, not Redisson, decides when calls go to a new master: that is what lets the engine
 * fence the switch. Calls themselves go through a Redisson single-server client per node.
 *
 * <p>Runs on the one discovery thread of its {@link ResilientRedis}; every socket is bounded by the
 * connect timeout and the call timeout.
 */
final class SentinelTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");

    /** A Sentinel's answer about the master. */
    private record Report(String sentinel, String address, long epoch, String flags) {
        boolean down() {
            return flags.contains("o_down") || flags.contains("s_down") || flags.contains("disconnected");
        }
    }

    private final RedisEndpoint endpoint;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final Function<String, RedissonClient> nodeClient;
    private final ScheduledExecutorService discovery;
    private final EndpointTarget<RedissonClient> master;
    private final EndpointTarget<RedissonClient> replicas;
    private final Map<String, RespClient> sentinelConnections = new HashMap<>();
    private final Map<String, RedissonClient> clients = new HashMap<>();
    private final CompletableFuture<Void> firstScan = new CompletableFuture<>();
    private volatile boolean closed;
    private String lastProblem;

    /**
     * @param endpoint the Sentinel group
     * @param nodeClient makes the Redisson client for one node's dialled address (host:port)
     * @param discovery the client's discovery thread
     * @param replicaReads whether to keep a replica target too
     */
    SentinelTracker(RedisEndpoint endpoint, Duration connectTimeout, Duration timeout,
                    Function<String, RedissonClient> nodeClient, ScheduledExecutorService discovery,
                    boolean replicaReads) {
        this.endpoint = endpoint;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.nodeClient = nodeClient;
        this.discovery = discovery;
        this.master = EndpointTarget.movable(this::confirm);
        this.replicas = replicaReads ? EndpointTarget.movable(() -> CompletableFuture.completedFuture(null)) : null;
        master.unknown(new IOException("no Sentinel of " + endpoint.displayName() + " has answered yet"), false);
    }

    EndpointTarget<RedissonClient> master() {
        return master;
    }

    /** @return the replica target, or null without replica reads */
    EndpointTarget<RedissonClient> replicas() {
        return replicas;
    }

    /** Starts scanning: one scan now, then one every {@code interval}. */
    void start(Duration interval) {
        discovery.execute(() -> {
            try {
                scan();
            } finally {
                master.settle();
                if (replicas != null) {
                    replicas.settle();
                }
                firstScan.complete(null);
            }
        });
        discovery.scheduleWithFixedDelay(this::scanQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Waits, at most {@code bound}, for the first scan (so the first call usually finds the master known). */
    void awaitFirstScan(Duration bound) {
        try {
            firstScan.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Sentinels slow or down: calls fail over as usual until a scan finds the master.
        }
    }

    /** Scans now, on the discovery thread; completes when done (and any move with it). */
    private CompletableFuture<Void> confirm() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return CompletableFuture.runAsync(this::scanQuietly, discovery);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.debug("Sentinel scan of {} failed", endpoint, e);
        }
    }

    private void scan() {
        if (closed) {
            return;
        }
        List<Report> reports = new ArrayList<>();
        List<String> configProblems = new ArrayList<>();
        List<String> otherProblems = new ArrayList<>();
        for (String sentinel : endpoint.sentinels()) {
            try {
                Object reply = sentinelCall(sentinel, "SENTINEL", "MASTER", endpoint.masterName());
                if (reply instanceof RespError error) {
                    configProblems.add(sentinelProblem(sentinel, error));
                    continue;
                }
                Map<String, String> fields = RespReplies.pairs(reply);
                String ip = fields.get("ip");
                String port = fields.get("port");
                if (ip == null || port == null) {
                    otherProblems.add("Sentinel " + sentinel + " answered SENTINEL MASTER without an address");
                    continue;
                }
                reports.add(new Report(sentinel, dialled(ip + ":" + port), parseLong(fields.get("config-epoch")),
                        String.valueOf(fields.get("flags"))));
            } catch (IOException e) {
                dropConnection(sentinel);
                otherProblems.add("Sentinel " + sentinel + ": " + e.getMessage());
            }
        }
        if (reports.isEmpty()) {
            boolean configuration = otherProblems.isEmpty() && !configProblems.isEmpty();
            String why = String.join("; ", configuration ? configProblems : concat(otherProblems, configProblems));
            noteProblem(why, configuration);
            if (configuration) {
                master.unknown(new RedisConfigurationException(endpoint.displayName(), why, null), true);
            } else {
                master.unknown(new IOException("no Sentinel of " + endpoint.displayName() + " answered: " + why), false);
            }
            return;
        }
        if (!configProblems.isEmpty()) {
            noteProblem(String.join("; ", configProblems), true);
        } else {
            lastProblem = null;
        }
        Report best = newest(reports);
        if (!best.down() && !best.address().equals(master.node())) {
            follow(best);
        }
        if (replicas != null) {
            scanReplicas(reports.get(0).sentinel());
        }
    }

    /** The report of the highest configuration epoch (the Sentinels' latest failover); ties go to the most named. */
    private static Report newest(List<Report> reports) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (Report r : reports) {
            votes.merge(r.address(), 1, Integer::sum);
        }
        Report best = reports.get(0);
        for (Report r : reports) {
            if (r.epoch() > best.epoch() || (r.epoch() == best.epoch() && votes.get(r.address()) > votes.get(best.address()))) {
                best = r;
            }
        }
        return best;
    }

    /** Confirms the reported master with ROLE, then moves the target to it. */
    private void follow(Report report) {
        String address = report.address();
        String role;
        try {
            role = role(address);
        } catch (IOException e) {
            LOG.debug("Sentinels of {} name {} as master, but it does not answer ROLE: {}", endpoint, address,
                    e.getMessage());
            return;
        }
        if (!"master".equals(role)) {
            LOG.debug("Sentinels of {} name {} as master, but it says it is a {}; waiting", endpoint, address, role);
            return;
        }
        String before = master.node();
        RedissonClient client = clients.computeIfAbsent(address, nodeClient);
        try {
            master.moveTo(client, address).get(timeout.toMillis() * 4 + 5_000, TimeUnit.MILLISECONDS);
            if (before == null) {
                LOG.info("Sentinel group {}: master is {} (config epoch {})", endpoint, address, report.epoch());
            } else {
                LOG.debug("Sentinel group {}: following the new master {} (config epoch {}), was {}", endpoint, address,
                        report.epoch(), before);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("Moving {} to {} did not complete; the next scan tries again", endpoint, address, e);
        }
    }

    /** Keeps the replica target on a replica the Sentinels list as reachable (its master link may be down). */
    private void scanReplicas(String sentinel) {
        Object reply;
        try {
            reply = sentinelCall(sentinel, "SENTINEL", "REPLICAS", endpoint.masterName());
        } catch (IOException e) {
            dropConnection(sentinel);
            return;
        }
        if (!(reply instanceof List<?> list)) {
            return;
        }
        List<String> healthy = new ArrayList<>();
        for (Object item : list) {
            Map<String, String> fields = RespReplies.pairs(item);
            String flags = String.valueOf(fields.get("flags"));
            if (fields.get("ip") == null || flags.contains("s_down") || flags.contains("o_down")
                    || flags.contains("disconnected")) {
                continue;
            }
            healthy.add(dialled(fields.get("ip") + ":" + fields.get("port")));
        }
        String current = replicas.node();
        if (healthy.isEmpty() || healthy.contains(current)) {
            return;
        }
        String address = healthy.get(0);
        replicas.moveTo(clients.computeIfAbsent(address, nodeClient), address);
        LOG.debug("Sentinel group {}: replica reads go to {}", endpoint, address);
    }

    private Object sentinelCall(String sentinel, String... command) throws IOException {
        RespClient c = sentinelConnections.get(sentinel);
        if (c == null) {
            c = open(sentinel, endpoint.sentinelUsername(), endpoint.sentinelPassword(), "Sentinel");
            sentinelConnections.put(sentinel, c);
        }
        return c.call(command);
    }

    /** @return the first word of {@code ROLE} on a data node */
    private String role(String address) throws IOException {
        try (RespClient c = open(address, endpoint.username(), endpoint.password(), "Redis node")) {
            Object reply = c.call("ROLE");
            if (reply instanceof List<?> list && !list.isEmpty()) {
                return String.valueOf(list.get(0));
            }
            throw new IOException("ROLE answered " + reply);
        }
    }

    private RespClient open(String address, String username, String password, String what) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        RespClient c = null;
        try {
            c = RespClient.open(host, port, connectTimeout, timeout);
            if (password != null) {
                Object auth = username == null ? c.call("AUTH", password) : c.call("AUTH", username, password);
                if (auth instanceof RespError error) {
                    throw new IOException(what + " " + address + " refused the credentials: " + error.code());
                }
            }
            return c;
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                c.close();
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private void dropConnection(String sentinel) {
        RespClient c = sentinelConnections.remove(sentinel);
        if (c != null) {
            c.close();
        }
    }

    private String sentinelProblem(String sentinel, RespError error) {
        String m = error.message().toUpperCase(Locale.ROOT);
        if (m.contains("UNKNOWN COMMAND")) {
            return sentinel + " is not a Sentinel (it does not know the SENTINEL command); list the Sentinels' "
                    + "addresses (port 26379 by default), not the data nodes'";
        }
        if (m.contains("NO SUCH MASTER")) {
            return "Sentinel " + sentinel + " monitors no master named '" + endpoint.masterName()
                    + "'; use the name from its 'sentinel monitor' line";
        }
        if (m.startsWith("NOAUTH") || m.startsWith("WRONGPASS") || m.startsWith("NOPERM")) {
            return "Sentinel " + sentinel + " refused the client (" + error.code() + "); give the Sentinels' own "
                    + "credentials with RedisEndpoint.withSentinelCredentials";
        }
        return "Sentinel " + sentinel + " answered " + error.code();
    }

    private void noteProblem(String why, boolean configuration) {
        if (!why.equals(lastProblem)) {
            lastProblem = why;
            if (configuration) {
                LOG.error("Sentinel group {}: {}", endpoint, why);
            } else {
                LOG.warn("Sentinel group {}: {}", endpoint, why);
            }
        }
    }

    private String dialled(String reported) {
        return endpoint.natMap().getOrDefault(reported, reported);
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Stops scanning and closes the Sentinel connections (the Redisson clients are the binding's). */
    @Override
    public void close() {
        closed = true;
        try {
            discovery.submit(() -> {
                sentinelConnections.values().forEach(RespClient::close);
                sentinelConnections.clear();
            }).get(timeout.toMillis() + connectTimeout.toMillis() * endpoint.sentinels().size() + 1_000,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("closing Sentinel connections of {}", endpoint, e);
        }
    }
}
