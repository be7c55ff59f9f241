package io.resilientredis.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.CallObserver;
import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.client.internal.Command;
import io.resilientredis.client.internal.Outcome;
import io.resilientredis.client.queue.QueueStats;
import io.resilientredis.client.queue.QueueStatus;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.FailoverStatus;
import io.resilientredis.failover.internal.Threads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one {@link ResilientRedis}: its calls by outcome, its breakers and
 * switches, the spill store and its replay, the failover journal and the job queues opened through
 * it.
 *
 * <pre>{@code
 * ResilientRedisMetrics metrics = ResilientRedisMetrics.of(redis);
 * metrics.bindTo(registry);          // or declare it as a MeterBinder bean
 * ...
 * metrics.close();                   // before redis.close(): stops its refresh thread
 * }</pre>
 *
 * <p>No meter makes a Redis call or blocks when it is read: gauges read the client's in-memory
 * figures, and the job queues' stats are read in the background, every
 * {@link Builder#queueRefresh(Duration)}, by this binder's own daemon thread. Each call costs one
 * {@link Timer#record(long, TimeUnit)} on a meter made once; a client without a binder pays one
 * volatile read per call. One binder per client, bound to one registry (use a
 * {@code CompositeMeterRegistry} to export to several).
 */
public final class ResilientRedisMetrics implements MeterBinder, AutoCloseable {

    /** Every meter's name starts with this. */
    public static final String PREFIX = "resilientredis.";

    private static final Command[] COMMANDS = Command.values();
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final long SNAPSHOT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ClientHooks hooks;
    private final Tags tags;
    private final boolean histogram;
    private final double[] percentiles;
    private final Duration queueRefresh;

    private final Observer observer = new Observer();
    private final LongAdder appends = new LongAdder();
    private final Map<String, QueueStats> queueStats = new ConcurrentHashMap<>();
    private final Set<String> queuesBound = ConcurrentHashMap.newKeySet();

    private volatile Snapshot snapshot;
    private MeterRegistry registry;
    private List<String> endpoints;
    private Timer[] timers;
    private ScheduledExecutorService refresher;

    private ResilientRedisMetrics(Builder b) {
        this.hooks = ClientHooks.of(b.client);
        this.tags = b.tags;
        this.histogram = b.histogram;
        this.percentiles = b.percentiles.clone();
        this.queueRefresh = b.queueRefresh;
    }

    /**
     * @param client the client to measure
     * @return a binder with the defaults: no histograms, queue stats refreshed every 10 s
     */
    public static ResilientRedisMetrics of(ResilientRedis client) {
        return builder(client).build();
    }

    /**
     * @param client the client to measure
     * @return a builder
     */
    public static Builder builder(ResilientRedis client) {
        return new Builder(client);
    }

    @Override
    public synchronized void bindTo(MeterRegistry meterRegistry) {
        Objects.requireNonNull(meterRegistry, "registry");
        if (registry != null) {
            throw new IllegalStateException("bound already; bind one CompositeMeterRegistry to export to several");
        }
        endpoints = hooks.endpointNames();
        timers = new Timer[COMMANDS.length * (endpoints.size() + 1) * OUTCOMES.length];
        // Installed before any meter: a client that has a binder already gets no second set of meters.
        registry = meterRegistry;
        try {
            hooks.install(observer);
        } catch (RuntimeException e) {
            registry = null;
            throw e;
        }
        bindEndpoints();
        bindSpill();
        bindJournal();
        refresher = Executors.newSingleThreadScheduledExecutor(Threads.daemonFactory("resilient-redis-metrics-"));
        refresher.scheduleWithFixedDelay(this::refreshQueues, 0, queueRefresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the queue refresh and the observation of calls; the meters stay registered. */
    @Override
    public synchronized void close() {
        hooks.uninstall(observer);
        if (refresher != null) {
            refresher.shutdownNow();
            try {
                refresher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- meters

    private void bindEndpoints() {
        // One set per breaker: each endpoint's, and with a Redis Cluster primary each of its lanes'.
        java.util.Set<String> breakers = new java.util.LinkedHashSet<>();
        for (EndpointStatus e : hooks.status().endpoints()) {
            if ("master".equals(e.role())) {
                breakers.add(e.name());
            }
        }
        for (String name : breakers) {
            for (BreakerState state : BreakerState.values()) {
                gauge("breaker.state", "1 when the endpoint's breaker is in this state, else 0",
                        Tags.of(Tag.of("endpoint", name), Tag.of("state", tag(state))), null,
                        m -> m.endpoint(name) != null && m.endpoint(name).state() == state ? 1 : 0);
            }
            gauge("endpoint.active", "1 for the endpoint writes go to now, else 0", Tags.of("endpoint", name), null,
                    m -> m.endpoint(name) != null && m.endpoint(name).active() ? 1 : 0);
            for (String state : List.of("open", "closed")) {
                transitions(name, state);
            }
        }
        for (String name : endpoints) {
            for (String other : endpoints) {
                if (!other.equals(name)) {
                    switches(name, other);
                }
            }
        }
        gauge("maintenance", "1 while maintenance mode is on (writes are spilled)", Tags.empty(), null,
                m -> m.status().maintenance() ? 1 : 0);
    }

    private void bindSpill() {
        gauge("spill.depth", "Writes in the spill store: waiting for replay, or replayed and not yet deleted",
                Tags.empty(), null, m -> m.status().spill().depth());
        gauge("spill.bytes", "Payload bytes of the writes in the spill store", Tags.empty(), "bytes",
                m -> m.status().spill().bytes());
        gauge("spill.pending", "Appends accepted but not yet committed to the spill store", Tags.empty(), null,
                m -> m.status().spill().pendingAppends());
        TimeGauge.builder(PREFIX + "spill.oldest.age", this, TimeUnit.MILLISECONDS,
                        m -> m.status().spill().oldestEntryAge().toMillis())
                .description("Age of the oldest write in the spill store; 0 when it is empty")
                .tags(tags).strongReference(true).register(registry);
        gauge("spill.replaying", "1 while the replayer drains the spill store", Tags.empty(), null,
                m -> m.status().spill().replaying() ? 1 : 0);
        gauge("spill.replay.rate", "Spilled writes replayed per second, over the last few seconds", Tags.empty(),
                null, m -> m.status().spill().replayRatePerSecond());
        gauge("spill.degraded", "1 while the spill store cannot commit (disk full, I/O error)", Tags.empty(), null,
                m -> m.status().spill().degraded() ? 1 : 0);
        gauge("spill.quarantined", "Damaged spilled writes moved to the quarantine table (never replayed)",
                Tags.empty(), null, m -> m.status().spill().quarantinedTotal());
        gauge("spill.lost", "Committed writes missing when the spill store was opened (storage damage)",
                Tags.empty(), null, m -> m.status().spill().lostOnOpen());
        FunctionCounter.builder(PREFIX + "spill.appends", appends, LongAdder::doubleValue)
                .description("Facade writes that went to the spill store").tags(tags).register(registry);
        counter("spill.replayed", "Spilled writes replayed since the client started",
                m -> m.status().spill().replayedTotal());
        counter("spill.rejected", "Spilled writes Redis rejected for good on replay (removed from the store)",
                m -> m.status().spill().rejectedTotal());
    }

    private void bindJournal() {
        gauge("journal.entries", "Acknowledged writes the failover journal holds for re-applying", Tags.empty(), null,
                m -> m.status().journal().entries());
        gauge("journal.bytes", "Estimated size of the failover journal", Tags.empty(), "bytes",
                m -> m.status().journal().bytes());
        counter("journal.overflowed", "Writes pushed out of the journal by its byte bound while inside its window",
                m -> m.status().journal().overflowed());
        counter("journal.master.changes", "Master changes the client followed",
                m -> m.status().journal().masterChanges());
        counter("journal.reapplied", "Journaled writes re-applied on a new master",
                m -> m.status().journal().reapplied());
    }

    private void bindQueue(String queue) {
        Tags q = Tags.of("queue", queue);
        gauge("queue.depth", "Jobs ready or delayed", q, null, m -> m.queue(queue, QueueStats::depth));
        gauge("queue.in.flight", "Jobs taken by a worker and not yet acknowledged", q, null,
                m -> m.queue(queue, QueueStats::inFlight));
        gauge("queue.dead", "Jobs in the dead-letter list", q, null, m -> m.queue(queue, QueueStats::deadLetters));
        TimeGauge.builder(PREFIX + "queue.oldest.age", this, TimeUnit.MILLISECONDS,
                        m -> m.queue(queue, s -> s.oldestJobAge().toMillis()))
                .description("Age of the oldest ready job").tags(tags.and(q)).strongReference(true).register(registry);
        gauge("queue.workers", "Workers whose registration is live", q, null, m -> m.queue(queue, s -> {
            Instant now = Instant.now();
            return s.workers().stream().filter(w -> w.expiresAt().isAfter(now)).count();
        }));
    }

    private void gauge(String name, String description, Tags extra, String unit,
                       ToDoubleFunction<ResilientRedisMetrics> value) {
        Gauge.builder(PREFIX + name, this, value).description(description).tags(tags.and(extra)).baseUnit(unit)
                .strongReference(true).register(registry);
    }

    private void counter(String name, String description, ToDoubleFunction<ResilientRedisMetrics> value) {
        FunctionCounter.builder(PREFIX + name, this, value).description(description).tags(tags).register(registry);
    }

    private Counter transitions(String endpoint, String state) {
        return Counter.builder(PREFIX + "breaker.transitions").description("Breaker state changes, by state entered")
                .tags(tags.and("endpoint", endpoint, "state", state)).register(registry);
    }

    private Counter switches(String from, String to) {
        return Counter.builder(PREFIX + "failover.switches")
                .description("Moves of the write endpoint: failovers and failbacks")
                .tags(tags.and("from", from, "to", to)).register(registry);
    }

    private Timer timer(int index, Command command, int endpoint, Outcome outcome) {
        Timer.Builder b = Timer.builder(PREFIX + "commands").description("Facade calls, by command and outcome")
                .tags(tags.and("command", command.tag(),
                        "endpoint", endpoint < 0 ? "none" : endpoints.get(endpoint), "outcome", outcome.tag()));
        if (histogram) {
            b.publishPercentileHistogram();
        }
        if (percentiles.length > 0) {
            b.publishPercentiles(percentiles);
        }
        Timer t = b.register(registry);
        timers[index] = t;
        return t;
    }

    // ---------------------------------------------------------------- values

    private FailoverStatus status() {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (s == null || now - s.nanos > SNAPSHOT_NANOS) {
            s = new Snapshot(now, hooks.status());
            snapshot = s;
        }
        return s.status;
    }

    private EndpointStatus endpoint(String name) {
        for (EndpointStatus e : status().endpoints()) {
            if (e.name().equals(name) && "master".equals(e.role())) {
                return e;
            }
        }
        return null;
    }

    private double queue(String queue, ToDoubleFunction<QueueStats> value) {
        QueueStats s = queueStats.get(queue);
        return s == null ? Double.NaN : value.applyAsDouble(s);
    }

    private void refreshQueues() {
        try {
            for (QueueStatus s : hooks.queues()) {
                if (s.available()) {
                    queueStats.put(s.queue(), s.stats());
                }
                if (queuesBound.add(s.queue())) {
                    bindQueue(s.queue());
                }
            }
            hooks.refreshQueues();
        } catch (RuntimeException e) {
            // The next refresh tries again; a gauge shows the last figures meanwhile.
        }
    }

    private static String tag(BreakerState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private record Snapshot(long nanos, FailoverStatus status) {
    }

    /** Installed in the client: one timer record per call, meters found by index. */
    private final class Observer implements CallObserver {
        @Override
        public void call(Command command, int endpoint, Outcome outcome, long nanos) {
            int e = endpoint < 0 || endpoint >= endpoints.size() ? -1 : endpoint;
            int index = (command.ordinal() * (endpoints.size() + 1) + e + 1) * OUTCOMES.length + outcome.ordinal();
            Timer t = timers[index];
            if (t == null) {
                t = timer(index, command, e, outcome);
            }
            t.record(nanos, TimeUnit.NANOSECONDS);
            if (outcome == Outcome.SPILLED) {
                appends.increment();
            }
        }

        @Override
        public void event(FailoverEvent event) {
            switch (event.type()) {
                case ENDPOINT_DOWN -> {
                    if (event.endpoint() != null) {
                        transitions(event.endpoint(), "open").increment();
                    }
                }
                case ENDPOINT_UP -> {
                    if (event.endpoint() != null) {
                        transitions(event.endpoint(), "closed").increment();
                    }
                }
                case SWITCHED, FAILED_BACK -> {
                    if (event.endpoint() != null && event.previous() != null) {
                        switches(event.previous(), event.endpoint()).increment();
                    }
                }
                default -> {
                }
            }
        }
    }

    /** Settings of a {@link ResilientRedisMetrics}. */
    public static final class Builder {
        private final ResilientRedis client;
        private Tags tags = Tags.empty();
        private boolean histogram;
        private double[] percentiles = new double[0];
        private Duration queueRefresh = Duration.ofSeconds(10);

        private Builder(ResilientRedis client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /**
         * @param extra tags added to every meter (e.g. the client's name when a service has several)
         * @return this builder
         */
        public Builder tags(Iterable<Tag> extra) {
            this.tags = Tags.of(Objects.requireNonNull(extra, "tags"));
            return this;
        }

        /**
         * @param publish whether {@code resilientredis.commands} publishes a percentile histogram
         *     (off by default: it multiplies the series per command)
         * @return this builder
         */
        public Builder histogram(boolean publish) {
            this.histogram = publish;
            return this;
        }

        /**
         * @param quantiles client-side percentiles of {@code resilientredis.commands}, each in
         *     [0, 1] (none by default)
         * @return this builder
         */
        public Builder percentiles(double... quantiles) {
            Objects.requireNonNull(quantiles, "quantiles");
            for (double q : quantiles) {
                if (!(q >= 0 && q <= 1)) {
                    throw new IllegalArgumentException("a percentile must be in [0, 1], was " + q);
                }
            }
            this.percentiles = quantiles.clone();
            return this;
        }

        /**
         * @param interval how often the job queues' stats are read from Redis, in the background
         *     (default 10 s)
         * @return this builder
         */
        public Builder queueRefresh(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("queueRefresh must be at least 1 ms, was " + interval);
            }
            this.queueRefresh = interval;
            return this;
        }

        /** @return the binder; bind it with {@link ResilientRedisMetrics#bindTo(MeterRegistry)} */
        public ResilientRedisMetrics build() {
            return new ResilientRedisMetrics(this);
        }
    }
}
