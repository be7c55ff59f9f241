package io.resilientredis.chaos.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One node's CLUSTER NODES reply, parsed: per node id its port, flags, master and slot ranges. */
final class ClusterView {

    /** One line of CLUSTER NODES. */
    record Entry(String id, int port, Set<String> flags, String masterId, List<SlotRange> slots) {

        boolean isMaster() {
            return flags.contains("master");
        }

        boolean failed() {
            return flags.contains("fail") || flags.contains("fail?");
        }

        boolean handshaking() {
            return flags.contains("handshake") || flags.contains("noaddr");
        }
    }

    private final Map<String, Entry> entries;

    private ClusterView(Map<String, Entry> entries) {
        this.entries = entries;
    }

    static ClusterView parse(String clusterNodes) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (String line : clusterNodes.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] f = trimmed.split(" ");
            String address = f[1];
            int at = address.indexOf('@');
            String hostPort = at < 0 ? address : address.substring(0, at);
            String portText = hostPort.substring(hostPort.lastIndexOf(':') + 1);
            int port = portText.isEmpty() ? 0 : Integer.parseInt(portText);
            Set<String> flags = new TreeSet<>(List.of(f[2].split(",")));
            List<SlotRange> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (!f[i].startsWith("[")) {   // [slot->-id] / [slot-<-id]: a migration in progress
                    slots.add(SlotRange.parse(f[i]));
                }
            }
            entries.put(f[0], new Entry(f[0], port, flags, f[3], slots));
        }
        return new ClusterView(entries);
    }

    Map<String, Entry> entries() {
        return entries;
    }

    Entry entry(String id) {
        return entries.get(id);
    }

    /** The id of the master serving {@code slot}, or null when no node does. */
    String ownerOf(int slot) {
        for (Entry e : entries.values()) {
            if (e.isMaster() && e.slots.stream().anyMatch(r -> r.contains(slot))) {
                return e.id;
            }
        }
        return null;
    }

    /**
     * What every node must agree on: who is master or replica of whom and which master serves which slots;
     * not the flags that differ between observers ({@code myself}, {@code fail?}).
     */
    Set<String> signature() {
        Set<String> lines = new TreeSet<>();
        for (Entry e : entries.values()) {
            lines.add(e.id + (e.isMaster() ? " master " + e.slots : " replica-of " + e.masterId));
        }
        return lines;
    }
}
