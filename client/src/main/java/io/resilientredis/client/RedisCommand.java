package io.resilientredis.client;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Any Redis command the typed operations do not cover, declared as a read or a write. A write is
 * applied exactly once by default (through a marker keyed by its id); declare it
 * {@link Write#idempotent() idempotent} when repeating it is harmless, which skips the marker.
 * Blocking commands (BLPOP, ...) and commands that Redis refuses inside scripts are not supported.
 */
public final class RedisCommand {

    /** How the reply is returned. */
    public enum Reply {
        /** A status reply ({@code OK}), returned as a String. */
        STATUS,
        /** An integer reply, returned as a Long. */
        INTEGER,
        /** A bulk string, returned as a String (or null). */
        BULK,
        /** An array, returned as a List of String, Long or nested List. */
        MULTI
    }

    private RedisCommand() {
    }

    /**
     * @param name the command, e.g. {@code "ZSCORE"}
     * @param args its arguments, keys included
     * @return a read command
     */
    public static Read read(String name, String... args) {
        return new Read(name, List.of(args), Reply.BULK);
    }

    /**
     * @param name the command, e.g. {@code "ZINCRBY"}
     * @param args its arguments, keys included
     * @return a write command, applied exactly once unless declared idempotent
     */
    public static Write write(String name, String... args) {
        return new Write(name, List.of(args), Reply.BULK, false);
    }

    /** A read command. */
    public static final class Read {
        private final String name;
        private final List<String> args;
        private final Reply reply;

        private Read(String name, List<String> args, Reply reply) {
            this.name = validName(name);
            this.args = args;
            this.reply = Objects.requireNonNull(reply);
        }

        /**
         * @param type how the reply is returned; default {@link Reply#BULK}
         * @return a copy with that reply type
         */
        public Read reply(Reply type) {
            return new Read(name, args, type);
        }

        String name() {
            return name;
        }

        List<String> args() {
            return args;
        }

        Reply replyType() {
            return reply;
        }

        @Override
        public String toString() {
            return name + " (" + args.size() + " args)";
        }
    }

    /** A write command. */
    public static final class Write {
        private final String name;
        private final List<String> args;
        private final Reply reply;
        private final boolean idempotent;

        private Write(String name, List<String> args, Reply reply, boolean idempotent) {
            this.name = validName(name);
            this.args = args;
            this.reply = Objects.requireNonNull(reply);
            this.idempotent = idempotent;
        }

        /**
         * @param type how the reply is returned; default {@link Reply#BULK}
         * @return a copy with that reply type
         */
        public Write reply(Reply type) {
            return new Write(name, args, type, idempotent);
        }

        /** @return a copy declared safe to apply more than once (no exactly-once marker) */
        public Write idempotent() {
            return new Write(name, args, reply, true);
        }

        String name() {
            return name;
        }

        List<String> args() {
            return args;
        }

        Reply replyType() {
            return reply;
        }

        boolean isIdempotent() {
            return idempotent;
        }

        @Override
        public String toString() {
            return name + " (" + args.size() + " args" + (idempotent ? ", idempotent)" : ", exactly once)");
        }
    }

    private static String validName(String name) {
        Objects.requireNonNull(name, "command name");
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.isEmpty() || n.contains(" ")) {
            throw new IllegalArgumentException("command name must be one word, e.g. ZADD; was '" + name + "'");
        }
        if (n.startsWith("B") && (n.equals("BLPOP") || n.equals("BRPOP") || n.equals("BLMOVE")
                || n.equals("BRPOPLPUSH") || n.equals("BZPOPMIN") || n.equals("BZPOPMAX") || n.equals("BLMPOP"))) {
            throw new IllegalArgumentException(n + " blocks, and blocking commands cannot be routed through "
                    + "failover safely; poll with the non-blocking form instead");
        }
        return n;
    }
}
