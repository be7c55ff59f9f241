package io.resilientredis.client;

import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.client.internal.Command;
import io.resilientredis.client.internal.HashSlots;
import io.resilientredis.failover.spi.FailoverEngine;
import io.resilientredis.failover.spi.WriteOp;
import io.resilientredis.failover.WriteReceipt;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The asynchronous operations of a {@link ResilientRedis}: the same calls, returning
 * {@link CompletionStage}s. Stages complete on Redisson's I/O threads: do not block in callbacks.
 * Writes complete with a {@link WriteReceipt}: {@code WRITTEN}, or {@code SPILLED} when no
 * endpoint took the write and it waits, durably, for replay.
 */
public final class AsyncRedis {

    /** The engine of a client with no cluster primary; null when {@link #lanes} routes. */
    private final FailoverEngine<RedissonClient> engine;
    /** The spill lanes of a client whose primary is a Redis Cluster, else null. */
    private final ClusterLanes lanes;
    private final long markerTtlSeconds;
    private final Durability durability;
    /** One WAIT pipeline per connection handle, and with lanes per lane (a lane's writes go to one shard). */
    private final Map<Object, ReplicationBatcher> batchers;
    private final long maxBulkBytes;
    private final long maxEntryBytes;
    /** Where metrics observe the calls; null in the sync facade's copy, which observes them itself. */
    private final ClientHooks hooks;
    /** Whether an endpoint is a Redis Cluster: writes whose keys span hash slots are then refused. */
    private final boolean cluster;

    AsyncRedis(FailoverEngine<RedissonClient> engine, ClusterLanes lanes, Duration markerTtl, Durability durability,
               long maxBulkBytes, long maxEntryBytes, boolean cluster) {
        this(engine, lanes, markerTtl, durability, maxBulkBytes, maxEntryBytes, new ConcurrentHashMap<>(), null,
                cluster);
    }

    private AsyncRedis(FailoverEngine<RedissonClient> engine, ClusterLanes lanes, Duration markerTtl,
                       Durability durability, long maxBulkBytes, long maxEntryBytes,
                       Map<Object, ReplicationBatcher> batchers, ClientHooks hooks, boolean cluster) {
        this.engine = engine;
        this.lanes = lanes;
        this.cluster = cluster;
        this.batchers = batchers;
        this.hooks = hooks;
        this.markerTtlSeconds = Math.max(1, markerTtl.toSeconds());
        this.durability = durability;
        this.maxBulkBytes = maxBulkBytes;
        this.maxEntryBytes = maxEntryBytes;
    }

    /** @return the same operations, each call reported to the hooks' observer when one is installed */
    AsyncRedis observedBy(ClientHooks observer) {
        return new AsyncRedis(engine, lanes, Duration.ofSeconds(markerTtlSeconds), durability, maxBulkBytes,
                maxEntryBytes, batchers, observer, cluster);
    }

    private long start() {
        return hooks == null ? ClientHooks.NOT_OBSERVED : hooks.start();
    }

    private <T> CompletionStage<T> observed(Command command, long start, CompletionStage<T> call) {
        return hooks == null ? call : hooks.observe(command, start, call);
    }

    /**
     * Sends a write through the engine, waiting for replicas when the durability level asks for it.
     *
     * @throws IllegalArgumentException at once when the write is too large to send or to spill
     */
    <T> CompletionStage<WriteReceipt<T>> write(RedisWrite<T> write) {
        write.checkSize(maxBulkBytes, maxEntryBytes);
        if (cluster) {
            write.checkOneSlot();
        }
        if (lanes == null) {
            return engine.write(replicated(write, null));
        }
        List<byte[]> keys = write.form().dataKeys();
        ClusterLanes.Lane lane = lanes.enter(keys.isEmpty() ? 0 : HashSlots.slot(keys.get(0)));
        CompletableFuture<WriteReceipt<T>> receipt;
        try {
            receipt = lane.engine.write(replicated(write, lane.number));
        } catch (RuntimeException e) {
            lane.left();
            throw e;
        } finally {
            lanes.admitted();
        }
        receipt.whenComplete((r, e) -> lane.left());
        return receipt;
    }

