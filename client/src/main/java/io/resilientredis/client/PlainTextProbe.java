package io.resilientredis.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a port whether it speaks plain-text Redis: sends {@code PING} in clear and reads the first
 * byte of the reply. Used only after a TLS handshake with that port did not complete, to tell "this
 * is not a TLS port" (a configuration error) from "the server does not answer" (an outage). Never
 * sent to a port whose TLS handshake succeeded.
 */
final class PlainTextProbe {

    private PlainTextProbe() {
    }

    /**
     * @param host the host
     * @param port the port
     * @param budget how long connecting and reading may take together
     * @return true when the port answered {@code PING} with a RESP reply ({@code +PONG},
     *         {@code -NOAUTH ...}, ...); false when it did not answer in time, refused, or sent
     *         anything else (a TLS alert, for example)
     */
    static boolean answersPlainRedis(String host, int port, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, budget.toMillis()));
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout(left);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            return first == '+' || first == '-';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
