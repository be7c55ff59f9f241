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
        MULTI,
        /** A bulk string or an array, returned as {@code byte[]} (or a List of {@code byte[]}, Long or List): binary values. */
        BYTES
    }

    private RedisCommand() {
    }

    /**
     * @param name the command, e.g. {@code "ZSCORE"}
     * @param args its arguments, keys included
     * @return a read command
     */
    public static Read read(String name, String... args) {
        return new Read(name, bytes(args), Reply.BULK, -1);
    }

    /**
     * @param name the command, e.g. {@code "GET"}
     * @param args its arguments as bytes (binary keys and values), keys included
     * @return a read command
     */
    public static Read readBinary(String name, byte[]... args) {
        return new Read(name, copies(args), Reply.BULK, -1);
    }

    /**
     * @param name the command, e.g. {@code "ZINCRBY"}
     * @param args its arguments, keys included
     * @return a write command, applied exactly once unless declared idempotent
     */
    public static Write write(String name, String... args) {
        return new Write(name, bytes(args), Reply.BULK, false, -1);
    }

    /**
     * @param name the command, e.g. {@code "SET"}
     * @param args its arguments as bytes (binary keys and values), keys included
     * @return a write command, applied exactly once unless declared idempotent
     */
    public static Write writeBinary(String name, byte[]... args) {
        return new Write(name, copies(args), Reply.BULK, false, -1);
    }

    private static List<byte[]> bytes(String... args) {
        List<byte[]> out = new java.util.ArrayList<>(args.length);
        for (String a : args) {
            out.add(Objects.requireNonNull(a, "argument").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    private static List<byte[]> copies(byte[]... args) {
        List<byte[]> out = new java.util.ArrayList<>(args.length);
        for (byte[] a : args) {
            out.add(Objects.requireNonNull(a, "argument").clone());
        }
        return java.util.Collections.unmodifiableList(out);
    }

    private static int checkKeys(int count, int args) {
        if (count < 0 || count > args) {
            throw new IllegalArgumentException("keys(" + count + ") must be between 0 and the " + args
                    + " arguments given");
        }
        return count;
    }

    /** A read command. */
    public static final class Read {
        private final String name;
        private final List<byte[]> args;
        private final Reply reply;
        private final int keys;

        private Read(String name, List<byte[]> args, Reply reply, int keys) {
            this.name = validName(name);
            this.args = args;
            this.reply = Objects.requireNonNull(reply);
            this.keys = keys;
        }

        /**
         * @param type how the reply is returned; default {@link Reply#BULK}
         * @return a copy with that reply type
         */
        public Read reply(Reply type) {
            return new Read(name, args, type, keys);
        }

        /**
         * Declares which arguments are keys: the first {@code count}. Without it, the client knows the keys
         * of the commands Redis has (the first argument for most, every argument for {@code MGET} and the
         * like, none for {@code SCAN}, {@code INFO} ...). Keys route the call on a Redis Cluster.
         *
         * @param count how many leading arguments are keys
         * @return a copy with the keys declared
         */
        public Read keys(int count) {
            return new Read(name, args, reply, checkKeys(count, args.size()));
        }

        String name() {
            return name;
        }

        List<byte[]> args() {
            return args;
        }

        /** @return the declared key count, or -1 when the command's own rule finds them */
        int keyCount() {
            return keys;
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
        private final List<byte[]> args;
        private final Reply reply;
        private final boolean idempotent;
        private final int keys;

        private Write(String name, List<byte[]> args, Reply reply, boolean idempotent, int keys) {
            this.name = validName(name);
            this.args = args;
            this.reply = Objects.requireNonNull(reply);
            this.idempotent = idempotent;
            this.keys = keys;
        }

        /**
         * @param type how the reply is returned; default {@link Reply#BULK}
         * @return a copy with that reply type
         */
        public Write reply(Reply type) {
            return new Write(name, args, type, idempotent, keys);
        }

        /** @return a copy declared safe to apply more than once (no exactly-once marker) */
        public Write idempotent() {
            return new Write(name, args, reply, true, keys);
        }

        /**
         * Declares which arguments are keys: the first {@code count} (see {@link Read#keys(int)}). The
         * declaration is kept with a spilled write, so its replay declares the same keys.
         *
         * @param count how many leading arguments are keys
         * @return a copy with the keys declared
         */
        public Write keys(int count) {
            return new Write(name, args, reply, idempotent, checkKeys(count, args.size()));
        }

        String name() {
            return name;
        }

        List<byte[]> args() {
            return args;
        }

        /** @return the declared key count, or -1 when the command's own rule finds them */
        int keyCount() {
            return keys;
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
