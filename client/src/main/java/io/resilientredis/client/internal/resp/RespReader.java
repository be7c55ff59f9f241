package io.resilientredis.client.internal.resp;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads RESP2 replies from a stream: {@link String} for simple and bulk strings (UTF-8), {@link Long}
 * for integers, an unmodifiable {@link List} for arrays, {@code null} for nil, {@link RespError} for
 * an error (at the top or inside an array). Anything that is not RESP is an {@link IOException}
 * whose message says so, never a runtime exception. Not thread-safe.
 */
public final class RespReader {

    /** Redis's own default bound on a bulk string ({@code proto-max-bulk-len}). */
    private static final long MAX_BULK = 512L * 1024 * 1024;
    private static final int MAX_DEPTH = 32;
    private static final int MAX_LINE = 64 * 1024;

    private final InputStream in;

    /** @param in the stream to read from, buffered by the caller */
    public RespReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads one reply.
     *
     * @return the reply, as the class comment maps it
     * @throws EOFException when the stream ends before or inside the reply
     * @throws IOException when reading fails (a socket timeout, for one) or the bytes are not RESP
     */
    public Object read() throws IOException {
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
                return new RespError(line);
            case ':':
                return number(line);
            case '$': {
                long length = number(line);
                if (length < 0) {
                    return null;
                }
                if (length > MAX_BULK) {
                    throw new IOException("bulk reply of " + length + " bytes is larger than Redis sends ("
                            + MAX_BULK + "): not a Redis server?");
                }
                byte[] data = in.readNBytes((int) length);
                if (data.length < length) {
                    throw new EOFException("the server closed the connection in the middle of a reply");
                }
                int cr = in.read();
                int lf = in.read();
                if (lf < 0) {
                    throw new EOFException("the server closed the connection in the middle of a reply");
                }
                if (cr != '\r' || lf != '\n') {
                    throw new IOException("malformed RESP bulk string ending: not a Redis server?");
                }
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*': {
                long count = number(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>((int) Math.min(count, 1024));
                for (long i = 0; i < count; i++) {
                    items.add(read(depth + 1));
                }
                return Collections.unmodifiableList(items);
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
                if (next < 0) {
                    throw new EOFException("the server closed the connection in the middle of a reply");
                }
                if (next != '\n') {
                    throw new IOException("malformed RESP line ending: not a Redis server?");
                }
                return text.toString(StandardCharsets.UTF_8);
            }
            if (text.size() > MAX_LINE) {
                throw new IOException("RESP line longer than 64 KiB: not a Redis server?");
            }
            text.write(b);
        }
    }

    private static long number(String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("malformed RESP number '" + text + "': not a Redis server?");
        }
    }
}
