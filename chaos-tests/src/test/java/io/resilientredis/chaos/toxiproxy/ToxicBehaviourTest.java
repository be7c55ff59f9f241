package io.resilientredis.chaos.toxiproxy;

import static io.resilientredis.chaos.toxiproxy.ToxiproxyClientContractTest.Sockets.connect;
import static io.resilientredis.chaos.toxiproxy.ToxiproxyClientContractTest.Sockets.echoThrough;
import static io.resilientredis.chaos.toxiproxy.ToxiproxyClientContractTest.Sockets.refuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.ResetPeer;
import eu.rekawek.toxiproxy.model.toxic.Timeout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each toxic's effect on real sockets, through a proxy in front of a small test server. */
class ToxicBehaviourTest {
    private ToxiproxyServer server;
    private ToxiproxyClient client;
    private TestUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        server = ToxiproxyServer.builder().port(0).build().start();
        client = new ToxiproxyClient(server.host(), server.port());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void latencyDelaysRepliesByAtLeastItsLatencyWithoutAddingUpAcrossChunks() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 400);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                socket.getOutputStream().write('a' + i);
                socket.getOutputStream().flush();
            }
            byte[] first = socket.getInputStream().readNBytes(1);
            long firstMillis = millisSince(start);
            byte[] rest = socket.getInputStream().readNBytes(4);
            long allMillis = millisSince(start);

            assertThat(new String(first, StandardCharsets.US_ASCII) + new String(rest, StandardCharsets.US_ASCII))
                    .isEqualTo("abcde");
            assertThat(firstMillis).isGreaterThanOrEqualTo(400);
            // Five chunks whose delays added up would take 2 s; each leaves 400 ms after it was read.
            assertThat(allMillis).isLessThan(1500);
        }
    }

    @Test
    void timeoutStopsDataOnALiveConnectionAndClosesItWhenRemoved() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write('x');
            assertThat(socket.getInputStream().read()).isEqualTo('x');

            Timeout timeout = proxy.toxics().timeout("stuck", ToxicDirection.UPSTREAM, 0);
            socket.getOutputStream().write('y');
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(upstream.received()).as("nothing passed the timeout toxic").isEqualTo(1);

            timeout.remove();
            socket.setSoTimeout(5000);
            assertThat(socket.getInputStream().read()).as("removing the timeout closes the connection").isEqualTo(-1);
        }
    }

    @Test
    void timeoutWithADurationClosesTheConnectionAfterIt() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().timeout("deadline", ToxicDirection.DOWNSTREAM, 300);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            long start = System.nanoTime();
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(250);
        }
    }

    @Test
    void resetPeerMakesTheClientSeeAConnectionReset() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().resetPeer("rst", ToxicDirection.DOWNSTREAM, 100);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
        }
    }

    /**
     * A reset_peer toxic drops what it holds until it resets the connection. Removed before that, a connection it
     * dropped data of must still be reset (as Toxiproxy's own does once it took data): left open it would go on with
     * bytes missing from the middle of its stream, which no TCP connection does, and a client that matches replies
     * to requests in order (Redis clients) would be off by one reply for good.
     */
    @Test
    void aResetPeerThatDroppedDataStillResetsTheConnectionWhenRemoved() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write('x');
            assertThat(socket.getInputStream().read()).isEqualTo('x');

            ResetPeer rst = proxy.toxics().resetPeer("rst", ToxicDirection.DOWNSTREAM, 60_000);
            socket.getOutputStream().write('y');
            socket.setSoTimeout(1000);
            assertThatThrownBy(() -> socket.getInputStream().read()).as("the echo of y is dropped")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(upstream.received()).isEqualTo(2);

            rst.remove();
            socket.setSoTimeout(5000);
            String outcome;
            try {
                socket.getOutputStream().write('z');
                outcome = readOutcome(socket);
            } catch (SocketException reset) {
                outcome = "RESET"; // seen by the write (the socket reports a reset once)
            }
            assertThat(outcome).as("the connection that lost the echo of y is reset, z never echoed")
                    .isEqualTo("RESET");
        }
    }

    @Test
    void aResetPeerRemovedBeforeItDroppedAnythingLeavesTheConnectionAlone() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write('x');
            assertThat(socket.getInputStream().read()).isEqualTo('x');

            proxy.toxics().resetPeer("rst", ToxicDirection.DOWNSTREAM, 60_000).remove();
            socket.getOutputStream().write('y');
            assertThat(socket.getInputStream().read()).isEqualTo('y');
        }
    }

    @Test
    void limitDataTruncatesThenCloses() throws IOException {
        byte[] payload = randomBytes(100);
        upstream = TestUpstream.sourceKeepOpen(payload);
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().limitData("cap", ToxicDirection.DOWNSTREAM, 10);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            byte[] received = socket.getInputStream().readAllBytes();
            assertThat(received).isEqualTo(Arrays.copyOf(payload, 10));
        }
    }

    @Test
    void bandwidthHoldsTheRateWithinTwentyPercent() throws IOException {
        byte[] payload = randomBytes(1_500_000);
        upstream = TestUpstream.source(payload);
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().bandwidth("narrow", ToxicDirection.DOWNSTREAM, 1000);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            byte[] received = socket.getInputStream().readAllBytes();
            double seconds = (System.nanoTime() - start) / 1e9;
            double bytesPerSecond = received.length / seconds;
            System.out.printf("bandwidth toxic at 1000 KB/s measured %.0f B/s over %.2f s%n", bytesPerSecond, seconds);

            assertThat(received).isEqualTo(payload);
            assertThat(bytesPerSecond).isBetween(800_000.0, 1_200_000.0);
        }
    }

    @Test
    void slicerDeliversEveryByteInPieces() throws IOException {
        byte[] payload = randomBytes(4000);
        upstream = TestUpstream.source(payload);
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().slicer("slices", ToxicDirection.DOWNSTREAM, 100, 2000).setSizeVariation(20);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int reads = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
                reads++;
            }
            assertThat(received.toByteArray()).isEqualTo(payload);
            // one 4000-byte write upstream arrives as many ~100-byte pieces 2 ms apart
            assertThat(reads).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void slowCloseDelaysTheCloseButNotTheData() throws IOException {
        upstream = TestUpstream.source("hello".getBytes(StandardCharsets.US_ASCII));
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().slowClose("lingering", ToxicDirection.DOWNSTREAM, 600);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            long start = System.nanoTime();
            assertThat(new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                    .isEqualTo("hello");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(550);
        }
    }

    @Test
    void downRefusesNewConnectionsAndClosesOpenOnes() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        try (Socket open = connect(proxy.getListen())) {
            open.setSoTimeout(5000);
            open.getOutputStream().write('a');
            assertThat(open.getInputStream().read()).isEqualTo('a');

            proxy.disable();

            assertThat(readOutcome(open)).isIn("EOF", "RESET");
            assertThat(refuses(proxy.getListen())).isTrue();
        }
        proxy.enable();
        assertThat(echoThrough(proxy.getListen(), "up again")).isEqualTo("up again");
    }

    @Test
    void resetRestoresEverything() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        proxy.toxics().timeout("stuck", ToxicDirection.UPSTREAM, 0);
        proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 5000);
        proxy.disable();

        client.reset();

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write('z');
            assertThat(socket.getInputStream().read()).isEqualTo('z');
        }
    }

    @Test
    void toxicityZeroLetsDataThroughAndRaisingItAppliesToNewConnections() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        Timeout timeout = proxy.toxics().timeout("maybe", ToxicDirection.UPSTREAM, 0);
        timeout.setToxicity(0f);

        assertThat(echoThrough(proxy.getListen(), "passes")).isEqualTo("passes");

        timeout.setToxicity(1f);
        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(500);
            socket.getOutputStream().write('q');
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void removingALatencyToxicFlushesTheDataItHolds() throws IOException {
        upstream = TestUpstream.echo();
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", upstream.address());
        Latency latency = proxy.toxics().latency("very-slow", ToxicDirection.DOWNSTREAM, 20_000);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.received() == 4);

            latency.remove();

            assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("held");
        }
    }

    @Test
    void anUnreachableUpstreamClosesTheClientAtOnce() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Proxy proxy = client.createProxy("p", "127.0.0.1:0", "127.0.0.1:" + closedPort);

        try (Socket socket = connect(proxy.getListen())) {
            socket.setSoTimeout(5000);
            assertThat(readOutcome(socket)).isIn("EOF", "RESET");
        }
    }

    private static String readOutcome(Socket socket) throws IOException {
        try {
            int read = socket.getInputStream().read();
            return read < 0 ? "EOF" : "DATA";
        } catch (SocketTimeoutException e) {
            return "TIMEOUT";
        } catch (SocketException e) {
            return "RESET";
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
