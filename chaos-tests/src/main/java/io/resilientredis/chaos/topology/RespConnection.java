package io.resilientredis.chaos.topology;

import io.resilientredis.client.internal.resp.RespClient;
import io.resilientredis.client.internal.resp.RespError;
import io.resilientredis.client.internal.resp.RespReplies;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal, blocking RESP2 connection over a plain socket, used by the harness to ask Redis and
 * Sentinel nodes what they are doing (PING, INFO, ROLE, SENTINEL ...) without a client library.
 *
 * <p>Replies map to Java types as follows: simple and bulk strings to {@link String} (UTF-8), integers
 * to {@link Long}, arrays to {@link List}, nil to {@code null}; an error reply is thrown as
 * {@link ErrorReply} (inside an array, such as the reply to {@code EXEC}, it becomes that element).
 * Every read and connect is bounded by the timeout given to {@link #open}. Not thread-safe: one
 * connection per thread. The RESP reading and writing is the client's own
 * ({@code io.resilientredis.client.internal.resp}); this class only adds the harness's conventions.
 */
public final class RespConnection implements AutoCloseable {

    private final RespClient client;
    private final String target;

    private RespConnection(RespClient client, String target) {
        this.client = client;
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
        return new RespConnection(RespClient.open(host, port, timeout, timeout), host + ":" + port);
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
        Object reply;
        try {
            reply = client.call(args);
        } catch (EOFException e) {
            EOFException closed = new EOFException(target + " closed the connection while " + args[0]
                    + " waited for its reply (" + e.getMessage() + ")");
            closed.initCause(e);
            throw closed;
        }
        if (reply instanceof RespError error) {
            throw new ErrorReply(target, args[0], error.message());
        }
        return withErrorReplies(reply, args[0]);
    }

    /** Turns the error elements of an array (as {@code EXEC} may send) into {@link ErrorReply} elements. */
    private Object withErrorReplies(Object reply, String command) {
        if (!(reply instanceof List<?> list)) {
            return reply;
        }
        List<Object> items = new ArrayList<>(list.size());
        for (Object item : list) {
            items.add(item instanceof RespError error ? new ErrorReply(target, command, error.message())
                    : withErrorReplies(item, command));
        }
        return Collections.unmodifiableList(items);
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
        return RespReplies.info(info);
    }

    /**
     * Turns a flat field/value array reply (as {@code SENTINEL MASTER} gives) into a map.
     *
     * @param reply the array reply
     * @return the fields, in order
     */
    public static Map<String, String> pairs(Object reply) {
        return RespReplies.pairs(reply);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "RespConnection[" + target + "]";
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
