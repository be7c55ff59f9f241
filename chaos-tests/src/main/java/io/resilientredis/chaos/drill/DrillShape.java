package io.resilientredis.chaos.drill;

import java.util.Locale;

/**
 * The topology an embedded drill starts ({@code --shape}): a Sentinel group with a standby deployment (the
 * default), or a Redis Cluster whose shards each get their own spill lane in the client.
 */
public enum DrillShape {
    /** A Sentinel group (master, 1 replica, 3 Sentinels) and a standby deployment (primary and 1 replica). */
    SENTINEL,
    /** A Redis Cluster of 3 shards, each a master and 2 replicas; no standby. */
    CLUSTER;

    /**
     * @param name {@code sentinel} or {@code cluster}, any case
     * @return the shape
     * @throws IllegalArgumentException naming the shapes otherwise
     */
    public static DrillShape parse(String name) {
        for (DrillShape s : values()) {
            if (s.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("--shape is 'sentinel' or 'cluster', was '" + name + "'");
    }

    /** @return the name as the command line spells it */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }
}
