package io.resilientredis.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.resilientredis.client.internal.Markers;

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
 * @param keyCount for the command form, how many leading arguments are keys when the caller declared it
 *                 (format version 3); -1 when {@link CommandKeys} finds them by the command's name
 * @param body for an application's own script ({@link RedisScript}, format version 4), its Lua source, kept
 *             in the store because no registry names it; null otherwise
 */
record SpilledWrite(String id, boolean exactlyOnce, String command, List<byte[]> args, String script,
                    List<String> keys, int keyCount, String body) {

    /** Command form. */
    private static final int VERSION_COMMAND = 1;
    /** Named-script form. */
    private static final int VERSION_SCRIPT = 2;
    /** Command form with declared keys (the leading {@code keyCount} arguments). */
    private static final int VERSION_COMMAND_KEYS = 3;
    /** An application's script, its body included. */
    private static final int VERSION_USER_SCRIPT = 4;
    /**
     * A batch ({@link RedisBatch}): its writes, each in one of the forms above and applied through its
     * marker, replayed in order. A batch is one spill entry, so it is spilled and replayed whole.
     */
    static final int VERSION_BATCH = 5;
    /** The script name of the user-script form. */
    static final String USER_SCRIPT = "user";

    SpilledWrite {
        if ((command == null) == (script == null)) {
            throw new IllegalArgumentException("a spilled write is either a command or a script");
        }
        args = List.copyOf(args);
        keys = List.copyOf(keys);
        if (body != null && !USER_SCRIPT.equals(script)) {
            throw new IllegalArgumentException("only the user-script form carries a body");
        }
        if (keyCount < -1 || keyCount > args.size() || (keyCount >= 0 && script != null)) {
            throw new IllegalArgumentException("a command's declared key count is 0 to its argument count");
        }
    }

    /** The command form, its keys found by the command's name. */
    SpilledWrite(String id, boolean exactlyOnce, String command, List<byte[]> args) {
        this(id, exactlyOnce, command, args, null, List.of(), -1, null);
    }

    /** The command form with declared keys ({@code keyCount} leading arguments; -1: by the command's name). */
    SpilledWrite(String id, boolean exactlyOnce, String command, List<byte[]> args, int keyCount) {
        this(id, exactlyOnce, command, args, null, List.of(), keyCount, null);
    }

    /** The named-script form. */
    static SpilledWrite script(String id, boolean exactlyOnce, String script, List<String> keys, List<byte[]> args) {
        return new SpilledWrite(id, exactlyOnce, null, args, script, keys, -1, null);
    }

    /** An application's own script, its body carried along. */
    static SpilledWrite userScript(String id, boolean exactlyOnce, String body, List<String> keys, List<byte[]> args) {
        return new SpilledWrite(id, exactlyOnce, null, args, USER_SCRIPT, keys, -1, body);
    }

    /** @return this write applied through its exactly-once marker (a batch sends every write so) */
    SpilledWrite once() {
        return exactlyOnce ? this : new SpilledWrite(id, true, command, args, script, keys, keyCount, body);
    }

    /**
     * @param id the batch's id
     * @param writes its writes, in order
     * @return the batch's spill form: version, id, count, then each write's own form, length first
     */
    static byte[] encodeBatch(String id, List<SpilledWrite> writes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + writes.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION_BATCH);
            out.writeUTF(id);
            out.writeInt(writes.size());
            for (SpilledWrite w : writes) {
                byte[] one = w.encode();
                out.writeInt(one.length);
                out.write(one);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @return the length {@link #encodeBatch} gives, computed without encoding */
    static long encodedBatchSize(String id, List<SpilledWrite> writes) {
        long n = 1 + 2 + modifiedUtf8Length(id) + 4;
        for (SpilledWrite w : writes) {
            n += 4 + w.encodedSize();
        }
        return n;
    }

    /** @return whether a spill entry's payload is a batch's */
    static boolean isBatch(byte[] payload) {
        return payload.length > 0 && (payload[0] & 0xff) == VERSION_BATCH;
    }

    /**
     * @param payload a spill entry's payload
     * @return the writes it holds: one, or a batch's, in order
     * @throws IllegalArgumentException when it is no write of a version this client reads, or a batch whose
     *     bytes do not add up (a length or count past its end, bytes left after its last write): a damaged
     *     batch is refused whole, never replayed in part
     */
    static List<SpilledWrite> decodeAll(byte[] payload) {
        if (!isBatch(payload)) {
            return List.of(decode(payload));
        }
        String id = "?";
        int n = -1;
        int i = 0;
        try (java.io.ByteArrayInputStream bytes = new java.io.ByteArrayInputStream(payload);
             DataInputStream in = new DataInputStream(bytes)) {
            in.readUnsignedByte();
            id = in.readUTF();
            n = in.readInt();
            if (n < 0 || n > payload.length) {
                throw new IOException("a count of " + n + " writes in " + payload.length + " bytes");
            }
            List<SpilledWrite> out = new ArrayList<>(n);
            for (; i < n; i++) {
                int length = in.readInt();
                if (length < 1 || length > bytes.available()) {
                    throw new IOException("write " + (i + 1) + " of " + n + " says it is " + length + " bytes, "
                            + bytes.available() + " are left");
                }
                byte[] one = new byte[length];
                in.readFully(one);
                if ((one[0] & 0xff) == VERSION_BATCH) {
                    throw new IOException("write " + (i + 1) + " of " + n + " is itself a batch");
                }
                out.add(decode(one));
            }
            if (bytes.available() > 0) {
                throw new IOException(bytes.available() + " bytes left after its " + n + " writes");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("spilled batch " + id + " is truncated or corrupt: "
                    + (e.getMessage() == null ? "it ends early" : e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spilled batch " + id + ", write " + (i + 1) + " of " + n + ": "
                    + e.getMessage(), e);
        }
    }

    boolean isUserScript() {
        return body != null;
    }

    boolean isScript() {
        return script != null;
    }


    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + args.size() * 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(isUserScript() ? VERSION_USER_SCRIPT : isScript() ? VERSION_SCRIPT
                    : keyCount >= 0 ? VERSION_COMMAND_KEYS : VERSION_COMMAND);
            out.writeByte(exactlyOnce ? 1 : 0);
            out.writeUTF(id);
            if (isScript()) {
                out.writeUTF(script);
                out.writeInt(keys.size());
                for (String k : keys) {
                    out.writeUTF(k);
                }
                if (isUserScript()) {
                    byte[] b = body.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(b.length);
                    out.write(b);
                }
            } else {
                out.writeUTF(command);
                if (keyCount >= 0) {
                    out.writeInt(keyCount);
                }
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

    /** @return the length of {@link #encode()}, computed without encoding */
    long encodedSize() {
        long n = 2 + 2 + modifiedUtf8Length(id);
        if (isScript()) {
            n += 2 + modifiedUtf8Length(script) + 4;
            for (String k : keys) {
                n += 2 + modifiedUtf8Length(k);
            }
            if (isUserScript()) {
                n += 4 + utf8Length(body);
            }
        } else {
            n += 2 + modifiedUtf8Length(command) + (keyCount >= 0 ? 4 : 0);
        }
        n += 4;
        for (byte[] a : args) {
            n += 4 + a.length;
        }
        return n;
    }

    /** @return the length of the largest argument (a Redis bulk string) */
    long largestArg() {
        long max = 0;
        for (byte[] a : args) {
            max = Math.max(max, a.length);
        }
        return max;
    }

    /**
     * @return the length {@link #encode()} gives a command-form write of {@code args} (as UTF-8),
     *         computed without encoding them
     */
    static long encodedCommandSize(String id, String command, String... args) {
        long n = encodedCommandSize(id, command);
        for (String a : args) {
            n += 4 + utf8Length(a);
        }
        return n;
    }

    /**
     * @return the length {@link #encode()} gives a command-form write (keys by the command's name) before
     *     its arguments: add {@code 4 + length} for each
     */
    static long encodedCommandSize(String id, String command) {
        return 2 + 2 + modifiedUtf8Length(id) + 2 + modifiedUtf8Length(command) + 4;
    }

    /** @return the length of {@code s.getBytes(UTF_8)}, without allocating it */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++; // an unpaired surrogate is encoded as '?'
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** @return the length of {@code s} in DataOutput's modified UTF-8 (as writeUTF writes it) */
    private static long modifiedUtf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        return n;
    }

    static SpilledWrite decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
            int version = in.readUnsignedByte();
            if (version < VERSION_COMMAND || version > VERSION_USER_SCRIPT) {
                throw new IllegalArgumentException("spilled write has format version " + version
                        + "; this client reads versions " + VERSION_COMMAND + " to " + VERSION_BATCH
                        + " (downgrade? replay it with a newer client)");
            }
            boolean once = in.readUnsignedByte() == 1;
            String id = in.readUTF();
            String name = in.readUTF();
            List<String> keys = new ArrayList<>();
            String body = null;
            if (version == VERSION_SCRIPT || version == VERSION_USER_SCRIPT) {
                int k = in.readInt();
                for (int i = 0; i < k; i++) {
                    keys.add(in.readUTF());
                }
                if (version == VERSION_USER_SCRIPT) {
                    byte[] b = new byte[in.readInt()];
                    in.readFully(b);
                    body = new String(b, StandardCharsets.UTF_8);
                }
            }
            int keyCount = version == VERSION_COMMAND_KEYS ? in.readInt() : -1;
            int n = in.readInt();
            List<byte[]> args = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] a = new byte[in.readInt()];
                in.readFully(a);
                args.add(a);
            }
            if (version == VERSION_USER_SCRIPT) {
                return userScript(id, once, body, keys, args);
            }
            return version == VERSION_SCRIPT ? script(id, once, name, keys, args)
                    : new SpilledWrite(id, once, name, args, keyCount);
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

    /** @return the write's keys: the command's (by {@link CommandKeys}), or the script's */
    List<byte[]> dataKeys() {
        if (isScript()) {
            List<byte[]> out = new ArrayList<>(keys.size());
            for (String k : keys) {
                out.add(k.getBytes(StandardCharsets.UTF_8));
            }
            return out;
        }
        return keyCount >= 0 ? args.subList(0, keyCount) : CommandKeys.of(command, args);
    }

    /** @return the exactly-once marker key, in the slot of the write's first key */
    String markerKey() {
        List<byte[]> k = dataKeys();
        return Markers.key(id, k.isEmpty() ? null : k.get(0));
    }

    /** @return KEYS for the exactly-once script: the marker, then the write's keys */
    List<Object> onceKeys() {
        List<byte[]> k = dataKeys();
        List<Object> out = new ArrayList<>(k.size() + 1);
        out.add(Markers.key(id, k.isEmpty() ? null : k.get(0)));
        out.addAll(k);
        return out;
    }
}
