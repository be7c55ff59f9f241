package io.resilientredis.client;

import io.resilientredis.client.internal.HashSlots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Redis Cluster's shards as one node's {@code CLUSTER NODES} reply reports them: each master that
 * serves slots, its replicas, its slot ranges and whether the cluster flags it as failing. Immutable.
 *
 * @param shards the masters that serve slots, in the order of their first slot
 * @param owner for each slot, the index in {@code shards} of the shard serving it, or -1
 */
record ClusterMap(List<Shard> shards, int[] owner) {

    /**
     * One shard.
     *
     * @param masterId the master's node id
     * @param master the master's address as the cluster announces it ({@code host:port})
     * @param replicas its replicas' announced addresses
     * @param ranges its slot ranges, each {@code {first, last}}, ascending
     * @param failing whether the master is flagged {@code fail} or {@code fail?}
     */
    record Shard(String masterId, String master, List<String> replicas, List<int[]> ranges, boolean failing) {

        /** @return the ranges as {@code first-last} (or one slot) */
        List<String> rangeText() {
            return ClusterMap.rangeText(ranges);
        }

        int firstSlot() {
            return ranges.get(0)[0];
        }
    }

    /**
     * @param reply the text of {@code CLUSTER NODES}
     * @return the map
     * @throws IllegalArgumentException when a line is not a node line
     */
    static ClusterMap parse(String reply) {
        Map<String, String[]> nodes = new LinkedHashMap<>();
        for (String line : reply.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split(" ");
            if (f.length < 8) {
                throw new IllegalArgumentException("not a CLUSTER NODES line: " + l);
            }
            nodes.put(f[0], f);
        }
        List<Shard> shards = new ArrayList<>();
        for (String[] f : nodes.values()) {
            List<String> flags = List.of(f[2].split(","));
            if (!flags.contains("master") || flags.contains("noaddr")) {
                continue;
            }
            List<int[]> ranges = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                String s = f[i];
                if (s.startsWith("[")) {
                    continue; // a slot being migrated or imported: still served by its owner
                }
                int dash = s.indexOf('-');
                int first = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(s.substring(dash + 1));
                ranges.add(new int[] {first, last});
            }
            if (ranges.isEmpty()) {
                continue;
            }
            ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<String> replicas = new ArrayList<>();
            for (String[] r : nodes.values()) {
                if (r[3].equals(f[0]) && !List.of(r[2].split(",")).contains("noaddr")) {
                    replicas.add(address(r[1]));
                }
            }
            shards.add(new Shard(f[0], address(f[1]), List.copyOf(replicas), List.copyOf(ranges),
                    flags.contains("fail") || flags.contains("fail?")));
        }
        shards.sort((a, b) -> Integer.compare(a.firstSlot(), b.firstSlot()));
        int[] owner = new int[HashSlots.SLOTS];
        Arrays.fill(owner, -1);
        for (int i = 0; i < shards.size(); i++) {
            for (int[] r : shards.get(i).ranges()) {
                for (int s = r[0]; s <= r[1]; s++) {
                    owner[s] = i;
                }
            }
        }
        return new ClusterMap(List.copyOf(shards), owner);
    }

    /** {@code ip:port@cport[,hostname]} to {@code ip:port}. */
    private static String address(String field) {
        int at = field.indexOf('@');
        return at < 0 ? field : field.substring(0, at);
    }

    /** @return slots as ranges of consecutive slots, {@code first-last} or one slot */
    static List<String> rangeText(List<int[]> ranges) {
        List<String> out = new ArrayList<>(ranges.size());
        for (int[] r : ranges) {
            out.add(r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1]);
        }
        return out;
    }

    /** @return the ranges of consecutive slots in {@code slots} (ascending) */
    static List<int[]> ranges(int[] slots) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < slots.length; ) {
            int j = i;
            while (j + 1 < slots.length && slots[j + 1] == slots[j] + 1) {
                j++;
            }
            out.add(new int[] {slots[i], slots[j]});
            i = j + 1;
        }
        return out;
    }
}
