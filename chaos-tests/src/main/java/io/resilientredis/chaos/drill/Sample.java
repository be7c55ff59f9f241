package io.resilientredis.chaos.drill;

import java.util.List;

/**
 * One snapshot of a running drill, taken every sampling interval, for the timeline chart.
 *
 * @param millis time since the workload started
 * @param written cumulative acknowledged writes
 * @param spilled cumulative spilled writes
 * @param failed cumulative failed writes
 * @param reads cumulative reads
 * @param readFailures cumulative failed reads
 * @param spillDepth writes waiting in the spill store
 * @param replayed cumulative replayed writes (the engine's count)
 * @param active the label of the endpoint writes go to ("primary", "standby", "none")
 * @param breakers each endpoint's breaker state, in priority order
 * @param fault the label of the last fault step started
 */
record Sample(long millis, long written, long spilled, long failed, long reads, long readFailures, long spillDepth,
              long replayed, String active, List<String> breakers, String fault) {
}
