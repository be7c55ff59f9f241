package io.resilientredis.failover.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exclusive directory lock, against a second store in this JVM and a second process. */
class SpillStoreLockTest {
    @TempDir Path dir;

    @AfterEach
    void noWriterLeft() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !SpillTestSupport.writerThreadAlive());
    }

    @Test
    void aSecondStoreInThisJvmFailsNamingTheHolderAndTheFix() {
        try (SpillStore first = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThatThrownBy(() -> SpillStore.open(SpillStoreConfig.builder(dir).build()))
                    .isInstanceOf(SpillStoreLockedException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("another SpillStore in this JVM")
                    .hasMessageContaining("Fix:");
            // the failed attempt left the first store working
            assertThat(first.append("a", new byte[1]).join().sequence()).isEqualTo(1);
        }
        try (SpillStore again = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThat(again.depth()).isEqualTo(1);
        }
    }

    @Test
    void aSecondProcessFailsWithAClearErrorWhileThisProcessHoldsTheDirectory() throws Exception {
        try (SpillStore held = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            // an attempt from this JVM must not weaken the OS lock either (POSIX drops a process's
            // locks on a file when any of its descriptors of that file is closed)
            assertThatThrownBy(() -> SpillStore.open(SpillStoreConfig.builder(dir).build()))
                    .isInstanceOf(SpillStoreLockedException.class);
            try (SpillTestSupport.ChildJvm child = new SpillTestSupport.ChildJvm("try-open", dir)) {
                assertThat(child.awaitExit()).isEqualTo(3);
                assertThat(child.awaitLine("LOCKED "))
                        .contains("is in use by pid " + ProcessHandle.current().pid())
                        .contains("since")
                        .contains("Fix:");
            }
            assertThat(held.append("still-mine", new byte[1]).join().sequence()).isEqualTo(1);
        }
    }

    @Test
    void whileAnotherProcessHoldsTheDirectoryOpeningFailsNamingThatProcess() throws Exception {
        try (SpillTestSupport.ChildJvm child = new SpillTestSupport.ChildJvm("hold", dir)) {
            String pid = child.awaitLine("HOLDING ").split(" ")[1];
            assertThat(pid).isEqualTo(Long.toString(child.process.pid()));

            assertThatThrownBy(() -> SpillStore.open(SpillStoreConfig.builder(dir).build()))
                    .isInstanceOfSatisfying(
                            SpillStoreLockedException.class,
                            e -> {
                                assertThat(e.holder())
                                        .startsWith("pid " + pid + " on host ")
                                        .contains("since");
                                assertThat(e.directory()).isEqualTo(dir.toAbsolutePath());
                            })
                    .hasMessageContaining("is in use by pid " + pid)
                    .hasMessageContaining("Fix:");
            assertThat(SpillTestSupport.writerThreadAlive()).isFalse();

            child.closeStdin(); // the holder closes its store and exits
            assertThat(child.awaitExit()).isZero();
            assertThat(child.lines).contains("RELEASED");
        }
        try (SpillStore mine = SpillStore.open(SpillStoreConfig.builder(dir).build())) {
            assertThat(Files.readString(dir.resolve(DirectoryLock.LOCK_FILE)))
                    .startsWith("pid " + ProcessHandle.current().pid() + " on host ");
            assertThat(mine.depth()).isZero();
        }
    }
}
