package io.resilientredis.failover.spill;

/** Test seam: called on the writer thread before each transaction begins. */
@FunctionalInterface
interface WriterHook {
    WriterHook NONE = (appends, deletes) -> {};

    void beforeTransaction(int appends, int deletes) throws InterruptedException;
}
