package io.resilientredis.chaos.drill;

import io.resilientredis.client.ResilientRedis;
import io.resilientredis.client.queue.JobQueue;
import io.resilientredis.failover.WriteReceipt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The built-in {@link OperationKind}s: shared counters ({@code INCRBY}, exactly once), per-writer
 * last-value keys ({@code SET}, idempotent, order matters), per-writer ordered lists ({@code RPUSH},
 * exactly once, order matters) and job enqueues ({@code JobQueue.enqueue}, exactly once under the job id).
 */
public final class OperationKinds {

    /** Counters shared by all writers, so concurrent increments meet on the same keys. */
    static final int COUNTERS = 4;

    private OperationKinds() {
    }

    /** @return counters, sets, lists and job enqueues, in that order (a writer cycles through them) */
    public static List<OperationKind> defaults() {
        return List.of(counter(), set(), list(), jobs());
    }

    /**
     * The {@link #defaults()} for a Redis the drill does not own: the SETs carry {@link #KEY_TTL}, since each
     * SET would clear the TTL the drill gives its keys.
     *
     * @return counters, sets with a TTL, lists and job enqueues
     */
    public static List<OperationKind> defaultsWithTtl() {
        return List.of(counter(), new LastValue(KEY_TTL), list(), jobs());
    }

    /**
     * INCRBY on one of four shared counters by 1 to 9. Verified by totals: each counter, summed over the
     * deployments, must equal the sum of the accepted increments.
     *
     * @return the kind
     */
    public static OperationKind counter() {
        return new Counter();
    }

    /**
     * SET of the writer's own key to its sequence number. Verified by the last value: the highest value
     * over the deployments must be the writer's last accepted one (an older replay overwriting a newer
     * write, or the last write lost, both show).
     *
     * @return the kind
     */
    public static OperationKind set() {
        return new LastValue(null);
    }

    /**
     * RPUSH of the sequence number to the writer's own list. Verified element by element: each accepted
     * number exactly once over the deployments, and each deployment's list in the writer's order.
     *
     * @return the kind
     */
    public static OperationKind list() {
        return new OrderedList();
    }

    /**
     * A job enqueue on the writer's own queue ({@code <namespace>:jobs:<writer>}), the payload its
     * sequence number; the receipt's id is the job id. Verified by draining every deployment's queue with
     * take and ack, as a worker would ({@link DataSource#drainQueue(String)}; the check consumes the
     * queues): each accepted job id delivered exactly once over the deployments, no job delivered that no
     * write carried, each deployment's deliveries in the writer's order, and each job's payload the one
     * its enqueue carried.
     *
     * @return the kind
     */
    public static OperationKind jobs() {
        return new JobEnqueue();
    }

    /** How long the drill's keys live unless the drill removes them first (it refreshes the TTL while it runs). */
    public static final java.time.Duration KEY_TTL = java.time.Duration.ofHours(1);

