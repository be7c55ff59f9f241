package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL leaves no redis-server behind: the watchdog kills them by pid. */
class ChildJvmCleanupTest {

    private ChildJvm child;
    private final List<Long> redisPids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        if (child != null) {
            child.close();
        }
        // Should the watchdog have failed, do not leave the evidence running.
        for (long pid : redisPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void redisServersDieWhenTheirJvmIsKilledWithSigkill() throws Exception {
        child = ChildJvm.start(TopologyChildMain.class,
                List.of("-D" + Support.WORKDIR_PROPERTY + "=" + Support.workRoot()));
        String line;
        try {
            line = child.awaitLine("the child JVM printing its redis-server pids", Duration.ofSeconds(60),
                    l -> l.startsWith("PIDS "));
        } finally {
            Files.write(Files.createTempFile(Support.workRoot(), "child-jvm-", ".log"), child.lines());
        }
        Arrays.stream(line.substring("PIDS ".length()).trim().split(" ")).map(Long::parseLong).forEach(redisPids::add);
        assertThat(redisPids).hasSize(5);
        assertThat(redisPids).allSatisfy(pid -> assertThat(isRedisServer(pid)).as("pid %d is redis-server", pid).isTrue());

        child.kill(Duration.ofSeconds(10)); // SIGKILL: no shutdown hook runs in the child
        long killedAt = System.nanoTime();

        await("redis-server processes of the killed JVM to be gone").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> redisPids.stream().noneMatch(ChildJvmCleanupTest::isLiveProcess));
        System.out.printf("[measure] redis-server children gone %d ms after their JVM was SIGKILLed%n",
                (System.nanoTime() - killedAt) / 1_000_000);
        // The dead children were orphans, so init reaps them (here within a second or two). Give it that
        // time, so that a `pgrep -x redis-server` right after the suite does not see their zombie entries.
        Support.pollUntil(Duration.ofSeconds(10), Duration.ofMillis(100),
                () -> redisPids.stream().allMatch(pid -> ProcessHandle.of(pid).isEmpty()));
    }

    /** Alive and not a zombie (a zombie is dead, holds no port, and only awaits its reaper). */
    private static boolean isLiveProcess(long pid) {
        Path stat = Paths.get("/proc", Long.toString(pid), "stat");
        if (Files.isReadable(stat)) {
            try {
                String text = Files.readString(stat);
                return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException e) {
                return false; // vanished while we read it
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean isRedisServer(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().command())
                .map(command -> command.endsWith("redis-server")).orElse(false);
    }
}
