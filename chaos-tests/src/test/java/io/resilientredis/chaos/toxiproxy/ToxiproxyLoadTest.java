package io.resilientredis.chaos.toxiproxy;

import static io.resilientredis.chaos.toxiproxy.ToxiproxyClientContractTest.Sockets.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Load figures for the data path: 1,000 concurrent connections (idle, then all active) and bulk throughput
 * through one connection while they are open. Figures are printed (see the surefire output file); the only
 * assertions are correctness and a loose sanity bound, never a tight timing.
 */
class ToxiproxyLoadTest {
    private static final int CONNECTIONS = 1000;
    private static final long BULK_BYTES = 512L * 1024 * 1024;

    @Test
    void thousandConcurrentConnectionsAndBulkThroughputOnOne() throws Exception {
        try (ToxiproxyServer server = ToxiproxyServer.builder().port(0).build().start();
                TestUpstream echo = TestUpstream.echo();
                TestUpstream sink = TestUpstream.sink()) {
            ToxiproxyClient client = new ToxiproxyClient(server.host(), server.port());
            Proxy echoProxy = client.createProxy("echo", "127.0.0.1:0", echo.address());
            Proxy bulkProxy = client.createProxy("bulk", "127.0.0.1:0", sink.address());
            List<Socket> sockets = new ArrayList<>(CONNECTIONS);
            try {
                long openStart = System.nanoTime();
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket socket = connect(echoProxy.getListen());
                    socket.setSoTimeout(10_000);
                    sockets.add(socket);
                }
                long openMillis = millisSince(openStart);
                long firstRound = echoRound(sockets, 1);
                await().atMost(Duration.ofSeconds(30)).until(() -> echo.accepted() == CONNECTIONS);

                double baseline = throughput(sink.address(), sink);
                double proxied = throughput(bulkProxy.getListen(), sink);
                bulkProxy.toxics().latency("zero", ToxicDirection.UPSTREAM, 0);
                double proxiedWithToxic = throughput(bulkProxy.getListen(), sink);

                long secondRound = echoRound(sockets, 2);
                System.out.printf("load: opened %d connections in %d ms; echo round on all: %d ms, again after bulk: %d ms%n",
                        CONNECTIONS, openMillis, firstRound, secondRound);
                System.out.printf("load: 512 MiB through one connection with %d others open: direct %.0f MB/s, "
                        + "proxied (no toxics) %.0f MB/s, proxied through a 0 ms latency toxic %.0f MB/s%n",
                        CONNECTIONS, baseline, proxied, proxiedWithToxic);

                assertThat(proxied).as("sanity bound only; the figure is reported, not asserted").isGreaterThan(10);
                assertThat(proxiedWithToxic).isGreaterThan(10);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    /** Every connection sends a distinct 16-byte message and must get exactly it back. */
    private static long echoRound(List<Socket> sockets, int round) throws IOException {
        long start = System.nanoTime();
        for (int i = 0; i < sockets.size(); i++) {
            byte[] message = String.format("r%d-c%011d", round, i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            sockets.get(i).getOutputStream().write(message);
        }
        for (int i = 0; i < sockets.size(); i++) {
            byte[] expected = String.format("r%d-c%011d", round, i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(sockets.get(i).getInputStream().readNBytes(expected.length)).isEqualTo(expected);
        }
        return millisSince(start);
    }

    /** Streams {@link #BULK_BYTES} through one new connection into the sink; MB/s (10^6 bytes) until all arrived. */
    private static double throughput(String address, TestUpstream sink) throws IOException {
        long before = sink.received();
        byte[] block = new byte[64 * 1024];
        long start = System.nanoTime();
        try (Socket socket = connect(address)) {
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < BULK_BYTES; sent += block.length) {
                out.write(block);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> sink.received() - before == BULK_BYTES);
        }
        return BULK_BYTES / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
