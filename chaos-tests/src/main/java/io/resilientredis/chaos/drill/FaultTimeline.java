package io.resilientredis.chaos.drill;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays {@link FaultStep}s against a {@link ChaosTopology} on their schedule, one at a time on its own
 * thread, and records when each ran and whether it worked. {@link #close()} stops it and heals the
 * topology: every proxy enabled, toxics removed, frozen nodes resumed, killed nodes restarted (a Sentinel
 * group's killed master only once another node is master).
 */
public final class FaultTimeline implements AutoCloseable {

    /**
     * A step that ran.
     *
     * @param planned when it was scheduled, from the start
     * @param started when it started, from the start
     * @param label what it did
     * @param error why it failed, or null
     * @param finished when it finished (or failed), from the start
     * @param shard the cluster shard it was about ({@link FaultStep#shard()})
     */
    public record Applied(Duration planned, Duration started, String label, String error, Duration finished,
                          int shard) {

        /**
         * A step not about one cluster shard, finished when it started.
         *
         * @param planned when it was scheduled
         * @param started when it started
         * @param label what it did
         * @param error why it failed, or null
         */
        public Applied(Duration planned, Duration started, String label, String error) {
            this(planned, started, label, error, started, FaultStep.NO_SHARD);
        }
    }

    private final ChaosTopology chaos;
    private final ScheduledExecutorService runner;
    private final Consumer<String> log;
    private final long startNanos;
    private final List<Applied> applied = new ArrayList<>();
    private volatile String current = "none";

    private FaultTimeline(ChaosTopology chaos, Consumer<String> log) {
        this.chaos = chaos;
        this.log = log;
        this.runner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "resilient-redis-drill-faults");
            t.setDaemon(true);
            return t;
        });
        this.startNanos = System.nanoTime();
    }

    /**
     * Starts playing {@code steps} now.
     *
     * @param chaos the topology
     * @param steps the steps (any order; each runs at its offset, after the one before finished)
     * @param log receives one line per step as it starts and when it fails
     * @return the running timeline; close it to stop and heal
     */
    public static FaultTimeline start(ChaosTopology chaos, List<FaultStep> steps, Consumer<String> log) {
        Objects.requireNonNull(chaos, "chaos");
        FaultTimeline timeline = new FaultTimeline(chaos, Objects.requireNonNull(log, "log"));
        for (FaultStep step : steps) {
            timeline.runner.schedule(() -> timeline.run(step), step.at().toNanos(), TimeUnit.NANOSECONDS);
        }
        return timeline;
    }

    private void run(FaultStep step) {
        Duration started = Duration.ofNanos(System.nanoTime() - startNanos);
        current = step.label();
        log.accept("fault: " + step.label());
        String error = null;
        try {
            step.action().apply(chaos);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.accept("fault step '" + step.label() + "' failed: " + error);
        }
        synchronized (applied) {
            applied.add(new Applied(step.at(), started, step.label(), error,
                    Duration.ofNanos(System.nanoTime() - startNanos), step.shard()));
        }
    }

    /** @return the label of the last step started ("none" before the first) */
    public String current() {
        return current;
    }

    /** @return the steps that ran so far, in order */
    public List<Applied> applied() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    /**
     * Stops the timeline (steps not yet started are dropped, a step in progress finishes), then heals the
     * topology.
     */
    @Override
    public void close() {
        runner.shutdownNow();
        try {
            if (!runner.awaitTermination(60, TimeUnit.SECONDS)) {
                log.accept("a fault step was still running after 60 s; healing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heal();
    }

    private void heal() {
        chaos.resetAll();
        List<RedisTopology> deployments = new ArrayList<>();
        deployments.add(chaos.topology());
        try {
            deployments.add(chaos.standbyTopology());
        } catch (IllegalStateException single) {
            // one deployment only
        }
        for (RedisTopology t : deployments) {
            for (RedisNode node : t.nodes()) {
                if (node.isRunning()) {
                    node.resume();
                } else if (t.shape() == Shape.SENTINEL_GROUP && !node.isSentinel()) {
                    try {
                        Scenario.rejoinAsReplica(t.sentinelGroup(), node);
                        log.accept("healed: restarted " + node.name() + " as a replica");
                    } catch (java.io.IOException | RuntimeException e) {
                        log.accept("could not heal " + node.name() + ": " + e.getMessage());
                    }
                } else {
                    node.restart();
                    log.accept("healed: restarted " + node.name());
                }
            }
            if (t.shape() == Shape.CLUSTER) {
                try {
                    t.cluster().awaitClusterOk(Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    log.accept("the cluster did not settle after healing: " + e.getMessage());
                }
            }
        }
        current = "healed";
    }
}
