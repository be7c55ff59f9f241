package io.resilientredis.chaos;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the console as terse as before the password leak guard needed DEBUG events: this project's
 * loggers from INFO, every other logger from WARN. Loggers are set to DEBUG only so that
 * {@link PasswordLeakGuard} sees those lines too.
 */
public final class ConsoleLevels extends Filter<ILoggingEvent> {

    @Override
    public FilterReply decide(ILoggingEvent event) {
        Level min = event.getLoggerName().startsWith("io.resilientredis") ? Level.INFO : Level.WARN;
        return event.getLevel().isGreaterOrEqual(min) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
