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
 * A write in the byte form the spill store keeps: the Redis command and its arguments, its id,
 * and whether it must be applied through the exactly-once marker. Versioned, so a store written
 * by an older client can be replayed by a newer one.
 *
 * @param id the write id (the marker key suffix)
 * @param exactlyOnce whether replay goes through the marker script
 * @param command the command name
 * @param args the arguments, keys included, as bytes
 */
record SpilledWrite(String id, boolean exactlyOnce, String command, List<byte[]> args) {

    private static final int VERSION = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + args.size() * 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(exactlyOnce ? 1 : 0);
            out.writeUTF(id);
            out.writeUTF(command);
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
            if (version != VERSION) {
                throw new IllegalArgumentException("spilled write has format version " + version
                        + "; this client reads version " + VERSION + " (downgrade? replay it with a newer client)");
            }
            boolean once = in.readUnsignedByte() == 1;
            String id = in.readUTF();
            String command = in.readUTF();
            int n = in.readInt();
            List<byte[]> args = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] a = new byte[in.readInt()];
                in.readFully(a);
                args.add(a);
            }
            return new SpilledWrite(id, once, command, args);
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

    String markerKey() {
        return Scripts.MARKER_PREFIX + id;
    }
}
