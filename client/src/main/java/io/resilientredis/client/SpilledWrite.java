package io.resilientredis.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A write in the byte form the spill store keeps. Two forms:
 * <ul>
 *   <li>a command: the Redis command and its arguments, applied through the exactly-once marker
 *       script when {@code exactlyOnce} (format version 1, unchanged, so older clients still
 *       replay such entries);</li>
 *   <li>a named script with keys and arguments (format version 2), for writes that need several
 *       commands atomically, such as a job enqueue. The script is looked up by name in
 *       {@link NamedScript} at replay, so the store holds no Lua; it receives ARGV[1] = the
 *       marker TTL in seconds and ARGV[2] = {@code 1} when applied directly (the caller waits for
 *       the reply) or {@code 0} on replay, then {@code args}. An exactly-once script checks and
 *       sets its own marker.</li>
 * </ul>
 *
 * @param id the write id (the marker key suffix)
 * @param exactlyOnce whether the write is applied under its id's marker
 * @param command the command name; null for the script form
 * @param args the arguments, keys included for the command form, as bytes
 * @param script the script name; null for the command form
 * @param keys the script's KEYS; empty for the command form
 */
record SpilledWrite(String id, boolean exactlyOnce, String command, List<byte[]> args, String script,
                    List<String> keys) {

    /** Command form. */
    private static final int VERSION_COMMAND = 1;
    /** Named-script form. */
    private static final int VERSION_SCRIPT = 2;

    SpilledWrite {
        if ((command == null) == (script == null)) {
            throw new IllegalArgumentException("a spilled write is either a command or a script");
        }
        args = List.copyOf(args);
        keys = List.copyOf(keys);
    }

    /** The command form. */
    SpilledWrite(String id, boolean exactlyOnce, String command, List<byte[]> args) {
        this(id, exactlyOnce, command, args, null, List.of());
    }

    /** The named-script form. */
    static SpilledWrite script(String id, boolean exactlyOnce, String script, List<String> keys, List<byte[]> args) {
        return new SpilledWrite(id, exactlyOnce, null, args, script, keys);
    }

    boolean isScript() {
        return script != null;
    }

    /**
     * @return about how much heap this write holds while the failover journal keeps it: its
     *     arguments and keys plus ~300 bytes of objects around them (measured: 392 bytes for a SET of
     *     a 16-byte key and value, JournalCostBenchmark)
     */
    int sizeHint() {
        long n = 300 + id.length();
        for (byte[] a : args) {
            n += a.length + 24;
        }
        for (String k : keys) {
            n += 2L * k.length() + 40;
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + args.size() * 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(isScript() ? VERSION_SCRIPT : VERSION_COMMAND);
            out.writeByte(exactlyOnce ? 1 : 0);
            out.writeUTF(id);
            if (isScript()) {
                out.writeUTF(script);
                out.writeInt(keys.size());
                for (String k : keys) {
                    out.writeUTF(k);
                }
            } else {
                out.writeUTF(command);
            }
            out.writeInt(args.size());
            for (byte[] a : args) {
                out.writeInt(a.length);
                out.write(a);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SpilledWrite decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
            int version = in.readUnsignedByte();
            if (version != VERSION_COMMAND && version != VERSION_SCRIPT) {
                throw new IllegalArgumentException("spilled write has format version " + version
                        + "; this client reads versions " + VERSION_COMMAND + " and " + VERSION_SCRIPT
                        + " (downgrade? replay it with a newer client)");
            }
            boolean once = in.readUnsignedByte() == 1;
            String id = in.readUTF();
            String name = in.readUTF();
            List<String> keys = new ArrayList<>();
            if (version == VERSION_SCRIPT) {
                int k = in.readInt();
                for (int i = 0; i < k; i++) {
                    keys.add(in.readUTF());
                }
            }
            int n = in.readInt();
            List<byte[]> args = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] a = new byte[in.readInt()];
                in.readFully(a);
                args.add(a);
            }
            return version == VERSION_SCRIPT ? script(id, once, name, keys, args) : new SpilledWrite(id, once, name, args);
        } catch (IOException e) {
            throw new IllegalArgumentException("spilled write is truncated or corrupt", e);
        }
    }

    /** ARGV for the scripts: the command name, then its arguments. */
    Object[] commandArgv() {
        Object[] argv = new Object[args.size() + 1];
        argv[0] = command.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < args.size(); i++) {
            argv[i + 1] = args.get(i);
        }
        return argv;
    }

    /** ARGV for the exactly-once script: the marker TTL, the command name, then its arguments. */
    Object[] onceArgv(long markerTtlSeconds) {
        Object[] argv = new Object[args.size() + 2];
        argv[0] = Long.toString(markerTtlSeconds).getBytes(StandardCharsets.UTF_8);
        argv[1] = command.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < args.size(); i++) {
            argv[i + 2] = args.get(i);
        }
        return argv;
    }

    /**
     * ARGV for a named script: the marker TTL, whether applied directly, then the arguments.
     *
     * @param markerTtlSeconds marker TTL
     * @param direct true when the caller waits for the reply, false on replay
     */
    Object[] scriptArgv(long markerTtlSeconds, boolean direct) {
        Object[] argv = new Object[args.size() + 2];
        argv[0] = Long.toString(markerTtlSeconds).getBytes(StandardCharsets.UTF_8);
        argv[1] = (direct ? "1" : "0").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < args.size(); i++) {
            argv[i + 2] = args.get(i);
        }
        return argv;
    }

    /** @return the script's keys as Redisson takes them */
    List<Object> scriptKeys() {
        return new ArrayList<>(keys);
    }

    String markerKey() {
        return Scripts.MARKER_PREFIX + id;
    }
}
