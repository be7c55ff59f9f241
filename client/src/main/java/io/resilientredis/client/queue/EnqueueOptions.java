package io.resilientredis.client.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When an enqueued job may run. Immutable. A delay counts from the enqueue call on the producer's
 * clock (also when the enqueue is spilled and replayed later); the job becomes available once
 * Redis's clock passes that time.
 */
public final class EnqueueOptions {

    private static final EnqueueOptions NOW = new EnqueueOptions(null, Duration.ZERO);

    private final Instant notBefore;
    private final Duration delay;

    private EnqueueOptions(Instant notBefore, Duration delay) {
        this.notBefore = notBefore;
        this.delay = delay;
    }

    /** @return the default: the job may run at once */
    public static EnqueueOptions now() {
        return NOW;
    }

    /**
     * @param delay how long after the enqueue call the job may run; zero for at once
     * @return the options
     */
    public static EnqueueOptions delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        return delay.isZero() ? NOW : new EnqueueOptions(null, delay);
    }

    /**
     * @param time the earliest time the job may run
     * @return the options
     */
    public static EnqueueOptions notBefore(Instant time) {
        return new EnqueueOptions(Objects.requireNonNull(time, "time"), Duration.ZERO);
    }

    /** @return epoch ms before which the job must not run, or 0 for at once */
    long notBeforeMillis(long nowMillis) {
        if (notBefore != null) {
            return notBefore.toEpochMilli();
        }
        return delay.isZero() ? 0 : nowMillis + delay.toMillis();
    }

    @Override
    public String toString() {
        return notBefore != null ? "EnqueueOptions{notBefore=" + notBefore + "}"
                : delay.isZero() ? "EnqueueOptions{now}" : "EnqueueOptions{delay=" + delay + "}";
    }
}
