package io.resilientredis.chaos.topology;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal, blocking RESP2 connection over a plain socket, used by the harness to ask Redis and
 * Sentinel nodes what they are doing (PING, INFO, ROLE, SENTINEL ...) without a client library.
 *
 * <p>Replies map to Java types as follows: simple and bulk strings to {@link String} (UTF-8), integers
 * to {@link Long}, arrays to {@link List}, nil to {@code null}; an error reply is thrown as
 * {@link ErrorReply} (inside an array, such as the reply to {@code EXEC}, it becomes that element). Every read and connect is bounded by the timeout given to {@link #open}. Not
 * thread-safe: one connection per thread.
 */
public final class RespConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String target;

    private RespConnection(Socket socket, String target) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.target = target;
    }

    /**
     * Connects to {@code host:port}; {@code timeout} bounds the connect and every later read.
     *
     * @param host the host name or address
     * @param port the TCP port
     * @param timeout bounds the connect and every read
     * @return the open connection; the caller closes it
     * @throws IOException when the connection is refused or does not complete in time
     */
    public static RespConnection open(String host, int port, Duration timeout) throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            return new RespConnection(socket, host + ":" + port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends one command and returns its reply.
     *
     * @param args the command and its arguments
     * @return the reply: a String, Long, List or null; an error reply is thrown
     * @throws ErrorReply when the server answers with an error (for example {@code NOAUTH})
     * @throws IOException when the connection fails or the reply does not arrive within the timeout
     */
    public Object call(String... args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
        writeLine(buffer, "*" + args.length);
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeLine(buffer, "$" + bytes.length);
            buffer.write(bytes);
            buffer.write('\r');
            buffer.write('\n');
        }
        out.write(buffer.toByteArray());
        out.flush();
        return read(args[0]);
    }

    /**
     * Sends a command whose reply is a string (or nil) and returns it.
     *
     * @param args the command and its arguments
     * @return the reply, or null
     * @throws IOException when the call fails or the reply is not a string
     */
    public String callString(String... args) throws IOException {
        Object reply = call(args);
        if (reply != null && !(reply instanceof String)) {
            throw new IOException(target + " answered " + args[0] + " with " + reply.getClass().getSimpleName()
                    + " where a string was expected");
        }
        return (String) reply;
    }

    /**
     * Sends {@code PING}.
     *
     * @return whether the answer was {@code PONG}
     * @throws IOException when the call fails
     */
    public boolean ping() throws IOException {
        return "PONG".equals(call("PING"));
    }

    /**
     * Sends {@code INFO section} and returns its fields as a map.
     *
     * @param section the INFO section, such as {@code replication}
     * @return the fields, in the server's order
     * @throws IOException when the call fails
     */
    public Map<String, String> info(String section) throws IOException {
        return parseInfo(callString("INFO", section));
    }

    /**
     * Parses the text of an {@code INFO} reply into an ordered map of field to value.
     *
     * @param info the text of an INFO reply
     * @return the fields, in order
     */
    public static Map<String, String> parseInfo(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (info == null) {
            return fields;
        }
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /**
     * Turns a flat field/value array reply (as {@code SENTINEL MASTER} gives) into a map.
     *
     * @param reply the array reply
     * @return the fields, in order
     */
    public static Map<String, String> pairs(Object reply) {
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
            // closing a socket we are done with; nothing useful to do
        }
    }

    @Override
    public String toString() {
        return "RespConnection[" + target + "]";
    }

    private static void writeLine(ByteArrayOutputStream buffer, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        buffer.write(bytes, 0, bytes.length);
        buffer.write('\r');
        buffer.write('\n');
    }

    private Object read(String command) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException(target + " closed the connection while " + command + " waited for its reply");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(target, command, line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length + 2);
                if (data.length < length + 2) {
                    throw new EOFException(target + " closed the connection inside a reply to " + command);
                }
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    try {
                        items.add(read(command));
                    } catch (ErrorReply nested) {
                        items.add(nested);
                    }
                }
                return Collections.unmodifiableList(items);
            }
            default:
                throw new IOException(target + " sent an unexpected RESP type '" + (char) type + "' in reply to "
                        + command);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(32);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(target + " closed the connection mid-reply");
            }
            if (b == '\r') {
                int next = in.read();
                if (next == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
                if (next < 0) {
                    throw new EOFException(target + " closed the connection mid-reply");
                }
                line.write(next);
            } else {
                line.write(b);
            }
        }
    }

    /** An error reply from the server, such as {@code NOAUTH} or {@code READONLY}. */
    public static final class ErrorReply extends IOException {
        private static final long serialVersionUID = 1L;
        /** The error reply as Redis sent it. */
        private final String reply;

        ErrorReply(String target, String command, String reply) {
            super(target + " answered " + command.toUpperCase(Locale.ROOT) + " with an error: " + reply);
            this.reply = reply;
        }

        /** {@return the error text as Redis sent it, for example {@code "NOAUTH Authentication required."}} */
        public String reply() {
            return reply;
        }
    }
}
