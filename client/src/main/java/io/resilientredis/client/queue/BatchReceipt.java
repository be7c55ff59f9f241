package io.resilientredis.client.queue;

import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.util.List;

/**
 * The receipt of {@link JobQueue#enqueueAll}: the jobs were enqueued together, atomically and
 * exactly once, as one write.
 *
 * @param receipt the write's receipt (its id is the batch's, its reply the queue length after it)
 * @param jobIds the job ids, in the order of the payloads
 */
public record BatchReceipt(WriteReceipt<Long> receipt, List<String> jobIds) {

    /**
     * @param receipt the write's receipt
     * @param jobIds the job ids
     */
    public BatchReceipt {
        jobIds = List.copyOf(jobIds);
    }

    /** @return WRITTEN or SPILLED */
    public WriteStatus status() {
        return receipt.status();
    }
}
