package io.resilientredis.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stand-in for {@code redis-benchmark -P 16 -t set} where that tool is missing: {@code clients}
 * connections (redis-benchmark's default is 50), each on its own thread, sending SETs in batches
 * of {@code pipeline} and reading the replies, until {@code total} SETs are done. Keys are
 * {@code key:<n mod keyspace>}, values {@code valueBytes} long.
 */
final class PipelinedSetLoader {

    private PipelinedSetLoader() {
    }

    /** @return SETs per second */
    static double run(String host, int port, int clients, int pipeline, long total, int keyspace, int valueBytes) {
        AtomicLong issued = new AtomicLong();
        byte[] value = "x".repeat(valueBytes).getBytes(StandardCharsets.US_ASCII);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try (Socket socket = new Socket()) {
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress(host, port), 5_000);
                    socket.setSoTimeout(30_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
                    ByteArrayOutputStream batch = new ByteArrayOutputStream(pipeline * 64);
                    while (true) {
                        long first = issued.getAndAdd(pipeline);
                        if (first >= total) {
                            return;
                        }
                        int n = (int) Math.min(pipeline, total - first);
                        batch.reset();
                        for (int i = 0; i < n; i++) {
                            byte[] key = ("key:" + ((first + i) % keyspace)).getBytes(StandardCharsets.US_ASCII);
                            batch.write(("*3\r\n$3\r\nSET\r\n$" + key.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            batch.write(key);
                            batch.write(("\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            batch.write(value);
                            batch.write('\r');
                            batch.write('\n');
                        }
                        batch.writeTo(out);
                        out.flush();
                        for (int i = 0; i < n; i++) {
                            readOk(in);
                        }
                    }
                } catch (IOException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "resilient-redis-loader-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        long nanos = System.nanoTime() - start;
        if (!failures.isEmpty()) {
            throw new UncheckedIOException("pipelined SET loader failed", (IOException) failures.get(0));
        }
        return total / (nanos / 1e9);
    }

    /** Reads one reply line and checks it is +OK. */
    private static void readOk(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 != '+') {
            StringBuilder rest = new StringBuilder().append((char) b0);
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                rest.append((char) b);
            }
            throw new IOException("unexpected reply to SET: " + rest.toString().strip());
        }
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-reply");
            }
        }
    }
}
