package io.resilientredis.chaos.drill;

import io.resilientredis.chaos.ChaosTopology;
import java.time.Duration;
import java.util.Objects;

/**
 * One scheduled step of a {@link FaultTimeline}: at an offset from the start, do something to the
 * topology (kill, freeze, cut off, slow down, heal).
 *
 * @param at when, from the start of the timeline
 * @param label what it does, in a few words ("master killed"); shown in progress and reports
 * @param action what it does
 */
public record FaultStep(Duration at, String label, Action action) {

    /** What a step does to the topology. */
    @FunctionalInterface
    public interface Action {
        /**
         * @param chaos the topology behind its fault proxies
         * @throws Exception when the fault cannot be applied; the timeline records it and goes on
         */
        void apply(ChaosTopology chaos) throws Exception;
    }

    /**
     * @param at offset from the start
     * @param label description
     * @param action the action
     */
    public FaultStep {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(action, "action");
        if (at.isNegative()) {
            throw new IllegalArgumentException("a step cannot happen before the start: " + at);
        }
    }
}
