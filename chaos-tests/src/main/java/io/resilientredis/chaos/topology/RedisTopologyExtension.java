package io.resilientredis.chaos.topology;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link RedisTopologyTest}: starts the declared topology once per test
 * class (before {@code @BeforeAll}, or earlier when a per-class test instance asks for it in its
 * constructor), resolves {@link RedisTopology} parameters, prints node log tails when a test fails and
 * closes the topology after the class.
 */
public final class RedisTopologyExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver,
        TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RedisTopologyExtension.class);
    private static final String KEY = "topology";

    /** Creates the extension; JUnit does this through {@link RedisTopologyTest}. */
    public RedisTopologyExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        topology(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext owner = owner(context);
        if (owner == context) {
            Started started = owner.getStore(NAMESPACE).remove(KEY, Started.class);
            if (started != null) {
                started.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RedisTopology.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return topology(extensionContext);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ExtensionContext owner = owner(context);
        Started started = owner.getStore(NAMESPACE).get(KEY, Started.class);
        if (started != null) {
            System.err.println("[resilient-redis] " + context.getDisplayName() + " failed; node logs of "
                    + started.topology + ":\n" + started.topology.logTails(started.logLines));
        }
    }

    private static RedisTopology topology(ExtensionContext context) {
        ExtensionContext owner = owner(context);
        RedisTopologyTest declaration = declaration(owner).orElseThrow(() -> new IllegalStateException(
                "RedisTopologyExtension needs @RedisTopologyTest on " + owner.getDisplayName()));
        return owner.getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> new Started(start(declaration), declaration.logLinesOnFailure()),
                        Started.class)
                .topology;
    }

    /** The context of the class that declares the topology (an enclosing class for {@code @Nested} ones). */
    private static ExtensionContext owner(ExtensionContext context) {
        ExtensionContext current = context;
        while (current != null) {
            if (current.getElement().filter(Class.class::isInstance)
                    .filter(element -> AnnotationSupport.isAnnotated(element, RedisTopologyTest.class))
                    .isPresent()) {
                return current;
            }
            current = current.getParent().orElse(null);
        }
        return context;
    }

    private static Optional<RedisTopologyTest> declaration(ExtensionContext owner) {
        return owner.getElement().flatMap(element -> AnnotationSupport.findAnnotation(element, RedisTopologyTest.class));
    }

    private static RedisTopology start(RedisTopologyTest declaration) {
        RedisTopology.Builder builder = declaration.shape() == Shape.CLUSTER
                ? RedisTopology.cluster(declaration.shards()).replicasPerShard(declaration.replicas())
                        .clusterNodeTimeout(Duration.ofMillis(declaration.clusterNodeTimeoutMillis()))
                : RedisTopology.builder(declaration.shape(), declaration.replicas());
        builder.masterName(declaration.masterName())
                .downAfter(Duration.ofMillis(declaration.downAfterMillis()))
                .failoverTimeout(Duration.ofMillis(declaration.failoverTimeoutMillis()));
        if (!declaration.password().isEmpty()) {
            builder.password(declaration.password());
        }
        for (String directive : declaration.config()) {
            builder.config(directive);
        }
        return builder.start();
    }

    /** The store entry: closed by {@link #afterAll}, or by JUnit when the store closes its resources. */
    private static final class Started implements AutoCloseable {
        private final RedisTopology topology;
        private final int logLines;

        Started(RedisTopology topology, int logLines) {
            this.topology = topology;
            this.logLines = logLines;
        }

        @Override
        public void close() {
            topology.close();
        }
    }
}
