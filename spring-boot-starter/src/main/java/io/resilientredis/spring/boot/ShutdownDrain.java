package io.resilientredis.spring.boot;

import java.time.Duration;

import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.ClientHooks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * When the context stops, waits up to {@code resilient-redis.shutdown.drain-timeout} for the spill
 * backlog to replay, before the client is closed with the context. What is left stays in the store
 * and is replayed by the next client on the same directory.
 */
final class ShutdownDrain implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrain.class);
    private final ResilientRedis client;
    private final ClientHooks hooks;
    private final Duration timeout;
    private volatile boolean running;

    ShutdownDrain(ResilientRedis client, Duration timeout) {
        this.client = client;
        this.hooks = ClientHooks.of(client);
        this.timeout = timeout;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        try {
            if (!client.awaitSpillDrained(timeout)) {
                LOG.warn("{} spilled writes not replayed within {}; they stay in the spill store for the next start",
                        hooks.status().spill().depth(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stopped after the web server (which stops taking requests first), before lower phases.
        return DEFAULT_PHASE - 2048;
    }
}
