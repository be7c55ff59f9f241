package io.resilientredis.failover.spill;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link SpillStore#append} does when an entry does not fit within the store's bounds.
 *
 * <ul>
 *   <li>{@link #reject()} (the default): the append fails at once with {@link SpillFullException}.
 *   <li>{@link #block(Duration)}: the append waits, queued in call order, until deletes free enough
 *       room, or fails with {@link SpillFullException} once the timeout has passed. The calling
 *       thread is never blocked; only the returned future waits.
 * </ul>
 *
 * <p>Either way nothing is dropped silently: an entry is stored, or its future fails.
 */
public final class OverflowPolicy {
    private static final OverflowPolicy REJECT = new OverflowPolicy(null);

    private final Duration timeout;

    private OverflowPolicy(Duration timeout) {
        this.timeout = timeout;
    }

    /** {@return fail an append that does not fit at once with {@link SpillFullException}} */
    public static OverflowPolicy reject() {
        return REJECT;
    }

    /**
     * Let an append that does not fit wait for room up to {@code timeout}, then fail it with {@link
     * SpillFullException}.
     *
     * @param timeout how long an append may wait for room; positive
     * @return the policy
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public static OverflowPolicy block(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "OverflowPolicy.block timeout must be positive, was "
                            + timeout
                            + "; use OverflowPolicy.reject() to fail at once when the spill store is full");
        }
        return new OverflowPolicy(timeout);
    }

    /** {@return whether appends wait for room (true) or are rejected at once (false)} */
    public boolean isBlocking() {
        return timeout != null;
    }

    /** {@return how long an append may wait for room; {@link Duration#ZERO} for {@link #reject()}} */
    public Duration timeout() {
        return timeout == null ? Duration.ZERO : timeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OverflowPolicy && Objects.equals(timeout, ((OverflowPolicy) o).timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(timeout);
    }

    @Override
    public String toString() {
        return timeout == null ? "REJECT" : "BLOCK(timeout=" + timeout + ")";
    }
}
