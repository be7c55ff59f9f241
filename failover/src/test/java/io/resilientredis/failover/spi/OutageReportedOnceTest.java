package io.resilientredis.failover.spi;

import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RetrySettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * While an endpoint is down its breaker re-opens after every failed probe (OPEN, HALF_OPEN, OPEN, ...).
 * That is one outage: one ENDPOINT_DOWN event and one WARN line when it starts, one ENDPOINT_UP when
 * it ends, and a status whose "since" is the start of the outage, not the last probe.
 */
class OutageReportedOnceTest {

    /** Opens on half of three calls failing; one failed trial (a probe every 10 ms) re-opens it. */
    private static final BreakerSettings BREAKER = BreakerSettings.builder()
            .failureRate(50, 3)
            .window(Duration.ofSeconds(2))
            .openDelay(Duration.ofMillis(60))
            .halfOpenTrials(1)
            .probeInterval(Duration.ofMillis(10))
            .build();

    @RegisterExtension
    final EngineFixture fx = new EngineFixture();

    private final FakeRedis primary = new FakeRedis("redis://primary:6379");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.resilientredis");
    private FailoverEngine<FakeRedis> engine;

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
        log.stop();
    }

    private long downEvents() {
        return fx.count(FailoverEvent.Type.ENDPOINT_DOWN);
    }

    private long downWarnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .filter(e -> e.getFormattedMessage().contains("is down")).count();
    }

    @Test
    void oneEndpointDownPerOutageNotPerFailedProbe() {
        engine = fx.start(fx.builder(primary).breaker(BREAKER).retry(RetrySettings.defaults()));

        primary.down();
        await("the breaker to open").atMost(Duration.ofSeconds(5)).until(() -> downEvents() == 1);
        Instant outageStart = engine.status().endpoints().get(0).since();
        int pingsAtOpen = primary.pings.get();
        // Every failed probe after the open delay re-opens the breaker; let many of them fail.
        await("ten more failed probes").atMost(Duration.ofSeconds(10)).until(() -> primary.pings.get() >= pingsAtOpen + 10);

        assertThat(downEvents()).as("ENDPOINT_DOWN events during one outage").isEqualTo(1);
        assertThat(downWarnings()).as("WARN lines saying the endpoint is down").isEqualTo(1);
        assertThat(engine.status().endpoints().get(0).since()).as("since: the outage's start").isEqualTo(outageStart);

        primary.up();
        await("the endpoint to come back").atMost(Duration.ofSeconds(5))
                .until(() -> fx.seen(FailoverEvent.Type.ENDPOINT_UP));

        primary.down();
        await("the second outage to be reported").atMost(Duration.ofSeconds(5)).until(() -> downEvents() == 2);
        int pingsAtSecond = primary.pings.get();
        await("five more failed probes").atMost(Duration.ofSeconds(10)).until(() -> primary.pings.get() >= pingsAtSecond + 5);
        assertThat(downEvents()).as("one ENDPOINT_DOWN per outage").isEqualTo(2);
        assertThat(downWarnings()).isEqualTo(2);
        assertThat(fx.count(FailoverEvent.Type.ENDPOINT_UP)).isEqualTo(1);
    }
}
