package io.resilientredis.failover.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules ARCHITECTURE.md states about the write path's shape, checked on the compiled classes:
 * a class that names the engine type has it in its constant pool.
 */
class ShapeTest {

    private static final String ENGINE = "io/resilientredis/failover/spi/FailoverEngine";

    @Test
    void theSpillSideSeesTheEngineOnlyThroughItsPort() throws IOException {
        for (Class<?> c : List.of(SpillSide.class, SpillIntake.class, Replayer.class, Backlog.class,
                SpilledWrites.class, ReplaySignal.class, ReplayState.class, SpillPort.class)) {
            assertThat(namesEngine(c.getName().replace('.', '/') + ".class"))
                    .as(c.getSimpleName() + " must not need the engine type (it talks to SpillPort)").isFalse();
        }
    }

    @Test
    void noFailoverClassOutsideTheEnginesPackageNeedsTheEngineType() throws IOException, URISyntaxException {
        Path root = Path.of(FailoverEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path failover = root.resolve("io/resilientredis/failover");
        List<Path> outside;
        try (Stream<Path> files = Files.walk(failover)) {
            outside = files.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !p.getParent().equals(failover.resolve("spi"))).toList();
        }
        assertThat(outside).as("the API, spill and internal packages' classes").hasSizeGreaterThan(20);
        for (Path p : outside) {
            assertThat(namesEngine(root.relativize(p).toString().replace('\\', '/')))
                    .as(root.relativize(p) + " must not need the engine type").isFalse();
        }
        // The check can see the engine type where it is named: the binding's port into the engine does.
        assertThat(namesEngine(ENGINE + "$Port.class")).isTrue();
    }

    private static boolean namesEngine(String resource) throws IOException {
        try (InputStream in = ShapeTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            String pool = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return containsClassRef(pool);
        }
    }

    /** A class reference is the bare internal name, not a prefix of a longer one (FailoverEngine$Port is fine). */
    private static boolean containsClassRef(String pool) {
        int i = pool.indexOf(ENGINE);
        while (i >= 0) {
            int end = i + ENGINE.length();
            char next = end < pool.length() ? pool.charAt(end) : '\0';
            if (next != '$' && !Character.isJavaIdentifierPart(next)) {
                return true;
            }
            i = pool.indexOf(ENGINE, end);
        }
        return false;
    }
}
