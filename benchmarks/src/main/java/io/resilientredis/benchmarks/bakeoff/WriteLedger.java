package io.resilientredis.benchmarks.bakeoff;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the writers were told (which sequence numbers each writer's calls acknowledged) and the
 * accounting against what Redis holds at the end: writes lost (acknowledged, absent), writes
 * duplicated (extra copies of a sequence number) and writes applied although the caller saw only
 * errors for them (not lost, not duplicated: an outcome the caller could not know).
 */
final class WriteLedger {

    private final BitSet[] acknowledged;

    WriteLedger(int writers) {
        acknowledged = new BitSet[writers];
        for (int i = 0; i < writers; i++) {
            acknowledged[i] = new BitSet();
        }
    }

    /** Called by writer {@code writer}'s own thread only. */
    void acknowledge(int writer, long seq) {
        BitSet set = acknowledged[writer];
        synchronized (set) {
            set.set(Math.toIntExact(seq));
        }
    }

    int writers() {
        return acknowledged.length;
    }

    long acknowledgedCount() {
        long n = 0;
        for (BitSet set : acknowledged) {
            synchronized (set) {
                n += set.cardinality();
            }
        }
        return n;
    }

    /**
     * @param stored per writer, the list of elements Redis holds under {@code writer:<n>}, merged
     *               over every deployment the client may have written to
     * @return the accounting
     */
    Accounting account(Map<Integer, List<String>> stored) {
        long lost = 0;
        long duplicated = 0;
        long appliedUnacknowledged = 0;
        long foreign = 0;
        for (int w = 0; w < acknowledged.length; w++) {
            BitSet acked;
            synchronized (acknowledged[w]) {
                acked = (BitSet) acknowledged[w].clone();
            }
            Map<Integer, Integer> counts = new HashMap<>();
            for (String element : stored.getOrDefault(w, List.of())) {
                int seq;
                try {
                    seq = Integer.parseInt(element);
                } catch (NumberFormatException e) {
                    foreign++;
                    continue;
                }
                counts.merge(seq, 1, Integer::sum);
            }
            for (int seq = acked.nextSetBit(0); seq >= 0; seq = acked.nextSetBit(seq + 1)) {
                if (!counts.containsKey(seq)) {
                    lost++;
                }
            }
            for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
                duplicated += e.getValue() - 1;
                if (!acked.get(e.getKey())) {
                    appliedUnacknowledged++;
                }
            }
        }
        return new Accounting(acknowledgedCount(), lost, duplicated, appliedUnacknowledged, foreign);
    }

    /**
     * @param acknowledged writes the callers were told succeeded
     * @param lost acknowledged writes absent from Redis
     * @param duplicated extra copies in Redis (a write present three times counts 2)
     * @param appliedUnacknowledged distinct writes present in Redis that no call acknowledged
     * @param foreign elements that are not sequence numbers (should be 0)
     */
    record Accounting(long acknowledged, long lost, long duplicated, long appliedUnacknowledged, long foreign) {
    }
}
