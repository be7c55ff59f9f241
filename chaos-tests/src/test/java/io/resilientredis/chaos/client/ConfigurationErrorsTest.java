package io.resilientredis.chaos.client;

import static io.resilientredis.chaos.PasswordLeakGuard.PASSWORD;
import static io.resilientredis.chaos.PasswordLeakGuard.fullText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.doctor.TlsTerminator;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import io.resilientredis.failover.BreakerState;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.RedisConfigurationException;
import io.resilientredis.failover.RetrySettings;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.config.Config;

/**
 * A client configured wrongly fails at once and says why: a port outside 1-65535 at endpoint
 * creation; an unknown host, {@code rediss://} against a plain port, and an untrusted certificate at
 * the first call, as a {@link RedisConfigurationException} naming the endpoint (password redacted)
 * and the fix, never spilled and never counted as an outage. No call waits past
 * {@code connectTimeout} for it (each time to fail is printed as a {@code [measure]} line; the
 * assertion leaves a margin for a loaded machine that still catches the 10 s hang this replaced). A
 * Redisson client that shut itself down is rebuilt, and an outage is reported once, not once per
 * failed probe. The other side of the line: a server (plain or TLS) that accepts connections but never
 * answers is an outage, spilled within the connect timeouts of the attempts plus the retry budget.
 */
class ConfigurationErrorsTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Asserted past connectTimeout: far below a 10 s hang, with room for a loaded 2-core machine. The goal is 100 ms. */
    private static final Duration MARGIN = Duration.ofMillis(1000);

    @TempDir
    static Path directory;

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> plain =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());
    private static TlsTerminator tls;

    @BeforeAll
    static void start() throws Exception {
        tls = TlsTerminator.start(directory, "localhost", 365, plain.get().topology().primary().port());
        // A JVM's first TLS handshakes load the trust store and JSSE (several hundred ms when cold, more
        // than the 500 ms connect timeout here); do that now, so the times measured are the client's.
        for (SSLContext context : new SSLContext[] {tls.trustingContext(), SSLContext.getDefault()}) {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", tls.port())) {
                socket.startHandshake();
            } catch (java.io.IOException untrusted) {
                // the default context does not trust the test certificate: that handshake fails, warm
            }
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (tls != null) {
            tls.close();
        }
    }

    private static ResilientRedis client(RedisEndpoint endpoint, List<FailoverEvent> events, String spill,
                                         Consumer<Config> redisson) {
        return client(endpoint, events, spill, redisson, CONNECT_TIMEOUT);
    }

    private static ResilientRedis client(RedisEndpoint endpoint, List<FailoverEvent> events, String spill,
                                         Consumer<Config> redisson, Duration connectTimeout) {
        return ResilientRedis.builder()
                .primary(endpoint)
                .timeout(CONNECT_TIMEOUT)
                .connectTimeout(connectTimeout)
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(200)).probeInterval(Duration.ofMillis(50))
                        .build())
                .spill(directory.resolve(spill))
                .listener(events::add)
                .redisson(redisson)
                .build();
    }

    /** Runs the call, which must throw {@code type}; prints and bounds the time it took. */
    private static <T extends Throwable> T failsFast(String what, Class<T> type, ThrowingCallable call) {
        return failsFast(what, type, CONNECT_TIMEOUT, call);
    }

    private static <T extends Throwable> T failsFast(String what, Class<T> type, Duration connectTimeout,
                                                     ThrowingCallable call) {
        long start = System.nanoTime();
        T failure = catchThrowableOfType(type, call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("[measure] %s: %s after %d ms (connectTimeout %d ms)%n", what,
                failure == null ? "no " + type.getSimpleName() : type.getSimpleName(), took.toMillis(),
                connectTimeout.toMillis());
        assertThat(failure).as(what + " throws " + type.getSimpleName()).isNotNull();
        assertThat(took).as(what + ": time to fail").isLessThanOrEqualTo(connectTimeout.plus(MARGIN));
        return failure;
    }

    /** Neither spilled nor counted against the breaker, nor reported as an outage. */
    private static void notAnOutage(ResilientRedis redis, List<FailoverEvent> events) {
        assertThat(redis.status().spill().depth()).as("spilled writes").isZero();
        assertThat(redis.status().endpoints().get(0).state()).isEqualTo(BreakerState.CLOSED);
        assertThat(redis.status().endpoints().get(0).lastFailure()).as("status says why calls fail")
                .contains("RedisConfigurationException").contains("cannot be used");
        assertThat(events).extracting(FailoverEvent::type)
                .doesNotContain(FailoverEvent.Type.ENDPOINT_DOWN, FailoverEvent.Type.SPILL_STARTED);
    }

    @Test
    void aPortOutsideTheRangeIsRefusedWhenTheEndpointIsCreated() {
        IllegalArgumentException e = failsFast("redis://host:99999 at RedisEndpoint.standalone",
                IllegalArgumentException.class,
                () -> RedisEndpoint.standalone("redis://:" + PASSWORD + "@127.0.0.1:99999"));

        assertThat(e).hasMessageContaining("port 99999").hasMessageContaining("outside 1-65535")
                .hasMessageContaining("Fix: use the port Redis listens on");
        assertThat(fullText(e)).doesNotContain(PASSWORD);
        IllegalArgumentException form = catchThrowableOfType(IllegalArgumentException.class,
                () -> RedisEndpoint.standalone("redis://127.0.0.1:6379x"));
        assertThat(form).hasMessageContaining("port '6379x'").hasMessageContaining("is not a number");
    }

    @Test
    void anUnknownHostIsAConfigurationErrorNeitherSpilledNorAnOutage() {
        String host = "no-such-redis-" + UUID.randomUUID().toString().substring(0, 8) + ".invalid";
        RedisEndpoint endpoint = RedisEndpoint.standalone("redis://:" + PASSWORD + "@" + host + ":6379");
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(endpoint, events, "unknown-host", null)) {
            RedisConfigurationException write = failsFast("unknown host, first set()", RedisConfigurationException.class,
                    () -> redis.set("k", "v"));
            RedisConfigurationException read = failsFast("unknown host, get() after it", RedisConfigurationException.class,
                    () -> redis.get("k"));
            for (RedisConfigurationException e : List.of(write, read)) {
                assertThat(e.endpoint()).isEqualTo(endpoint.displayName()).contains(":***@");
                assertThat(e).hasMessageStartingWith("Redis endpoint " + endpoint.displayName() + " cannot be used")
                        .hasMessageContaining("host '" + host + "' does not resolve")
                        .hasMessageContaining("Fix: check the host name in the endpoint's URL");
                assertThat(fullText(e)).doesNotContain(PASSWORD);
            }
            notAnOutage(redis, events);
        }
    }

    @Test
    void tlsAgainstAPlainPortIsAConfigurationErrorThatSaysSo() {
        String address = "127.0.0.1:" + plain.get().topology().primary().port();
        RedisEndpoint endpoint = RedisEndpoint.standalone("rediss://" + address);
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(endpoint, events, "tls-plain", null)) {
            RedisConfigurationException e = failsFast("rediss:// against a plain port, first set()",
                    RedisConfigurationException.class, () -> redis.set("k", "v"));

            assertThat(e.endpoint()).isEqualTo("rediss://" + address);
            assertThat(e).hasMessageContaining("rediss://" + address)
                    .hasMessageContaining(address + " answers plain-text Redis")
                    .hasMessageContaining("Fix: use redis:// for this port");
            failsFast("rediss:// against a plain port, a write after it", RedisConfigurationException.class,
                    () -> redis.incrBy("counter", 1));
            notAnOutage(redis, events);
        }
    }

    @Test
    void anUntrustedCertificateIsAConfigurationErrorNamingTheTrustStore() {
        RedisEndpoint endpoint = RedisEndpoint.standalone("rediss://localhost:" + tls.port());
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        // Redisson builds a TLS context, loading the JDK's trust store, for every connection: on this
        // shared machine that alone can outlast 500 ms, and a handshake not done by connectTimeout is an
        // outage. A 2 s connect timeout leaves room for the handshake to fail, which it does at once.
        Duration connectTimeout = Duration.ofSeconds(2);
        try (ResilientRedis redis = client(endpoint, events, "tls-untrusted", null, connectTimeout)) {
            RedisConfigurationException e = failsFast("rediss:// with an untrusted certificate, first set()",
                    RedisConfigurationException.class, connectTimeout, () -> redis.set("k", "v"));

            assertThat(e).hasMessageContaining("the TLS handshake with localhost:" + tls.port() + " failed")
                    .hasMessageContaining("trusts the server's certificate");
            notAnOutage(redis, events);
        }
    }

    @Test
    void aTrustedTlsEndpointConnects() {
        RedisEndpoint endpoint = RedisEndpoint.standalone("rediss://localhost:" + tls.port());
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(endpoint, events, "tls-trusted",
                config -> config.setSslTrustManagerFactory(tls.trustManagerFactory()))) {
            assertThat(redis.set("tls-key", "through TLS").status()).isEqualTo(WriteStatus.WRITTEN);
            assertThat(redis.get("tls-key")).isEqualTo("through TLS");
        }
    }

    @Test
    void aRedissonClientThatShutItselfDownIsRebuilt() {
        RedisEndpoint endpoint = plain.get().primaryEndpoint();
        AtomicInteger built = new AtomicInteger();
        // The first Redisson client gets a port its connect rejects with IllegalArgumentException, on
        // which Redisson shuts the client down for good; the ones built after it are fine.
        Consumer<Config> firstOneBroken = config -> {
            if (built.getAndIncrement() == 0) {
                config.useSingleServer().setAddress("redis://127.0.0.1:99999");
            }
        };
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(endpoint, events, "rebuilt", firstOneBroken)) {
            RedisConfigurationException e = failsFast("a configuration Redisson refuses, first set()",
                    RedisConfigurationException.class, () -> redis.set("k", "v"));
            assertThat(e).hasMessageContaining("Redisson refused its configuration")
                    .hasMessageContaining("port out of range").hasMessageNotContaining("Redisson is shutdown");
            notAnOutage(redis, events);

            await("a rebuilt Redisson client to take the write").atMost(Duration.ofSeconds(10))
                    .ignoreException(RedisConfigurationException.class)
                    .until(() -> redis.set("rebuilt", "yes").status() == WriteStatus.WRITTEN);
            assertThat(redis.get("rebuilt")).isEqualTo("yes");
            assertThat(built.get()).as("Redisson clients built").isGreaterThanOrEqualTo(2);
        }
    }

    /** What an outage may cost a caller: every attempt's connect timeout, plus the retry budget. */
    private static Duration outageBound(Duration connectTimeout) {
        RetrySettings retry = RetrySettings.defaults();
        return connectTimeout.plus(SORTING_MARGIN).multipliedBy(retry.maxAttempts()).plus(retry.maxDuration())
                .plus(MARGIN);
    }

    private static final Duration SORTING_MARGIN = Duration.ofMillis(100);

    /** A write that no endpoint takes is spilled; prints and bounds the time that took. */
    private static void spilledWithin(String what, ResilientRedis redis, List<FailoverEvent> events) {
        long start = System.nanoTime();
        WriteReceipt<Void> receipt = redis.set("k", "v");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("[measure] %s: %s after %d ms (connectTimeout %d ms, %d attempts, retry budget %d ms)%n",
                what, receipt.status(), took.toMillis(), CONNECT_TIMEOUT.toMillis(),
                RetrySettings.defaults().maxAttempts(), RetrySettings.defaults().maxDuration().toMillis());
        assertThat(receipt.status()).as(what + ": an outage, so spilled").isEqualTo(WriteStatus.SPILLED);
        assertThat(took).as(what + ": time to spill").isLessThanOrEqualTo(outageBound(CONNECT_TIMEOUT));
        await(what + ": reported as an outage").atMost(Duration.ofSeconds(10))
                .until(() -> events.stream().anyMatch(e -> e.type() == FailoverEvent.Type.ENDPOINT_DOWN));
    }

    @Test
    void aServerThatNeverAnswersIsAnOutageThatCostsNoMoreThanTheTimeouts() throws java.io.IOException {
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        plain.get().proxy(plain.get().topology().primary()).toxics().timeout("never-answers", ToxicDirection.UPSTREAM, 0);
        try (ResilientRedis redis = client(plain.get().primaryEndpoint(), events, "never-answers", null)) {
            spilledWithin("a plain server that accepts but never answers, first set()", redis, events);
        } finally {
            plain.get().resetAll();
        }
    }

    @Test
    void aTlsServerThatNeverAnswersIsAnOutageNotAConfigurationError() throws java.io.IOException {
        // A frozen TLS server: the handshake never completes, as against a plain port, but the port does
        // not answer a plain-text PING either, so it is an outage.
        Proxy stuck = plain.get().proxyServer().client().createProxy("tls-never-answers", "127.0.0.1:0",
                "127.0.0.1:" + tls.port());
        try {
            stuck.toxics().timeout("never-answers", ToxicDirection.UPSTREAM, 0);
            String listen = stuck.getListen();
            RedisEndpoint endpoint = RedisEndpoint.standalone("rediss://" + listen);
            List<FailoverEvent> events = new CopyOnWriteArrayList<>();
            try (ResilientRedis redis = client(endpoint, events, "tls-never-answers",
                    config -> config.setSslTrustManagerFactory(tls.trustManagerFactory()))) {
                spilledWithin("a TLS server that accepts but never answers, first set()", redis, events);
            }
        } finally {
            stuck.delete();
        }
    }

    @Test
    void anOutageIsLoggedOnceNotOncePerFailedProbe() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) org.slf4j.LoggerFactory.getLogger("io.resilientredis");
        log.start();
        logger.addAppender(log);
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        try (ResilientRedis redis = client(plain.get().primaryEndpoint(), events, "outage", null)) {
            assertThat(redis.set("before", "x").status()).isEqualTo(WriteStatus.WRITTEN);
            plain.get().proxy(plain.get().topology().primary()).disable();

            await("four failed probes after the breaker opened").atMost(Duration.ofSeconds(20))
                    .until(() -> count(log, Level.DEBUG, "is still down, the probe failed") >= 4);
            assertThat(count(log, Level.WARN, "is down (breaker open)")).as("WARN lines for one outage").isEqualTo(1);
            assertThat(events).filteredOn(e -> e.type() == FailoverEvent.Type.ENDPOINT_DOWN).hasSize(1);
            System.out.printf("[measure] one outage: %d WARN 'is down' line(s), %d failed probes logged at DEBUG%n",
                    count(log, Level.WARN, "is down (breaker open)"), count(log, Level.DEBUG, "is still down"));

            plain.get().proxy(plain.get().topology().primary()).enable();
            await("the endpoint to come back").atMost(Duration.ofSeconds(20))
                    .until(() -> events.stream().anyMatch(e -> e.type() == FailoverEvent.Type.ENDPOINT_UP));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            logger.detachAppender(log);
            log.stop();
            plain.get().resetAll();
        }
    }

    private static long count(ListAppender<ILoggingEvent> log, Level level, String text) {
        List<ILoggingEvent> lines;
        synchronized (log) { // logback appends under the appender's lock
            lines = List.copyOf(log.list);
        }
        return lines.stream().filter(e -> e.getLevel() == level)
                .filter(e -> e.getFormattedMessage().contains(text)).count();
    }
}
