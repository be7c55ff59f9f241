package io.resilientredis.client.internal.resp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A blocking RESP2 connection over an already connected (plain or TLS) socket: one command at a
 * time, every read bounded by the socket's timeout. Error replies come back as {@link RespError}
 * values, not exceptions. Not thread-safe. Holds no credentials: a caller that authenticates sends
 * {@code AUTH} itself.
 */
public final class RespClient implements AutoCloseable {

    private final Socket socket;
    private final RespReader reader;
    private final OutputStream out;

    /**
     * @param socket a connected socket; this connection closes it
     * @throws IOException when the socket's streams cannot be opened
     */
    public RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new RespReader(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code host:port} in plain TCP (no delay).
     *
     * @param host the host name or address
     * @param port the TCP port
     * @param connectTimeout bounds the connect
     * @param readTimeout bounds every later read
     * @return the open connection; the caller closes it
     * @throws IOException when the connection is refused or does not complete in time
     */
    public static RespClient open(String host, int port, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), millis(connectTimeout));
            socket.setSoTimeout(millis(readTimeout));
            socket.setTcpNoDelay(true);
            return new RespClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends one command and reads its reply, as {@link RespReader#read()} maps it.
     *
     * @param args the command and its arguments
     * @return the reply; an error reply is a {@link RespError}
     * @throws IOException when the connection fails, closes, or the reply does not arrive in time
     */
    public Object call(String... args) throws IOException {
        out.write(RespWriter.command(args));
        out.flush();
        return reader.read();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed already: nothing left to release
        }
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
