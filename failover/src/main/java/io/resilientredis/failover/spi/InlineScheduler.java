package io.resilientredis.failover.spi;

import dev.failsafe.spi.Scheduler;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Failsafe scheduler that runs zero-delay work on the calling thread (no thread hop on the hot
 * path) and hands delayed work, such as retry backoff, to the engine's scheduler.
 */
final class InlineScheduler implements Scheduler {

    private final ScheduledExecutorService delayed;

    InlineScheduler(ScheduledExecutorService delayed) {
        this.delayed = delayed;
    }

    @Override
    public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
        if (delay > 0) {
            return delayed.schedule(callable, delay, unit);
        }
        Done done = new Done();
        try {
            done.complete(callable.call());
        } catch (Throwable t) {
            done.completeExceptionally(t);
        }
        return done;
    }

    /** A finished task, in the shape Failsafe expects back. */
    private static final class Done extends CompletableFuture<Object> implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
