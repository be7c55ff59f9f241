package io.resilientredis.failover.spill;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Main class of the child JVMs the spill store tests start.
 *
 * <ul>
 *   <li>{@code append <dir> <round> <threads>}: appends from several threads forever, printing
 *       {@code COMMITTED <seq> <id>} after each append's future completed (the entry is durable).
 *   <li>{@code hold <dir>}: opens the store, prints {@code HOLDING <pid>}, closes it when stdin
 *       ends.
 *   <li>{@code try-open <dir>}: prints {@code LOCKED <message>} (exit 3) or {@code OPENED}.
 * </ul>
 */
public final class SpillChild {
    private SpillChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        SpillStoreConfig config = SpillStoreConfig.builder(dir).maxEntries(10_000_000).build();
        switch (args[0]) {
            case "append" -> append(config, args[2], Integer.parseInt(args[3]));
            case "hold" -> hold(config);
            case "try-open" -> tryOpen(config);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void append(SpillStoreConfig config, String round, int threads) {
        SpillStore store = SpillStore.open(config);
        System.out.println("OPENED depth=" + store.depth());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread th =
                    new Thread(
                            () -> {
                                for (long i = 0; ; i++) {
                                    String id = "r" + round + "-t" + thread + "-" + i;
                                    SpillEntry e =
                                            store.append(id, SpillTestSupport.payloadFor(id))
                                                    .join();
                                    System.out.println("COMMITTED " + e.sequence() + " " + e.id());
                                }
                            },
                            "resilient-redis-test-appender-" + t);
            th.start();
        }
    }

    private static void hold(SpillStoreConfig config) throws IOException {
        try (SpillStore store = SpillStore.open(config)) {
            System.out.println("HOLDING " + ProcessHandle.current().pid() + " " + store.file());
            InputStream in = System.in;
            while (in.read() >= 0) {
                // wait for the parent to close stdin
            }
        }
        System.out.println("RELEASED");
    }

    private static void tryOpen(SpillStoreConfig config) {
        try (SpillStore store = SpillStore.open(config)) {
            System.out.println("OPENED " + store.depth());
        } catch (SpillStoreLockedException e) {
            System.out.println("LOCKED " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }
}