    private static Map<String, List<WriteRecord>> byKey(List<WriteRecord> records) {
        Map<String, List<WriteRecord>> keys = new LinkedHashMap<>();
        for (WriteRecord r : records) {
            keys.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        return keys;
    }

    static long parse(String value, String key, DataSource source) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(key + " on " + source.name() + " holds '" + value
                    + "', not a number: another program wrote to the drill's keys", e);
        }
    }

    private static final class Counter implements OperationKind {
        @Override
        public String name() {
            return "counter";
        }

        @Override
        public String key(String namespace, int writer, long seq) {
            return namespace + ":counter:" + Math.floorMod(seq + writer, COUNTERS);
        }

        @Override
        public long value(int writer, long seq, SplittableRandom random) {
            return 1 + random.nextInt(9);
        }

        @Override
        public WriteReceipt<?> perform(ResilientRedis redis, String key, long value, long seq) {
            return redis.incrBy(key, value);
        }

        @Override
        public void check(List<WriteRecord> records, List<DataSource> deployments, Verdict.Builder verdict) {
            for (Map.Entry<String, List<WriteRecord>> e : byKey(records).entrySet()) {
                long accepted = 0;
                long failed = 0;
                for (WriteRecord r : e.getValue()) {
                    if (r.outcome().accepted()) {
                        accepted += r.value();
                    } else {
                        failed += r.value();
                    }
                }
                long actual = 0;
                StringBuilder where = new StringBuilder();
                for (DataSource d : deployments) {
                    String v = d.get(e.getKey());
                    long n = v == null ? 0 : parse(v, e.getKey(), d);
                    actual += n;
                    where.append(where.length() == 0 ? "" : ", ").append(d.name()).append('=').append(n);
                }
                if (actual < accepted) {
                    verdict.counterMismatch(accepted - actual, 0, e.getKey() + " holds " + actual + " (" + where
                            + ") but accepted increments sum to " + accepted);
                } else if (actual > accepted + failed) {
                    verdict.counterMismatch(0, actual - accepted - failed, e.getKey() + " holds " + actual + " ("
                            + where + ") but accepted increments sum to " + accepted + " (+" + failed
                            + " from failed calls)");
                } else if (actual > accepted) {
                    verdict.appliedDespiteFailure(1, e.getKey() + " holds " + (actual - accepted)
                            + " more than accepted, within the " + failed + " of failed calls");
                }
            }
        }
    }

    private static final class LastValue implements OperationKind {
        private final java.time.Duration ttl;

        LastValue(java.time.Duration ttl) {
            this.ttl = ttl;
        }

        @Override
        public String name() {
            return "set";
        }

        @Override
        public String key(String namespace, int writer, long seq) {
            return namespace + ":last:" + writer;
        }

        @Override
        public long value(int writer, long seq, SplittableRandom random) {
            return seq;
        }

        @Override
        public WriteReceipt<?> perform(ResilientRedis redis, String key, long value, long seq) {
            return ttl == null ? redis.set(key, Long.toString(value)) : redis.set(key, Long.toString(value), ttl);
        }

        @Override
        public void check(List<WriteRecord> records, List<DataSource> deployments, Verdict.Builder verdict) {
            for (Map.Entry<String, List<WriteRecord>> e : byKey(records).entrySet()) {
                long lastAccepted = 0;
                Set<Long> failed = new HashSet<>();
                for (WriteRecord r : e.getValue()) {
                    if (r.outcome().accepted()) {
                        lastAccepted = Math.max(lastAccepted, r.value());
                    } else {
                        failed.add(r.value());
                    }
                }
                long highest = 0;
                StringBuilder where = new StringBuilder();
                for (DataSource d : deployments) {
                    String v = d.get(e.getKey());
                    long n = v == null ? 0 : parse(v, e.getKey(), d);
                    highest = Math.max(highest, n);
                    where.append(where.length() == 0 ? "" : ", ").append(d.name()).append('=').append(v);
                }
                if (highest < lastAccepted) {
                    verdict.lost(1, e.getKey() + ": the last accepted SET was " + lastAccepted + " but the key holds "
                            + where + " (the write was lost, or an older write replayed over it)");
                } else if (highest > lastAccepted) {
                    if (failed.contains(highest)) {
                        verdict.appliedDespiteFailure(1, e.getKey() + " holds " + highest
                                + " from a call that threw");
                    } else {
                        verdict.duplicated(1, e.getKey() + " holds " + where + ", a value no write carried");
                    }
                }
            }
        }
    }

    private static final class OrderedList implements OperationKind {
        @Override
        public String name() {
            return "list";
        }

        @Override
        public String key(String namespace, int writer, long seq) {
            return namespace + ":list:" + writer;
        }

        @Override
        public long value(int writer, long seq, SplittableRandom random) {
            return seq;
        }

        @Override
        public WriteReceipt<?> perform(ResilientRedis redis, String key, long value, long seq) {
            return redis.rpush(key, Long.toString(value));
        }

        @Override
        public void check(List<WriteRecord> records, List<DataSource> deployments, Verdict.Builder verdict) {
            for (Map.Entry<String, List<WriteRecord>> e : byKey(records).entrySet()) {
                String key = e.getKey();
                Map<Long, WriteRecord> bySeq = new HashMap<>();
                for (WriteRecord r : e.getValue()) {
                    bySeq.put(r.value(), r);
                }
                Map<Long, List<String>> seenOn = new TreeMap<>();
                for (DataSource d : deployments) {
                    long previous = Long.MIN_VALUE;
                    long descents = 0;
                    String firstDescent = null;
                    for (String element : d.list(key)) {
                        long n = parse(element, key, d);
                        seenOn.computeIfAbsent(n, x -> new ArrayList<>(2)).add(d.name());
                        if (n <= previous) {
                            descents++;
                            if (firstDescent == null) {
                                firstDescent = n + " after " + previous;
                            }
                        }
                        previous = n;
                    }
                    if (descents > 0) {
                        verdict.outOfOrder(descents, key + " on " + d.name() + " is out of the writer's order "
                                + descents + " time(s), first " + firstDescent);
                    }
                }
                List<Long> missing = new ArrayList<>();
                List<Long> sameDeployment = new ArrayList<>();
                List<Long> crossDeployment = new ArrayList<>();
                long sameExtra = 0;
                long crossExtra = 0;
                for (WriteRecord r : e.getValue()) {
                    List<String> on = seenOn.getOrDefault(r.value(), List.of());
                    if (r.outcome().accepted() && on.isEmpty()) {
                        missing.add(r.value());
                    }
                    if (on.size() > 1) {
                        int distinct = new HashSet<>(on).size();
                        if (distinct > 1) {
                            crossDeployment.add(r.value());
                            crossExtra += distinct - 1;
                        }
                        if (on.size() > distinct) {
                            sameDeployment.add(r.value());
                            sameExtra += on.size() - distinct;
                        }
                    }
                    if (!r.outcome().accepted() && !on.isEmpty()) {
                        verdict.appliedDespiteFailure(1, key + ": " + describe(r, on) + " is there though its call threw");
                    }
                }
                if (!missing.isEmpty()) {
                    verdict.lost(missing.size(), key + ": " + missing.size() + " accepted element(s) missing, first "
                            + describe(missing, bySeq, seenOn));
                }
                if (sameExtra > 0) {
                    verdict.duplicated(sameExtra, key + ": " + sameDeployment.size() + " element(s) applied more than "
                            + "once on the same deployment, first " + describe(sameDeployment, bySeq, seenOn));
                }
                if (crossExtra > 0) {
                    verdict.duplicatedAcrossDeployments(crossExtra, key + ": " + crossDeployment.size()
                            + " element(s) applied on more than one deployment, first "
                            + describe(crossDeployment, bySeq, seenOn));
                }
                for (Map.Entry<Long, List<String>> seen : seenOn.entrySet()) {
                    if (!bySeq.containsKey(seen.getKey())) {
                        verdict.duplicated(seen.getValue().size(), key + ": " + seen.getKey()
                                + " is there but no write carried it");
                    }
                }
            }
        }

        private static String describe(List<Long> values, Map<Long, WriteRecord> bySeq, Map<Long, List<String>> seenOn) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.min(5, values.size()); i++) {
                long n = values.get(i);
                b.append(i == 0 ? "" : "; ").append(describe(bySeq.get(n), seenOn.getOrDefault(n, List.of())));
            }
            return b.toString();
        }

        private static String describe(WriteRecord r, List<String> on) {
            return String.format(java.util.Locale.ROOT, "%d (%s at %.1f s%s)", r.value(), r.outcome(),
                    r.atMillis() / 1000.0, on.isEmpty() ? ", nowhere" : ", on " + String.join("+", on));
        }
    }

    private static final class JobEnqueue implements OperationKind {

        /** The queue handle of the client last seen, per queue name (writers of one run share the client). */
        private final Map<String, Handle> queues = new java.util.concurrent.ConcurrentHashMap<>();

        private record Handle(ResilientRedis redis, JobQueue queue) {
        }

        @Override
        public String name() {
            return "job";
        }

        @Override
        public String key(String namespace, int writer, long seq) {
            return namespace + ":jobs:" + writer;
        }

        @Override
        public long value(int writer, long seq, SplittableRandom random) {
            return seq;
        }

        @Override
        public WriteReceipt<?> perform(ResilientRedis redis, String key, long value, long seq) {
            Handle h = queues.get(key);
            if (h == null || h.redis() != redis) {
                h = new Handle(redis, redis.queue(key));
                queues.put(key, h);
            }
            return h.queue().enqueue(Long.toString(value));
        }

        @Override
        public List<String> redisKeys(ResilientRedis redis, String key) {
            return redis.queue(key).redisKeys();
        }

        @Override
        public void check(List<WriteRecord> records, List<DataSource> deployments, Verdict.Builder verdict) {
            for (Map.Entry<String, List<WriteRecord>> e : byKey(records).entrySet()) {
                String queue = e.getKey();
                Map<String, WriteRecord> byId = new HashMap<>();
                Map<Long, WriteRecord> bySeq = new HashMap<>();
                for (WriteRecord r : e.getValue()) {
                    bySeq.put(r.value(), r);
                    if (r.outcome().accepted() && r.receiptId() != null) {
                        byId.put(r.receiptId(), r);
                    }
                }
                Map<String, List<String>> deliveredOn = new HashMap<>();
                Set<Long> appliedFailures = new HashSet<>();
                for (DataSource d : deployments) {
                    long previous = Long.MIN_VALUE;
                    long descents = 0;
                    String firstDescent = null;
                    for (DataSource.DeliveredJob job : d.drainQueue(queue)) {
                        long n = parse(job.payload(), queue + " job " + job.id(), d);
                        deliveredOn.computeIfAbsent(job.id(), x -> new ArrayList<>(2)).add(d.name());
                        if (n <= previous) {
                            descents++;
                            if (firstDescent == null) {
                                firstDescent = n + " after " + previous;
                            }
                        }
                        previous = n;
                        WriteRecord r = byId.get(job.id());
                        if (r == null) {
                            WriteRecord carried = bySeq.get(n);
                            if (carried != null && !carried.outcome().accepted()) {
                                if (appliedFailures.add(n)) {
                                    verdict.appliedDespiteFailure(1, queue + ": job " + job.id() + " (" + n + ", "
                                            + carried.outcome() + ") delivered by " + d.name() + " though its call "
                                            + "did not return it");
                                }
                            } else {
                                verdict.duplicated(1, queue + ": job " + job.id() + " (payload " + n + ") delivered by "
                                        + d.name() + " but no accepted enqueue returned that id");
                            }
                        } else if (r.value() != n) {
                            verdict.duplicated(1, queue + ": job " + job.id() + " carries " + n + " on " + d.name()
                                    + " but its enqueue carried " + r.value());
                        }
                    }
                    if (descents > 0) {
                        verdict.outOfOrder(descents, queue + " on " + d.name() + " delivered out of the writer's order "
                                + descents + " time(s), first " + firstDescent);
                    }
                }
                List<String> missing = new ArrayList<>();
                for (Map.Entry<String, WriteRecord> accepted : byId.entrySet()) {
                    List<String> on = deliveredOn.getOrDefault(accepted.getKey(), List.of());
                    if (on.isEmpty()) {
                        missing.add(accepted.getKey() + " (" + accepted.getValue().value() + ", "
                                + accepted.getValue().outcome() + String.format(java.util.Locale.ROOT, " at %.1f s)",
                                accepted.getValue().atMillis() / 1000.0));
                    } else if (on.size() > 1) {
                        int distinct = new HashSet<>(on).size();
                        if (distinct > 1) {
                            verdict.duplicatedAcrossDeployments(distinct - 1, queue + ": job " + accepted.getKey()
                                    + " delivered by " + String.join(" and ", on));
                        }
                        if (on.size() > distinct) {
                            verdict.duplicated(on.size() - distinct, queue + ": job " + accepted.getKey()
                                    + " delivered " + on.size() + " times (" + String.join(", ", on) + ")");
                        }
                    }
                }
                long acceptedWithoutId = e.getValue().stream()
                        .filter(r -> r.outcome().accepted() && r.receiptId() == null).count();
                if (acceptedWithoutId > 0) {
                    throw new IllegalStateException(queue + ": " + acceptedWithoutId + " accepted enqueue(s) have no "
                            + "job id in the history; record the receipt's id (WriteRecord.receiptId)");
                }
                if (!missing.isEmpty()) {
                    java.util.Collections.sort(missing);
                    verdict.lost(missing.size(), queue + ": " + missing.size() + " accepted job(s) never delivered, "
                            + "first " + String.join("; ", missing.subList(0, Math.min(5, missing.size()))));
                }
            }
        }
    }
}
