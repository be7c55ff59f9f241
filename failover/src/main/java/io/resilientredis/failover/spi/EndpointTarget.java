package io.resilientredis.failover.spi;

import io.resilientredis.failover.RedisConfigurationException;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The node an endpoint's calls go to, as the client binding knows it. A standalone server's target
 * never moves; a Sentinel group's does when the Sentinels promote a replica: the binding then
 * {@linkplain #moveTo moves} it, and the engine fences the endpoint while it re-applies the writes
 * the old master acknowledged recently (they may not have reached the new one) before any newer
 * call reaches the new master.
 *
 * <p>A target may be unknown (no Sentinel has answered yet): calls on the endpoint then fail as
 * connectivity failures, or as configuration failures when the binding {@linkplain #unknown says}
 * the configuration is the cause.
 *
 * @param <C> the connection handle type of the client binding
 */
public final class EndpointTarget<C> {

    /** What the engine does when the binding moves a target; set once, when the engine is built. */
    interface Mover<C> {
        CompletableFuture<Void> move(C next, String node);
    }

    private final boolean movable;
    private final Supplier<? extends CompletionStage<?>> confirmer;
    private volatile C handle;
    private volatile String node;
    private volatile Throwable unknownBecause;
    private volatile boolean configurationProblem;
    private volatile Mover<C> mover;
    /** Completes when the first node is known or the binding's first discovery is over. */
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    private EndpointTarget(C handle, String node, boolean movable, Supplier<? extends CompletionStage<?>> confirmer) {
        this.handle = handle;
        this.node = node;
        this.movable = movable;
        this.confirmer = confirmer;
        if (handle != null) {
            settled.complete(null);
        }
    }

    /**
     * @param handle the handle every call goes to
     * @param <C> the handle type
     * @return a target that never moves
     */
    public static <C> EndpointTarget<C> fixed(C handle) {
        return new EndpointTarget<>(Objects.requireNonNull(handle, "handle"), null, false, null);
    }

    /**
     * @param confirmer asks the authority (the Sentinels) now whether the target is still right,
     *                  moving it if not; completes when that is settled. The replayer calls it
     *                  before it drains spilled writes into an endpoint that just recovered.
     * @param <C> the handle type
     * @return a target with no node known yet, which the binding moves as the authority reports
     */
    public static <C> EndpointTarget<C> movable(Supplier<? extends CompletionStage<?>> confirmer) {
        return new EndpointTarget<>(null, null, true, Objects.requireNonNull(confirmer, "confirmer"));
    }

    /** @return the handle calls go to now, or null when no node is known */
    public C current() {
        return handle;
    }

    /** @return the node's address as the binding named it, or null */
    public String node() {
        return node;
    }

    /** @return whether the binding may move this target (so acknowledged writes are journaled) */
    public boolean isMovable() {
        return movable;
    }

    /**
     * Moves the target to another node. The first node known is simply taken; a later move fences
     * the endpoint: calls wait (up to the engine's call bound) while calls in flight on the old node
     * finish and the failover journal is re-applied to the new node; then they go to the new node.
     *
     * @param next the new node's handle
     * @param nodeName its address, for events and status
     * @return completes when calls go to the new node
     */
    public CompletableFuture<Void> moveTo(C next, String nodeName) {
        Objects.requireNonNull(next, "next");
        if (!movable) {
            throw new IllegalStateException("this endpoint's target is fixed");
        }
        unknownBecause = null;
        configurationProblem = false;
        Mover<C> m = mover;
        if (m == null || handle == null) {
            set(next, nodeName);
            return CompletableFuture.completedFuture(null);
        }
        return m.move(next, nodeName);
    }

    /**
     * Says why no node is known (only while none is): calls fail with that cause.
     *
     * @param cause what the binding last saw
     * @param configuration whether the configuration is at fault (calls then fail with
     *                      {@link RedisConfigurationException}, never spilled)
     */
    public void unknown(Throwable cause, boolean configuration) {
        if (handle == null) {
            this.unknownBecause = cause;
            this.configurationProblem = configuration;
        }
    }

    /** @return why no node is known, or null */
    Throwable unknownBecause() {
        return unknownBecause;
    }

    boolean configurationProblem() {
        return configurationProblem;
    }

    void set(C next, String nodeName) {
        this.handle = next;
        this.node = nodeName;
        settled.complete(null);
    }

    /**
     * Says that the binding's first discovery is over, whether or not it found a node: calls stop
     * waiting for one (until then a call made while no node is known waits, bounded, for the first).
     */
    public void settle() {
        settled.complete(null);
    }

    /** @return completes when a node is known or the first discovery is over */
    CompletableFuture<Void> settled() {
        return settled;
    }

    void attach(Mover<C> m) {
        this.mover = m;
    }

    /** @return completes once the authority confirmed (or corrected) the target */
    CompletionStage<?> confirm() {
        return confirmer == null ? CompletableFuture.completedFuture(null) : confirmer.get();
    }
}
