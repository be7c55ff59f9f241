package io.resilientredis.client;

import io.resilientredis.client.internal.ClientHooks;
import org.redisson.client.RedisConnectionException;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.api.redisnode.RedisClusterMaster;
import java.util.concurrent.CompletableFuture;
import java.util.Collection;
import io.resilientredis.client.internal.Command;
import io.resilientredis.client.internal.HashSlots;
import io.resilientredis.client.internal.Markers;
import io.resilientredis.failover.spill.SpillStoreConfig;
import io.resilientredis.client.internal.QueuePort;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.client.queue.JobQueues;
import io.resilientredis.client.queue.QueueOptions;
import io.resilientredis.failover.internal.Arguments;
import io.resilientredis.failover.internal.Threads;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.spi.Endpoint;
import io.resilientredis.failover.spi.FailoverEngine;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.FailoverListener;
import io.resilientredis.failover.FailoverStatus;
import io.resilientredis.failover.ResilientRedisException;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.nio.file.Path;
import io.resilientredis.failover.WriteReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis client that keeps working through outages and failovers. Every call goes to the primary
 * endpoint or, when its circuit breaker is open, to the next standby; reads fail fast with
 * {@link io.resilientredis.failover.RedisUnavailableException} when no endpoint can serve them.
 *
 * <pre>{@code
 * try (ResilientRedis redis = ResilientRedis.builder()
 *         .primary(RedisEndpoint.standalone("redis://:secret@10.0.0.5:6379"))
 *         .standby(RedisEndpoint.sentinel("mymaster", "10.1.0.7:26379", "10.1.0.8:26379"))
 *         .build()) {
 *     redis.set("greeting", "hello");
 *     String v = redis.get("greeting");
 * }
 * }</pre>
 *
 * <p>Thread-safe; build one per application and close it on shutdown (it stops every thread it
 * started). The synchronous methods throw the exceptions the asynchronous ones
 * ({@link #async()}) complete with.
 */
public final class ResilientRedis extends RedisView<String, String> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");

    private final RedissonBinding binding;
    /** The engine, when the primary is no Redis Cluster; else null and {@link #lanes} holds one per lane. */
    private final FailoverEngine<RedissonClient> engine;
    /** The spill lanes of a Redis Cluster primary, else null. */
    private final ClusterLanes lanes;
    /** The operations the sync facade runs (it observes its calls itself, around the wait). */
    private final AsyncRedis async;
    /** The operations {@link #async()} hands out, each call observed. */
    private final AsyncRedis observedAsync;
    private final ClientHooks hooks;
    private final long callBoundMillis;
    private final String description;
    private final long markerTtlSeconds;
    private final JobQueues jobQueues;
    /** Runs the Sentinel trackers' scans; null when no endpoint is a Sentinel group. */
    private final java.util.concurrent.ScheduledThreadPoolExecutor discovery;
    private final List<SentinelTracker> trackers = new ArrayList<>();

    static {
        ClientHooks.register(client -> ((ResilientRedis) client).hooks);
    }

    private ResilientRedis(Builder b) {
        this.binding = new RedissonBinding(b.timeout, b.connectTimeout, b.nettyThreads, b.redisson);
        this.markerTtlSeconds = Math.max(1, b.markerTtl.toSeconds());
        this.jobQueues = new JobQueues(new QueueSide(), b.timeout, b.timeout.plus(b.connectTimeout));
        this.hooks = new ClientHooks(this::engineStatus, this::activePriority, jobQueues::snapshot,
                jobQueues::refreshSnapshot, this::observeReplay,
                b.endpoints.stream().map(RedisEndpoint::displayName).toList());
        this.discovery = b.endpoints.stream().anyMatch(RedisEndpoint::isSentinel) ? discoveryThread() : null;
        try {
            RedisEndpoint first = b.endpoints.get(0);
            if (first.isCluster()) {
                for (RedisEndpoint e : b.endpoints) {
                    if (e.isSentinel()) {
                        throw new IllegalArgumentException("A Sentinel group (" + e + ") cannot be a standby of a Redis"
                                + " Cluster primary yet: each of the cluster's spill lanes would follow the group's "
                                + "master on its own. Fix: use a standalone server or another cluster as the standby");
                    }
                }
                RedissonClient clusterClient = binding.connect(first);
                List<Endpoint<RedissonClient>> standbys = new ArrayList<>();
                List<RedisEndpoint> standbyEndpoints = b.endpoints.subList(1, b.endpoints.size());
                List<RedissonClient> standbyClients = new ArrayList<>();
                for (RedisEndpoint e : standbyEndpoints) {
                    standbyClients.add(binding.connect(e));
                }
                this.engine = null;
                this.lanes = new ClusterLanes(first, clusterClient, b.spill, b.connectTimeout, b.timeout,
                        (lane, view, laneSpill) -> {
                            FailoverEngine.Builder<RedissonClient> lb = engineBuilder(b, laneSpill);
                            lb.endpoint(view);
                            for (int i = 0; i < standbyEndpoints.size(); i++) {
                                RedisEndpoint e = standbyEndpoints.get(i);
                                lb.endpoint(Endpoint.of(e.displayName(), standbyClients.get(i),
                                        e.isCluster() ? ResilientRedis::probeCluster : ResilientRedis::probe));
                            }
                            return lb.build();
                        });
            } else {
                FailoverEngine.Builder<RedissonClient> eb = engineBuilder(b, b.spill);
                for (RedisEndpoint e : b.endpoints) {
                    Endpoint<RedissonClient> endpoint;
                    if (e.isSentinel()) {
                        SentinelTracker tracker = new SentinelTracker(e, b.connectTimeout, b.timeout,
                                address -> binding.connectNode(e, address), discovery, b.replicaReads);
                        trackers.add(tracker);
                        endpoint = Endpoint.following(e.displayName(), tracker.master(), ResilientRedis::probe);
                        if (tracker.replicas() != null) {
                            endpoint = endpoint.withReplicaReads(tracker.replicas());
                        }
                    } else if (e.isCluster()) {
                        endpoint = Endpoint.of(e.displayName(), binding.connect(e), ResilientRedis::probeCluster);
                    } else {
                        endpoint = Endpoint.of(e.displayName(), binding.connect(e), ResilientRedis::probe);
                    }
                    eb.endpoint(endpoint);
                }
                this.engine = eb.build();
                this.lanes = null;
            }
            // Scan once before the first call, bounded, so that it usually finds the master known.
            for (SentinelTracker t : trackers) {
                t.start(b.sentinelScan);
            }
            for (SentinelTracker t : trackers) {
                t.awaitFirstScan(b.connectTimeout);
            }
        } catch (RuntimeException e) {
            stopDiscovery();
            binding.close();
            throw e;
        }
        this.async = new AsyncRedis(engine, lanes, b.markerTtl, b.durability, b.protoMaxBulkLen,
                b.spill == null ? Long.MAX_VALUE : b.spill.maxEntryBytes(),
                b.endpoints.stream().anyMatch(RedisEndpoint::isCluster));
        this.observedAsync = async.observedBy(hooks);
        this.callBoundMillis = (b.timeout.plus(b.connectTimeout).plus(b.durability.timeout()).toMillis())
                * (b.retry.maxAttempts() + 1)
                + b.retry.maxDuration().toMillis() + 10_000
                // A write may wait this long for room in a full spill store (OverflowPolicy.block).
                + (b.spill == null ? 0 : b.spill.overflowPolicy().timeout().toMillis());
        List<String> names = new ArrayList<>();
        for (RedisEndpoint e : b.endpoints) {
            names.add(e.displayName());
        }
        this.description = "ResilientRedis" + names;
        LOG.info("resilient-redis started with endpoints {} (primary first); connections are made lazily", names);
    }

    /** @return an engine builder with every setting of {@code b} and its listeners, no endpoint yet */
    private FailoverEngine.Builder<RedissonClient> engineBuilder(Builder b, SpillStoreConfig spill) {
        FailoverEngine.Builder<RedissonClient> eb = FailoverEngine.<RedissonClient>builder()
                .breaker(b.breaker)
                .retry(b.retry)
                .failbackGrace(b.failbackGrace)
                .probeTimeout(b.timeout.plus(b.connectTimeout))
                .callTimeout(b.timeout)
                .classifier(RedissonFailureClassifier.INSTANCE)
                .replicaReads(b.replicaReads);
        // REPLICATED replays idempotent writes through their markers too: the journal re-applies every
        // write through its marker and skips those the master has, so a replayed write without one would
        // be applied again after a newer write that was skipped, and the older value would win.
        RedissonReplayApplier applier = new RedissonReplayApplier(Math.max(1, b.markerTtl.toSeconds()),
                b.durability, b.durability.isReplicated());
        if (spill != null) {
            eb.spill(spill, applier, b.replay);
        }
        // The journal's writes were confirmed by the old master (and, with REPLICATED, by a replica):
        // re-applying them must not wait for replicas a fresh master may not have yet.
        // REPLICATED writes each carry their marker (idempotent ones too), so the journal re-applies
        // them all through it: one the new master has is skipped, not written again.
        eb.journal(b.journal, new RedissonReplayApplier(Math.max(1, b.markerTtl.toSeconds()),
                Durability.acknowledged(), b.durability.isReplicated()));
        if (b.durability.isReplicated()) {
            // A write confirmed by a replica still following a master that a failover replaces is
            // dropped on resync: the journal on disk lets the next client re-apply it after a crash.
            eb.keepJournalOnDisk(b.markerTtl);
        }
        for (FailoverListener l : b.listeners) {
            eb.listener(l);
        }
        eb.listener(hooks::event);
        // Worker heartbeats are not spilled: re-assert them as soon as an endpoint is back.
        eb.listener(event -> {
            if (event.type() == FailoverEvent.Type.ENDPOINT_UP || event.type() == FailoverEvent.Type.SWITCHED
                    || event.type() == FailoverEvent.Type.FAILED_BACK) {
                jobQueues.endpointRecovered();
            }
        });
        return eb;
    }

    private static java.util.concurrent.ScheduledThreadPoolExecutor discoveryThread() {
        java.util.concurrent.ScheduledThreadPoolExecutor ex = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                r -> Threads.daemon("resilient-redis-sentinel-" + DISCOVERY_IDS.incrementAndGet(), r));
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return ex;
    }

    private static final java.util.concurrent.atomic.AtomicInteger DISCOVERY_IDS =
            new java.util.concurrent.atomic.AtomicInteger();

    private void stopDiscovery() {
        for (SentinelTracker t : trackers) {
            t.close();
        }
        if (discovery != null) {
            discovery.shutdownNow();
            try {
                discovery.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    private static CompletionStage<?> probe(RedissonClient client) {
        return client.getBucket("rr:probe", StringCodec.INSTANCE).isExistsAsync();
    }

    /**
     * A cluster endpoint is healthy when every master it knows answers: calls to a dead shard's slots
     * would fail, so the endpoint stays open until the shard is back or the cluster replaced its master.
     */
    private static CompletionStage<?> probeCluster(RedissonClient client) {
        Collection<RedisClusterMaster> masters = client.getRedisNodes(RedisNodes.CLUSTER).getMasters();
        if (masters.isEmpty()) {
            return CompletableFuture.failedStage(new RedisConnectionException("the cluster reports no master"));
        }
        CompletableFuture<?>[] pings = masters.stream()
                .map(m -> m.pingAsync().toCompletableFuture().thenAccept(ok -> {
                    if (!Boolean.TRUE.equals(ok)) {
                        throw new RedisConnectionException("cluster master " + m.getAddr() + " does not answer PING");
                    }
                }))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(pings);
    }

    /** @return the asynchronous form of every operation */
    @Override
    public AsyncRedis async() {
        return observedAsync;
    }

    @Override
    AsyncRedis ops() {
        return async;
    }

    @Override
    long startCall() {
        return hooks.start();
    }

    /**
     * The same operations on other key and value types: keys and values go through the codecs, and
     * everything else (connections, breakers, the spill store, metrics) is this client's.
     *
     * <pre>{@code
     * RedisView<String, Order> orders = redis.withCodecs(Codec.utf8(), JsonCodec.of(Order.class));
     * RedisView<byte[], byte[]> raw = redis.withCodecs(Codec.bytes(), Codec.bytes());
     * }</pre>
     *
     * @param keyCodec how keys, hash fields and stream field names become bytes
     * @param valueCodec how values and members become bytes
     * @param <K> the key type
     * @param <V> the value type
     * @return a view of this client with those types; its {@link RedisView#async()} is the async form
     */
    public <K, V> RedisView<K, V> withCodecs(Codec<K> keyCodec, Codec<V> valueCodec) {
        AsyncRedisView<K, V> plain = new AsyncRedisView<>(async, keyCodec, valueCodec, null);
        AsyncRedisView<K, V> observed = plain.observedBy(hooks);
        ResilientRedis client = this;
        return new RedisView<K, V>() {
            @Override
            public AsyncRedisView<K, V> async() {
                return observed;
            }

            @Override
            AsyncRedisView<K, V> ops() {
                return plain;
            }

            @Override
            long startCall() {
                return client.startCall();
            }

            @Override
            <T> T call(Command command, long start, CompletionStage<T> stage) {
                return client.call(command, start, stage);
            }

            @Override
            public String toString() {
                return "RedisView{" + keyCodec + ", " + valueCodec + " of " + client + "}";
            }
        };
    }

    // ------------------------------------------------------------------ job queues

    /**
     * The job queue of that name, with default {@link QueueOptions}: producers
     * {@link JobQueue#enqueue(String) enqueue} exactly once through outages, workers
     * {@link JobQueue#poll(Duration) poll},
     * {@link JobQueue#ack(io.resilientredis.client.queue.Job) ack} and
     * {@link JobQueue#nack(io.resilientredis.client.queue.Job) nack}. The queue lives in Redis; this
     * only names it, and lists it in {@link #status()}.
     *
     * @param name the queue's name (no braces or whitespace)
     * @return the queue
     */
    public JobQueue queue(String name) {
        return queue(name, QueueOptions.defaults());
    }

    /**
     * @param name the queue's name (no braces or whitespace)
     * @param options maximum length, payload limit, visibility timeout, attempts, poll backoff, worker TTL
     * @return the queue
     * @see #queue(String)
     */
    public JobQueue queue(String name, QueueOptions options) {
        return jobQueues.open(name, options);
    }

    /** What the job queues need from this client: its ids, its reads and writes, its bounded wait. */
    private final class QueueSide implements QueuePort {

        @Override
        public String newId() {
            return Ids.next();
        }

        @Override
        public String markerKey(String writeId, String firstKey) {
            return Markers.key(writeId, firstKey);
        }

        @Override
        public CompletionStage<List<Object>> run(Script script, List<Object> keys, Object... args) {
            NamedScript named = NamedScript.of(script);
            FailoverEngine<RedissonClient> e = lanes == null ? engine
                    : keys.isEmpty() ? lanes.anyEngine() : lanes.engineFor(HashSlots.slot(String.valueOf(keys.get(0))));
            return e.read(c -> Scripts.<List<Object>>evalSha(Scripts.bytes(c), named.sha(), named.body(),
                    NamedScript.REPLY, keys, args));
        }

        @Override
        public <T> CompletionStage<WriteReceipt<T>> write(String writeId, boolean exactlyOnce, Script script,
                                                          List<String> keys, List<byte[]> args,
                                                          Function<List<Object>, T> reply) {
            return async.write(RedisWrite.script(writeId, exactlyOnce, NamedScript.spillable(script), keys, args,
                    markerTtlSeconds, reply));
        }

        @Override
        public <T> T join(CompletionStage<T> stage) {
            return ResilientRedis.this.join(stage);
        }
    }

    // ------------------------------------------------------------------ operations

    /**
     * A snapshot: endpoints, breaker states, the active endpoint, maintenance, spill, and the
     * stats of every queue opened through this client. Queue stats are read from Redis within the
     * client's {@code timeout}; a queue whose stats cannot be read then is listed as unavailable
     * rather than failing the call.
     *
     * @return the snapshot
     */
    public ClientStatus status() {
        FailoverStatus s = engineStatus();
        return new ClientStatus(s.time(), s.endpoints(), s.activeEndpoint(), s.maintenance(), s.spill(), s.journal(),
                jobQueues.status(), lanes == null ? List.of() : lanes.laneStatus());
    }

    /**
     * Switches maintenance mode: while on, writes are spilled (not sent to Redis) and replayed when
     * it is switched off; reads are unaffected.
     *
     * @param on whether maintenance mode is on
     * @throws IllegalStateException when no spill store is configured
     */
    public void maintenance(boolean on) {
        if (lanes != null) {
            lanes.maintenance(on);
            return;
        }
        engine.maintenance(on);
    }

    /**
     * Waits until every spilled write has been replayed into Redis, at most {@code timeout}: for a
     * service that wants its backlog applied before it shuts down. Returns at once without a spill
     * store or with nothing spilled; the replayer wakes it when it reaches the end of the backlog.
     *
     * @param timeout the bound
     * @return true when nothing is left to replay; false when the bound passed first (what is left
     *         stays in the spill store and is replayed by the next client on the same directory)
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitSpillDrained(Duration timeout) throws InterruptedException {
        return lanes != null ? lanes.awaitSpillDrained(timeout) : engine.awaitSpillDrained(timeout);
    }

    /**
     * The Redisson client of the endpoint that serves calls now (with a Redis Cluster primary, the cluster
     * client every lane shares), for what this facade does not cover: locks, pub/sub subscriptions, other
     * data structures. Calls made on it <b>bypass the failover engine and the spill store</b>: no breaker,
     * no retry, no spill, no exactly-once marker, and after a failover to a standby it still points at the
     * endpoint it was taken from; take it again when you need it. When no master can serve and replica reads
     * are allowed, it is a replica's client (reads only). Do not shut it down: {@link #close()} does.
     *
     * @return the active endpoint's Redisson client
     * @throws io.resilientredis.failover.RedisUnavailableException when no endpoint admits calls now
     */
    public RedissonClient redisson() {
        FailoverEngine<RedissonClient> e = lanes != null ? lanes.anyEngine() : engine;
        return join(e.read(c -> CompletableFuture.completedFuture(c)));
    }

    /** Stops every thread this client started and closes its connections. */
    @Override
    public void close() {
        try {
            jobQueues.close();
            stopDiscovery();
            if (lanes != null) {
                lanes.close();
            } else {
                engine.close();
            }
        } finally {
            binding.close();
        }
        LOG.info("{} closed", description);
    }

    @Override
    public String toString() {
        return description;
    }

    private FailoverStatus engineStatus() {
        return lanes != null ? lanes.status() : engine.status();
    }

    private int activePriority() {
        return lanes != null ? lanes.activePriority() : engine.activePriority();
    }

    private void observeReplay(io.resilientredis.failover.spi.ReplayBatchObserver observer) {
        if (lanes != null) {
            lanes.replayBatchObserver(observer);
        } else {
            engine.replayBatchObserver(observer);
        }
    }

    @Override
    <T> T call(Command command, long start, CompletionStage<T> stage) {
        // Traced from here, once the call is under way: a call whose arguments were refused opens no trace.
        Object trace = hooks.begin(command);
        if (start == ClientHooks.NOT_OBSERVED && trace == null) {
            return join(stage);
        }
        T reply;
        try {
            reply = join(stage);
        } catch (RuntimeException | Error e) {
            hooks.failed(command, start, e);
            hooks.failed(trace, e);
            throw e;
        }
        hooks.completed(command, start, reply);
        hooks.completed(trace, reply);
        return reply;
    }

    private <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(callBoundMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ResilientRedisException("call failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new ResilientRedisException("call did not complete within " + callBoundMillis
                    + " ms, past every configured timeout; this is a bug, please report it with a thread dump", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilientRedisException("interrupted while waiting for Redis", e);
        }
    }

    /** Redis's default {@code proto-max-bulk-len}: 512 MiB. */
    public static final long DEFAULT_PROTO_MAX_BULK_LEN = 512L * 1024 * 1024;

    /** Builds a {@link ResilientRedis}. Every setting has a default except the primary endpoint. */
    public static final class Builder {
        private final List<RedisEndpoint> endpoints = new ArrayList<>();
        private final List<FailoverListener> listeners = new ArrayList<>();
        private BreakerSettings breaker = BreakerSettings.defaults();
        private RetrySettings retry = RetrySettings.defaults();
        private Duration timeout = Duration.ofMillis(1000);
        private Duration connectTimeout = Duration.ofMillis(1000);
        private Duration failbackGrace = Duration.ofSeconds(5);
        private Duration markerTtl = Duration.ofHours(24);
        private boolean replicaReads;
        private int nettyThreads = 4;
        private Consumer<Config> redisson;
        private SpillStoreConfig spill;
        private ReplaySettings replay = ReplaySettings.defaults();
        private Durability durability = Durability.acknowledged();
        private io.resilientredis.failover.JournalSettings journal = io.resilientredis.failover.JournalSettings.defaults();
        private long protoMaxBulkLen = DEFAULT_PROTO_MAX_BULK_LEN;
        private Duration sentinelScan = Duration.ofMillis(250);

        private Builder() {
        }

        /**
         * Bounds the failover journal: the writes a Sentinel group's master acknowledged recently,
         * kept in memory and re-applied (under their ids, in order, exactly-once writes through
         * their markers) on the next master when the Sentinels promote one, before any newer write.
         * That is what keeps a write reported {@code WRITTEN} through a failover that drops what the
         * old master had not replicated. Writes pushed out by the byte bound while still inside the
         * window are counted ({@link ClientStatus#journal()}) and reported once
         * ({@code JOURNAL_OVERFLOW}).
         *
         * @param settings window (default 10 s) and byte bound (default 32 MiB)
         * @return this builder
         */
        public Builder failoverJournal(io.resilientredis.failover.JournalSettings settings) {
            this.journal = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param interval how often each Sentinel group's Sentinels are asked which node is the
         *                 master (a promotion is followed within about this long); default 250 ms
         * @return this builder
         */
        public Builder sentinelScanInterval(Duration interval) {
            this.sentinelScan = Arguments.positive(interval, "sentinelScanInterval");
            return this;
        }

        /**
         * @param bytes the largest argument (value, key) a write may have; match the server's
         *              {@code proto-max-bulk-len} (default 512 MiB). A larger one fails at call time
         *              with {@link IllegalArgumentException}, without being sent or spilled.
         * @return this builder
         */
        public Builder protoMaxBulkLen(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("protoMaxBulkLen must be positive, was " + bytes);
            }
            this.protoMaxBulkLen = bytes;
            return this;
        }

        /**
         * @param durability when a write counts as written; default {@link Durability#acknowledged()}.
         *                   {@link Durability#replicated(int, java.time.Duration)} needs a spill store.
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Keeps writes that no endpoint takes in a durable spill store in {@code directory}
         * (default bounds: 256 MiB, 1,000,000 writes; a full store rejects with
         * {@link io.resilientredis.failover.spill.SpillFullException}). They are replayed in order,
         * exactly once, when an endpoint admits writes again, also after a restart.
         *
         * @param directory a directory only this process uses (it is locked)
         * @return this builder
         */
        public Builder spill(Path directory) {
            return spill(SpillStoreConfig.builder(directory).build());
        }

        /**
         * @param config the spill store's directory, bounds and overflow policy
         * @return this builder
         * @see #spill(Path)
         */
        public Builder spill(SpillStoreConfig config) {
            this.spill = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param settings the replayer's batch size and rate limit
         * @return this builder
         */
        public Builder replay(ReplaySettings settings) {
            this.replay = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param endpoint the primary: writes and reads go here while it is healthy
         * @return this builder
         */
        public Builder primary(RedisEndpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!endpoints.isEmpty() && endpoints.get(0) != null) {
                throw new IllegalStateException("primary is already set to " + endpoints.get(0));
            }
            if (endpoints.isEmpty()) {
                endpoints.add(endpoint);
            } else {
                endpoints.set(0, endpoint);
            }
            return this;
        }

        /**
         * Adds a standby, used in the order added when the endpoints before it are down.
         *
         * @param endpoint the standby
         * @return this builder
         */
        public Builder standby(RedisEndpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (endpoints.isEmpty()) {
                endpoints.add(null);
            }
            endpoints.add(endpoint);
            return this;
        }

        /**
         * @param timeout how long one Redis call may take before it counts as failed; default 1 s
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Arguments.positive(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout how long opening a connection may take; default 1 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Arguments.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param settings circuit breaker and health probe settings
         * @return this builder
         */
        public Builder breaker(BreakerSettings settings) {
            this.breaker = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param settings retry settings for reads and writes
         * @return this builder
         */
        public Builder retry(RetrySettings settings) {
            this.retry = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param grace how long a recovered primary must stay healthy before traffic fails back; default 5 s
         * @return this builder
         */
        public Builder failbackGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("failbackGrace must not be negative");
            }
            this.failbackGrace = grace;
            return this;
        }

        /**
         * @param allowed whether reads may go to a Sentinel group's replicas (possibly stale)
         *                when no master can serve them; default false
         * @return this builder
         */
        public Builder replicaReads(boolean allowed) {
            this.replicaReads = allowed;
            return this;
        }

        /**
         * @param ttl how long exactly-once markers live; a write replayed after its marker expired
         *            could apply twice if its first attempt had landed; default 24 h
         * @return this builder
         */
        public Builder markerTtl(Duration ttl) {
            this.markerTtl = Arguments.positive(ttl, "markerTtl");
            return this;
        }

        /**
         * @param listener receives every state change (endpoint down/up, switch, failback, ...)
         * @return this builder
         */
        public Builder listener(FailoverListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @param threads Netty I/O threads shared by every endpoint's connections; default 4
         * @return this builder
         */
        public Builder nettyThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("nettyThreads must be at least 1");
            }
            this.nettyThreads = threads;
            return this;
        }

        /**
         * Adjusts each endpoint's Redisson configuration after this library set it up: pool sizes,
         * TLS trust stores, and the like. Changing retry attempts, timeouts or lazy initialisation
         * here undoes what the failover engine relies on.
         *
         * @param customizer called once per Redisson client created (again when one that shut itself down
         *                   is rebuilt)
         * @return this builder
         */
        public Builder redisson(Consumer<Config> customizer) {
            this.redisson = customizer;
            return this;
        }

        /**
         * @return the client; connections are made lazily, so this succeeds with every endpoint down
         * @throws IllegalStateException when no primary was given
         */
        public ResilientRedis build() {
            if (durability.isReplicated() && spill == null) {
                throw new IllegalStateException("Durability " + durability + " keeps unconfirmed writes in the spill "
                        + "store; configure one with spill(directory)");
            }
            if (endpoints.isEmpty() || endpoints.get(0) == null) {
                throw new IllegalStateException("set a primary endpoint: builder().primary(RedisEndpoint.standalone(\"redis://host:6379\"))");
            }
            return new ResilientRedis(this);
        }
    }
}
