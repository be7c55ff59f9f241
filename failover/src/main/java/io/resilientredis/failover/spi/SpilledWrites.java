package io.resilientredis.failover.spi;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory side of the spilled writes of this run: the {@code applied()} stage each caller
 * holds, and the pins of writes whose outcome is unknown on some endpoint (they wait for that
 * endpoint, where their exactly-once marker may be, for the in-doubt window). The intake adds; the
 * replayer completes, fails and re-pins.
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

    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Pin<C>> pins = new ConcurrentHashMap<>();
    private final Duration inDoubtWindow;

    SpilledWrites(Duration inDoubtWindow) {
        this.inDoubtWindow = inDoubtWindow;
    }

    /** @return the write's {@code applied()} stage, completed when the replayer applied it */
    CompletableFuture<Void> track(String id) {
        CompletableFuture<Void> applied = new CompletableFuture<>();
        waiting.put(id, applied);
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

    /** Redis applied the write: its caller's {@code applied()} completes. */
    void applied(String id) {
        pins.remove(id);
        CompletableFuture<Void> w = waiting.remove(id);
        if (w != null) {
            w.complete(null);
        }
    }

    /** The write will never be applied (refused for good, damaged): its caller's {@code applied()} fails. */
    void failed(String id, Throwable why) {
        pins.remove(id);
        CompletableFuture<Void> w = waiting.remove(id);
        if (w != null) {
            w.completeExceptionally(why);
        }
    }

    Duration inDoubtWindow() {
        return inDoubtWindow;
    }
}