    /**
     * @param lane the lane the write takes, or null without lanes
     * @return the write itself, or, for REPLICATED durability, the write sent through the WAIT pipeline
     *     of its connection (and lane)
     */
    private <T> WriteOp<RedissonClient, T> replicated(RedisWrite<T> write, Integer lane) {
        if (!durability.isReplicated()) {
            return write;
        }
        return new WriteOp<RedissonClient, T>() {
            @Override
            public String id() {
                return write.id();
            }

            @Override
            public CompletionStage<T> apply(RedissonClient client) {
                Object key = lane == null ? client : List.of(client, lane);
                return write.applyReplicated(batchers.computeIfAbsent(key,
                        k -> new ReplicationBatcher(client, durability, markerTtlSeconds)));
            }

            @Override
            public byte[] encode() {
                return write.encode();
            }
        };
    }

    /** @return the engine that reads of {@code key} go through */
    private FailoverEngine<RedissonClient> engineFor(String key) {
        return lanes == null ? engine : lanes.engineFor(HashSlots.slot(key));
    }

    /** @return the engine that a read of these keys goes through */
    private FailoverEngine<RedissonClient> engineFor(List<Object> keys) {
        if (lanes == null) {
            return engine;
        }
        if (keys.isEmpty()) {
            return lanes.anyEngine();
        }
        Object k = keys.get(0);
        return lanes.engineFor(HashSlots.slot(k instanceof byte[] b ? b : RedisWrite.bytes(k.toString())));
    }

    // ------------------------------------------------------------------ strings

