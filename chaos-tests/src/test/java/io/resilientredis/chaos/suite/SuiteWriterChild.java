package io.resilientredis.chaos.suite;

import io.resilientredis.chaos.drill.OperationKind;
import io.resilientredis.chaos.drill.OperationKinds;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A service JVM for {@link ClientCrashSuiteTest}: writers cycling through the drill's operation kinds
 * (counters, sets, lists, job enqueues) through a client with a spill store, each at 50 writes/s. Before
 * each call it prints {@code BEGIN <writer> <seq> <kind> <key> <value>}, after it
 * {@code END <writer> <seq> <WRITTEN|SPILLED> <receipt id>} or {@code FAIL <writer> <seq> <exception>}, so the
 * parent knows every write's outcome, and which call was in flight when it killed this JVM. Every 50 ms:
 * {@code STATUS <depth> <replaying> <replayedTotal>}. Runs until killed.
 *
 * <p>Arguments: spill directory, endpoint ({@code redis://host:port} or
 * {@code sentinel:<master>@host:port,host:port}), namespace, writers, replay rate limit (writes/s), replay
 * batch; optionally durability ({@code acknowledged} or {@code replicated}: one replica within 500 ms),
 * the failover journal's window in ms, and the Sentinel scan interval in ms.
 */
public final class SuiteWriterChild {

    private SuiteWriterChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        RedisEndpoint endpoint = args[1].startsWith("sentinel:")
                ? RedisEndpoint.sentinel(args[1].substring(9, args[1].indexOf('@')),
                        List.of(args[1].substring(args[1].indexOf('@') + 1).split(",")))
                : RedisEndpoint.standalone(args[1]);
        String namespace = args[2];
        int writers = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        PrintStream out = System.out;
        Durability durability = args.length > 6 && "replicated".equals(args[6])
                ? Durability.replicated(1, java.time.Duration.ofMillis(500)) : Durability.acknowledged();
        ResilientRedis.Builder builder = SuiteScenario.client(List.of(endpoint), durability, dir)
                .replay(ReplaySettings.builder().maxWritesPerSecond(rate).batchSize(batch).build());
        if (args.length > 7) {
            builder.failoverJournal(io.resilientredis.failover.JournalSettings.builder()
                    .window(java.time.Duration.ofMillis(Long.parseLong(args[7]))).build());
        }
        if (args.length > 8) {
            builder.sentinelScanInterval(java.time.Duration.ofMillis(Long.parseLong(args[8])));
        }
        ResilientRedis client = builder.build();
        List<OperationKind> kinds = OperationKinds.defaults();
        out.println("READY " + ProcessHandle.current().pid());
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(writer);
                long next = System.nanoTime();
                for (long seq = 1; ; seq++) {
                    OperationKind kind = kinds.get((int) ((seq - 1) % kinds.size()));
                    String key = kind.key(namespace, writer, seq);
                    long value = kind.value(writer, seq, random);
                    synchronized (out) {
                        out.println("BEGIN " + writer + " " + seq + " " + kind.name() + " " + key + " " + value);
                    }
                    String line;
                    try {
                        WriteReceipt<?> r = kind.perform(client, key, value, seq);
                        line = "END " + writer + " " + seq + " " + r.status() + " " + r.id();
                    } catch (RuntimeException e) {
                        line = "FAIL " + writer + " " + seq + " " + e.getClass().getSimpleName() + ": "
                                + String.valueOf(e.getMessage()).replace('\n', ' ');
                    }
                    synchronized (out) {
                        out.println(line);
                    }
                    next += 20_000_000L;
                    // Pacing at 50 writes/s: a schedule, not a wait for a condition.
                    LockSupport.parkNanos(next - System.nanoTime());
                }
            }, "resilient-redis-child-writer-" + w);
            t.start();
        }
        Thread status = new Thread(() -> {
            while (true) {
                SpillStatus s = client.status().spill();
                synchronized (out) {
                    out.println("STATUS " + s.depth() + " " + s.replaying() + " " + s.replayedTotal());
                }
                // A reporting interval, not synchronisation.
                LockSupport.parkNanos(50_000_000L);
            }
        }, "resilient-redis-child-status");
        status.setDaemon(true);
        status.start();
    }
}
