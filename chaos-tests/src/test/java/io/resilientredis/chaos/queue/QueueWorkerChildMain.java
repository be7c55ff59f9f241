package io.resilientredis.chaos.queue;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.Job;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.client.queue.QueueOptions;
import io.resilientredis.client.queue.QueueWorker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link WorkerCrashTest}: registers a worker, takes one job, prints
 * {@code TOOK <id>} and then blocks, never acknowledging, until the parent kills it with SIGKILL.
 * Arguments: Redis URL, queue name, visibility timeout ms, worker TTL ms.
 */
public final class QueueWorkerChildMain {

    private QueueWorkerChildMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ResilientRedis redis = ResilientRedis.builder().primary(RedisEndpoint.standalone(args[0])).build();
        JobQueue queue = redis.queue(args[1], QueueOptions.builder()
                .visibilityTimeout(Duration.ofMillis(Long.parseLong(args[2])))
                .workerTtl(Duration.ofMillis(Long.parseLong(args[3]))).build());
        QueueWorker worker = queue.worker("child-worker");
        Job job = queue.poll(Duration.ofSeconds(30)).orElseThrow();
        System.out.println("TOOK " + job.id() + " " + worker.name());
        System.out.flush();
        new CountDownLatch(1).await(); // parked until the parent kills this JVM
    }
}
