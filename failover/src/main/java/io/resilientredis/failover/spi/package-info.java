/**
 * For client bindings, not applications: the {@link io.resilientredis.failover.spi.FailoverEngine}
 * a binding drives, and what a binding supplies to it ({@link io.resilientredis.failover.spi.Endpoint}
 * and its {@link io.resilientredis.failover.spi.EndpointTarget}, each write as a
 * {@link io.resilientredis.failover.spi.WriteOp}, a {@link io.resilientredis.failover.spi.ReplayApplier}
 * for spilled writes, a {@link io.resilientredis.failover.spi.FailureClassifier}). The engine's
 * internals (breakers, router, journal, the spill side's intake and replayer) are package-private here.
 */
package io.resilientredis.failover.spi;
