package io.resilientredis.chaos.drill;

import io.resilientredis.failover.RedisWriteRefusedException;
import io.resilientredis.failover.spill.SpillFullException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies a workload's {@link History} against what Redis holds after the run (call it once the spill
 * store has drained): every accepted write applied exactly once (counter totals, each writer's list and
 * last value), each writer's order kept, no writer saw an outage exception while the spill store had room
 * (only a full store may reject), and no read waited longer than its bound. A write Redis refused
 * ({@link RedisWriteRefusedException}: out of memory under {@code noeviction}, failing persistence) is a
 * caller-visible failure of a reachable server, not an outage: it is counted apart, never as a loss.
 * Checking a job queue consumes it (the checker drains it, see {@link DataSource#drainQueue(String)}), so
 * check a history once.
 *
 * <pre>{@code
 * try (DataSource primary = DataSource.connect(chaos.primaryEndpoint());
 *      DataSource standby = DataSource.connect(chaos.standbyEndpoint())) {
 *     Verdict verdict = new HistoryChecker(OperationKinds.defaults()).check(history, List.of(primary, standby));
 *     assertThat(verdict.passed()).as(verdict.findings().toString()).isTrue();
 * }
 * }</pre>
 */
public final class HistoryChecker {

    private final List<OperationKind> kinds;

    /** @param kinds the operation kinds the workload used */
    public HistoryChecker(List<OperationKind> kinds) {
        this.kinds = List.copyOf(kinds);
        if (this.kinds.isEmpty()) {
            throw new IllegalArgumentException("at least one operation kind");
        }
    }

    /**
     * @param history what the workload did and was told
     * @param deployments every deployment the client may have written to (primary and standbys)
     * @return the verdict
     * @throws IllegalStateException when a deployment cannot be read, or a record names an unknown kind
     */
    public Verdict check(History history, List<DataSource> deployments) {
        return check(history, deployments, v -> { });
    }

    /**
     * {@link #check(History, List)}, with more findings the caller adds (the drill's lane check on a cluster).
     *
     * @param history what the workload did and was told
     * @param deployments every deployment the client may have written to
     * @param more adds findings to the verdict before it is built
     * @return the verdict
     */
    public Verdict check(History history, List<DataSource> deployments,
                         java.util.function.Consumer<Verdict.Builder> more) {
        Objects.requireNonNull(history, "history");
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("at least one deployment to read");
        }
        Verdict.Builder verdict = new Verdict.Builder();
        Map<String, List<WriteRecord>> byKind = new LinkedHashMap<>();
        for (OperationKind kind : kinds) {
            byKind.put(kind.name(), new ArrayList<>());
        }
        long accepted = 0;
        long failed = 0;
        for (WriteRecord r : history.allWrites()) {
            List<WriteRecord> list = byKind.get(r.kind());
            if (list == null) {
                throw new IllegalStateException("the history holds writes of kind '" + r.kind()
                        + "' but the checker knows only " + byKind.keySet());
            }
            list.add(r);
            if (r.outcome().accepted()) {
                accepted++;
            } else {
                failed++;
                if (r.outcome() == WriteRecord.Outcome.IN_DOUBT) {
                    verdict.inDoubt();
                } else if (r.failure() != null && r.failure().startsWith(SpillFullException.class.getSimpleName())) {
                    verdict.spillFull();
                } else if (r.failure() != null
                        && r.failure().startsWith(RedisWriteRefusedException.class.getSimpleName())) {
                    verdict.refused();
                } else {
                    verdict.outageException("writer " + r.writer() + " write " + r.seq() + " (" + r.kind() + " "
                            + r.key() + "): " + r.failure());
                }
            }
        }
        verdict.writes(accepted, failed);
        for (OperationKind kind : kinds) {
            kind.check(byKind.get(kind.name()), deployments, verdict);
        }
        verdict.reads(history.readsOverBound(), history.maxReadWait(), history.readBound());
        more.accept(verdict);
        return verdict.build();
    }
}
