package io.resilientredis.failover.spi;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One place the engine can send calls to: a connection handle of the client binding's type, a
 * display name (with any credentials already redacted), and how to probe its health. Endpoints
 * are given to the engine in priority order: the first is the primary.
 *
 * @param <C> the connection handle type of the client binding
 */
public final class Endpoint<C> {

    private final String name;
    private final EndpointTarget<C> target;
    private final Function<? super C, ? extends CompletionStage<?>> probe;
    private final EndpointTarget<C> replicaTarget;

    private Endpoint(String name, EndpointTarget<C> target, Function<? super C, ? extends CompletionStage<?>> probe,
                     EndpointTarget<C> replicaTarget) {
        this.name = Objects.requireNonNull(name, "name");
        this.target = Objects.requireNonNull(target, "target");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.replicaTarget = replicaTarget;
    }

    /**
     * @param name display name, with no credentials in it
     * @param connection the handle calls run against
     * @param probe a cheap health check (a PING), run on the handle; must complete within the
     *              binding's call timeout
     * @param <C> the handle type
     * @return the endpoint
     */
    public static <C> Endpoint<C> of(String name, C connection,
                                     Function<? super C, ? extends CompletionStage<?>> probe) {
        return new Endpoint<>(name, EndpointTarget.fixed(connection), probe, null);
    }

    /**
     * An endpoint whose node the binding moves (a Sentinel group's master): the engine journals
     * the writes it acknowledges and re-applies them on the new node when the target moves.
     *
     * @param name display name, with no credentials in it
     * @param target the node calls go to, moved by the binding
     * @param probe a cheap health check, run on the current node's handle
     * @param <C> the handle type
     * @return the endpoint
     */
    public static <C> Endpoint<C> following(String name, EndpointTarget<C> target,
                                            Function<? super C, ? extends CompletionStage<?>> probe) {
        return new Endpoint<>(name, target, probe, null);
    }

    /**
     * Returns a copy that can also serve reads from replicas through {@code replicaConnection},
     * used only when reads may fall back to replicas and the master cannot serve.
     *
     * @param replicaConnection a handle that reads from replicas
     * @return the new endpoint
     */
    public Endpoint<C> withReplicaReads(C replicaConnection) {
        return withReplicaReads(EndpointTarget.fixed(replicaConnection));
    }

    /**
     * @param replicas the replica node reads may go to, which the binding may move
     * @return a copy that can also serve reads from replicas
     * @see #withReplicaReads(Object)
     */
    public Endpoint<C> withReplicaReads(EndpointTarget<C> replicas) {
        return new Endpoint<>(name, target, probe, Objects.requireNonNull(replicas, "replicas"));
    }

    /** @return the display name */
    public String name() {
        return name;
    }

    /** @return the handle calls run against now, or null when its node is not known yet */
    public C connection() {
        return target.current();
    }

    EndpointTarget<C> target() {
        return target;
    }

    /** @return the target for replica reads, or null */
    EndpointTarget<C> replicaTarget() {
        return replicaTarget;
    }

    CompletionStage<?> probe(C handle) {
        return probe.apply(handle);
    }

    @Override
    public String toString() {
        return name;
    }
}
