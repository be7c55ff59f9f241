/**
 * The job queue: producers and workers that survive Redis outages and Sentinel failovers.
 *
 * <p>Open a queue with {@link io.resilientredis.client.ResilientRedis#queue(String)}: a
 * {@link io.resilientredis.client.queue.JobQueue} (its asynchronous form
 * {@link io.resilientredis.client.queue.AsyncJobQueue}) enqueues exactly once under the job id, also
 * when the enqueue is spilled and replayed; workers poll, ack and nack
 * {@link io.resilientredis.client.queue.Job}s and register with a heartbeat
 * ({@link io.resilientredis.client.queue.QueueWorker}). A queue's settings are
 * {@link io.resilientredis.client.queue.QueueOptions}; {@code stats()} and the client's
 * {@code status().queues()} report depth, in-flight jobs, dead letters and live workers.
 * {@link io.resilientredis.client.queue.JobQueues} is the client's wiring, not for applications.
 */
package io.resilientredis.client.queue;
