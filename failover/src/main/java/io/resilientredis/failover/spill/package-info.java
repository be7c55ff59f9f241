/**
 * The durable spill store: where writes go while no Redis endpoint takes them.
 *
 * <p>{@link io.resilientredis.failover.spill.SpillStore} keeps opaque entries in sequence order in
 * one SQLite file (WAL, {@code synchronous=FULL}) in a directory of its own, group-commits
 * concurrent appends (one transaction and one fsync for all appends waiting), bounds itself by
 * entries and bytes ({@link io.resilientredis.failover.spill.OverflowPolicy} decides what a full
 * store does), holds an exclusive lock on its directory, creates its files owner-only, and moves a
 * corrupt file aside instead of deleting it. Every entry carries a CRC32C: a damaged one is
 * quarantined, never returned; a count kept outside SQLite tells on open how many committed
 * entries storage damage lost. A failed commit (disk full) leaves the store degraded, retrying by
 * itself until commits succeed again.
 */
package io.resilientredis.failover.spill;