    /**
     * @param key the key
     * @return the value, or null when absent
     */
    public CompletionStage<String> get(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.GET, t, engineFor(key).read(c -> c.<String>getBucket(key, StringCodec.INSTANCE).getAsync()));
    }

    /**
     * SET key value.
     *
     * @param key the key
     * @param value the value
     * @return the receipt
     */
    public CompletionStage<WriteReceipt<Void>> set(String key, String value) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return observed(Command.SET, t, write(RedisWrite.idempotent("SET",
                c -> c.<String>getBucket(key, StringCodec.INSTANCE).setAsync(value), key, value)
                .withScriptReply(r -> null)));
    }

    /**
     * SET key value PX ttl. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt
     */
    public CompletionStage<WriteReceipt<Void>> set(String key, String value, Duration ttl) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        long ms = ttlMillis(ttl);
        return observed(Command.SET, t, write(RedisWrite.idempotent("SET",
                c -> c.<String>getBucket(key, StringCodec.INSTANCE).setAsync(value, Duration.ofMillis(ms)),
                key, value, "PX", Long.toString(ms)).withScriptReply(r -> null)));
    }

    /**
     * SET key value NX PX ttl. The reply (whether it was set) is null when the write was spilled.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is true when the key was set
     */
    public CompletionStage<WriteReceipt<Boolean>> setIfAbsent(String key, String value, Duration ttl) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        long ms = ttlMillis(ttl);
        return observed(Command.SETNX, t, write(RedisWrite.idempotent("SET",
                c -> c.<String>getBucket(key, StringCodec.INSTANCE).setIfAbsentAsync(value, Duration.ofMillis(ms)),
                key, value, "NX", "PX", Long.toString(ms)).withScriptReply("OK"::equals)));
    }

    /**
     * DEL key [key ...].
     *
     * @param keys the keys
     * @return the receipt; its reply is the number of keys removed
     */
    public CompletionStage<WriteReceipt<Long>> del(String... keys) {
        long t = start();
        requireKeys(keys);
        List<byte[]> a = new ArrayList<>(keys.length);
        for (String k : keys) {
            a.add(RedisWrite.bytes(k));
        }
        return observed(Command.DEL, t, write(RedisWrite.idempotent("DEL", a, c -> c.getKeys().deleteAsync(keys)).withScriptReply(Long::valueOf)));
    }

    /**
     * @param key the key
     * @return whether it exists
     */
    public CompletionStage<Boolean> exists(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.EXISTS, t, engineFor(key).read(c -> c.getKeys().countExistsAsync(key).thenApply(n -> n > 0)));
    }

    /**
     * PEXPIRE key ttl. A spilled write's TTL counts from its replay.
     *
     * @param key the key
     * @param ttl time to live, at least 1 ms
     * @return the receipt; its reply is whether the key exists
     */
    public CompletionStage<WriteReceipt<Boolean>> expire(String key, Duration ttl) {
        long t = start();
        Objects.requireNonNull(key, "key");
        long ms = ttlMillis(ttl);
        return observed(Command.PEXPIRE, t, write(RedisWrite.idempotent("PEXPIRE", args(key, Long.toString(ms)),
                c -> c.getBucket(key).expireAsync(Duration.ofMillis(ms))).withScriptReply("1"::equals)));
    }

    /**
     * INCRBY key delta, exactly once: a retry, spill or replay of this call never adds twice.
     *
     * @param key the key
     * @param delta the increment
     * @return the receipt; its reply is the new value (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> incrBy(String key, long delta) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.INCRBY, t, write(RedisWrite.exactlyOnce("INCRBY", args(key, Long.toString(delta)), markerTtlSeconds,
                Long::valueOf)));
    }

    // ------------------------------------------------------------------ hashes

    /**
     * @param key the hash
     * @param field the field
     * @return the value, or null
     */
    public CompletionStage<String> hget(String key, String field) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(field, "field");
        return observed(Command.HGET, t, engineFor(key).read(c -> c.<String, String>getMap(key, StringCodec.INSTANCE).getAsync(field)));
    }

    /**
     * HSET key field value.
     *
     * @param key the hash
     * @param field the field
     * @param value the value
     * @return the receipt; its reply is true when the field is new
     */
    public CompletionStage<WriteReceipt<Boolean>> hset(String key, String field, String value) {
        long t = start();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        return observed(Command.HSET, t, write(RedisWrite.idempotent("HSET",
                c -> c.<String, String>getMap(key, StringCodec.INSTANCE).fastPutAsync(field, value),
                key, field, value).withScriptReply("1"::equals)));
    }

    /**
     * @param key the hash
     * @return every field and value (empty when absent)
     */
    public CompletionStage<Map<String, String>> hgetAll(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.HGETALL, t, engineFor(key).read(c -> c.<String, String>getMap(key, StringCodec.INSTANCE).readAllMapAsync()));
    }

    /**
     * HDEL key field [field ...].
     *
     * @param key the hash
     * @param fields the fields
     * @return the receipt; its reply is the number removed
     */
    public CompletionStage<WriteReceipt<Long>> hdel(String key, String... fields) {
        long t = start();
        Objects.requireNonNull(key, "key");
        requireKeys(fields);
        List<byte[]> a = new ArrayList<>(fields.length + 1);
        a.add(RedisWrite.bytes(key));
        for (String f : fields) {
            a.add(RedisWrite.bytes(f));
        }
        return observed(Command.HDEL, t, write(RedisWrite.idempotent("HDEL", a,
                c -> c.<String, String>getMap(key, StringCodec.INSTANCE).fastRemoveAsync(fields))
                .withScriptReply(Long::valueOf)));
    }

    // ------------------------------------------------------------------ lists

    /**
     * LPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> lpush(String key, String... values) {
        long t = start();
        return observed(Command.LPUSH, t, push("LPUSH", key, values));
    }

    /**
     * RPUSH key value [value ...], exactly once.
     *
     * @param key the list
     * @param values the values
     * @return the receipt; its reply is the new length (null when spilled)
     */
    public CompletionStage<WriteReceipt<Long>> rpush(String key, String... values) {
        long t = start();
        return observed(Command.RPUSH, t, push("RPUSH", key, values));
    }

    private CompletionStage<WriteReceipt<Long>> push(String command, String key, String... values) {
        Objects.requireNonNull(key, "key");
        requireKeys(values);
        List<byte[]> a = new ArrayList<>(values.length + 1);
        a.add(RedisWrite.bytes(key));
        for (String v : values) {
            a.add(RedisWrite.bytes(v));
        }
        return write(RedisWrite.exactlyOnce(command, a, markerTtlSeconds, Long::valueOf));
    }

    /**
     * LRANGE key start stop.
     *
     * @param key the list
     * @param start first index (negative counts from the end)
     * @param stop last index, inclusive
     * @return the elements
     */
    public CompletionStage<List<String>> lrange(String key, int start, int stop) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.LRANGE, t, engineFor(key).read(c -> Scripts.bytes(c).<List<Object>>evalAsync(RScript.Mode.READ_ONLY,
                        "return redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])", RScript.ReturnType.LIST,
                        List.of(key), RedisWrite.bytes(Integer.toString(start)), RedisWrite.bytes(Integer.toString(stop)))
                .thenApply(AsyncRedis::texts)));
    }

    /**
     * @param key the list
     * @return its length (0 when absent)
     */
    public CompletionStage<Long> llen(String key) {
        long t = start();
        Objects.requireNonNull(key, "key");
        return observed(Command.LLEN, t, engineFor(key).read(c -> c.getList(key, StringCodec.INSTANCE).sizeAsync().thenApply(Integer::longValue)));
    }

    // ------------------------------------------------------------------ any command

    /**
     * Runs any read command.
     *
     * @param command the command
     * @return the reply, typed as the command declares
     */
    public CompletionStage<Object> execute(RedisCommand.Read command) {
        long t = start();
        Objects.requireNonNull(command, "command");
        Object[] argv = argv(command.name(), command.args());
        List<Object> keys = declaredKeys(command.name(), command.args());
        return observed(Command.EXECUTE_READ, t, engineFor(keys).read(c -> Scripts.bytes(c).<Object>evalAsync(RScript.Mode.READ_ONLY,
                "return redis.call(unpack(ARGV))", returnType(command.replyType()), keys, argv)
                .thenApply(AsyncRedis::plain)));
    }

    /**
     * Runs any write command: exactly once unless declared idempotent.
     *
     * @param command the command
     * @return the receipt; its reply is typed as the command declares (as a String for exactly-once writes)
     */
    public CompletionStage<WriteReceipt<Object>> execute(RedisCommand.Write command) {
        long t = start();
        Objects.requireNonNull(command, "command");
        List<byte[]> a = new ArrayList<>(command.args().size());
        for (String s : command.args()) {
            a.add(RedisWrite.bytes(s));
        }
        if (!command.isIdempotent()) {
            return observed(Command.EXECUTE_WRITE, t,
                    write(RedisWrite.exactlyOnce(command.name(), a, markerTtlSeconds, s -> s)));
        }
        Object[] argv = argv(command.name(), command.args());
        RScript.ReturnType type = returnType(command.replyType());
        List<Object> keys = declaredKeys(command.name(), command.args());
        return observed(Command.EXECUTE_WRITE, t, write(RedisWrite.idempotent(command.name(), a,
                c -> Scripts.bytes(c).<Object>evalAsync(RScript.Mode.READ_WRITE, "return redis.call(unpack(ARGV))",
                        type, keys, argv).thenApply(AsyncRedis::plain)).withScriptReply(r -> r)));
    }

    // ------------------------------------------------------------------ helpers

    private static List<byte[]> args(String... parts) {
        List<byte[]> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            out.add(RedisWrite.bytes(p));
        }
        return out;
    }

    /**
     * @return the keys of a command run as a script, declared in KEYS (Redis Cluster routes by them);
     *     refused at once when they span hash slots and this client talks to a cluster
     */
    private List<Object> declaredKeys(String name, List<String> args) {
        List<byte[]> a = new ArrayList<>(args.size());
        for (String s : args) {
            a.add(RedisWrite.bytes(Objects.requireNonNull(s, "argument")));
        }
        List<byte[]> keys = CommandKeys.of(name, a);
        if (cluster) {
            CommandKeys.requireOneSlot(name, keys);
        }
        return new ArrayList<>(keys);
    }

    private static Object[] argv(String name, List<String> args) {
        Object[] argv = new Object[args.size() + 1];
        argv[0] = RedisWrite.bytes(name);
        for (int i = 0; i < args.size(); i++) {
            argv[i + 1] = RedisWrite.bytes(Objects.requireNonNull(args.get(i), "argument"));
        }
        return argv;
    }

    private static RScript.ReturnType returnType(RedisCommand.Reply reply) {
        return switch (reply) {
            case STATUS -> RScript.ReturnType.STRING;
            case INTEGER -> RScript.ReturnType.LONG;
            case BULK -> RScript.ReturnType.VALUE;
            case MULTI -> RScript.ReturnType.LIST;
        };
    }

    private static Object plain(Object reply) {
        if (reply instanceof byte[] b) {
            return RedisWrite.text(b);
        }
        if (reply instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(plain(o));
            }
            return out;
        }
        return reply;
    }

    private static List<String> texts(List<Object> reply) {
        List<String> out = new ArrayList<>(reply.size());
        for (Object o : reply) {
            out.add(RedisWrite.text(o));
        }
        return out;
    }

    private static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        long ms = ttl.toMillis();
        if (ms < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        return ms;
    }

    private static void requireKeys(String[] items) {
        Objects.requireNonNull(items, "arguments");
        if (items.length == 0) {
            throw new IllegalArgumentException("give at least one");
        }
        for (String s : items) {
            Objects.requireNonNull(s, "argument");
        }
    }
}
