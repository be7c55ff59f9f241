package io.resilientredis.client;

import io.resilientredis.client.internal.HashSlots;
import io.resilientredis.client.internal.resp.RespClient;
import io.resilientredis.client.internal.resp.RespError;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.FailoverStatus;
import io.resilientredis.failover.JournalStatus;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.internal.Threads;
import io.resilientredis.failover.spi.Endpoint;
import io.resilientredis.failover.spi.EndpointTarget;
import io.resilientredis.failover.spi.FailoverEngine;
import io.resilientredis.failover.spi.ReplayBatchObserver;
import io.resilientredis.failover.spill.SpillStoreConfig;
import io.resilientredis.failover.spill.SpillStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.net.ssl.SSLSocketFactory;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spill lanes of a client whose primary is a Redis Cluster: one failover engine per lane, each
 * with its own breaker, spill store ({@code lanes/<n>} in the spill directory), replayer and failover
 * journal, so a shard that cannot take writes costs only its own keys. All lanes share one Redisson
 * cluster client, which routes every call by its key's slot (so a lane's replay goes wherever its
 * slots are served now).
 *
 * <p><b>Which lane a write takes.</b> A layout maps each of the 16384 slots to a lane; it is kept in
 * {@code lanes/layout} so that the next client on the directory routes every key to the lane that
 * holds its spilled writes. Lanes follow the cluster's shards: every second this class reads
 * {@code CLUSTER NODES} and gives each shard the lane that holds most of its slots (new lanes for the
 * others). A slot moves to another lane only when its old lane holds nothing (no spilled write, no
 * write in flight), checked while new writes wait briefly: so a key's writes are never reordered, and a
 * slot the cluster moved while its lane had a backlog stays in that lane, whose replay follows the slot
 * to its new shard, until the lane is empty. A client that starts while the cluster is unreachable routes
 * every slot to lane 0 until it first sees the shards and lane 0 is empty.
 *
 * <p><b>A lane's breaker</b> is probed with a key in the first slot of each shard the lane's slots are on,
 * so it opens and closes with those shards. When a lane's master changes (a failover), the lane's target
 * moves and its engine re-applies the writes the old master acknowledged recently, as for a Sentinel
 * group.
 */
