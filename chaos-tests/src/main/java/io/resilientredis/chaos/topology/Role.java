package io.resilientredis.chaos.topology;

/** What a node is, as the node itself reports it. */
public enum Role {
    /** A Redis data node accepting writes. */
    MASTER,
    /** A Redis data node replicating from a master. */
    REPLICA,
    /** A Redis Sentinel. */
    SENTINEL
}
