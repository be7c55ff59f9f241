package io.resilientredis.client.internal.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Encodes a command as a RESP2 array of bulk strings (UTF-8), as a client sends it. */
public final class RespWriter {

    private RespWriter() {
    }

    /**
     * @param args the command and its arguments
     * @return the command on the wire: {@code *N\r\n} then {@code $len\r\narg\r\n} per argument
     */
    public static byte[] command(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
        ascii(buffer, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            ascii(buffer, "$" + bytes.length + "\r\n");
            buffer.writeBytes(bytes);
            ascii(buffer, "\r\n");
        }
        return buffer.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream buffer, String text) {
        buffer.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
