package io.resilientredis.chaos.commands;

import io.resilientredis.client.RedisBatch;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service JVM for {@link BatchTest}'s SIGKILL case: builds a client on an endpoint nothing can reach, sends
 * {@link BatchTest#mixed} as one batch, and prints {@code SPILLED <writes> <spill depth>} when the batch and
 * every receipt are {@code SPILLED}, else {@code NOT_SPILLED <status> <spilled receipts>}. Then it blocks,
 * without closing the client, until it is killed; should its parent die instead (stdin at its end), it halts.
 *
 * <p>Arguments: spill directory, endpoint (as {@link CommandSurfaceChild#endpoint} reads it), hash tag.
 */
public final class BatchChild {

    private BatchChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ResilientRedis client = CommandSurface.client(CommandSurfaceChild.endpoint(args[1]), dir).build();
        RedisBatch<String, String> batch = client.batch();
        BatchTest.Mixed mixed = BatchTest.mixed(batch, args[2]);
        WriteStatus status = batch.send().toCompletableFuture().get(60, TimeUnit.SECONDS);
        List<WriteReceipt<?>> receipts = BatchTest.receipts(mixed);
        long spilled = receipts.stream().filter(r -> r.status() == WriteStatus.SPILLED).count();
        System.out.println(status == WriteStatus.SPILLED && spilled == receipts.size()
                ? "SPILLED " + receipts.size() + " " + client.status().spill().depth()
                : "NOT_SPILLED " + status + " " + spilled);
        System.out.flush();
        // Blocks, the client open, until SIGKILL. End of stdin means the parent is gone: halt, hooks skipped.
        while (System.in.read() >= 0) {
            // the parent writes nothing
        }
        Runtime.getRuntime().halt(3);
    }
}
