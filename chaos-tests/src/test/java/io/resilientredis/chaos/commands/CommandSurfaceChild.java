package io.resilientredis.chaos.commands;

import io.resilientredis.chaos.spill.SpillWriterChild;
import io.resilientredis.client.LaneStatus;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service JVM for {@link CommandSurface#killedWhileSpilledTheNextClientReplaysToTheSameState}: builds a
 * client on an endpoint nothing can reach, runs {@link CommandSurface#exercise} once, and prints
 * {@code SPILLED <n> <lane>=<depth>...} when every receipt is {@code SPILLED} (the spill depth per lane; a
 * single {@code 0=<depth>} without lanes), else {@code NOT_SPILLED <index> <status>}. Then it blocks,
 * without closing the client, until it is killed; should its parent die instead (stdin at its end), it
 * halts.
 *
 * <p>A shutdown hook writes {@code hook} into the marker path: a SIGKILL runs no hook, so the parent
 * checks the file is absent.
 *
 * <p>Arguments: spill directory, endpoint ({@link #endpointArg}'s forms), hash tag, marker path.
 */
public final class CommandSurfaceChild {

    private CommandSurfaceChild() {
    }

    /**
     * @param arg {@code redis://host:port}; {@code cluster:...} as {@link SpillWriterChild#clusterArg} writes
     *     it; or {@code sentinel:<master>@<sentinel>,...;<announced>=<dialled>,...}
     * @return the endpoint
     */
    static RedisEndpoint endpoint(String arg) {
        if (!arg.startsWith("sentinel:")) {
            return SpillWriterChild.endpoint(arg);
        }
        String[] parts = arg.substring("sentinel:".length()).split(";", -1);
        String master = parts[0].substring(0, parts[0].indexOf('@'));
        List<String> sentinels = List.of(parts[0].substring(parts[0].indexOf('@') + 1).split(","));
        return RedisEndpoint.sentinel(master, sentinels).withNatMap(nat(parts.length > 1 ? parts[1] : ""));
    }

    /**
     * @param master the Sentinels' name of the master
     * @param sentinels {@code host:port} of each Sentinel
     * @param nat announced address to dialled address
     * @return the argument {@link #endpoint} reads back
     */
    static String sentinelArg(String master, List<String> sentinels, Map<String, String> nat) {
        StringBuilder sb = new StringBuilder("sentinel:").append(master).append('@')
                .append(String.join(",", sentinels)).append(';');
        nat.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == ';' ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    private static Map<String, String> nat(String pairs) {
        Map<String, String> nat = new LinkedHashMap<>();
        if (!pairs.isEmpty()) {
            for (String pair : pairs.split(",")) {
                String[] kv = pair.split("=");
                nat.put(kv[0], kv[1]);
            }
        }
        return nat;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        RedisEndpoint endpoint = endpoint(args[1]);
        String tag = args[2];
        Path marker = Path.of(args[3]);
        PrintStream out = System.out;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(marker, "hook");
            } catch (IOException e) {
                // nothing to report to: the parent reads the file, not this JVM's output
            }
        }, "command-surface-child-hook"));
        ResilientRedis client = CommandSurface.client(endpoint, dir).build();
        List<WriteReceipt<?>> receipts = CommandSurface.exercise(client, tag);
        String line = "SPILLED " + receipts.size() + depths(client);
        for (int i = 0; i < receipts.size(); i++) {
            if (receipts.get(i).status() != WriteStatus.SPILLED) {
                line = "NOT_SPILLED " + i + " " + receipts.get(i).status();
                break;
            }
        }
        out.println(line);
        out.flush();
        // Blocks, the client open, until SIGKILL. End of stdin means the parent is gone: halt, hooks skipped.
        while (System.in.read() >= 0) {
            // the parent writes nothing
        }
        Runtime.getRuntime().halt(3);
    }

    private static String depths(ResilientRedis client) {
        List<LaneStatus> lanes = client.status().lanes();
        if (lanes.isEmpty()) {
            return " 0=" + client.status().spill().depth();
        }
        StringBuilder sb = new StringBuilder();
        for (LaneStatus lane : lanes) {
            sb.append(' ').append(lane.lane()).append('=').append(lane.spill().depth());
        }
        return sb.toString();
    }
}
