package io.resilientredis.failover.spi;

import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake endpoint handle: a map that can be up, down (refuses) or answer every call with an error reply. */
final class FakeRedis {

    private final String name;
    final ConcurrentHashMap<String, String> data = new ConcurrentHashMap<>();
    private final java.util.Set<String> applied = ConcurrentHashMap.newKeySet();
    final java.util.List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger pings = new AtomicInteger();
    private volatile boolean up = true;
    private volatile String errorReply;
    private volatile boolean landThenTimeout;

    FakeRedis(String name) {
        this.name = name;
    }

    void down() {
        up = false;
    }

    void up() {
        up = true;
    }

    /** Writes are applied but their replies never come: the caller sees a timeout. */
    void landThenTimeout(boolean on) {
        landThenTimeout = on;
    }

    void replyWithError(String reply) {
        errorReply = reply;
    }

    CompletionStage<String> get(String key) {
        calls.incrementAndGet();
        return answer(() -> data.get(key));
    }

    CompletionStage<String> set(String key, String value) {
        calls.incrementAndGet();
        return answer(() -> {
            data.put(key, value);
            return "OK";
        });
    }

    /** Appends to an ordered log; a value starting with "poison" is refused like WRONGTYPE. */
    CompletionStage<String> append(String value) {
        calls.incrementAndGet();
        if (value.startsWith("poison")) {
            return up ? CompletableFuture.failedFuture(new RuntimeException("WRONGTYPE poisoned"))
                    : CompletableFuture.failedFuture(new ConnectException("Connection refused: " + name));
        }
        if (landThenTimeout && up) {
            if (applied.add(value)) {
                log.add(value);
            }
            return CompletableFuture.failedFuture(new java.net.SocketTimeoutException("reply timed out: " + name));
        }
        return answer(() -> {
            // Like the exactly-once marker: a value applied before is not applied again.
            if (applied.add(value)) {
                log.add(value);
            }
            return "OK";
        });
    }

    /** Answers while up, also when write replies are being lost (like a master whose WAITs time out). */
    CompletionStage<String> ping() {
        pings.incrementAndGet();
        if (!up) {
            return CompletableFuture.failedFuture(new ConnectException("Connection refused: " + name));
        }
        return CompletableFuture.completedFuture("PONG");
    }

    private CompletionStage<String> answer(java.util.function.Supplier<String> ok) {
        if (!up) {
            return CompletableFuture.failedFuture(new ConnectException("Connection refused: " + name));
        }
        if (landThenTimeout) {
            return CompletableFuture.failedFuture(new java.net.SocketTimeoutException("reply timed out: " + name));
        }
        String error = errorReply;
        if (error != null) {
            return CompletableFuture.failedFuture(new RuntimeException(error));
        }
        return CompletableFuture.completedFuture(ok.get());
    }

    Endpoint<FakeRedis> endpoint() {
        return Endpoint.of(name, this, FakeRedis::ping);
    }

    @Override
    public String toString() {
        return name;
    }
}
