package io.resilientredis.chaos.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the {@link HistoryChecker} found: counts of each kind of violation and a readable line for each
 * (the first 100). {@link #passed()} is true only when nothing was lost, duplicated, reordered, no writer
 * saw an outage exception while the spill store had room and no read waited past its bound.
 */
public final class Verdict {

    private static final int MAX_FINDINGS = 100;

    private final long acceptedWrites;
    private final long failedWrites;
    private final long lost;
    private final long duplicated;
    private final long duplicatedAcrossDeployments;
    private final long outOfOrder;
    private final long counterShortfall;
    private final long counterExcess;
    private final long appliedDespiteFailure;
    private final long outageExceptions;
    private final long spillFullRejections;
    private final long refusedWrites;
    private final long inDoubtWrites;
    private final long readsOverBound;
    private final long healthyLaneSpills;
    private final Duration maxReadWait;
    private final Duration readBound;
    private final List<String> findings;

    private Verdict(Builder b) {
        this.acceptedWrites = b.acceptedWrites;
        this.failedWrites = b.failedWrites;
        this.lost = b.lost;
        this.duplicated = b.duplicated;
        this.duplicatedAcrossDeployments = b.duplicatedAcrossDeployments;
        this.outOfOrder = b.outOfOrder;
        this.counterShortfall = b.counterShortfall;
        this.counterExcess = b.counterExcess;
        this.appliedDespiteFailure = b.appliedDespiteFailure;
        this.outageExceptions = b.outageExceptions;
        this.spillFullRejections = b.spillFullRejections;
        this.refusedWrites = b.refusedWrites;
        this.inDoubtWrites = b.inDoubtWrites;
        this.readsOverBound = b.readsOverBound;
        this.healthyLaneSpills = b.healthyLaneSpills;
        this.maxReadWait = b.maxReadWait;
        this.readBound = b.readBound;
        this.findings = List.copyOf(b.findings);
    }

    /** @return whether the run kept every guarantee */
    public boolean passed() {
        return lost == 0 && duplicated == 0 && outOfOrder == 0 && counterShortfall == 0 && counterExcess == 0
                && outageExceptions == 0 && readsOverBound == 0 && healthyLaneSpills == 0;
    }

    /**
     * @return on a Redis Cluster, writes spilled into the lane of a shard that a single-shard fault did not
     *     hit, while it lasted (see {@code LaneReport}); 0 for other deployments
     */
    public long healthyLaneSpills() {
        return healthyLaneSpills;
    }

    /** @return writes the client accepted (written or spilled) */
    public long acceptedWrites() {
        return acceptedWrites;
    }

    /** @return writes whose call threw */
    public long failedWrites() {
        return failedWrites;
    }

    /** @return accepted writes missing from every deployment */
    public long lost() {
        return lost;
    }

    /** @return extra applications of writes (and values no write carried) */
    public long duplicated() {
        return duplicated;
    }

    /**
     * @return of {@link #duplicated()}, the writes applied once on each of two deployments: a write whose
     *     first attempt's outcome was unknown on one deployment (a timeout) and that was then retried or
     *     replayed on the other, where the first attempt's exactly-once marker does not exist
     */
    public long duplicatedAcrossDeployments() {
        return duplicatedAcrossDeployments;
    }

    /** @return places where a writer's list on one deployment is not in the writer's order */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** @return how much counters hold less than the sum of accepted increments (units) */
    public long counterShortfall() {
        return counterShortfall;
    }

    /** @return how much counters hold more than accepted plus failed increments (units) */
    public long counterExcess() {
        return counterExcess;
    }

    /** @return writes the caller was told failed that were applied anyway (not a violation: outcome unknown) */
    public long appliedDespiteFailure() {
        return appliedDespiteFailure;
    }

    /** @return writes that failed with an outage exception while the spill store had room */
    public long outageExceptions() {
        return outageExceptions;
    }

    /** @return writes rejected because the spill store was full (allowed: the store had no room) */
    public long spillFullRejections() {
        return spillFullRejections;
    }

    /**
     * @return writes a reachable Redis refused ({@code RedisWriteRefusedException}: out of memory under
     *     {@code noeviction}, failing persistence); caller-visible, allowed, never counted as lost
     */
    public long refusedWrites() {
        return refusedWrites;
    }

    /** @return writes whose caller never learned the outcome (its process died during the call); allowed */
    public long inDoubtWrites() {
        return inDoubtWrites;
    }

    /** @return reads that waited longer than {@link #readBound()} */
    public long readsOverBound() {
        return readsOverBound;
    }

    /** @return the longest wait of any read */
    public Duration maxReadWait() {
        return maxReadWait;
    }

    /** @return the longest a read was allowed to wait */
    public Duration readBound() {
        return readBound;
    }

    /** @return one line per finding (at most 100) */
    public List<String> findings() {
        return findings;
    }

    /** @return a one-line summary */
    public String summary() {
        return String.format(Locale.ROOT, "%s: %d accepted writes, %d lost, %d duplicated (%d across deployments), %d out of order, "
                        + "counters %+d/%+d units, %d outage exceptions, %d reads over %d ms (max wait %d ms)",
                passed() ? "PASSED" : "FAILED", acceptedWrites, lost, duplicated, duplicatedAcrossDeployments, outOfOrder, -counterShortfall,
                counterExcess, outageExceptions, readsOverBound, readBound.toMillis(), maxReadWait.toMillis())
                + (refusedWrites == 0 ? "" : ", " + refusedWrites + " refused by Redis")
                + (inDoubtWrites == 0 ? "" : ", " + inDoubtWrites + " in doubt (process killed)")
                + (healthyLaneSpills == 0 ? "" : ", " + healthyLaneSpills + " spilled on shards the fault did not hit");
    }

    @Override
    public String toString() {
        return "Verdict{" + summary() + "}";
    }

    /** Collects findings; {@link OperationKind}s report through it. */
    public static final class Builder {
        private long acceptedWrites;
        private long failedWrites;
        private long lost;
        private long duplicated;
        private long duplicatedAcrossDeployments;
        private long outOfOrder;
        private long counterShortfall;
        private long counterExcess;
        private long appliedDespiteFailure;
        private long outageExceptions;
        private long spillFullRejections;
        private long refusedWrites;
        private long inDoubtWrites;
        private long readsOverBound;
        private long healthyLaneSpills;
        private Duration maxReadWait = Duration.ZERO;
        private Duration readBound = Duration.ZERO;
        private final List<String> findings = new ArrayList<>();

        Builder() {
        }

        private Builder note(String detail) {
            if (findings.size() < MAX_FINDINGS) {
                findings.add(detail);
            }
            return this;
        }

        /**
         * @param n accepted writes missing from every deployment
         * @param detail which, in words
         * @return this builder
         */
        public Builder lost(long n, String detail) {
            lost += n;
            return note("LOST " + detail);
        }

        /**
         * @param n extra applications
         * @param detail which, in words
         * @return this builder
         */
        public Builder duplicated(long n, String detail) {
            duplicated += n;
            return note("DUPLICATED " + detail);
        }

        /**
         * @param n extra applications, each on a different deployment than the write's other application
         * @param detail which, in words
         * @return this builder
         * @see Verdict#duplicatedAcrossDeployments()
         */
        public Builder duplicatedAcrossDeployments(long n, String detail) {
            duplicated += n;
            duplicatedAcrossDeployments += n;
            return note("DUPLICATED ACROSS DEPLOYMENTS " + detail);
        }

        /**
         * @param n places out of the writer's order
         * @param detail where, in words
         * @return this builder
         */
        public Builder outOfOrder(long n, String detail) {
            outOfOrder += n;
            return note("OUT OF ORDER " + detail);
        }

        /**
         * @param shortfall units missing from a counter (0 when none)
         * @param excess units beyond every possible application (0 when none)
         * @param detail which counter, in words
         * @return this builder
         */
        public Builder counterMismatch(long shortfall, long excess, String detail) {
            counterShortfall += shortfall;
            counterExcess += excess;
            return note("COUNTER " + detail);
        }

        /**
         * @param n writes the caller was told failed that were applied anyway
         * @param detail which, in words
         * @return this builder
         */
        public Builder appliedDespiteFailure(long n, String detail) {
            appliedDespiteFailure += n;
            return note("APPLIED DESPITE FAILURE (not a violation) " + detail);
        }

        /**
         * @param n writes spilled into the lane of a shard a single-shard fault did not hit
         * @param detail which fault and which shards, in words
         * @return this builder
         */
        public Builder healthyLaneSpills(long n, String detail) {
            healthyLaneSpills += n;
            return note("SPILLED ON A HEALTHY SHARD " + detail);
        }

        Builder writes(long accepted, long failed) {
            acceptedWrites += accepted;
            failedWrites += failed;
            return this;
        }

        Builder outageException(String detail) {
            outageExceptions++;
            return note("OUTAGE EXCEPTION " + detail);
        }

        Builder spillFull() {
            spillFullRejections++;
            return this;
        }

        Builder refused() {
            refusedWrites++;
            return this;
        }

        Builder inDoubt() {
            inDoubtWrites++;
            return this;
        }

        Builder reads(long overBound, Duration maxWait, Duration bound) {
            readsOverBound = overBound;
            maxReadWait = maxWait;
            readBound = bound;
            if (overBound > 0) {
                note("SLOW READS " + overBound + " read(s) waited longer than " + bound.toMillis()
                        + " ms; the longest " + maxWait.toMillis() + " ms");
            }
            return this;
        }

        Verdict build() {
            return new Verdict(this);
        }
    }
}
