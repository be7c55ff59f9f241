package io.resilientredis.failover.spi;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * How the replayer is woken: a strong {@link #wake()} (an endpoint came up, maintenance ended, a
 * master moved, close) ends any wait; a {@link #nudge()} (a write was spilled) ends only a wait
 * that is not a back-off after a failure, so new writes alone never make the replayer hammer an
 * endpoint that just failed. These are signals, not the replayer's state ({@link ReplayState}).
 */
final class ReplaySignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private boolean wakeRequested;
    private boolean nudged;

    void wake() {
        signal(true);
    }

    void nudge() {
        signal(false);
    }

    private void signal(boolean strong) {
        lock.lock();
        try {
            if (strong) {
                wakeRequested = true;
            } else {
                nudged = true;
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until there may be work, then until the rate limit's next slot.
     *
     * @param pauseMillis the back-off after a failure (only a strong wake ends it), or 0
     * @param ready whether there is work now (no wait then unless backing off)
     * @param closed whether to stop waiting for good
     * @param notBeforeNanos the next batch's slot ({@link System#nanoTime()} scale)
     */
    void await(long pauseMillis, BooleanSupplier ready, BooleanSupplier closed, long notBeforeNanos)
            throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis > 0 ? pauseMillis : 250);
            if (pauseMillis > 0 || !ready.getAsBoolean()) {
                wakeRequested = false;
                nudged = false;
                while (!closed.getAsBoolean() && !wakeRequested && (pauseMillis > 0 || !nudged)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    work.awaitNanos(left);
                }
            }
            long wait = notBeforeNanos - System.nanoTime();
            while (!closed.getAsBoolean() && wait > 0) {
                work.awaitNanos(wait);
                wait = notBeforeNanos - System.nanoTime();
            }
        } finally {
            lock.unlock();
        }
    }
}
