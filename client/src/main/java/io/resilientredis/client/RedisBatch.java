package io.resilientredis.client;

import io.resilientredis.client.internal.Command;
import io.resilientredis.client.internal.HashSlots;
import io.resilientredis.client.internal.Markers;
import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.failover.spi.FailureKind;
import io.resilientredis.failover.spi.WriteOp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;

/**
 * Writes and reads collected, then sent together as one pipeline, in the order they were called. Every
 * operation of {@link AsyncRedisView} can be called on a batch: it returns at once a stage that completes
 * when the batch has been sent; {@link #send()} sends it.
 *
 * <pre>{@code
 * RedisBatch<String, String> batch = redis.batch();
 * CompletionStage<WriteReceipt<Long>> views = batch.incrBy("page:42:views", 1);
 * batch.zincrBy("pages:top", 1, "42");
 * CompletionStage<String> title = batch.get("page:42:title");
 * WriteStatus where = batch.send().toCompletableFuture().join();
 * }</pre>
 *
 * <ul>
 *   <li>Every write of a batch is applied exactly once, idempotent ones included: each goes through its
 *       own exactly-once marker, so a batch retried after a lost reply skips what already landed, and each
 *       gets its own {@link WriteReceipt} under its own id.</li>
 *   <li>When no endpoint takes the batch, its writes are spilled whole, as one entry, and replayed in
 *       order; each receipt is then {@code SPILLED}. Its reads are not run: their stages fail with
 *       {@link RedisUnavailableException}. A batch that holds only reads is sent as a read (standbys and
 *       replica reads as for any read) and never spilled.</li>
 *   <li>The batch's reads are sent in the pipeline, to the endpoint that takes its writes, and see the
 *       writes called before them. A write or read that Redis rejects ({@code WRONGTYPE}) fails alone,
 *       with {@link RedisCommandException}; the others keep their outcome.</li>
 *   <li>On a Redis Cluster every key of a batch must be in one hash slot (a batch goes to one shard and
 *       is spilled into one lane): give them one hash tag, e.g. {@code {user:42}:cart}.</li>
 * </ul>
 *
 * <p>A batch is sent once; it is not thread-safe while it is filled. Metrics and tracing count a batch as
 * one call, its {@code send()}, under the operation {@code batch} (outcome {@code written} or
 * {@code spilled}, {@code read} for a batch of reads only); the operations in it are not counted one by one.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RedisBatch<K, V> extends AsyncRedisView<K, V> {

    /** The view the batch was made from: its engine, lanes and settings send the batch. */
    private final AsyncRedisView<?, ?> client;
    private final Items items;

    RedisBatch(AsyncRedisView<?, ?> client, Codec<K> keys, Codec<V> values) {
        this(client, keys, values, new Items(client.isCluster()));
    }

    private RedisBatch(AsyncRedisView<?, ?> client, Codec<K> keys, Codec<V> values, Items items) {
        super(client, keys, values, null, items);
        this.client = client;
        this.items = items;
    }

    /** @return how many writes and reads the batch holds */
    public int size() {
        return items.size();
    }

    /**
     * Sends the batch as one pipeline. Each operation's stage completes before the returned one does.
     *
     * @return completes with {@link WriteStatus#WRITTEN} when an endpoint took the batch (each write's
     *     receipt says WRITTEN, or its stage failed alone when Redis rejected it), {@link WriteStatus#SPILLED}
     *     when its writes were spilled whole; fails as a single write would (e.g. a full spill store), and
     *     every operation's stage then fails the same way
     * @throws IllegalStateException when the batch was sent before
     * @throws IllegalArgumentException when the batch is too large for one spill entry (nothing is sent)
     */
    public CompletionStage<WriteStatus> send() {
        List<Item> list = items.seal();
        if (list.isEmpty()) {
            return CompletableFuture.completedFuture(WriteStatus.WRITTEN);
        }
        long t = client.start();
        Pipeline pipeline = new Pipeline(Ids.next(), list, client.durability(), client.markerTtlSeconds());
        try {
            if (pipeline.writes.isEmpty()) {
                CompletionStage<WriteStatus> sent = client.readThrough(pipeline::send, pipeline.firstKey())
                        .handle((results, failure) -> {
                            pipeline.finish(results, failure);
                            return pipeline.outcome(WriteStatus.WRITTEN, failure);
                        }).thenCompose(outcome -> outcome);
                // Counted as a read (the outcome of a batch that holds no write), before the caller hears of it.
                return client.observed(Command.BATCH, t, sent.thenApply(status -> (Void) null))
                        .thenApply(v -> WriteStatus.WRITTEN);
            }
            long size = pipeline.spillSize();
            if (size > client.maxEntryBytes()) {
                throw new IllegalArgumentException("The batch is " + size + " bytes in spill form, larger than the"
                        + " spill store's entry limit of " + client.maxEntryBytes() + " bytes"
                        + " (SpillStoreConfig.maxEntryBytes); it was not sent. Fix: send it as smaller batches, or"
                        + " raise maxEntryBytes.");
            }
            CompletionStage<WriteReceipt<List<Object>>> receipt = client.route(lane -> pipeline, pipeline.firstKey());
            return client.observed(Command.BATCH, t, receipt.handle((r, failure) -> {
                pipeline.finish(r, failure);
                return pipeline.outcome(r == null ? WriteStatus.WRITTEN : r.status(), failure);
            }).thenCompose(outcome -> outcome));
        } catch (RuntimeException e) {
            pipeline.fail(e);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "RedisBatch{" + items.size() + " operations}";
    }

    // ------------------------------------------------------------------ what the batch holds

    /** One operation of a batch and the stage its caller holds. */
    private sealed interface Item permits WriteItem, ReadItem {
        /** Fails the caller's stage. */
        void fail(Throwable failure);

        /** @return the keys it touches */
        List<byte[]> keys();
    }

    private record WriteItem<T>(RedisWrite<T> write, SpilledWrite form, CompletableFuture<WriteReceipt<T>> out)
            implements Item {
        @Override
        public void fail(Throwable failure) {
            out.completeExceptionally(failure);
        }

        @Override
        public List<byte[]> keys() {
            return form.dataKeys();
        }
    }

    private record ReadItem<T>(String name, List<byte[]> args, List<byte[]> keys, Function<Object, T> reply,
                               CompletableFuture<T> out) implements Item {
        @Override
        public void fail(Throwable failure) {
            out.completeExceptionally(failure);
        }
    }

    /** What a command of the pipeline answered when Redis rejected it. */
    private record Rejected(Throwable failure) {
    }

    /** The operations collected so far; the view's calls add to it. */
    static final class Items {
        private final boolean cluster;
        private final List<Item> list = new ArrayList<>();
        private boolean sealed;
        /** On a Redis Cluster, the slot of the batch's first key, and that key. */
        private int slot = -1;
        private byte[] slotKey;

        Items(boolean cluster) {
            this.cluster = cluster;
        }

        synchronized <T> CompletionStage<WriteReceipt<T>> add(RedisWrite<T> write) {
            SpilledWrite form = write.form().once();
            CompletableFuture<WriteReceipt<T>> out = new CompletableFuture<>();
            admit(new WriteItem<>(write, form, out));
            return out;
        }

        synchronized <T> CompletionStage<T> add(String name, List<byte[]> args, List<byte[]> keys,
                                                Function<Object, T> reply) {
            CompletableFuture<T> out = new CompletableFuture<>();
            admit(new ReadItem<>(name, List.copyOf(args), List.copyOf(keys), reply, out));
            return out;
        }

        private void admit(Item item) {
            if (sealed) {
                throw new IllegalStateException("this batch was sent; start another with batch()");
            }
            if (cluster) {
                for (byte[] k : item.keys()) {
                    int s = HashSlots.slot(k);
                    if (slot < 0) {
                        slot = s;
                        slotKey = k;
                    } else if (s != slot) {
                        throw new IllegalArgumentException("The keys of a batch must share one hash slot on a Redis"
                                + " Cluster (a batch goes to one shard and is spilled whole into one lane): '"
                                + text(k) + "' is in slot " + s + ", the batch's first key '" + text(slotKey)
                                + "' in slot " + slot + ". Fix: give the batch's keys one hash tag, e.g."
                                + " {user:42}:cart and {user:42}:orders.");
                    }
                }
            }
            list.add(item);
        }

        synchronized int size() {
            return list.size();
        }

        synchronized List<Item> seal() {
            if (sealed) {
                throw new IllegalStateException("this batch was sent already; a batch is sent once");
            }
            sealed = true;
            return List.copyOf(list);
        }

        private static String text(byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ on the wire

    /**
     * The batch as the engine sees it: one write (one id, one spill entry) that sends every operation in
     * one pipeline and answers with one reply per operation.
     */
    private static final class Pipeline implements WriteOp<RedissonClient, List<Object>> {
        private final String id;
        private final List<Item> items;
        private final List<SpilledWrite> writes = new ArrayList<>();
        private final Durability durability;
        private final WireForm wire;
        /** A key in the batch's slot (on a Redis Cluster, on its shard) that routes what has no key of its own. */
        private final String route;
        /** Completes once every operation's stage is completed. */
        private final CompletableFuture<Void> distributed = new CompletableFuture<>();

        Pipeline(String id, List<Item> items, Durability durability, long markerTtlSeconds) {
            this.id = id;
            this.items = items;
            this.route = Markers.key(id, firstKey());
            this.durability = durability;
            this.wire = new WireForm(markerTtlSeconds);
            for (Item item : items) {
                if (item instanceof WriteItem<?> w) {
                    writes.add(w.form());
                }
            }
        }

        byte[] firstKey() {
            for (Item item : items) {
                List<byte[]> k = item.keys();
                if (!k.isEmpty()) {
                    return k.get(0);
                }
            }
            return null;
        }

        long spillSize() {
            return SpilledWrite.encodedBatchSize(id, writes);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public CompletionStage<List<Object>> apply(RedissonClient client) {
            return send(client);
        }

        @Override
        public byte[] encode() {
            return SpilledWrite.encodeBatch(id, writes);
        }

        /** @return the batch's replay reply as the applier gives it: the list of its writes' replies */
        @Override
        public Function<Object, List<Object>> replayReply() {
            return raw -> raw instanceof List<?> list ? new ArrayList<>(list) : null;
        }

        @Override
        public int sizeHint() {
            return (int) Math.min(Integer.MAX_VALUE, spillSize() + 300L * writes.size());
        }

        /** Sends the pipeline; a server that knows none of its scripts gets them loaded, then the pipeline again. */
        CompletionStage<List<Object>> send(RedissonClient client) {
            return sendOnce(client).exceptionallyCompose(failure -> Scripts.isNoScript(failure)
                    ? loadScripts(client).thenCompose(x -> sendOnce(client))
                    : CompletableFuture.failedStage(failure));
        }

        private CompletionStage<Void> loadScripts(RedissonClient client) {
            return wire.loadScripts(client, writes, WireForm.Pass.FIRST).thenCompose(x ->
                    client.getScript().scriptLoadAsync(Scripts.READ)).thenApply(sha -> null);
        }

        private CompletionStage<List<Object>> sendOnce(RedissonClient client) {
            BatchOptions options = BatchOptions.defaults().retryAttempts(0);
            if (durability.isReplicated() && !writes.isEmpty()) {
                options.sync(durability.replicas(), durability.timeout());
            }
            RBatch batch = client.createBatch(options);
            // Every script of the pipeline is loaded at its head, on the connection the pipeline takes (Redis
            // runs one connection's commands in order), so no command can miss its script: a server that knew
            // some of them only (the marker script, loaded by a single write after a failover or a SCRIPT
            // FLUSH) would otherwise answer NOSCRIPT for the others alone, and sending the pipeline again would
            // apply the writes after them first, and run the reads against a later state.
            RScriptAsync loader = batch.getScript(StringCodec.INSTANCE);
            for (String body : scriptBodies()) {
                loader.scriptLoadAsync(route, body);
            }
            RScriptAsync script = batch.getScript(ByteArrayCodec.INSTANCE);
            List<CompletableFuture<?>> replies = new ArrayList<>(items.size());
            for (Item item : items) {
                CompletionStage<?> reply;
                if (item instanceof WriteItem<?> w) {
                    reply = wire.add(batch, script, w.form(), WireForm.Pass.FIRST);
                } else {
                    ReadItem<?> r = (ReadItem<?>) item;
                    Object[] argv = new Object[r.args().size() + 1];
                    argv[0] = r.name().getBytes(StandardCharsets.UTF_8);
                    for (int i = 0; i < r.args().size(); i++) {
                        argv[i + 1] = r.args().get(i);
                    }
                    reply = script.evalShaAsync(RScript.Mode.READ_WRITE, Scripts.READ_SHA, RScript.ReturnType.LIST,
                            new ArrayList<>(r.keys()), argv);
                }
                replies.add(reply.toCompletableFuture());
            }
            return batch.executeAsync().handle((BatchResult<?> result, Throwable failure) -> {
                if (failure == null) {
                    if (durability.isReplicated() && !writes.isEmpty()
                            && result.getSyncedSlaves() < durability.replicas()) {
                        throw new ReplicationTimeoutException("only " + result.getSyncedSlaves() + " of "
                                + durability.replicas() + " required replicas confirmed a batch of " + writes.size()
                                + " write(s) within " + durability.timeout().toMillis() + " ms; their outcome is"
                                + " unknown across a failover");
                    }
                    return outcomes(replies);
                }
                if (Scripts.isNoScript(failure) || replies.stream().anyMatch(r -> !r.isDone()
                        || (r.isCompletedExceptionally() && Scripts.isNoScript(cause(r))))) {
                    throw asRuntime(failure);
                }
                // Redis answered every command: the rejected ones fail alone, unless one failed for a reason
                // the engine must see (the connection, a refusal such as OOM): then the batch as a whole does,
                // and a retry or spill re-sends it, each write protected by its marker.
                for (CompletableFuture<?> r : replies) {
                    if (r.isCompletedExceptionally()) {
                        Throwable c = cause(r);
                        if (RedissonFailureClassifier.INSTANCE.classify(c) != FailureKind.CALLER_ERROR) {
                            throw asRuntime(c);
                        }
                    }
                }
                return outcomes(replies);
            });
        }

        /** @return the bodies of the scripts the pipeline runs, each once */
        private Set<String> scriptBodies() {
            Set<String> bodies = new LinkedHashSet<>();
            for (Item item : items) {
                bodies.add(item instanceof WriteItem<?> w ? wire.scriptBody(w.form(), WireForm.Pass.FIRST)
                        : Scripts.READ);
            }
            return bodies;
        }

        private static List<Object> outcomes(List<CompletableFuture<?>> replies) {
            List<Object> out = new ArrayList<>(replies.size());
            for (CompletableFuture<?> r : replies) {
                out.add(r.isCompletedExceptionally() ? new Rejected(cause(r)) : r.join());
            }
            return out;
        }

        private static Throwable cause(CompletableFuture<?> f) {
            try {
                f.join();
                return null;
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                return e.getCause() == null ? e : e.getCause();
            }
        }

        private static RuntimeException asRuntime(Throwable t) {
            return t instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(t);
        }

        /** Completes every operation's stage from the engine's outcome: a receipt of the batch, or a failure. */
        void finish(Object outcome, Throwable failure) {
            try {
                if (failure != null) {
                    fail(unwrap(failure));
                } else if (outcome instanceof WriteReceipt<?> receipt && receipt.status() == WriteStatus.SPILLED) {
                    spilled(receipt);
                } else {
                    Object replies = outcome instanceof WriteReceipt<?> receipt ? receipt.reply() : outcome;
                    written((List<?>) replies);
                }
            } finally {
                distributed.complete(null);
            }
        }

        private void written(List<?> replies) {
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                Object reply = replies.get(i);
                try {
                    if (reply instanceof Rejected rejected) {
                        item.fail(rejected(i, item, rejected.failure()));
                    } else if (item instanceof WriteItem<?> w) {
                        written(w, reply);
                    } else {
                        read((ReadItem<?>) item, reply);
                    }
                } catch (RuntimeException e) {
                    item.fail(e);
                }
            }
        }

        private static <T> void written(WriteItem<T> w, Object reply) {
            w.out().complete(WriteReceipt.written(w.form().id(), w.write().replyOf(reply)));
        }

        private static <T> void read(ReadItem<T> r, Object reply) {
            List<?> table = (List<?>) reply;
            r.out().complete(r.reply().apply(table.isEmpty() ? null : table.get(0)));
        }

        private void spilled(WriteReceipt<?> receipt) {
            RedisUnavailableException notRun = new RedisUnavailableException("No endpoint took the batch; its "
                    + writes.size() + " write(s) were spilled and are replayed in order, and its reads were not run",
                    List.of(), null);
            int write = 0;
            for (Item item : items) {
                if (item instanceof WriteItem<?> w) {
                    spilled(w, receipt, write++);
                } else {
                    item.fail(notRun);
                }
            }
        }

        /**
         * The write's receipt; its {@code applied()} completes with its own reply from the batch's replay (the
         * replay applier answers a batch entry with the list of its writes' replies, in order).
         */
        private static <T> void spilled(WriteItem<T> w, WriteReceipt<?> receipt, int index) {
            Function<Object, ? extends T> reader = w.write().replayReply();
            CompletionStage<T> applied = receipt.applied().thenApply(replies -> replies instanceof List<?> list
                    && index < list.size() && reader != null ? reader.apply(list.get(index)) : null);
            w.out().complete(WriteReceipt.spilled(w.form().id(), applied));
        }

        void fail(Throwable failure) {
            for (Item item : items) {
                item.fail(failure);
            }
            distributed.complete(null);
        }

        private static RedisCommandException rejected(int index, Item item, Throwable cause) {
            String what = item instanceof WriteItem<?> w ? (w.form().isScript() ? "script" : w.form().command())
                    : ((ReadItem<?>) item).name();
            return new RedisCommandException(null, "Redis rejected operation " + (index + 1) + " of the batch ("
                    + what + "): " + cause.getMessage(), cause);
        }

        /**
         * @param failure how the engine failed the batch, or null
         * @return the batch's status, or that failure, once every operation's stage is completed
         */
        CompletionStage<WriteStatus> outcome(WriteStatus status, Throwable failure) {
            return distributed.thenCompose(x -> failure == null ? CompletableFuture.completedFuture(status)
                    : CompletableFuture.failedFuture(unwrap(failure)));
        }

        private static Throwable unwrap(Throwable failure) {
            return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
        }
    }
}
