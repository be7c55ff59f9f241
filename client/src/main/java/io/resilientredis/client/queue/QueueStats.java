package io.resilientredis.client.queue;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of one job queue, read in one atomic step.
 *
 * @param queue the queue's name
 * @param ready jobs waiting to be taken
 * @param delayed jobs waiting for their not-before time
 * @param inFlight jobs taken and not yet acknowledged
 * @param deadLetters jobs that used up their attempts
 * @param oldestJobAge how long the job next in line has waited since it was enqueued, or zero
 * @param workers the live workers
 */
public record QueueStats(String queue, long ready, long delayed, long inFlight, long deadLetters,
                         Duration oldestJobAge, List<WorkerInfo> workers) {

    /**
     * @param queue name
     * @param ready waiting jobs
     * @param delayed delayed jobs
     * @param inFlight in-flight jobs
     * @param deadLetters dead-lettered jobs
     * @param oldestJobAge age of the next job
     * @param workers live workers
     */
    public QueueStats {
        workers = List.copyOf(workers);
    }

    /** @return jobs not yet taken: ready plus delayed */
    public long depth() {
        return ready + delayed;
    }
}
