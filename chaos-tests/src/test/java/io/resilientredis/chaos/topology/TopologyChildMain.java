package io.resilientredis.chaos.topology;

import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Run in a child JVM by {@link ChildJvmCleanupTest}: starts a Sentinel group, prints the pids of its
 * redis-server processes and then blocks until it is killed.
 */
public final class TopologyChildMain {

    private TopologyChildMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        RedisTopology topology = RedisTopology.sentinelGroup(1).start();
        System.out.println("PIDS " + topology.nodes().stream().map(node -> Long.toString(node.pid()))
                .collect(Collectors.joining(" ")));
        System.out.println("WATCHDOG " + ProcessReaper.instance().watchdogPid());
        System.out.flush();
        new CountDownLatch(1).await(); // parked until the parent test kills this JVM with SIGKILL
    }
}
