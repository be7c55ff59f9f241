package io.resilientredis.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When a write counts as written.
 *
 * <p>{@link #acknowledged()} (the default): when the master replies. Redis replicates
 * asynchronously, so a Sentinel failover right after the reply can drop the write from Redis: the
 * promoted replica never got it. For a Sentinel group the client's failover journal covers that
 * while the client process lives: it keeps the writes acknowledged in the last few seconds and
 * re-applies them on the new master, under their ids and in order, before any newer write
 * ({@link ResilientRedis.Builder#failoverJournal}). If the client process dies in the same moment
 * as the failover, such a write can still be lost: the journal of this level is in memory only.
 *
 * <p>{@link #replicated(int, Duration)}: when the master replied and at least that many replicas
 * confirmed they have it (Redis {@code WAIT}, sent in the same pipeline, one {@code WAIT} for all
 * writes in flight together). A write not confirmed in time is of unknown outcome: it is kept in
 * the spill store and replayed under its id on whichever master comes next, and its exactly-once
 * marker keeps it from being applied twice. Every write then goes through the exactly-once script
 * (a marker key per write, living for the marker TTL), replies of generic writes come back as
 * strings, and a master whose replicas cannot keep up counts as unavailable: writes spill until
 * replication recovers. Needs a spill store.
 *
 * <p>What {@code WAIT n} proves, and what it does not: it counts <em>any</em> n replicas of the
 * master that answered, not the one Sentinel will promote. When the master dies (SIGKILL, a crash)
 * Sentinel promotes the most up-to-date reachable replica, which holds every confirmed write, so
 * with {@code replicated(1, ...)} a confirmed write survives the master and the client dying
 * together. It does not when the old master goes on serving after the promotion: in a planned
 * {@code SENTINEL FAILOVER}, or when a paused or frozen master resumes before Sentinel demotes it,
 * a replica still following the old master confirms writes that the resync to the new master then
 * drops. There the failover journal re-applies them, and with this level it is kept on disk as well
 * ({@code journal/} in the spill directory, committed before the caller hears {@code WRITTEN}), so a
 * client process that dies during that moment is followed by one that re-applies them on start.
 */
public final class Durability {

    private static final Durability ACKNOWLEDGED = new Durability(0, Duration.ZERO);

    private final int replicas;
    private final Duration timeout;

    private Durability(int replicas, Duration timeout) {
        this.replicas = replicas;
        this.timeout = timeout;
    }

    /** @return the default: a write counts as written when the master replies */
    public static Durability acknowledged() {
        return ACKNOWLEDGED;
    }

    /**
     * @param replicas how many replicas must confirm each write (at least 1)
     * @param timeout how long to wait for them before the write is treated as of unknown outcome
     * @return the durability level
     */
    public static Durability replicated(int replicas, Duration timeout) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive (a zero WAIT timeout blocks forever)");
        }
        return new Durability(replicas, timeout);
    }

    /** @return replicas that must confirm each write; 0 for {@link #acknowledged()} */
    public int replicas() {
        return replicas;
    }

    /** @return how long to wait for the replicas */
    public Duration timeout() {
        return timeout;
    }

    boolean isReplicated() {
        return replicas > 0;
    }

    @Override
    public String toString() {
        return replicas == 0 ? "ACKNOWLEDGED" : "REPLICATED(" + replicas + " replicas within " + timeout.toMillis() + " ms)";
    }
}
