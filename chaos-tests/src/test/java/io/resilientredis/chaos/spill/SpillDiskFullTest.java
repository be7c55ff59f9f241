package io.resilientredis.chaos.spill;

import static io.resilientredis.chaos.spill.SpillChaos.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.resilientredis.failover.ResilientRedisException;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.FailoverEvent;
import io.resilientredis.failover.SpillStatus;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.failover.spill.SpillStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spill directory on a real 4 MiB tmpfs, Redis behind a fault proxy: the outage fills the
 * disk; writes then throw (nothing accepted is lost); with Redis back, writes go directly although
 * the store cannot yet delete what it replayed; once space is freed the store finishes, empties and
 * returns to normal by itself. Every accepted write is in Redis once, in order.
 */
class SpillDiskFullTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path tmp;

    private Path mount;

    @AfterEach
    void heal() throws Exception {
        chaos.get().resetAll();
        if (mount != null) {
            String failed = run("umount", mount.toString());
            assertThat(failed).as("umount " + mount).isNull();
        }
    }

    @Test
    void aFullDiskNeverJamsTheClientAndTheStoreRecoversByItself() throws Exception {
        mount = tmp.resolve("disk");
        Files.createDirectories(mount);
        String why = run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString());
        if (why != null) {
            mount = null;
            Assumptions.assumeTrue(false, "cannot mount a tmpfs for the disk-full test (needs root): " + why);
        }
        Path dir = mount.resolve("spill");
        Files.write(mount.resolve("ballast"), new byte[512 * 1024]); // freed later, as an operator would
        List<FailoverEvent> events = new CopyOnWriteArrayList<>();
        String key = "diskfull:list";
        String pad = "p".repeat(100);
        try (ResilientRedis client = SpillChaos.client(chaos.get()).spill(dir).listener(events::add).build()) {
            chaos.get().disableAll();
            List<WriteReceipt<Long>> accepted = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            int i = 0;
            for (; i < 200_000 && refused.isEmpty(); i++) {
                SpillStoreException full = spillOrRefuse(client, key, i + pad, accepted, expected, refused);
                if (full != null) {
                    assertThat(full).hasMessageContaining("SQLITE_FULL").hasMessageContaining("Fix:");
                }
            }
            assertThat(refused).as("the disk filled up").isNotEmpty();
            fill(mount.resolve("filler"));
            // With the disk full, writes keep being refused at once. One may still fit now and then: a
            // retry's WAL checkpoint hands the WAL file's own space back for reuse, so such a write is
            // accepted and durable (and must then be replayed like any other).
            int refusedAfterFill = 0;
            for (int attempts = 0; refusedAfterFill < 3 && attempts < 1_000; attempts++, i++) {
                SpillStoreException full = spillOrRefuse(client, key, i + pad, accepted, expected, refused);
                if (full != null) {
                    assertThat(full).isInstanceOf(ResilientRedisException.class);
                    refusedAfterFill++;
                }
            }
            assertThat(refusedAfterFill).as("writes refused on the full disk").isEqualTo(3);
            SpillStatus full = client.status().spill();
            assertThat(full.degraded()).isTrue();
            assertThat(full.degradedReason()).contains("SQLITE_FULL");
            await().atMost(Duration.ofSeconds(5)).until(() -> seen(events, FailoverEvent.Type.SPILL_DEGRADED));
            System.out.printf("[measure] disk full after %d spilled RPUSHes (%d bytes in the spill directory)%n",
                    accepted.size(), size(dir));

            // Redis back: the backlog is applied, and writes go directly although the disk is full.
            chaos.get().resetAll();
            SpillChaos.awaitAll(accepted.stream().map(WriteReceipt::applied).toList(), Duration.ofSeconds(60));
            int firstDirect = i;
            await("direct writes again").atMost(Duration.ofSeconds(15))
                    .until(() -> client.rpush(key + ":probe", "x").status() == WriteStatus.WRITTEN);
            for (; i < firstDirect + 20; i++) {
                String v = i + pad;
                assertThat(client.rpush(key, v).status()).isEqualTo(WriteStatus.WRITTEN);
                expected.add(v);
            }
            SpillStatus jammed = client.status().spill();
            System.out.printf("[measure] Redis back, disk still full: depth %d, degraded %s%n",
                    jammed.depth(), jammed.degraded());

            // Space back: the store completes its deletes, empties, shrinks and is healthy again.
            Files.delete(mount.resolve("filler"));
            Files.delete(mount.resolve("ballast"));
            try {
                await("the store recovered by itself").atMost(Duration.ofSeconds(30))
                        .until(() -> !client.status().spill().degraded() && client.status().spill().depth() == 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the store did not recover within 30 s of the space coming back: "
                        + client.status().spill() + "; free space " + mount.toFile().getUsableSpace() + " bytes, "
                        + size(dir) + " bytes in the spill directory", e);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> seen(events, FailoverEvent.Type.SPILL_RECOVERED));
            await("space given back").atMost(Duration.ofSeconds(10)).until(() -> size(dir) < 256 * 1024);
            System.out.printf("[measure] after recovery the spill directory holds %d bytes%n", size(dir));

            // It spills and replays normally again.
            chaos.get().disableAll();
            String last = i + pad;
            WriteReceipt<Long> again = client.rpush(key, last);
            assertThat(again.status()).isEqualTo(WriteStatus.SPILLED);
            expected.add(last);
            chaos.get().resetAll();
            again.applied().toCompletableFuture().get(30, TimeUnit.SECONDS);

            List<String> actual = list(chaos.get().topology().primary(), key);
            assertThat(actual).as("every accepted write once, in order; no refused one").isEqualTo(expected);
        }
    }

    /**
     * RPUSHes {@code v} during the outage: a write the store took is SPILLED and goes to {@code accepted} and
     * {@code expected}; one the full disk refused goes to {@code refused}.
     *
     * @return the refusal, or null when the write was spilled
     */
    private static SpillStoreException spillOrRefuse(ResilientRedis client, String key, String v,
                                                     List<WriteReceipt<Long>> accepted, List<String> expected,
                                                     List<String> refused) {
        try {
            WriteReceipt<Long> r = client.rpush(key, v);
            assertThat(r.status()).isEqualTo(WriteStatus.SPILLED);
            accepted.add(r);
            expected.add(v);
            return null;
        } catch (SpillStoreException full) {
            refused.add(v);
            return full;
        }
    }

    private static boolean seen(List<FailoverEvent> events, FailoverEvent.Type type) {
        return events.stream().anyMatch(e -> e.type() == type);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Fills what is left of the file system. */
    private static void fill(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int chunk = 64 * 1024; chunk >= 512; chunk /= 2) {
                ByteBuffer b = ByteBuffer.allocate(chunk);
                while (true) {
                    b.clear();
                    try {
                        ch.write(b);
                    } catch (IOException noSpace) {
                        break;
                    }
                }
            }
        }
    }

    /** @return null on success, else the command's output */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.trim() + " (exit " + p.exitValue() + ")";
    }
}
