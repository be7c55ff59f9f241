package io.resilientredis.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.protocol.RedisCommand;
import org.redisson.command.CommandAsyncExecutor;

/**
 * Sends any Redis command with byte arguments as one plain call (no Lua), routed by its first key (on a
 * Redis Cluster, to the key's shard): the direct form of the facade's idempotent writes and its reads.
 * Replies come back as Redis sent them: an integer as a {@code Long}, a bulk string as {@code byte[]}
 * (null for nil), a status as a {@code String}, an array as a {@code List} of those.
 *
 * <p>The clients {@link SelfHealingRedisson} makes implement {@link Access}, which hands out Redisson's
 * command executor once the client is connected: the one part of Redisson's internals the facade uses for
 * this, kept here.
 */
final class RawCommands {

    /** Implemented by the clients the binding makes. */
    interface Access {
        /** @return the connected client's command executor */
        CommandAsyncExecutor commandExecutor();
    }

    private static final Map<String, RedisCommand<Object>> COMMANDS = new ConcurrentHashMap<>();

    private RawCommands() {
    }

    /**
     * @param client a client the binding made
     * @param write whether the command writes (it then goes to a master)
     * @param command the command name
     * @param args its arguments, keys included; the first key routes it
     * @param firstKey the key that routes the call, or null for none
     * @return the reply
     */
    static CompletionStage<Object> call(RedissonClient client, boolean write, String command, List<byte[]> args,
                                        byte[] firstKey) {
        if (!(client instanceof Access access)) {
            return CompletableFuture.failedStage(new IllegalStateException(
                    "this Redisson client was not made by the resilient-redis binding"));
        }
        CommandAsyncExecutor executor = access.commandExecutor();
        RedisCommand<Object> c = COMMANDS.computeIfAbsent(command, RedisCommand::new);
        Object[] params = args.toArray();
        byte[] key = firstKey == null ? new byte[0] : firstKey;
        return write ? executor.writeAsync(key, ByteArrayCodec.INSTANCE, c, params)
                : executor.readAsync(key, ByteArrayCodec.INSTANCE, c, params);
    }

    // ------------------------------------------------------------------ replies

    static Long asLong(Object reply) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof Long l) {
            return l;
        }
        return Long.valueOf(asText(reply));
    }

    static Double asDouble(Object reply) {
        String t = asText(reply);
        return t == null ? null : Double.valueOf(t);
    }

    static String asText(Object reply) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return reply.toString();
    }

    static Boolean asFlag(Object reply) {
        Long l = asLong(reply);
        return l != null && l != 0;
    }
}
