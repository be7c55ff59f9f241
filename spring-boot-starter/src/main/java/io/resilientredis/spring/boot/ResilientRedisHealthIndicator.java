package io.resilientredis.spring.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.resilientredis.client.LaneStatus;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.internal.ClientHooks;
import io.resilientredis.failover.EndpointStatus;
import io.resilientredis.failover.FailoverStatus;
import io.resilientredis.failover.SpillStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code resilientRedis} health contributor. It reports whether the service's writes would
 * succeed, not whether Redis answers: a client that keeps writes in its spill store is {@code UP},
 * with {@code writes: spilling} in the details, so liveness and readiness probes do not restart a
 * service during the outage it rides out. It is {@code DOWN} only when a write would fail: no
 * endpoint admits calls and there is no spill store, or the store is full or degraded.
 *
 * <p>For a Redis Cluster primary the details also list each spill lane ({@code lanes}): its number,
 * hash slots, the master serving them, its breaker, where its writes go and its spill depth; the
 * store counts as full when any lane's store reaches the bounds (each lane has its own store).
 *
 * <p>It reads the client's in-memory snapshot, the one its meters read: no Redis call, no lock
 * held by a call in flight, so a health check returns in microseconds during any outage.
 */
public final class ResilientRedisHealthIndicator implements HealthIndicator {

    private final ResilientRedis client;
    private final ClientHooks hooks;
    private final long maxSpillBytes;
    private final long maxSpillEntries;

    /**
     * @param client the client to report on
     * @param maxSpillBytes the spill store's byte bound, at which it counts as full
     * @param maxSpillEntries the spill store's entry bound, at which it counts as full
     */
    public ResilientRedisHealthIndicator(ResilientRedis client, long maxSpillBytes, long maxSpillEntries) {
        this.client = Objects.requireNonNull(client, "client");
        this.hooks = ClientHooks.of(client);
        this.maxSpillBytes = maxSpillBytes;
        this.maxSpillEntries = maxSpillEntries;
    }

    @Override
    public Health health() {
        FailoverStatus s = hooks.status();
        SpillStatus spill = s.spill();
        List<LaneStatus> lanes = client.status().lanes();
        boolean connected = s.activeEndpoint() != null;
        boolean full;
        if (lanes.isEmpty()) {
            full = full(spill);
        } else {
            full = false;
            for (LaneStatus lane : lanes) {
                full |= full(lane.spill());
            }
        }
        boolean spilling = spill.enabled() && (!connected || s.maintenance() || spill.depth() > 0);

        Health.Builder h;
        String writes;
        if (spill.enabled() && spill.degraded()) {
            h = Health.down().withDetail("reason", "the spill store cannot commit: " + spill.degradedReason());
            writes = connected ? "direct" : "failing";
        } else if (full) {
            h = Health.down().withDetail("reason", "the spill store is full (" + spill.depth() + " writes, "
                    + spill.bytes() + " bytes; bounds " + maxSpillEntries + " writes, " + maxSpillBytes + " bytes)");
            writes = "failing";
        } else if (!connected && !spill.enabled()) {
            h = Health.down().withDetail("reason", "no endpoint admits calls and no spill store is configured");
            writes = "failing";
        } else {
            h = Health.up();
            writes = spilling ? "spilling" : "direct";
        }
        h.withDetail("writes", writes);
        h.withDetail("spilling", spilling);
        h.withDetail("activeEndpoint", connected ? s.activeEndpoint() : "none");
        h.withDetail("maintenance", s.maintenance());
        Map<String, Object> endpoints = new LinkedHashMap<>();
        for (EndpointStatus e : s.endpoints()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("role", e.role());
            d.put("breaker", e.state().name());
            d.put("since", String.valueOf(e.since()));
            if (e.lastFailure() != null) {
                d.put("lastFailure", e.lastFailure());
                d.put("lastFailureAt", String.valueOf(e.lastFailureAt()));
            }
            endpoints.put("master".equals(e.role()) ? e.name() : e.name() + " (" + e.role() + ")", d);
        }
        h.withDetail("endpoints", endpoints);
        if (!lanes.isEmpty()) {
            List<Map<String, Object>> laneDetails = new ArrayList<>();
            for (LaneStatus lane : lanes) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("lane", lane.lane());
                d.put("slots", String.join(",", lane.slots()));
                d.put("master", lane.master() == null ? "unknown" : lane.master());
                d.put("breaker", lane.breaker().name());
                SpillStatus ls = lane.spill();
                d.put("writesTo", lane.active() != null ? lane.active() : ls.enabled() ? "spill" : "none");
                d.put("spillDepth", ls.enabled() ? ls.depth() : 0L);
                if (ls.enabled()) {
                    d.put("spillOldestAgeMillis", ls.oldestEntryAge().toMillis());
                    d.put("replaying", ls.replaying());
                }
                laneDetails.add(d);
            }
            h.withDetail("lanes", laneDetails);
        }
        if (spill.enabled()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("depth", spill.depth());
            d.put("bytes", spill.bytes());
            d.put("pendingAppends", spill.pendingAppends());
            d.put("oldestAgeMillis", spill.oldestEntryAge().toMillis());
            d.put("replaying", spill.replaying());
            d.put("replayRatePerSecond", spill.replayRatePerSecond());
            d.put("replayedTotal", spill.replayedTotal());
            d.put("rejectedTotal", spill.rejectedTotal());
            d.put("degraded", spill.degraded());
            d.put("quarantinedTotal", spill.quarantinedTotal());
            h.withDetail("spill", d);
        } else {
            h.withDetail("spill", "none");
        }
        return h.build();
    }

    private boolean full(SpillStatus spill) {
        return spill.enabled() && (spill.depth() + spill.pendingAppends() >= maxSpillEntries
                || spill.bytes() >= maxSpillBytes);
    }
}
