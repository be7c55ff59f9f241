package io.resilientredis.chaos.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.resilientredis.chaos.topology.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * A {@link SpillWriterChild} service JVM and what it printed: each writer's last accepted write, how many
 * were spilled, the last spill status. Kill it with {@link #kill()} (SIGKILL); {@link #close()} in a clean-up.
 */
final class SpillWriterProcess implements AutoCloseable {
    private final ChildJvm jvm;
    private final AtomicIntegerArray lastAcked;
    private final AtomicIntegerArray written;
    private final AtomicInteger spilled = new AtomicInteger();
    private final AtomicReference<String[]> status = new AtomicReference<>();
    private final AtomicReference<String> ready = new AtomicReference<>();
    private final List<String> outOfSequence = new CopyOnWriteArrayList<>();
    private final int writers;

    /**
     * Starts the JVM and waits until its client is built.
     *
     * @param spillDir the service's spill directory
     * @param endpoint {@code redis://host:port}, or a cluster as {@link SpillWriterChild#clusterArg} writes it
     * @param prefix the writers' key prefix (writer {@code w} pushes onto {@code prefix + w})
     * @param writers how many writer threads
     * @param replayRate the replay's rate limit, writes/s (0: none)
     * @param batchSize the replay's batch size
     * @throws IOException when the JVM cannot be started
     */
    SpillWriterProcess(Path spillDir, String endpoint, String prefix, int writers, int replayRate, int batchSize)
            throws IOException {
        this.writers = writers;
        this.lastAcked = new AtomicIntegerArray(writers);
        this.written = new AtomicIntegerArray(writers);
        for (int w = 0; w < writers; w++) {
            lastAcked.set(w, -1);
        }
        jvm = ChildJvm.start(SpillWriterChild.class, List.of(), List.of(spillDir.toString(), endpoint, prefix,
                Integer.toString(writers), Integer.toString(replayRate), Integer.toString(batchSize)), this::take);
        try {
            jvm.await("the service JVM ready", Duration.ofSeconds(60)).until(() -> ready.get() != null);
        } catch (RuntimeException | Error e) {
            jvm.close();
            throw e;
        }
    }

    /** @return whether the line is one of the child's reports (ACK, STATUS, READY), recorded here */
    private boolean take(String line) {
        if (line.startsWith("ACK ")) {
            String[] p = line.split(" ");
            int w = Integer.parseInt(p[1]);
            int i = Integer.parseInt(p[2]);
            if (i != lastAcked.get(w) + 1) {
                outOfSequence.add(line);
            }
            lastAcked.set(w, i);
            if ("SPILLED".equals(p[3])) {
                spilled.incrementAndGet();
            } else {
                written.incrementAndGet(w);
            }
        } else if (line.startsWith("STATUS ")) {
            status.set(line.split(" "));
        } else if (line.startsWith("READY ")) {
            ready.set(line.substring(6));
        } else {
            return false;
        }
        return true;
    }

    int lastAcked(int writer) {
        return lastAcked.get(writer);
    }

    int spilled() {
        return spilled.get();
    }

    String[] status() {
        return status.get();
    }

    long pid() {
        return jvm.pid();
    }

    int acked() {
        int n = 0;
        for (int w = 0; w < writers; w++) {
            n += lastAcked.get(w) + 1;
        }
        return n;
    }

    void awaitWritten(int each) {
        jvm.await("every writer of the service wrote directly", Duration.ofSeconds(60))
                .until(() -> IntStream.range(0, writers).allMatch(w -> written.get(w) >= each));
    }

    void awaitSpilled(int n) {
        // Counted from now: writes spilled earlier (a first connect that missed its timeout on a loaded
        // machine) are not the outage the caller just started.
        int before = spilled.get();
        jvm.await("the service spilling " + n + " more writes", Duration.ofSeconds(60))
                .until(() -> spilled.get() - before >= n);
    }

    /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no close, no flush. */
    void kill() throws InterruptedException {
        jvm.kill();
        assertThat(outOfSequence).as("ACKs out of sequence").isEmpty();
    }

    /** Kills the JVM if it still runs, asserting nothing: for clean-ups. */
    @Override
    public void close() {
        jvm.close();
    }
}
