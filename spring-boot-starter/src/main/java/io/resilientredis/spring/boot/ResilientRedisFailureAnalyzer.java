package io.resilientredis.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link ResilientRedisPropertyException} into Spring Boot's start-up report: the
 * property, its value (passwords redacted) and the fix. Registered in {@code META-INF/spring.factories}.
 */
public final class ResilientRedisFailureAnalyzer extends AbstractFailureAnalyzer<ResilientRedisPropertyException> {

    /** Called by Spring Boot. */
    public ResilientRedisFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ResilientRedisPropertyException cause) {
        // no trailing newline: Spring Boot's report adds the blank line before "Action:" itself
        String description = "The Redis client could not be configured.\n\n"
                + "    Property: " + cause.property() + "\n"
                + "    Value: " + cause.value() + "\n"
                + "    Reason: " + cause.reason();
        return new FailureAnalysis(description, cause.fix(), cause);
    }
}
