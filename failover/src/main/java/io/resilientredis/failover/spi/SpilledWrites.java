package io.resilientredis.failover.spi;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The in-memory side of the spilled writes of this run: the {@code applied()} stage each caller
 * holds (with how its write reads the reply of its replay, and nothing else of the write), and the
 * pins of writes whose outcome is unknown on some endpoint (they wait for that endpoint, where their
 * exactly-once marker may be, for the in-doubt window). The intake adds; the replayer completes,
 * fails and re-pins.
 *
 * @param <C> the binding's connection handle type
 */
final class SpilledWrites<C> {

    /** Where a write of unknown outcome may have landed, and until when it waits for that endpoint. */
    record Pin<C>(EndpointHealth<C> endpoint, long untilNanos) {
        boolean expired(long now) {
            return now - untilNanos >= 0;
        }
    }

    /** A caller's {@code applied()} stage, and how its write turns the applier's reply into its own. */
    private record Waiting<T>(CompletableFuture<T> applied, Function<Object, ? extends T> reply) {
        void complete(String id, Object raw) {
            T value = null;
            if (raw != null && reply != null) {
                try {
                    value = reply.apply(raw);
                } catch (RuntimeException e) {
                    // The write is applied all the same: its caller learns that, without a reply.
                    LOG.warn("The reply of replayed write {} could not be read ({}); its applied() stage"
                            + " completes with null", id, Failures.describe(e));
                }
            }
            applied.complete(value);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.resilientredis");

    private final Map<String, Waiting<?>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Pin<C>> pins = new ConcurrentHashMap<>();
    private final Duration inDoubtWindow;

    SpilledWrites(Duration inDoubtWindow) {
        this.inDoubtWindow = inDoubtWindow;
    }

    /**
     * @param reply turns the applier's reply for the write's entry into the write's reply; null when
     *              the write reads none
     * @return the write's {@code applied()} stage, completed with that reply when the replayer applied it
     */
    <T> CompletableFuture<T> track(String id, Function<Object, ? extends T> reply) {
        CompletableFuture<T> applied = new CompletableFuture<>();
        waiting.put(id, new Waiting<>(applied, reply));
        return applied;
    }

    /** Pins the write to the endpoint where its outcome is unknown, for a fresh in-doubt window (none when zero). */
    void pin(String id, EndpointHealth<C> endpoint) {
        if (!inDoubtWindow.isZero()) {
            pins.put(id, new Pin<>(endpoint, System.nanoTime() + inDoubtWindow.toNanos()));
        }
    }

    /** @return the write's pin, or null */
    Pin<C> pinOf(String id) {
        return pins.get(id);
    }

    boolean anyPinned() {
        return !pins.isEmpty();
    }

    /** The write never made it into the store: nothing to complete. */
    void forget(String id) {
        waiting.remove(id);
        pins.remove(id);
    }

    /**
     * Redis applied the write: its caller's {@code applied()} completes with its reply.
     *
     * @param raw the applier's reply for its entry, or null when there is none
     */
    void applied(String id, Object raw) {
        pins.remove(id);
        Waiting<?> w = waiting.remove(id);
        if (w != null) {
            w.complete(id, raw);
        }
    }

    /** The write will never be applied (refused for good, damaged): its caller's {@code applied()} fails. */
    void failed(String id, Throwable why) {
        pins.remove(id);
        Waiting<?> w = waiting.remove(id);
        if (w != null) {
            w.applied().completeExceptionally(why);
        }
    }

    Duration inDoubtWindow() {
        return inDoubtWindow;
    }
}
