package io.resilientredis.failover;

/** The one way the failover module makes its threads: named, daemon, so none keeps a JVM alive. */
final class Threads {

    private Threads() {
    }

    /** @return a new, unstarted daemon thread */
    static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