final class ClusterLanes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");
    private static final AtomicInteger IDS = new AtomicInteger();
    /** How often the cluster's shards are read. */
    static final Duration SCAN = Duration.ofSeconds(1);
    /** How long a layout change waits for the writes in flight on the lanes it empties. */
    private static final Duration REFORM_WAIT = Duration.ofMillis(200);
    static final String LAYOUT_FILE = "layout";

    /** Builds a lane's engine: its view of the cluster first, the client's standbys after it. */
    interface LaneFactory {
        FailoverEngine<RedissonClient> build(int lane, Endpoint<RedissonClient> clusterView, SpillStoreConfig spill);
    }

    /** One lane. */
    static final class Lane {
        final int number;
        final FailoverEngine<RedissonClient> engine;
        final EndpointTarget<RedissonClient> target;
        /** Writes routed to this lane whose receipt has not completed. */
        final AtomicLong inFlight = new AtomicLong();

        Lane(int number, FailoverEngine<RedissonClient> engine, EndpointTarget<RedissonClient> target) {
            this.number = number;
            this.engine = engine;
            this.target = target;
        }

        /** Called when a write routed here has its receipt (or failed). */
        void left() {
            inFlight.decrementAndGet();
        }

        boolean idle() {
            if (inFlight.get() != 0) {
                return false;
            }
            SpillStatus s = engine.status().spill();
            return s.depth() == 0 && s.pendingAppends() == 0;
        }
    }

    private final RedisEndpoint endpoint;
    private final RedissonClient client;
    private final SpillStoreConfig spill;
    private final Path lanesDir;
    private final LaneFactory factory;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final ReentrantReadWriteLock routing = new ReentrantReadWriteLock();
    private final ConcurrentSkipListMap<Integer, Lane> lanes = new ConcurrentSkipListMap<>();
    private final List<ReplayBatchObserver> observers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scanner;
    private volatile int[] layout;
    private volatile ClusterMap map;
    private volatile boolean maintenance;
    private volatile boolean closed;
    /** The tracker's connection and the node it goes to; used on the scanner thread (and once at start). */
    private RespClient connection;
    private String connectedTo;

    ClusterLanes(RedisEndpoint endpoint, RedissonClient client, SpillStoreConfig spill, Duration connectTimeout,
                 Duration timeout, LaneFactory factory) {
        this.endpoint = endpoint;
        this.client = client;
        this.spill = spill;
        this.lanesDir = spill == null ? null : spill.directory().resolve("lanes");
        this.factory = factory;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.scanner = Executors.newSingleThreadScheduledExecutor(
                Threads.daemonFactory("resilient-redis-lanes-" + IDS.incrementAndGet() + "-"));
        try {
            int[] saved = readLayout();
            synchronized (this) {
                this.map = scan();
            }
            this.layout = saved != null ? saved : firstLayout(map);
            if (saved == null) {
                writeLayout(layout);
            }
            Set<Integer> numbers = new java.util.TreeSet<>();
            for (int l : layout) {
                numbers.add(l);
            }
            numbers.addAll(laneDirectories());
            for (int n : numbers) {
                lane(n);
            }
            follow(map);
            scanner.scheduleWithFixedDelay(this::refresh, SCAN.toMillis(), SCAN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ routing

    /**
     * Routes a write: takes the routing lock (shared) and counts the write in flight on its lane.
     * Call {@link #admitted()} once the engine has taken the write, and {@link Lane#left()} when its
     * receipt completes.
     *
     * @param slot the slot of the write's first key
     * @return the lane
     */
    Lane enter(int slot) {
        routing.readLock().lock();
        Lane lane = lanes.get(layout[slot]);
        lane.inFlight.incrementAndGet();
        return lane;
    }

    /** Releases the routing lock taken by {@link #enter(int)}. */
    void admitted() {
        routing.readLock().unlock();
    }

    /** @return the engine reads of {@code slot} go through */
    FailoverEngine<RedissonClient> engineFor(int slot) {
        return lanes.get(layout[slot]).engine;
    }

    /** @return the engine of the lane that routes slot 0 (for calls with no key) */
    FailoverEngine<RedissonClient> anyEngine() {
        return engineFor(0);
    }

    private synchronized Lane lane(int n) {
        Lane lane = lanes.get(n);
        if (lane != null) {
            return lane;
        }
        EndpointTarget<RedissonClient> target = EndpointTarget.movable(this::confirm);
        Endpoint<RedissonClient> view = Endpoint.following(endpoint.displayName() + " lane " + n, target,
                c -> probe(n, c));
        SpillStoreConfig laneSpill = lanesDir == null ? null : spill.withDirectory(lanesDir.resolve(Integer.toString(n)));
        FailoverEngine<RedissonClient> engine = factory.build(n, view, laneSpill);
        if (maintenance) {
            engine.maintenance(true);
        }
        for (ReplayBatchObserver o : observers) {
            engine.replayBatchObserver(o);
        }
        lane = new Lane(n, engine, target);
        lanes.put(n, lane);
        ClusterMap m = map;
        if (m == null) {
            target.settle();
        } else {
            moveTarget(lane, m);
        }
        return lane;
    }

    // ------------------------------------------------------------------ the cluster's shards

    /** Reads the shards again, moves lanes' targets, and changes the layout where it may. */
    private void refresh() {
        if (closed) {
            return;
        }
        try {
            ClusterMap m;
            synchronized (this) {
                m = scan();
                if (m != null) {
                    map = m;
                }
            }
            if (m != null) {
                follow(m);
                reform(m);
            }
        } catch (RuntimeException e) {
            LOG.warn("Reading the shards of Redis Cluster {} failed: {}", endpoint, e.toString());
        }
    }

    /** Asks for the lane's target again now (the replayer does before it drains a lane). */
    private CompletionStage<?> confirm() {
        return CompletableFuture.runAsync(this::refresh, scanner);
    }

    /** Moves each lane's target to the master serving most of its slots now. */
    private void follow(ClusterMap m) {
        if (m == null) {
            return;
        }
        for (Lane lane : lanes.values()) {
            moveTarget(lane, m);
        }
    }

    private void moveTarget(Lane lane, ClusterMap m) {
        String master = masterOf(lane.number, m);
        if (master == null) {
            lane.target.settle();
            return;
        }
        if (!master.equals(lane.target.node())) {
            if (lane.target.node() != null) {
                LOG.warn("Redis Cluster {} lane {}: its master is now {} (was {})", endpoint, lane.number, master,
                        lane.target.node());
            }
            lane.target.moveTo(client, master);
        }
    }

    /** @return the announced address of the master serving most of the lane's slots, or null */
    private String masterOf(int lane, ClusterMap m) {
        int[] l = layout;
        int[] count = new int[m.shards().size()];
        for (int s = 0; s < l.length; s++) {
            if (l[s] == lane && m.owner()[s] >= 0) {
                count[m.owner()[s]]++;
            }
        }
        int best = -1;
        for (int i = 0; i < count.length; i++) {
            if (count[i] > 0 && (best < 0 || count[i] > count[best])) {
                best = i;
            }
        }
        return best < 0 ? null : m.shards().get(best).master();
    }

    /**
     * Gives each shard a lane (the one holding most of its slots; a new one when that is taken) and
     * moves the slots whose lane changes, for the lanes that hold nothing.
     */
    private void reform(ClusterMap m) {
        int[] current = layout;
        int[] desired = desired(m, current);
        Map<Integer, List<Integer>> movesBySource = new TreeMap<>();
        for (int s = 0; s < desired.length; s++) {
            if (desired[s] != current[s]) {
                movesBySource.computeIfAbsent(current[s], k -> new ArrayList<>()).add(s);
            }
        }
        movesBySource.keySet().removeIf(source -> !lanes.get(source).idle());
        if (movesBySource.isEmpty()) {
            return;
        }
        for (List<Integer> slots : movesBySource.values()) {
            for (int s : slots) {
                lane(desired[s]); // built before the lock: opening a store takes a while
            }
        }
        ReentrantReadWriteLock.WriteLock lock = routing.writeLock();
        boolean locked;
        try {
            locked = lock.tryLock(REFORM_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!locked) {
            return;
        }
        try {
            long until = System.nanoTime() + REFORM_WAIT.toNanos();
            int[] next = current.clone();
            int moved = 0;
            for (Map.Entry<Integer, List<Integer>> e : movesBySource.entrySet()) {
                Lane source = lanes.get(e.getKey());
                while (!source.idle() && System.nanoTime() < until) {
                    LockSupport.parkNanos(200_000); // writes in flight finish within their call timeout
                }
                if (!source.idle()) {
                    continue;
                }
                for (int s : e.getValue()) {
                    next[s] = desired[s];
                    moved++;
                }
            }
            if (moved > 0) {
                writeLayout(next);
                layout = next;
                LOG.info("Redis Cluster {}: {} slots moved to the lanes of their shards; lanes now {}", endpoint,
                        moved, describe(next));
            }
        } finally {
            lock.unlock();
        }
        follow(m);
    }

    /** @return for each slot, the lane it should be in: its shard's lane (unserved slots keep theirs) */
    static int[] desired(ClusterMap m, int[] current) {
        int[] out = current.clone();
        int nextLane = 0;
        for (int l : current) {
            nextLane = Math.max(nextLane, l + 1);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < m.shards().size(); i++) {
            order.add(i);
        }
        int[] size = new int[m.shards().size()];
        for (int o : m.owner()) {
            if (o >= 0) {
                size[o]++;
            }
        }
        // The biggest shards choose first, so the lane of a shard that lost a few slots stays its own.
        order.sort((a, b) -> size[b] != size[a] ? Integer.compare(size[b], size[a]) : Integer.compare(a, b));
        Set<Integer> claimed = new LinkedHashSet<>();
        for (int shard : order) {
            Map<Integer, Integer> overlap = new TreeMap<>();
            for (int s = 0; s < current.length; s++) {
                if (m.owner()[s] == shard) {
                    overlap.merge(current[s], 1, Integer::sum);
                }
            }
            int lane = -1;
            int best = 0;
            for (Map.Entry<Integer, Integer> e : overlap.entrySet()) {
                if (!claimed.contains(e.getKey()) && e.getValue() > best) {
                    lane = e.getKey();
                    best = e.getValue();
                }
            }
            if (lane < 0) {
                lane = nextLane++;
            }
            claimed.add(lane);
            for (int s = 0; s < current.length; s++) {
                if (m.owner()[s] == shard) {
                    out[s] = lane;
                }
            }
        }
        return out;
    }

    /** @return the first layout: one lane per shard in slot order, or every slot in lane 0 */
    private static int[] firstLayout(ClusterMap m) {
        int[] l = new int[HashSlots.SLOTS];
        if (m != null) {
            for (int s = 0; s < l.length; s++) {
                l[s] = Math.max(0, m.owner()[s]);
            }
        }
        return l;
    }

    /**
     * Reads {@code CLUSTER NODES} from one node: the one asked last, else each seed and known node in
     * turn (through the NAT map), each bounded by the connect timeout and the call timeout.
     *
     * @return the map, or null when no node answered
     */
    private ClusterMap scan() {
        List<String> candidates = new ArrayList<>();
        if (connectedTo != null) {
            candidates.add(connectedTo);
        }
        ClusterMap m = map;
        if (m != null) {
            for (ClusterMap.Shard s : m.shards()) {
                candidates.add(dialled(s.master()));
                for (String r : s.replicas()) {
                    candidates.add(dialled(r));
                }
            }
        }
        for (String seed : endpoint.clusterAddresses()) {
            candidates.add(seed.substring(seed.indexOf("://") + 3));
        }
        String last = null;
        for (String address : new LinkedHashSet<>(candidates)) {
            try {
                if (connection == null || !address.equals(connectedTo)) {
                    dropConnection();
                    connection = open(address);
                    connectedTo = address;
                }
                Object reply = connection.call("CLUSTER", "NODES");
                if (reply instanceof RespError error) {
                    last = address + ": " + error.code();
                    dropConnection();
                    continue;
                }
                String text = reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
                ClusterMap parsed = ClusterMap.parse(text);
                if (!parsed.shards().isEmpty()) {
                    return parsed;
                }
            } catch (IOException | RuntimeException e) {
                last = address + ": " + e.getMessage();
                dropConnection();
            }
        }
        LOG.debug("No node of Redis Cluster {} answered CLUSTER NODES (last: {})", endpoint, last);
        return null;
    }

    private String dialled(String announced) {
        return endpoint.natMap().getOrDefault(announced, announced);
    }

    private RespClient open(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(address.substring(colon + 1));
        RespClient c;
        if (endpoint.tls()) {
            java.net.Socket socket = SSLSocketFactory.getDefault().createSocket();
            try {
                socket.connect(new java.net.InetSocketAddress(host, port), (int) connectTimeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                c = new RespClient(socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        } else {
            c = RespClient.open(host, port, connectTimeout, timeout);
        }
        try {
            if (endpoint.password() != null) {
                Object auth = endpoint.username() == null ? c.call("AUTH", endpoint.password())
                        : c.call("AUTH", endpoint.username(), endpoint.password());
                if (auth instanceof RespError error) {
                    throw new IOException("the node refused the credentials (" + error.code() + ")");
                }
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void dropConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
            connectedTo = null;
        }
    }

    // ------------------------------------------------------------------ probes

    /**
     * A lane is healthy when a key in the first of its slots on each shard they are served by answers;
     * slots no shard serves now fail the probe (their writes would fail).
     */
    private CompletionStage<?> probe(int lane, RedissonClient c) {
        int[] l = layout;
        ClusterMap m = map;
        Map<Integer, Integer> firstSlotByOwner = new LinkedHashMap<>();
        for (int s = 0; s < l.length; s++) {
            if (l[s] == lane) {
                firstSlotByOwner.putIfAbsent(m == null ? -1 : m.owner()[s], s);
            }
        }
        if (firstSlotByOwner.isEmpty()) {
            firstSlotByOwner.put(-1, 0); // a lane left with no slot: the cluster as a whole
        }
        CompletableFuture<?>[] checks = firstSlotByOwner.values().stream()
                .map(slot -> c.getBucket("rr:probe:{" + HashSlots.tag(slot) + "}", StringCodec.INSTANCE)
                        .isExistsAsync().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(checks);
    }

    // ------------------------------------------------------------------ the layout on disk

    private int[] readLayout() {
        if (lanesDir == null) {
            return null;
        }
        Path file = lanesDir.resolve(LAYOUT_FILE);
        if (!Files.exists(file)) {
            List<Integer> dirs = laneDirectories();
            if (!dirs.isEmpty()) {
                throw new SpillStoreException("The spill directory's Redis Cluster lanes " + dirs + " exist but "
                        + file + " (which slot each lane holds) is missing, so the client cannot tell which lane a "
                        + "key's spilled writes are in and would reorder them. Fix: restore " + file + " from a "
                        + "backup of the spill directory; or, to accept possible reordering, delete it and start "
                        + "with an empty lanes folder after moving the old one away.");
            }
            return null;
        }
        try {
            int[] l = new int[HashSlots.SLOTS];
            Arrays.fill(l, -1);
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] kv = t.split("=");
                String[] range = kv[0].split("-");
                int first = Integer.parseInt(range[0]);
                int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
                int lane = Integer.parseInt(kv[1]);
                for (int s = first; s <= last; s++) {
                    l[s] = lane;
                }
            }
            for (int s = 0; s < l.length; s++) {
                if (l[s] < 0) {
                    throw new IllegalArgumentException("slot " + s + " has no lane");
                }
            }
            return l;
        } catch (IOException | RuntimeException e) {
            throw new SpillStoreException("The Redis Cluster lane layout " + file + " cannot be read (" + e.getMessage()
                    + "). Fix: restore it from a backup of the spill directory.", e);
        }
    }

    private void writeLayout(int[] l) {
        if (lanesDir == null) {
            return;
        }
        StringBuilder sb = new StringBuilder("# slot range=lane: which spill lane routes each hash slot\n");
        for (int s = 0; s < l.length; ) {
            int e = s;
            while (e + 1 < l.length && l[e + 1] == l[s]) {
                e++;
            }
            sb.append(s == e ? Integer.toString(s) : s + "-" + e).append('=').append(l[s]).append('\n');
            s = e + 1;
        }
        try {
            Files.createDirectories(lanesDir);
            Path tmp = lanesDir.resolve(LAYOUT_FILE + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, lanesDir.resolve(LAYOUT_FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, lanesDir.resolve(LAYOUT_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Redis Cluster lane layout in " + lanesDir, e);
        }
    }

    private List<Integer> laneDirectories() {
        if (lanesDir == null || !Files.isDirectory(lanesDir)) {
            return List.of();
        }
        try (var entries = Files.list(lanesDir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{1,6}")).map(Integer::parseInt).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lanesDir, e);
        }
    }

    private static String describe(int[] l) {
        Map<Integer, List<Integer>> byLane = new TreeMap<>();
        for (int s = 0; s < l.length; s++) {
            byLane.computeIfAbsent(l[s], k -> new ArrayList<>()).add(s);
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Integer, List<Integer>> e : byLane.entrySet()) {
            int[] slots = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            sb.append(sb.length() == 0 ? "" : "; ").append(e.getKey()).append(": ")
                    .append(String.join(",", ClusterMap.rangeText(ClusterMap.ranges(slots))));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ the client's view of all lanes

    List<LaneStatus> laneStatus() {
        int[] l = layout;
        List<LaneStatus> out = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            List<Integer> slots = new ArrayList<>();
            for (int s = 0; s < l.length; s++) {
                if (l[s] == lane.number) {
                    slots.add(s);
                }
            }
            FailoverStatus f = lane.engine.status();
            EndpointStatus view = f.endpoints().get(0);
            out.add(new LaneStatus(lane.number,
                    ClusterMap.rangeText(ClusterMap.ranges(slots.stream().mapToInt(Integer::intValue).toArray())),
                    lane.target.node(), view.state(), f.activeEndpoint(), f.spill()));
        }
        return out;
    }

    /**
     * @return every lane's engine status in one: each lane's endpoints, the spill figures summed (ages
     *     and flags: the worst), the active endpoint the cluster's when every lane writes to it
     */
    FailoverStatus status() {
        List<EndpointStatus> endpoints = new ArrayList<>();
        long depth = 0, bytes = 0, pending = 0, replayed = 0, rejected = 0, quarantined = 0, lost = 0;
        Duration oldest = Duration.ZERO;
        boolean replaying = false, degraded = false, enabled = false;
        String reason = null;
        double rate = 0;
        long jEntries = 0, jBytes = 0, jOver = 0, jChanges = 0, jReapplied = 0;
        Set<String> active = new LinkedHashSet<>();
        boolean someNone = false;
        Instant time = Instant.now();
        for (Lane lane : lanes.values()) {
            FailoverStatus f = lane.engine.status();
            endpoints.addAll(f.endpoints());
            SpillStatus s = f.spill();
            enabled |= s.enabled();
            depth += s.depth();
            bytes += s.bytes();
            pending += s.pendingAppends();
            if (s.oldestEntryAge().compareTo(oldest) > 0) {
                oldest = s.oldestEntryAge();
            }
            replaying |= s.replaying();
            replayed += s.replayedTotal();
            rate += s.replayRatePerSecond();
            rejected += s.rejectedTotal();
            if (s.degraded() && !degraded) {
                degraded = true;
                reason = "lane " + lane.number + ": " + s.degradedReason();
            }
            quarantined += s.quarantinedTotal();
            lost += s.lostOnOpen();
            JournalStatus j = f.journal();
            jEntries += j.entries();
            jBytes += j.bytes();
            jOver += j.overflowed();
            jChanges += j.masterChanges();
            jReapplied += j.reapplied();
            if (f.activeEndpoint() == null) {
                someNone = true;
            } else {
                active.add(f.activeEndpoint().replaceFirst(" lane \\d+$", ""));
            }
        }
        String activeEndpoint = someNone || active.size() != 1 ? null : active.iterator().next();
        return new FailoverStatus(time, endpoints, activeEndpoint, maintenance,
                new SpillStatus(enabled, depth, bytes, pending, oldest, replaying, replayed, rate, rejected, degraded,
                        reason, quarantined, lost),
                new JournalStatus(jEntries, jBytes, jOver, jChanges, jReapplied));
    }

    /** @return the highest active priority over the lanes (the furthest any lane has failed over) */
    int activePriority() {
        int p = 0;
        for (Lane lane : lanes.values()) {
            p = Math.max(p, lane.engine.activePriority());
        }
        return p;
    }

    void maintenance(boolean on) {
        maintenance = on;
        for (Lane lane : lanes.values()) {
            lane.engine.maintenance(on);
        }
    }

    boolean awaitSpillDrained(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        for (Lane lane : lanes.values()) {
            long left = until - System.nanoTime();
            if (!lane.engine.awaitSpillDrained(Duration.ofNanos(Math.max(0, left)))) {
                return false;
            }
        }
        return true;
    }

    void replayBatchObserver(ReplayBatchObserver observer) {
        observers.add(observer);
        for (Lane lane : lanes.values()) {
            lane.engine.replayBatchObserver(observer);
        }
    }

    @Override
    public void close() {
        closed = true;
        scanner.shutdownNow();
        try {
            scanner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            dropConnection();
        }
        RuntimeException first = null;
        for (Lane lane : lanes.values()) {
            try {
                lane.engine.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
