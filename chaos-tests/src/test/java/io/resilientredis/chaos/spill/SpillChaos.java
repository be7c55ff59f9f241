package io.resilientredis.chaos.spill;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.BreakerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Shared pieces of the spill scenarios: a client tuned to notice outages quickly, and direct reads. */
final class SpillChaos {

    /** Short timeouts so an outage is noticed (and recovery probed) in well under a second. */
    static final Duration TIMEOUT = Duration.ofMillis(300);

    private SpillChaos() {
    }

    /**
     * @param chaos the topology whose primary (through its proxy) the client uses
     * @return a builder with short timeouts and a quick breaker; the caller adds the spill store
     */
    static ResilientRedis.Builder client(ChaosTopology chaos) {
        return client(chaos.primaryEndpoint());
    }

    /**
     * @param url a standalone Redis URL
     * @return the same builder for that address
     */
    static ResilientRedis.Builder client(String url) {
        return client(RedisEndpoint.standalone(url));
    }

    static ResilientRedis.Builder client(RedisEndpoint endpoint) {
        return ResilientRedis.builder()
                .primary(endpoint)
                .timeout(TIMEOUT)
                .connectTimeout(TIMEOUT)
                .breaker(BreakerSettings.builder().openDelay(Duration.ofMillis(500)).build());
    }

    /** Runs one command on the node directly (not through its proxy). */
    static Object call(RedisNode node, String... command) {
        try (RespConnection c = node.connect(Duration.ofSeconds(5))) {
            return c.call(command);
        } catch (IOException e) {
            throw new UncheckedIOException("direct call " + command[0] + " to " + node.name() + " failed", e);
        }
    }

    /** LRANGE key 0 -1 on the node directly. */
    static List<String> list(RedisNode node, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) call(node, "LRANGE", key, "0", "-1")) {
            out.add((String) o);
        }
        return out;
    }

    /** GET key on the node directly. */
    static String get(RedisNode node, String key) {
        return (String) call(node, "GET", key);
    }

    /** Waits, bounded, for every stage to complete; fails with the first failure. */
    static void awaitAll(List<? extends CompletionStage<?>> stages, Duration bound) throws Exception {
        CompletableFuture<?>[] all = stages.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(all).get(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The live threads a client starts (engine, replayer, spill writer, Netty, callbacks); not the harness's. */
    static List<String> clientThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && n.startsWith("resilient-redis-") && !n.startsWith("resilient-redis-toxiproxy-")
                    && !n.startsWith("resilient-redis-reaper")) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
