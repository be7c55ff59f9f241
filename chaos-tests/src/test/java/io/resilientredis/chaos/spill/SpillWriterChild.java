package io.resilientredis.chaos.spill;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.ReplaySettings;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A service JVM for {@link SpillCrashTest}: writers that push 0, 1, 2, ... onto their own list
 * through a client with a spill store, printing each write after its receipt arrived
 * ({@code ACK <writer> <i> <status> <id>}), and the spill status every 20 ms
 * ({@code STATUS <depth> <replaying> <replayedTotal>}). It runs until it is killed.
 *
 * <p>Arguments: spill directory, Redis URL (or {@code cluster:<seed URL>,...;<announced>=<dialled>,...} for a
 * Redis Cluster and its NAT map), key prefix, writers, replay rate limit (writes/s, 0 for none), replay
 * batch size.
 */
public final class SpillWriterChild {

    private SpillWriterChild() {
    }

    /** @return the endpoint an argument names: a URL, or {@code cluster:seeds;nat} */
    public static RedisEndpoint endpoint(String arg) {
        if (!arg.startsWith("cluster:")) {
            return RedisEndpoint.standalone(arg);
        }
        String[] parts = arg.substring("cluster:".length()).split(";", -1);
        java.util.Map<String, String> nat = new java.util.LinkedHashMap<>();
        if (parts.length > 1 && !parts[1].isEmpty()) {
            for (String pair : parts[1].split(",")) {
                String[] kv = pair.split("=");
                nat.put(kv[0], kv[1]);
            }
        }
        return RedisEndpoint.cluster(java.util.List.of(parts[0].split(","))).withNatMap(nat);
    }

    /**
     * @param endpoint a cluster endpoint's seeds and NAT map
     * @return the argument {@link #endpoint(String)} reads back
     */
    public static String clusterArg(java.util.List<String> seeds, java.util.Map<String, String> nat) {
        StringBuilder sb = new StringBuilder("cluster:").append(String.join(",", seeds)).append(';');
        nat.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == ';' ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String url = args[1];
        String prefix = args[2];
        int writers = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        PrintStream out = System.out;
        ResilientRedis client = SpillChaos.client(endpoint(url))
                // A first connect on a loaded machine can take longer than the call timeout; the outage
                // the tests start is a closed proxy, refused at once whatever this bound.
                .connectTimeout(Duration.ofSeconds(2))
                .spill(dir)
                .replay(ReplaySettings.builder().maxWritesPerSecond(rate).batchSize(batch).build())
                .build();
        out.println("READY " + ProcessHandle.current().pid());
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                for (int i = 0; ; i++) {
                    WriteReceipt<Long> r = client.rpush(prefix + writer, Integer.toString(i));
                    synchronized (out) {
                        out.println("ACK " + writer + " " + i + " " + r.status() + " " + r.id());
                    }
                }
            }, "child-writer-" + w);
            t.start();
        }
        Thread status = new Thread(() -> {
            while (true) {
                SpillStatus s = client.status().spill();
                synchronized (out) {
                    out.println("STATUS " + s.depth() + " " + s.replaying() + " " + s.replayedTotal());
                }
                try {
                    Thread.sleep(20); // a reporting interval, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "child-status");
        status.setDaemon(true);
        status.start();
    }
}
