package io.resilientredis.chaos;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when a log line that contains a test password was logged while it ran (its
 * {@code @AfterAll} methods, which close clients and topologies, included).
 *
 * <p>Registered for every test class of this module by JUnit's extension auto-detection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}), so it
 * covers the whole suite, also when a single class is run. An extension rather than a
 * {@code TestExecutionListener}: the launcher catches and only logs a listener's exceptions, so a
 * listener could not fail the build, while a failing {@code afterAll} fails the class in the report.
 */
public final class PasswordLeakCheck implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            return; // a nested class: its enclosing class checks
        }
        check(PasswordLeakGuard.installed(), context.getDisplayName());
    }

    /** Throws when {@code guard} saw leaks since the last check, naming {@code where} they happened. */
    static void check(PasswordLeakGuard guard, String where) {
        List<String> leaks = guard.drainLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " log line(s) logged during " + where
                    + " contain a test password (masked here):\n  " + String.join("\n  ", leaks));
        }
    }
}
