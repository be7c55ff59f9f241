package io.resilientredis.failover.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one way resilient-redis makes its threads: named, daemon, so none keeps a JVM alive. */
public final class Threads {

    private Threads() {
    }

    /**
     * @param name the thread's name (starts with {@code resilient-redis-})
     * @param body what it runs
     * @return a new, unstarted daemon thread
     */
    public static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * @param prefix the threads' name prefix; a counter from 1 follows it
     * @return a factory of daemon threads
     */
    public static ThreadFactory daemonFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(prefix + n.incrementAndGet(), r);
    }
}
