package io.resilientredis.benchmarks;

import io.resilientredis.failover.spill.SpillEntry;
import io.resilientredis.failover.spill.SpillStore;
import io.resilientredis.failover.spill.SpillStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends per second to the spill store at 1, 8 and 64 threads. One operation is an
 * append and a wait for its future, i.e. until the entry is committed with an fsync; concurrent
 * appends share a transaction (group commit), so throughput grows with the number of threads.
 * Each trial uses a fresh store in a fresh temporary directory (on java.io.tmpdir; set
 * {@code -Djava.io.tmpdir=...} to measure another disk).
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar SpillAppendBenchmark -f 1 -wi 1 -i 3 -r 3s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
public class SpillAppendBenchmark {

  /** Size of each entry's payload: a serialised write of a short key and value. */
  @Param({"128"})
  public int payloadBytes;

  private Path directory;
  private SpillStore store;
  private byte[] payload;
  private final AtomicLong ids = new AtomicLong();

  @Setup(Level.Trial)
  public void openStore() throws IOException {
    directory = Files.createTempDirectory("spill-bench-");
    payload = new byte[payloadBytes];
    ThreadLocalRandom.current().nextBytes(payload);
    store = SpillStore.open(SpillStoreConfig.builder(directory.resolve("spill"))
        .maxEntries(Long.MAX_VALUE)
        .maxBytes(Long.MAX_VALUE)
        .build());
  }

  @TearDown(Level.Trial)
  public void closeStore() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private SpillEntry appendDurably() {
    return store.append("w-" + ids.incrementAndGet(), payload).join();
  }

  @Benchmark
  @Threads(1)
  public SpillEntry threads01() {
    return appendDurably();
  }

  @Benchmark
  @Threads(8)
  public SpillEntry threads08() {
    return appendDurably();
  }

  @Benchmark
  @Threads(64)
  public SpillEntry threads64() {
    return appendDurably();
  }
}
