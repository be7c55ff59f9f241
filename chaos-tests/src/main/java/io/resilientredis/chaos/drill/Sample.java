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
 * @param lanes each spill lane of a Redis Cluster client ({@code ClientStatus.lanes()}); empty otherwise
 */
record Sample(long millis, long written, long spilled, long failed, long reads, long readFailures, long spillDepth,
              long replayed, String active, List<String> breakers, String fault, List<Lane> lanes) {

    Sample {
        breakers = List.copyOf(breakers);
        lanes = List.copyOf(lanes);
    }

    /**
     * One lane at the sample's time.
     *
     * @param lane the lane's number
     * @param slots the slot ranges it routes ({@code first-last})
     * @param master the address of the master serving most of them, or null while unknown
     * @param breaker its breaker's state
     * @param depth writes waiting in its spill store
     * @param replayed writes it replayed since the client started
     */
    record Lane(int lane, List<String> slots, String master, String breaker, long depth, long replayed) {

        Lane {
            slots = List.copyOf(slots);
        }

        /** @return whether the lane routes {@code slot} */
        boolean routes(int slot) {
            for (String range : slots) {
                int dash = range.indexOf('-');
                int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
                if (slot >= first && slot <= last) {
                    return true;
                }
            }
            return false;
        }
    }
}
