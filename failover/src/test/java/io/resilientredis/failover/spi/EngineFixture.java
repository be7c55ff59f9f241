package io.resilientredis.failover.spi;

import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.WriteReceipt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the engine tests share: an engine on {@link FakeRedis} endpoints with fast breakers, the
 * writes they send (appends to the fake's ordered log, sets), the replayer for spilled appends, the
 * events the engine emitted and a bounded wait for a reply. Register it per test instance:
 *
 * <pre>{@code
 * @RegisterExtension
 * final EngineFixture fx = new EngineFixture();
 * ...
 * engine = fx.start(fx.builder(primary, standby).spill(store, EngineFixture.APPLIER, replay));
 * WriteReceipt<String> r = fx.join(engine.write(append("a")));
 * }</pre>
 *
 * After each test it closes what the test started through it ({@link #start}, {@link #closeAfter}),
 * the latest first, also when the test failed.
 */
final class EngineFixture implements AfterEachCallback {

    /** Breakers that open 100 ms after a failure and probe every 20 ms: an outage takes a fraction of a second. */
    static final BreakerSettings FAST = BreakerSettings.builder()
            .openDelay(Duration.ofMillis(100)).probeInterval(Duration.ofMillis(20)).build();

    /** Replays spilled {@link #append} writes: each entry's payload is the value appended. */
    static final ReplayApplier<FakeRedis> APPLIER = applierAfter(() -> CompletableFuture.completedFuture(null));

    /** Every event the engines built by {@link #builder} emitted, in order. */
    final List<FailoverEvent> events = new CopyOnWriteArrayList<>();

    private final Duration replyTimeout;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** A fixture whose {@link #join} waits up to 10 s for a reply. */
    EngineFixture() {
        this(Duration.ofSeconds(10));
    }

    /** @param replyTimeout how long {@link #join} waits for a reply before it fails */
    EngineFixture(Duration replyTimeout) {
        this.replyTimeout = replyTimeout;
    }

    /**
     * @param endpoints the fakes to route to, the primary first
     * @return a builder for an engine on them, with {@link #FAST} breakers, no retries, and its events
     *     recorded in {@link #events}; a test changes what it needs
     */
    FailoverEngine.Builder<FakeRedis> builder(FakeRedis... endpoints) {
        FailoverEngine.Builder<FakeRedis> builder = FailoverEngine.<FakeRedis>builder();
        for (FakeRedis endpoint : endpoints) {
            builder.endpoint(endpoint.endpoint());
        }
        return builder.breaker(FAST).retry(RetrySettings.none()).listener(events::add);
    }

    /** @return the engine built, closed after the test */
    FailoverEngine<FakeRedis> start(FailoverEngine.Builder<FakeRedis> builder) {
        return closeAfter(builder.build());
    }

    /** @return {@code resource}, closed after the test, before what was registered earlier */
    <T extends AutoCloseable> T closeAfter(T resource) {
        synchronized (started) {
            started.push(resource);
        }
        return resource;
    }

    /**
     * @return the reply, waiting up to the fixture's reply timeout
     * @throws java.util.concurrent.CompletionException with the failure (or the timeout) as its cause
     */
    <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(replyTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** @return the types of {@link #events}, in order */
    List<FailoverEvent.Type> eventTypes() {
        return events.stream().map(FailoverEvent::type).toList();
    }

    /** @return how many events of this type were emitted */
    long count(FailoverEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    /** @return whether an event of this type was emitted */
    boolean seen(FailoverEvent.Type type) {
        return count(type) > 0;
    }

    /** @return a write appending {@code value} to the fake's log; its id and payload are the value */
    static WriteOp<FakeRedis, String> append(String value) {
        return append(value, value);
    }

    /** @return a write appending {@code value} to the fake's log under {@code id}; its payload is the value */
    static WriteOp<FakeRedis, String> append(String id, String value) {
        return write(id, value, c -> c.append(value));
    }

    /** @return a write setting {@code key} to {@code value}; its id and payload are {@code key=value} */
    static WriteOp<FakeRedis, String> set(String key, String value) {
        String id = key + "=" + value;
        return write(id, id, c -> c.set(key, value));
    }

    /**
     * @param before completes when a batch may be applied (a test holds the replay with it)
     * @return a replayer of spilled {@link #append} writes, in order, once {@code before} completes;
     *     its replies are the fake's, one per entry
     */
    static ReplayApplier<FakeRedis> applierAfter(Supplier<CompletableFuture<Void>> before) {
        return (c, entries) -> {
            List<Object> replies = new ArrayList<>(entries.size());
            CompletableFuture<Void> chain = before.get();
            for (var e : entries) {
                String value = new String(e.payload(), StandardCharsets.UTF_8);
                chain = chain.thenCompose(x -> c.append(value).thenAccept(replies::add));
            }
            return chain.thenApply(x -> replies);
        };
    }

    private static WriteOp<FakeRedis, String> write(String id, String payload,
                                                    Function<FakeRedis, CompletionStage<String>> apply) {
        return new WriteOp<>() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public CompletionStage<String> apply(FakeRedis connection) {
                return apply.apply(connection);
            }

            @Override
            public byte[] encode() {
                return payload.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (true) {
            AutoCloseable next;
            synchronized (started) {
                next = started.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
