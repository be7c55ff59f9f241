package io.resilientredis.client;

import io.resilientredis.client.internal.HashSlots;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which arguments of a command are keys, so that every script we run declares the keys it touches
 * in {@code KEYS} (Redis Cluster routes a script by them, and checks them), and so that a write whose
 * keys span hash slots can be refused before it is sent or spilled.
 *
 * <p>The rule, by command name: every argument for {@code DEL}, {@code UNLINK}, {@code EXISTS} and the
 * other all-keys commands; the first two for two-key commands ({@code RENAME}, {@code LMOVE}, ...);
 * every other argument for {@code MSET}/{@code MSETNX}; the {@code numkeys} forms ({@code ZUNIONSTORE},
 * {@code SINTERCARD}, ...) as Redis counts them; {@code PUBLISH}, {@code SPUBLISH} route by their
 * channel; none for the commands about the server ({@code SCAN}, {@code INFO}, {@code PING} ...); and the
 * first argument for every other command. A generic command may declare its keys instead
 * ({@code RedisCommand.Write#keys(int)}). A spilled write carries no key list: the
 * same rule finds its keys again at replay.
 */
final class CommandKeys {

    /** Commands about the server, not a key: routed anywhere (on a cluster, to the node of slot 0). */
    private static final Set<String> NO_KEYS = Set.of("SCAN", "INFO", "DBSIZE", "PING", "ECHO", "TIME", "CONFIG",
            "CLIENT", "CLUSTER", "RANDOMKEY", "FLUSHDB", "FLUSHALL", "SCRIPT", "FUNCTION", "WAIT", "KEYS",
            "LASTSAVE", "ROLE", "COMMAND", "SLOWLOG", "LATENCY", "MEMORY", "HELLO", "SELECT", "SWAPDB");
    private static final Set<String> ALL_KEYS = Set.of("DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "SINTER",
            "SUNION", "SDIFF", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "PFCOUNT", "PFMERGE", "WATCH");
    private static final Set<String> TWO_KEYS = Set.of("RENAME", "RENAMENX", "RPOPLPUSH", "LMOVE", "SMOVE", "COPY",
            "GEOSEARCHSTORE", "ZRANGESTORE");
    private static final Set<String> PAIRS = Set.of("MSET", "MSETNX");
    /** Destination, numkeys, then the keys. */
    private static final Set<String> DEST_NUMKEYS = Set.of("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE");
    /** Numkeys, then the keys. */
    private static final Set<String> NUMKEYS = Set.of("ZUNION", "ZINTER", "ZDIFF", "ZINTERCARD", "SINTERCARD",
            "LMPOP", "ZMPOP");

    /** Where a command's keys are; the sets above by name, {@link #FIRST} for every other command. */
    private enum Rule { FIRST, NONE, ALL, TWO, PAIRS, DEST_NUMKEYS, NUMKEYS }

    private static final Map<String, Rule> RULES = rules();

    private CommandKeys() {
    }

    private static Map<String, Rule> rules() {
        Map<String, Rule> m = new HashMap<>();
        NO_KEYS.forEach(c -> m.put(c, Rule.NONE));
        ALL_KEYS.forEach(c -> m.put(c, Rule.ALL));
        TWO_KEYS.forEach(c -> m.put(c, Rule.TWO));
        PAIRS.forEach(c -> m.put(c, Rule.PAIRS));
        DEST_NUMKEYS.forEach(c -> m.put(c, Rule.DEST_NUMKEYS));
        NUMKEYS.forEach(c -> m.put(c, Rule.NUMKEYS));
        return Map.copyOf(m);
    }

    /**
     * @param command the command name (any case)
     * @param args its arguments
     * @return the indexes of {@code args} that are keys, in order
     */
    static int[] indexes(String command, List<byte[]> args) {
        int n = args.size();
        if (n == 0) {
            return new int[0];
        }
        // One lookup by the name as given (the facade's own names are upper case), then upper-cased.
        Rule rule = RULES.get(command);
        if (rule == null) {
            String upper = command.toUpperCase(Locale.ROOT);
            rule = upper.equals(command) ? Rule.FIRST : RULES.getOrDefault(upper, Rule.FIRST);
        }
        return switch (rule) {
            case FIRST -> new int[] {0};
            case NONE -> new int[0];
            case ALL -> range(0, n);
            case TWO -> range(0, Math.min(2, n));
            case PAIRS -> {
                int[] out = new int[(n + 1) / 2];
                for (int i = 0; i < out.length; i++) {
                    out[i] = 2 * i;
                }
                yield out;
            }
            case DEST_NUMKEYS -> {
                int keys = numkeys(args, 1);
                int[] out = new int[1 + Math.min(keys, Math.max(0, n - 2))];
                for (int i = 1; i < out.length; i++) {
                    out[i] = i + 1;
                }
                yield out;
            }
            case NUMKEYS -> range(1, Math.min(n, 1 + numkeys(args, 0)));
        };
    }

    /** @return the keys of a command write, as bytes, in order */
    static List<byte[]> of(String command, List<byte[]> args) {
        int[] at = indexes(command, args);
        List<byte[]> keys = new ArrayList<>(at.length);
        for (int i : at) {
            keys.add(args.get(i));
        }
        return keys;
    }

    /**
     * @param command the command name (any case)
     * @param args its arguments
     * @return its first key (the one that routes it), or null for none
     */
    static byte[] first(String command, List<byte[]> args) {
        int[] at = indexes(command, args);
        return at.length == 0 ? null : args.get(at[0]);
    }

    /**
     * Refuses keys that span hash slots: Redis Cluster would refuse the command ({@code CROSSSLOT}),
     * and a spilled one could never be replayed.
     *
     * @param what the command, for the message
     * @param keys its keys
     * @throws IllegalArgumentException naming two keys' slots and the fix
     */
    static void requireOneSlot(String what, List<byte[]> keys) {
        if (keys.size() < 2) {
            return;
        }
        int first = HashSlots.slot(keys.get(0));
        for (int i = 1; i < keys.size(); i++) {
            int slot = HashSlots.slot(keys.get(i));
            if (slot != first) {
                throw new IllegalArgumentException(what + " touches keys in different hash slots ("
                        + shown(keys.get(0)) + " is in slot " + first + ", " + shown(keys.get(i)) + " in slot " + slot
                        + "), which Redis Cluster refuses (CROSSSLOT); it was not sent or spilled. Fix: give the keys"
                        + " one hash tag, e.g. user:{42}:name and user:{42}:email, or send one command per key.");
            }
        }
    }

    private static String shown(byte[] key) {
        String s = new String(key, StandardCharsets.UTF_8);
        return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
    }

    private static int numkeys(List<byte[]> args, int at) {
        if (args.size() <= at) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(new String(args.get(at), StandardCharsets.US_ASCII).strip()));
        } catch (NumberFormatException e) {
            return 0; // Redis refuses the command itself; no key to declare
        }
    }

    private static int[] range(int from, int to) {
        int[] out = new int[Math.max(0, to - from)];
        Arrays.setAll(out, i -> from + i);
        return out;
    }
}
