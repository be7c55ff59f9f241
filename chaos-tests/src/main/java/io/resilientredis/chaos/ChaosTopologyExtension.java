package io.resilientredis.chaos;

import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RedisTopologyTest;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives a test class one topology, declared on a static field of the class: started before the class's
 * {@code @BeforeAll} methods, stopped after its {@code @AfterAll} methods, also when a test or a
 * {@code @BeforeAll} method failed. When a test fails, the tail of every node's log is printed to
 * standard error. Resetting faults and data between tests is the tests' business.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ChaosTopologyExtension<ChaosTopology> chaos =
 *         ChaosTopologyExtension.proxied(RedisTopology.sentinelGroup(2).downAfter(DOWN_AFTER));
 *
 * @Test
 * void followsTheNewMaster() {
 *     chaos.get().proxy(chaos.get().topology().primary()).disable();
 * }
 * }</pre>
 *
 * A class that needs two topologies declares two fields (with {@code @Order} when the start order
 * matters). {@link RedisTopologyTest} is the annotation form for a single {@link RedisTopology} injected
 * as a parameter.
 *
 * @param <T> {@link ChaosTopology} (with fault proxies) or {@link RedisTopology} (clients dial the nodes)
 */
public final class ChaosTopologyExtension<T extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback, TestWatcher {

    private static final int LOG_LINES_ON_FAILURE = 40;

    private final Supplier<T> start;
    private final Function<T, List<RedisTopology>> deployments;
    private volatile T started;
    /** The unique id of the class context that started it (a {@code @Nested} class shares it). */
    private volatile String owner;

    private ChaosTopologyExtension(Supplier<T> start, Function<T, List<RedisTopology>> deployments) {
        this.start = start;
        this.deployments = deployments;
    }

    /**
     * @param topology the deployment to start, with a fault proxy in front of every node
     * @return the extension, to register on a static field
     */
    public static ChaosTopologyExtension<ChaosTopology> proxied(RedisTopology.Builder topology) {
        return proxied(topology, null);
    }

    /**
     * @param primary the primary deployment
     * @param standby the standby deployment, or null for none
     * @return the extension for {@link ChaosTopology#start(RedisTopology.Builder, RedisTopology.Builder)}
     */
    public static ChaosTopologyExtension<ChaosTopology> proxied(RedisTopology.Builder primary,
                                                                RedisTopology.Builder standby) {
        Objects.requireNonNull(primary, "primary");
        return new ChaosTopologyExtension<>(() -> ChaosTopology.start(primary, standby), ChaosTopology::deployments);
    }

    /**
     * @param topology the deployment to start; clients dial its nodes directly
     * @return the extension, to register on a static field
     */
    public static ChaosTopologyExtension<RedisTopology> direct(RedisTopology.Builder topology) {
        Objects.requireNonNull(topology, "topology");
        return new ChaosTopologyExtension<>(topology::start, List::of);
    }

    /**
     * @return the started topology
     * @throws IllegalStateException outside the class's lifecycle, or when not registered on a static field
     */
    public T get() {
        T topology = started;
        if (topology == null) {
            throw new IllegalStateException("no topology started: register ChaosTopologyExtension with"
                    + " @RegisterExtension on a static field and use it from the class's tests");
        }
        return topology;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (started == null) {
            started = start.get();
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!context.getUniqueId().equals(owner)) {
            return;
        }
        T topology = started;
        started = null;
        owner = null;
        topology.close();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        T topology = started;
        if (topology == null) {
            return;
        }
        StringBuilder tails = new StringBuilder();
        for (RedisTopology deployment : deployments.apply(topology)) {
            tails.append(deployment.logTails(LOG_LINES_ON_FAILURE));
        }
        System.err.println("[resilient-redis] " + context.getDisplayName() + " failed; node logs of " + topology
                + ":\n" + tails);
    }
}
