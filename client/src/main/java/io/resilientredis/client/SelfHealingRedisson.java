package io.resilientredis.client;

import io.resilientredis.failover.spi.FailureKind;
import io.resilientredis.failover.RedisConfigurationException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.handler.ssl.SslHandler;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.NettyHook;
import org.redisson.config.Config;
import org.redisson.client.RedisConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RedissonClient} the engine holds for a standalone endpoint. It does two things a bare
 * Redisson client with lazy initialisation does not:
 *
 * <ul>
 *   <li><b>It makes the first connection itself, bounded, and sorts its failure.</b> Until the first
 *       connection succeeds, a call waits at most {@code connectTimeout} (plus a few milliseconds) for
 *       a shared connection attempt that runs on the binding's connector thread, never inside the
 *       caller's thread. A host that does not resolve, a {@code rediss://} endpoint whose port speaks
 *       plain-text Redis, a TLS handshake the server refused, or credentials Redis rejected are
 *       configuration errors: the call fails with a {@link RedisConfigurationException} (or Redis's
 *       reply) that is thrown to the caller, not spilled and not counted against the breaker; the
 *       finding is remembered for {@link #RECHECK} and then checked again, so a fixed DNS entry or
 *       password is picked up without a restart. Anything else (refused, timed out) is an outage.
 *       Once connected, Redisson reconnects by itself, and a host that stops resolving later (a pod
 *       being replaced) counts as an outage like any unreachable server.</li>
 *   <li><b>It rebuilds a Redisson client that shut itself down.</b> Redisson shuts a client down for
 *       good when its lazy connect meets an {@code IllegalArgumentException}; every later call would
 *       fail with "Redisson is shutdown". The next call after that builds a new client from a fresh
 *       configuration (the customizer applied again).</li>
 * </ul>
 *
 * <p>How a TLS failure is told from an outage: Redisson 4.7 reports a refused handshake (untrusted
 * certificate, wrong name) only as a connect timeout, so each TLS channel's handshake is watched
 * through a {@code NettyHook}; and a plain-text Redis never answers a ClientHello, so while a
 * handshake is still pending half-way through the connect timeout, the port is asked a plain-text
 * {@code PING} ({@link PlainTextProbe}). A port that answers neither (a frozen server) is an outage.
 * A call made on a Netty thread never waits for the first connection (it needs those threads); it
 * fails at once as not connected.
 *
 * <p>After the first connection a call costs one volatile read and one reflective dispatch more
 * than a bare Redisson call (measured: about 8 ns on {@code getBucket}, against 40-50 ns for the
 * call itself and tens of microseconds for its round trip).
 */
final class SelfHealingRedisson implements InvocationHandler {

    private static final Logger LOG = LoggerFactory.getLogger("io.resilientredis");

    /** How long a configuration error found while connecting is answered from memory. */
    static final Duration RECHECK = Duration.ofSeconds(1);

    /** Time past {@code connectTimeout} a caller waits for the connection attempt to be sorted. */
    static final Duration SORTING_MARGIN = Duration.ofMillis(60);

    private final RedisEndpoint endpoint;
    private final Supplier<Config> configs;
    private final Duration connectTimeout;
    private final Executor connector;
    private final EventLoopGroup eventLoop;

    private volatile RedissonClient delegate;
    private volatile boolean connected;
    private volatile boolean closed;
    /** A configuration error found by the last attempt, or null. Written under this. */
    private volatile Verdict verdict;
    /** Why the last TLS handshake of this client failed, if it did (Redisson may report only a timeout). */
    private volatile Throwable handshakeFailure;
    /** The last connection attempt; guarded by this. */
    private CompletableFuture<Void> attempt;

    /** A configuration error and until when it is answered without looking again. */
    private record Verdict(RuntimeException failure, long untilNanos) {
        RuntimeException raise() {
            // A fresh exception per caller (its own stack trace), the same message and cause.
            if (failure instanceof RedisConfigurationException e) {
                return new RedisConfigurationException(e.endpoint(), e.getMessage(), e.getCause());
            }
            return failure;
        }
    }

    private SelfHealingRedisson(RedisEndpoint endpoint, Supplier<Config> configs, Duration connectTimeout,
                                Executor connector, EventLoopGroup eventLoop) {
        this.eventLoop = eventLoop;
        this.endpoint = endpoint;
        this.configs = configs;
        this.connectTimeout = connectTimeout;
        this.connector = connector;
        this.delegate = build();
    }

    /** A new Redisson client; for TLS, its TLS handshakes are watched (see {@link #handshakeFailed}). */
    private RedissonClient build() {
        Config config = configs.get();
        if (endpoint.tls()) {
            NettyHook next = config.getNettyHook();
            config.setNettyHook(new NettyHook() {
                @Override
                public void afterBoostrapInitialization(Bootstrap bootstrap) {
                    next.afterBoostrapInitialization(bootstrap);
                }

                @Override
                public void afterChannelInitialization(Channel channel) {
                    next.afterChannelInitialization(channel);
                    SslHandler ssl = channel.pipeline().get(SslHandler.class);
                    if (ssl != null) {
                        ssl.handshakeFuture().addListener(f -> {
                            if (!f.isSuccess()) {
                                handshakeFailed(f.cause());
                            }
                        });
                    }
                }
            });
        }
        return Redisson.create(config);
    }

    /**
     * @param endpoint a standalone endpoint
     * @param configs a lazily-initialised Redisson configuration for it (asked again to rebuild)
     * @param connectTimeout the client's connect timeout
     * @param connector runs connection attempts (they block a thread for up to {@code connectTimeout})
     * @param eventLoop the Netty threads the connection needs, on which no call may wait for it
     * @return the client the engine uses
     */
    static RedissonClient create(RedisEndpoint endpoint, Supplier<Config> configs, Duration connectTimeout,
                                 Executor connector, EventLoopGroup eventLoop) {
        SelfHealingRedisson handler = new SelfHealingRedisson(endpoint, configs, connectTimeout, connector, eventLoop);
        return (RedissonClient) Proxy.newProxyInstance(RedissonClient.class.getClassLoader(),
                new Class<?>[] {RedissonClient.class, RawCommands.Access.class}, handler);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "RedissonClient for " + endpoint.displayName();
            };
        }
        if (method.getDeclaringClass() == RawCommands.Access.class) {
            RedissonClient target = connected && !delegate.isShuttingDown() ? delegate : ready();
            return ((Redisson) target).getCommandExecutor();
        }
        RedissonClient target = delegate;
        if (!connected || target.isShuttingDown()) {
            String name = method.getName();
            if (name.startsWith("shutdown")) {
                closed = true;
            } else if (!name.startsWith("isShut") && !name.equals("getConfig") && !name.equals("getId")) {
                target = ready();
            }
        } else if (method.getName().startsWith("shutdown")) {
            closed = true;
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** @return a connected Redisson client, or throws what keeps it from connecting */
    private RedissonClient ready() {
        if (closed) {
            return delegate;
        }
        CompletableFuture<Void> pending;
        synchronized (this) {
            if (connected && !delegate.isShuttingDown()) {
                return delegate;
            }
            boolean checking = attempt != null && !attempt.isDone();
            Verdict v = verdict;
            if (v != null && (checking || System.nanoTime() - v.untilNanos() < 0)) {
                throw v.raise();
            }
            if (!checking) {
                if (delegate.isShuttingDown()) {
                    rebuild();
                }
                attempt = start(delegate);
            }
            pending = attempt;
        }
        if (onEventLoop()) {
            // A call made from a Redisson callback: waiting here would hold a thread the connection needs.
            throw notConnected("not connected yet", null);
        }
        await(pending);
        return delegate;
    }

    private boolean onEventLoop() {
        for (EventExecutor loop : eventLoop) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** Replaces a Redisson client that shut itself down. Called under this. */
    private void rebuild() {
        RedissonClient dead = delegate;
        if (connected) {
            LOG.warn("The Redisson client of Redis endpoint {} shut itself down; building a new one", endpoint);
        } else {
            LOG.debug("Building a new Redisson client for Redis endpoint {} (the last one shut itself down)", endpoint);
        }
        delegate = build();
        connected = false;
        if (!dead.isShutdown()) {
            try {
                connector.execute(() -> dead.shutdown(0, 1, TimeUnit.SECONDS));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                dead.shutdown(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    private void await(CompletableFuture<Void> pending) {
        long bound = connectTimeout.toMillis() + SORTING_MARGIN.toMillis();
        try {
            pending.get(bound, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw notConnected("no connection within the connect timeout of " + connectTimeout.toMillis() + " ms",
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw notConnected(cause.toString(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notConnected("interrupted while connecting", e);
        }
    }

    /** Starts one connection attempt on the connector. Called under this. */
    private CompletableFuture<Void> start(RedissonClient client) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        handshakeFailure = null;
        connector.execute(() -> connect(client, result));
        if (endpoint.tls()) {
            // A plain-text Redis never answers a TLS ClientHello, so the handshake can only time out.
            // Half-way through the connect timeout, ask the port in clear whether it is plain Redis.
            long half = Math.max(1, connectTimeout.toMillis() / 2);
            CompletableFuture.delayedExecutor(half, TimeUnit.MILLISECONDS, connector).execute(() -> {
                if (!result.isDone()
                        && PlainTextProbe.answersPlainRedis(endpoint.host(), endpoint.port(), Duration.ofMillis(half))) {
                    conclude(client, result, notTls(null), true);
                }
            });
        }
        return result;
    }

    /** Runs Redisson's lazy connect on this (connector) thread and sorts what it throws. */
    private void connect(RedissonClient client, CompletableFuture<Void> result) {
        try {
            if (client instanceof Redisson r) {
                r.getCommandExecutor().getConnectionManager().getEntrySet();
            }
        } catch (RuntimeException e) {
            sort(client, result, e);
            return;
        }
        Verdict cleared;
        synchronized (this) {
            cleared = verdict;
            if (delegate == client) {
                connected = true;
                verdict = null;
            }
        }
        result.complete(null);
        if (cleared != null) {
            LOG.info("Redis endpoint {} accepts the client's configuration now", endpoint);
        }
    }

    /**
     * Called on a Netty thread when a TLS handshake failed. Redisson 4.7 often lets such a connect run
     * into its timeout instead of failing it; a refusal (untrusted certificate, wrong name, no common
     * protocol, not a TLS server) settles a pending first connection at once.
     */
    private void handshakeFailed(Throwable cause) {
        handshakeFailure = cause;
        if (connected || !refusedHandshake(cause)) {
            return;
        }
        RedissonClient client;
        CompletableFuture<Void> pending;
        synchronized (this) {
            client = delegate;
            pending = attempt;
        }
        if (pending != null && !pending.isDone()) {
            conclude(client, pending, tlsRefused(cause, null), true);
        }
    }

    /** Whether a failed handshake was refused (configuration), not cut by the network (an outage). */
    private static boolean refusedHandshake(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.EOFException || t instanceof java.net.SocketException
                    || t instanceof java.nio.channels.ClosedChannelException) {
                return false;
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("terminated the handshake") || m.contains("connection reset") || m.contains("timed out")) {
                return false;
            }
        }
        return cause instanceof SSLException || find(cause, SSLException.class) != null;
    }

    private RedisConfigurationException tlsRefused(Throwable handshake, Throwable cause) {
        Throwable root = handshake;
        for (int i = 0; i < 16 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        RedisConfigurationException e = configuration("the TLS handshake with " + endpoint.host() + ":"
                + endpoint.port() + " failed (" + firstLine(handshake)
                + (root != handshake ? "; " + firstLine(root) : "") + ")", "check that this JVM trusts the "
                + "server's certificate (ResilientRedis.builder().redisson(config -> config.setSslTruststore(...) "
                + "or setSslTrustManagerFactory(...))) and that it is issued for '" + endpoint.host()
                + "'; use redis:// if the server has no TLS", cause == null ? handshake : cause);
        if (cause != null && cause != handshake) {
            e.addSuppressed(handshake);
        }
        return e;
    }

    private void sort(RedissonClient client, CompletableFuture<Void> result, RuntimeException e) {
        if (client.isShuttingDown() && !closed) {
            conclude(client, result, configuration("Redisson refused its configuration and shut its client down ("
                    + firstLine(e) + ")", "check the endpoint's URL and the settings given through "
                    + "ResilientRedis.builder().redisson(config -> ...)", e), true);
            return;
        }
        UnknownHostException unknown = find(e, UnknownHostException.class);
        if (unknown != null && !dnsTimedOut(e)) {
            conclude(client, result, configuration("host '" + endpoint.host() + "' does not resolve ("
                    + dnsAnswer(e) + ")", "check the host name in the endpoint's URL, and this machine's DNS "
                    + "and /etc/hosts", e), true);
            return;
        }
        if (endpoint.tls() && (find(e, SSLException.class) != null || find(e, TimeoutException.class) != null)) {
            if (result.isDone()) {
                return; // sorted already, by the half-way plain-text probe
            }
            Duration budget = Duration.ofMillis(Math.min(SORTING_MARGIN.toMillis() / 2, connectTimeout.toMillis()));
            if (PlainTextProbe.answersPlainRedis(endpoint.host(), endpoint.port(), budget)) {
                conclude(client, result, notTls(e), true);
                return;
            }
            SSLException ssl = find(e, SSLException.class);
            Throwable handshake = ssl != null ? ssl : handshakeFailure;
            if (handshake != null && refusedHandshake(handshake)) {
                conclude(client, result, tlsRefused(handshake, e), true);
                return;
            }
        }
        FailureKind kind = RedissonFailureClassifier.INSTANCE.classify(e);
        if (kind == FailureKind.CONFIGURATION) {
            conclude(client, result, e, true);
            return;
        }
        conclude(client, result, notConnected(firstLine(e), e), false);
    }

    private void conclude(RedissonClient client, CompletableFuture<Void> result, RuntimeException failure,
                          boolean configurationError) {
        boolean first = false;
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            if (configurationError && delegate == client) {
                first = verdict == null;
                verdict = new Verdict(failure, System.nanoTime() + RECHECK.toNanos());
            }
            result.completeExceptionally(failure);
        }
        if (first) {
            LOG.warn("{}", failure instanceof RedisConfigurationException ? failure.getMessage()
                    : "Redis endpoint " + endpoint.displayName() + " rejected the client's configuration: "
                    + firstLine(failure));
        }
    }

    private RedisConfigurationException notTls(Throwable cause) {
        return configuration("it is a rediss:// (TLS) endpoint, but " + endpoint.host() + ":" + endpoint.port()
                + " answers plain-text Redis: the TLS handshake cannot complete",
                "use redis:// for this port, or point rediss:// at the server's tls-port", cause);
    }

    private RedisConfigurationException configuration(String problem, String fix, Throwable cause) {
        String name = endpoint.displayName();
        return new RedisConfigurationException(name, "Redis endpoint " + name + " cannot be used: " + problem
                + ". Fix: " + fix + ".", cause);
    }

    /** A connectivity failure of a connection attempt: nothing was sent, so no write can have landed. */
    private RedisConnectionException notConnected(String why, Throwable cause) {
        ConnectException notSent = new ConnectException("not connected to " + endpoint.host() + ":" + endpoint.port()
                + ": " + why);
        if (cause != null) {
            notSent.initCause(cause);
        }
        return new RedisConnectionException("Redis endpoint " + endpoint.displayName() + " is unreachable: " + why,
                notSent);
    }

    private static boolean dnsTimedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String n = t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (n.contains("timeout") || m.contains("timed out") || m.contains("timeout") || m.contains("servfail")) {
                return true;
            }
        }
        return false;
    }

    private static String dnsAnswer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("NXDOMAIN")) {
                return "DNS answered NXDOMAIN: no such name";
            }
        }
        return "no address for it";
    }

    /** Where Redisson's messages turn into its internals (channel, command data, keys), as in the engine. */
    private static final String[] INTERNALS = {"params:", "CommandData", "channel: [", ". channel:", "Node source:",
            "NodeSource [", "java.util.concurrent.CompletableFuture@", "RedisConnection@"};

    private static String firstLine(Throwable e) {
        Throwable t = e;
        // Redisson wraps the interesting failure in connection exceptions that repeat it.
        while (t.getCause() != null && t.getCause() != t && (t instanceof RedisConnectionException
                || t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
                + t.getMessage();
        for (String marker : INTERNALS) {
            int i = m.indexOf(marker);
            if (i > 0) {
                m = m.substring(0, i).strip();
            }
        }
        int nl = m.indexOf('\n');
        m = nl >= 0 ? m.substring(0, nl) : m;
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
