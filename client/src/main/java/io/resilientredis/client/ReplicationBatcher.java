package io.resilientredis.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Sends writes that need replica confirmation: every write queued while the previous pipeline is
 * in flight goes into the next one, which ends with a single {@code WAIT} on the same connection
 * (Redis counts a {@code WAIT} against the writes of its own connection). One pipeline in flight
 * per endpoint, so the {@code WAIT} cost is shared by all concurrent writers.
 */
final class ReplicationBatcher {

    private static final int MAX_BATCH = 1000;
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final RedissonClient client;
    private final Durability durability;
    private final WireForm wire;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean inFlight = new AtomicBoolean();

    /** A queued write; {@code alone} once a pipeline it was in had a refused command. */
    private record Pending(SpilledWrite write, CompletableFuture<List<Object>> reply, boolean alone) {
    }

    ReplicationBatcher(RedissonClient client, Durability durability, long markerTtlSeconds) {
        this.client = client;
        this.durability = durability;
        this.wire = new WireForm(markerTtlSeconds);
    }

    /** @return the script's reply, once enough replicas have the write */
    CompletionStage<List<Object>> submit(SpilledWrite write) {
        Pending p = new Pending(write, new CompletableFuture<>(), false);
        queue.add(p);
        flushIfIdle();
        return p.reply();
    }

    private void flushIfIdle() {
        while (!queue.isEmpty() && inFlight.compareAndSet(false, true)) {
            List<Pending> batch = new ArrayList<>();
            Pending first = queue.poll();
            if (first != null) {
                batch.add(first);
                Pending next;
                while (!first.alone() && batch.size() < MAX_BATCH && (next = queue.peek()) != null && !next.alone()) {
                    batch.add(queue.poll());
                }
            }
            if (batch.isEmpty()) {
                inFlight.set(false);
                continue;
            }
            CompletionStage<Void> sent;
            try {
                sent = send(batch);
            } catch (RuntimeException e) {
                // Not connected (SelfHealingRedisson throws what keeps it from connecting): fail
                // these writes, never leave the pipeline marked in flight.
                for (Pending p : batch) {
                    p.reply().completeExceptionally(e);
                }
                sent = DONE;
            }
            sent.whenComplete((ok, failure) -> {
                inFlight.set(false);
                flushIfIdle();
            });
            return;
        }
    }

    /** Sends one pipeline; a command error fails only its own write (the others are re-sent alone). */
    private CompletionStage<Void> send(List<Pending> batch) {
        RBatch rb = client.createBatch(BatchOptions.defaults().retryAttempts(0)
                .sync(durability.replicas(), durability.timeout()));
        RScriptAsync script = rb.getScript(ByteArrayCodec.INSTANCE);
        List<CompletionStage<List<Object>>> replies = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            @SuppressWarnings("unchecked") // the first pass always answers with a table
            CompletionStage<List<Object>> reply = (CompletionStage<List<Object>>) wire.add(rb, script, p.write(),
                    WireForm.Pass.FIRST);
            replies.add(reply);
        }
        return rb.executeAsync().handle((BatchResult<?> result, Throwable failure) -> {
            if (failure == null) {
                confirm(batch, replies, result.getSyncedSlaves());
                return DONE;
            }
            if (Scripts.isNoScript(failure)) {
                // A master that does not know the scripts yet (new after a failover): load them, send again.
                return loadScripts(batch).handle((ok, loadFailure) -> {
                    for (Pending p : batch) {
                        if (loadFailure == null) {
                            queue.add(p);
                        } else {
                            p.reply().completeExceptionally(loadFailure);
                        }
                    }
                    return (Void) null;
                });
            }
            if (batch.size() > 1 && replies.stream().anyMatch(r -> r.toCompletableFuture().isDone()
                    && !r.toCompletableFuture().isCompletedExceptionally())) {
                // Redis answered some commands: one of them was refused. Re-send each alone; the
                // markers make the re-sent ones that were applied a no-op.
                for (Pending p : batch) {
                    queue.add(new Pending(p.write(), p.reply(), true));
                }
                return DONE;
            }
            for (Pending p : batch) {
                p.reply().completeExceptionally(failure);
            }
            return DONE;
        }).thenCompose(next -> next);
    }

    private CompletionStage<Void> loadScripts(List<Pending> batch) {
        return wire.loadScripts(client, batch.stream().map(Pending::write).toList(), WireForm.Pass.FIRST);
    }

    private void confirm(List<Pending> batch, List<CompletionStage<List<Object>>> replies, int synced) {
        if (synced < durability.replicas()) {
            ReplicationTimeoutException e = new ReplicationTimeoutException("only " + synced + " of "
                    + durability.replicas() + " required replicas confirmed " + batch.size() + " write(s) within "
                    + durability.timeout().toMillis() + " ms; their outcome is unknown across a failover");
            for (Pending p : batch) {
                p.reply().completeExceptionally(e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<List<Object>> r = replies.get(i).toCompletableFuture();
            CompletableFuture<List<Object>> out = batch.get(i).reply();
            r.whenComplete((value, failure) -> {
                if (failure != null) {
                    out.completeExceptionally(failure);
                } else {
                    out.complete(value);
                }
            });
        }
    }
}
