package io.resilientredis.chaos;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * A logback appender, registered on the root logger in {@code logback-test.xml}, that looks at every
 * log event of the test suite (its formatted message and the full text of its throwable, causes and
 * suppressed included) and keeps those that contain one of the suite's test passwords.
 * {@link PasswordLeakCheck} fails the test class during which such a line was logged.
 *
 * <p>The passwords are distinctive strings that appear nowhere else, so a hit is a real leak. Tests that
 * protect Redis with a password, or give a client a wrong one, use {@link #PASSWORD} and
 * {@link #WRONG_PASSWORD} and nothing else.
 */
public final class PasswordLeakGuard extends AppenderBase<ILoggingEvent> {

    /** The appender's name in {@code logback-test.xml}. */
    public static final String NAME = "PASSWORD_LEAK_GUARD";

    /** The password of every password-protected test topology. */
    public static final String PASSWORD = "Tq8-topology-secret-Vx31";

    /** A password that is wrong on purpose, given to clients to provoke an authentication error. */
    public static final String WRONG_PASSWORD = "Zr5-wrong-secret-Hk72";

    /** Every password the suite uses. */
    public static final List<String> PASSWORDS = List.of(PASSWORD, WRONG_PASSWORD);

    private final List<String> secrets;
    private final AtomicLong seen = new AtomicLong();
    private final ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();

    /** The appender logback creates, watching {@link #PASSWORDS}. */
    public PasswordLeakGuard() {
        this(PASSWORDS);
    }

    PasswordLeakGuard(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
        setName(NAME);
    }

    /**
     * @return the guard registered on the root logger
     * @throws IllegalStateException when logback is not the SLF4J binding or the guard is not registered
     */
    public static PasswordLeakGuard installed() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("The password leak guard needs logback as the SLF4J binding of the tests, "
                    + "found " + factory.getClass().getName());
        }
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(NAME);
        if (!(appender instanceof PasswordLeakGuard guard)) {
            throw new IllegalStateException("No " + NAME + " appender on the root logger: register "
                    + PasswordLeakGuard.class.getName() + " in chaos-tests/src/test/resources/logback-test.xml");
        }
        return guard;
    }

    @Override
    protected void append(ILoggingEvent event) {
        seen.incrementAndGet();
        String text = render(event);
        String secret = firstSecretIn(text);
        if (secret != null) {
            leaks.add("[" + event.getLevel() + " " + event.getLoggerName() + " on " + event.getThreadName() + "] "
                    + mask(text));
        }
    }

    /** @return how many log events the guard has looked at since the JVM started */
    public long eventsSeen() {
        return seen.get();
    }

    /** @return the log lines that contained a password since the last call (passwords masked), and forgets them */
    public List<String> drainLeaks() {
        List<String> out = new ArrayList<>();
        for (String leak; (leak = leaks.poll()) != null; ) {
            out.add(leak);
        }
        return out;
    }

    /**
     * @param text any text
     * @return the first watched password it contains, or null
     */
    String firstSecretIn(String text) {
        for (String s : secrets) {
            if (text.contains(s)) {
                return s;
            }
        }
        return null;
    }

    /** Replaces every watched password by a marker, so a report of a leak does not leak again. */
    String mask(String text) {
        String out = text;
        for (int i = 0; i < secrets.size(); i++) {
            out = out.replace(secrets.get(i), "<test password #" + (i + 1) + ">");
        }
        return out;
    }

    private static String render(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(String.valueOf(event.getFormattedMessage()));
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            text.append('\n').append(ThrowableProxyUtil.asString(thrown));
        }
        return text.toString();
    }

    /**
     * The full text of a throwable as a log line would show it: every message and stack frame, causes
     * and suppressed included.
     *
     * @param failure a throwable
     * @return its printed stack trace
     */
    public static String fullText(Throwable failure) {
        StringWriter out = new StringWriter();
        try (PrintWriter writer = new PrintWriter(out)) {
            Objects.requireNonNull(failure, "failure").printStackTrace(writer);
        }
        return out.toString();
    }
}
