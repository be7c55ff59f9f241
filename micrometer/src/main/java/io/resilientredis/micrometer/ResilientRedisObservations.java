package io.resilientredis.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.CallTracer;
import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.client.internal.Command;
import io.resilientredis.client.internal.Outcome;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.spi.ReplayBatchObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Traces a {@link ResilientRedis} through the Micrometer Observation API: one observation per facade
 * call (sync and {@code async()}), named {@value #NAME}, with the low-cardinality keys
 * {@code command}, {@code outcome} (as {@code resilientredis.commands} tags it) and {@code endpoint},
 * and the write's id as the high-cardinality key {@code write.id} when it was written or spilled;
 * and one per batch of spilled writes replayed, named {@value #REPLAY_NAME}, with {@code endpoint},
 * {@code outcome} ({@code replayed} or {@code failed}) and the high-cardinality {@code writes} (the
 * batch's size).
 * With micrometer-tracing's bridge each observation is a span in OpenTelemetry or Brave. Nothing is
 * traced until this is installed with an {@link ObservationRegistry}.
 *
 * <pre>{@code
 * ResilientRedisObservations tracing = ResilientRedisObservations.install(redis, observationRegistry);
 * ...
 * tracing.close();        // stops tracing; the client stays open
 * }</pre>
 *
 * <p>An observation starts once the call is under way (after its arguments were checked) and stops
 * when it completes; it is not made current on the caller's thread, so a span the application has
 * open is its parent only where the registry's handlers take the parent from the current
 * observation when it starts.
 */
public final class ResilientRedisObservations implements AutoCloseable {

    /** The name of a facade call's observation. */
    public static final String NAME = "resilientredis.command";

    /** The name of a replayed batch's observation. */
    public static final String REPLAY_NAME = "resilientredis.replay.batch";

    private final ClientHooks hooks;
    private final Tracer tracer;
    private final ReplayTracer replayTracer;

    private ResilientRedisObservations(ClientHooks hooks, ObservationRegistry registry, List<String> endpoints) {
        this.hooks = hooks;
        this.tracer = new Tracer(registry, endpoints);
        this.replayTracer = new ReplayTracer(registry);
    }

    /**
     * @param client the client to trace
     * @param registry where its observations go
     * @return the installed tracing; {@link #close()} stops it
     * @throws IllegalStateException when the client is traced already
     */
    public static ResilientRedisObservations install(ResilientRedis client, ObservationRegistry registry) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(registry, "registry");
        ClientHooks hooks = ClientHooks.of(client);
        List<String> endpoints = new ArrayList<>();
        for (EndpointStatus e : hooks.status().endpoints()) {
            if ("master".equals(e.role())) {
                endpoints.add(e.name());
            }
        }
        ResilientRedisObservations o = new ResilientRedisObservations(hooks, registry, List.copyOf(endpoints));
        hooks.install(o.tracer);
        hooks.observeReplay(o.replayTracer);
        return o;
    }

    /** Stops tracing the client's calls; calls in flight still stop their observations. */
    @Override
    public void close() {
        hooks.uninstall(tracer);
        hooks.observeReplay(null);
    }

    /** One observation per replayed batch: the endpoint, the batch's size, and its failure if any. */
    private static final class ReplayTracer implements ReplayBatchObserver {
        private final ObservationRegistry registry;

        ReplayTracer(ObservationRegistry registry) {
            this.registry = registry;
        }

        @Override
        public Object started(String endpoint, int writes) {
            return Observation.createNotStarted(REPLAY_NAME, registry).contextualName("redis replay")
                    .lowCardinalityKeyValue("endpoint", endpoint)
                    .highCardinalityKeyValue("writes", Integer.toString(writes)).start();
        }

        @Override
        public void ended(Object context, Throwable failure) {
            Observation o = (Observation) context;
            o.lowCardinalityKeyValue("outcome", failure == null ? "replayed" : "failed");
            if (failure != null) {
                o.error(failure);
            }
            o.stop();
        }
    }

    private static final class Tracer implements CallTracer {
        private final ObservationRegistry registry;
        private final List<String> endpoints;

        Tracer(ObservationRegistry registry, List<String> endpoints) {
            this.registry = registry;
            this.endpoints = endpoints;
        }

        @Override
        public Object begin(Command command) {
            return Observation.createNotStarted(NAME, registry).contextualName("redis " + command.tag())
                    .lowCardinalityKeyValue("command", command.tag()).start();
        }

        @Override
        public void end(Object context, int endpoint, Outcome outcome, String writeId, Throwable failure) {
            Observation o = (Observation) context;
            o.lowCardinalityKeyValue("outcome", outcome.tag());
            o.lowCardinalityKeyValue("endpoint", endpoint < 0 || endpoint >= endpoints.size()
                    ? "none" : endpoints.get(endpoint));
            if (writeId != null) {
                o.highCardinalityKeyValue("write.id", writeId);
            }
            if (failure != null) {
                o.error(failure);
            }
            o.stop();
        }
    }
}
