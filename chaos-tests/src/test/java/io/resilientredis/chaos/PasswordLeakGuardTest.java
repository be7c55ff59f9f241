package io.resilientredis.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The guard that keeps passwords out of the suite's logs: it is installed, sees DEBUG lines, and finds leaks. */
class PasswordLeakGuardTest {

    private final LoggerContext privateContext = new LoggerContext();
    private PasswordLeakGuard guard;

    @BeforeEach
    void startPrivateGuard() {
        // A guard of its own, so that the leaks this test provokes never reach the suite's guard.
        guard = new PasswordLeakGuard(List.of("first-Secret-1", "second-Secret-2"));
        guard.setContext(privateContext);
        guard.start();
    }

    @AfterEach
    void stopPrivateGuard() {
        guard.stop();
        privateContext.stop();
    }

    @Test
    void theSuiteGuardIsOnTheRootLoggerAndSeesDebugLinesOfThisProjectAndRedisson() {
        PasswordLeakGuard installed = PasswordLeakGuard.installed();
        long before = installed.eventsSeen();
        LoggerFactory.getLogger("io.resilientredis.chaos.guardcheck").debug("a debug line of this project");
        LoggerFactory.getLogger("org.redisson.guardcheck").debug("a debug line of Redisson");
        assertThat(installed.eventsSeen() - before).isEqualTo(2);
        assertThat(PasswordLeakGuard.PASSWORDS).containsExactly(PasswordLeakGuard.PASSWORD,
                PasswordLeakGuard.WRONG_PASSWORD);
    }

    @Test
    void findsAPasswordInAMessageArgumentAndMasksItInTheReport() {
        guard.doAppend(event("connecting with {}", null, "first-Secret-1"));
        guard.doAppend(event("nothing secret here", null));

        List<String> leaks = guard.drainLeaks();
        assertThat(leaks).hasSize(1);
        assertThat(leaks.get(0)).contains("connecting with <test password #1>").doesNotContain("first-Secret-1");
        assertThat(guard.drainLeaks()).as("drained").isEmpty();
        assertThat(guard.eventsSeen()).isEqualTo(2);
    }

    @Test
    void findsAPasswordDeepInAThrowablesCauseChain() {
        Exception failure = new IllegalStateException("outer",
                new IOException("middle", new RuntimeException("AUTH second-Secret-2 refused")));
        guard.doAppend(event("a call failed", failure));

        assertThat(guard.drainLeaks()).singleElement().asString()
                .contains("<test password #2>").doesNotContain("second-Secret-2");
    }

    @Test
    void theCheckFailsTheClassNamingHowManyLinesLeaked() {
        guard.doAppend(event("first-Secret-1 and second-Secret-2", null));
        guard.doAppend(event("again first-Secret-1", null));

        assertThatThrownBy(() -> PasswordLeakCheck.check(guard, "SomeTest"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 log line(s) logged during SomeTest")
                .hasMessageNotContaining("first-Secret-1");
        PasswordLeakCheck.check(guard, "SomeTest"); // reported once, then forgotten
    }

    @Test
    void fullTextHoldsEveryCause() {
        String text = PasswordLeakGuard.fullText(new IllegalStateException("top", new IOException("bottom")));
        assertThat(text).contains("top").contains("bottom").contains("Caused by");
    }

    private LoggingEvent event(String message, Throwable failure, Object... args) {
        return new LoggingEvent(PasswordLeakGuardTest.class.getName(), privateContext.getLogger("guard.test"),
                Level.WARN, message, failure, args);
    }
}
