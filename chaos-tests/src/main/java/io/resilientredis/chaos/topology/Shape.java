package io.resilientredis.chaos.topology;

/** The deployments a {@link RedisTopology} can start. */
public enum Shape {
    /** One standalone Redis server. */
    STANDALONE,
    /** A primary with N replicas, no Sentinels. */
    PRIMARY_WITH_REPLICAS,
    /** A Sentinel group: a master, N replicas and three Sentinels with quorum 2. */
    SENTINEL_GROUP,
    /**
     * Two independent deployments: a standalone primary, plus a Sentinel-managed standby group (a
     * master, N replicas, three Sentinels) that has no replication link to the primary.
     */
    PRIMARY_WITH_STANDBY_GROUP,
    /**
     * A Redis Cluster: N masters (3 by default) sharing the 16384 hash slots in contiguous ranges, each
     * with its own replicas; see {@link RedisCluster}.
     */
    CLUSTER
}
