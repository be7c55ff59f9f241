package io.resilientredis.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The doctor's own RESP2 client over an already connected (plain or TLS) socket: blocking, one
 * command at a time, every read bounded by the socket's timeout. Error replies come back as
 * {@link ErrorReply} values instead of exceptions, because the runbook reports them word for word.
 * Not thread-safe.
 */
final class DoctorConnection implements AutoCloseable {

    /** An error reply ({@code -ERR ...}, {@code -NOAUTH ...}), as Redis sent it. */
    record ErrorReply(String message) {
        /** @return the first word, such as {@code NOAUTH} or {@code WRONGPASS} */
        String code() {
            int space = message.indexOf(' ');
            return space < 0 ? message : message.substring(0, space);
        }

        @Override
        public String toString() {
            return message;
        }
    }

    private static final int MAX_BULK = 64 * 1024 * 1024;
    private static final int MAX_DEPTH = 8;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    DoctorConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Sends one command and reads its reply: {@link String} for simple and bulk strings, {@link Long}
     * for integers, {@link List} for arrays, {@code null} for nil, {@link ErrorReply} for errors.
     *
     * @throws IOException when the connection fails, closes, or the reply does not arrive in time
     */
    Object call(String... args) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
        ascii(buffer, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            ascii(buffer, "$" + bytes.length + "\r\n");
            buffer.write(bytes);
            ascii(buffer, "\r\n");
        }
        out.write(buffer.toByteArray());
        out.flush();
        return read(0);
    }

    private Object read(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("reply nested deeper than " + MAX_DEPTH + " levels: not a Redis server?");
        }
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the server closed the connection before replying");
        }
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new ErrorReply(line);
            case ':':
                return parseLong(line);
            case '$': {
                long length = parseLong(line);
                if (length < 0) {
                    return null;
                }
                if (length > MAX_BULK) {
                    throw new IOException("bulk reply of " + length + " bytes is larger than the doctor reads");
                }
                byte[] data = in.readNBytes((int) length);
                if (data.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("the server closed the connection in the middle of a reply");
                }
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*': {
                long count = parseLong(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>((int) Math.min(count, 1024));
                for (long i = 0; i < count; i++) {
                    items.add(read(depth + 1));
                }
                return items;
            }
            default:
                throw new IOException("the server answered with something that is not RESP (first byte 0x"
                        + Integer.toHexString(type) + "): not a Redis server, or a TLS port spoken to in plain text?");
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream(32);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection in the middle of a reply");
            }
            if (b == '\r') {
                int next = in.read();
                if (next != '\n') {
                    throw new IOException("malformed RESP line ending: not a Redis server?");
                }
                return text.toString(StandardCharsets.UTF_8);
            }
            if (text.size() > 64 * 1024) {
                throw new IOException("RESP line longer than 64 KiB: not a Redis server?");
            }
            text.write(b);
        }
    }

    private static long parseLong(String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("malformed RESP number '" + text + "': not a Redis server?");
        }
    }

    private static void ascii(ByteArrayOutputStream buffer, String text) {
        buffer.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Parses an {@code INFO} reply into field name to value (section headers and blanks skipped). */
    static Map<String, String> parseInfo(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String raw : info.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    /** A flat {@code [k1, v1, k2, v2, ...]} reply (as {@code SENTINEL MASTER} sends) as a map. */
    static Map<String, String> pairs(Object reply) {
        Map<String, String> map = new LinkedHashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                map.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
            }
        }
        return map;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed already: nothing left to release
        }
    }
}
