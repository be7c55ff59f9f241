package io.resilientredis.chaos.toxiproxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts and remembers the threads of one {@link ToxiproxyServer}, so that {@code close()} can wait for every
 * one of them to end. Threads are daemons (a forgotten server never keeps a JVM alive) with small stacks (a
 * thousand connections cost a few thousand threads) and are named {@code resilient-redis-toxiproxy-...}.
 */
final class ThreadTracker {
    static final String PREFIX = "resilient-redis-toxiproxy-";
    private static final long STACK_BYTES = 256 * 1024;

    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();

    Thread start(String purpose, Runnable body) {
        Thread thread = new Thread(null, () -> {
            try {
                body.run();
            } finally {
                live.remove(Thread.currentThread());
            }
        }, PREFIX + purpose, STACK_BYTES);
        thread.setDaemon(true);
        live.add(thread);
        thread.start();
        return thread;
    }

    /** A thread factory for executors, naming threads {@code resilient-redis-toxiproxy-<purpose>-<n>}. */
    java.util.concurrent.ThreadFactory factory(String purpose) {
        return runnable -> {
            Thread thread = new Thread(null, runnable, PREFIX + purpose + "-" + counter.incrementAndGet(),
                    STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Waits up to the bound for every started thread to end; returns how many are still alive. */
    int awaitAll(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread thread : live.toArray(new Thread[0])) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int alive = 0;
        for (Thread thread : live) {
            if (thread.isAlive()) {
                alive++;
            }
        }
        return alive;
    }
}
