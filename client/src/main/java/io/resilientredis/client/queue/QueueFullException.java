package io.resilientredis.client.queue;

import io.resilientredis.failover.ResilientRedisException;

/**
 * An enqueue was refused because the queue holds its maximum number of jobs. Nothing was
 * written. Spilled enqueues are never refused on replay (they were accepted already), so a queue
 * may briefly exceed its limit after an outage.
 */
public class QueueFullException extends ResilientRedisException {

    private static final long serialVersionUID = 1L;

    /** The queue's name. */
    private final String queue;
    /** The queue's length when the enqueue was refused. */
    private final long length;
    /** The queue's limit. */
    private final long limit;

    QueueFullException(String queue, long length, int adding, long limit) {
        super("job queue '" + queue + "' is full: it holds " + length + " jobs (waiting, delayed and in flight) and "
                + "its maximum length is " + limit + ", so " + adding + (adding == 1 ? " more job does" : " more jobs do")
                + " not fit. Let workers catch up (add workers, check for stuck ones in stats()), or raise "
                + "QueueOptions.maxLength", null);
        this.queue = queue;
        this.length = length;
        this.limit = limit;
    }

    /** @return the queue's name */
    public String queue() {
        return queue;
    }

    /** @return the queue's length when the enqueue was refused */
    public long length() {
        return length;
    }

    /** @return the queue's maximum length */
    public long limit() {
        return limit;
    }
}
