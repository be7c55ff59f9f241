package io.resilientredis.client;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Spill payloads as older clients wrote them, byte for byte, for the format tests to read back. */
final class SpilledWriteBytes {
    private SpilledWriteBytes() {
    }

    /**
     * @return a version 1 payload (a command, exactly once): version, flag, id, command, argument count, then
     *     each argument's length and bytes
     */
    static byte[] versionOne(String id, String command, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeByte(1);
            out.writeUTF(id);
            out.writeUTF(command);
            out.writeInt(args.length);
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
