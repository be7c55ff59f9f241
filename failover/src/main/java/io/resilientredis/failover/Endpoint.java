package io.resilientredis.failover;

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
    private final C connection;
    private final Function<? super C, ? extends CompletionStage<?>> probe;
    private final C replicaConnection;

    private Endpoint(String name, C connection, Function<? super C, ? extends CompletionStage<?>> probe,
                     C replicaConnection) {
        this.name = Objects.requireNonNull(name, "name");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.replicaConnection = replicaConnection;
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
        return new Endpoint<>(name, connection, probe, null);
    }

    /**
     * Returns a copy that can also serve reads from replicas through {@code replicaConnection},
     * used only when reads may fall back to replicas and the master cannot serve.
     *
     * @param replicaConnection a handle that reads from replicas
     * @return the new endpoint
     */
    public Endpoint<C> withReplicaReads(C replicaConnection) {
        return new Endpoint<>(name, connection, probe, Objects.requireNonNull(replicaConnection));
    }

    /** @return the display name */
    public String name() {
        return name;
    }

    /** @return the handle calls run against */
    public C connection() {
        return connection;
    }

    /** @return the handle for replica reads, or null */
    C replicaConnection() {
        return replicaConnection;
    }

    CompletionStage<?> probe(C handle) {
        return probe.apply(handle);
    }

    @Override
    public String toString() {
        return name;
    }
}
