package io.resilientredis.benchmarks.bakeoff;

import java.time.Duration;

/** One client under test in the bake-off: how a writer's call reaches Redis through it. */
interface Contender extends AutoCloseable {

    /** @return the name in the results table */
    String name();

    /** @return how it is configured, for RESULTS.md */
    String configuration();

    /**
     * RPUSH key value; returns when the client reports success, throws what the caller would see
     * otherwise.
     */
    void rpush(String key, String value) throws Exception;

    /**
     * Waits, at most {@code bound}, until writes the client accepted but has not yet applied are
     * applied (the spill backlog, for ResilientRedis). Peers have nothing pending once a call returned.
     *
     * @return a note for the results, or null
     */
    default String settle(Duration bound) {
        return null;
    }

    @Override
    void close();

    /** How a contender sends one RPUSH. */
    @FunctionalInterface
    interface Push {
        /** @see Contender#rpush */
        void rpush(String key, String value) throws Exception;
    }

    /** A contender with nothing pending after a call returns: its name, configuration, write and close. */
    static Contender of(String name, String configuration, Push push, Runnable close) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String configuration() {
                return configuration;
            }

            @Override
            public void rpush(String key, String value) throws Exception {
                push.rpush(key, value);
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
