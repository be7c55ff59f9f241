package io.resilientredis.client.doctor;

/**
 * The checks {@link Doctor} runs, in runbook order; each has the label a report prints, such as
 * {@code "TCP connect"} ({@link #label()}, also {@link #toString()}).
 */
public enum CheckName {

    /** The URL or Sentinel address list is well formed. */
    URL_FORM("URL form"),
    /** One Sentinel answers and names the master (one check per Sentinel). */
    SENTINEL("Sentinel"),
    /** The Sentinels agree on the master. */
    SENTINEL_AGREEMENT("Sentinel agreement"),
    /** {@code SENTINEL CKQUORUM}. */
    SENTINEL_QUORUM("Sentinel quorum"),
    /** The Sentinels do not flag the master as down. */
    SENTINEL_MASTER("Sentinel master state"),
    /** Known Sentinels and healthy replicas. */
    SENTINEL_TOPOLOGY("Sentinel topology"),
    /** The host resolves. */
    DNS("DNS"),
    /** A TCP connection opens. */
    TCP_CONNECT("TCP connect"),
    /** The TLS handshake succeeds ({@code rediss://} only). */
    TLS_HANDSHAKE("TLS handshake"),
    /** The credentials are accepted (or none are needed). */
    AUTH("AUTH"),
    /** PING answers PONG (after SELECT of the URL's database). */
    PING("PING"),
    /** The node's role and its replication links. */
    ROLE("Role and replication"),
    /** AOF/RDB enabled and the last save and AOF write succeeded. */
    PERSISTENCE("Persistence"),
    /** A memory limit is set. */
    MAXMEMORY("maxmemory"),
    /** The eviction policy. */
    EVICTION_POLICY("Eviction policy"),
    /** Used memory against the limit. */
    USED_MEMORY("Used memory"),
    /** No key was evicted. */
    EVICTED_KEYS("Evicted keys"),
    /** PING round trips. */
    LATENCY("Latency"),
    /** A seed node of a cluster endpoint that did not answer (the doctor went on to the next seed). */
    CLUSTER_SEED("Cluster seed"),
    /** {@code cluster_state:ok} in {@code CLUSTER INFO} (cluster nodes only, like the checks below). */
    CLUSTER_STATE("Cluster state"),
    /** All 16384 hash slots assigned to a master ({@code cluster_slots_assigned} and {@code CLUSTER NODES}). */
    CLUSTER_SLOTS("Cluster slot coverage"),
    /** One node {@code CLUSTER NODES} lists answers connect, AUTH and PING (one check per node). */
    CLUSTER_NODE("Cluster node"),
    /** Every master that serves slots has a connected replica. */
    CLUSTER_REPLICAS("Cluster replicas"),
    /** No node is flagged {@code fail} or {@code fail?} (pfail). */
    CLUSTER_FAILURES("Cluster node flags");

    private final String label;

    CheckName(String label) {
        this.label = label;
    }

    /** @return the name a report prints, such as {@code "TCP connect"} */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
