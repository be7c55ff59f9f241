package io.resilientredis.chaos.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Bandwidth;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.LimitData;
import eu.rekawek.toxiproxy.model.toxic.ResetPeer;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import eu.rekawek.toxiproxy.model.toxic.SlowClose;
import eu.rekawek.toxiproxy.model.toxic.Timeout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every call toxiproxy-java offers, against the embedded server, through the unmodified client only. */
class ToxiproxyClientContractTest {
    private ToxiproxyServer server;
    private TestUpstream echo;
    private ToxiproxyClient client;

    @BeforeEach
    void start() throws IOException {
        server = ToxiproxyServer.builder().port(0).build().start();
        echo = TestUpstream.echo();
        client = new ToxiproxyClient(server.host(), server.port());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        echo.close();
    }

    @Test
    void createProxyAnswersTheBoundPortAndForwards() throws IOException {
        Proxy proxy = client.createProxy("redis", "127.0.0.1:0", echo.address());

        assertThat(proxy.getName()).isEqualTo("redis");
        assertThat(proxy.getListen()).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo("127.0.0.1:0");
        assertThat(proxy.getUpstream()).isEqualTo(echo.address());
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(Sockets.echoThrough(proxy.getListen(), "ping")).isEqualTo("ping");
    }

    @Test
    void duplicateProxyIsAConflict() throws IOException {
        client.createProxy("redis", "127.0.0.1:0", echo.address());

        assertThatThrownBy(() -> client.createProxy("redis", "127.0.0.1:0", echo.address()))
                .isInstanceOf(IOException.class).hasMessage("[409] proxy already exists");
    }

    @Test
    void missingUpstreamAndBindFailureAreReported() throws IOException {
        assertThatThrownBy(() -> client.createProxy("broken", "127.0.0.1:0", null))
                .isInstanceOf(IOException.class).hasMessage("[400] missing required field: upstream");
        try (ServerSocket taken = new ServerSocket(0)) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            assertThatThrownBy(() -> client.createProxy("clash", address, echo.address()))
                    .isInstanceOf(IOException.class).hasMessageStartingWith("[500] listen tcp " + address);
        }
        assertThat(client.getProxies()).isEmpty();
    }

    @Test
    void getProxiesInNameOrderAndGetProxy() throws IOException {
        client.createProxy("b", "127.0.0.1:0", echo.address());
        client.createProxy("a", "127.0.0.1:0", echo.address());
        client.createProxy("c", "127.0.0.1:0", echo.address());

        assertThat(client.getProxies()).extracting(Proxy::getName).containsExactly("a", "b", "c");
        assertThat(client.getProxy("b").getUpstream()).isEqualTo(echo.address());
        assertThatThrownBy(() -> client.getProxy("missing"))
                .isInstanceOf(IOException.class).hasMessage("[404] proxy not found");
        assertThat(client.getProxyOrNull("missing")).isNull();
    }

    @Test
    void disableRefusesThenEnableRebindsTheSamePort() throws IOException {
        Proxy proxy = client.createProxy("redis", "127.0.0.1:0", echo.address());
        String listen = proxy.getListen();

        proxy.disable();
        assertThat(proxy.isEnabled()).isFalse();
        assertThat(client.getProxy("redis").isEnabled()).isFalse();
        assertThat(Sockets.refuses(listen)).isTrue();

        proxy.enable();
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(proxy.getListen()).isEqualTo(listen);
        assertThat(Sockets.echoThrough(listen, "back")).isEqualTo("back");
    }

    @Test
    void setListenAndSetUpstreamReadBack() throws IOException {
        Proxy proxy = client.createProxy("redis", "127.0.0.1:0", echo.address());
        String oldListen = proxy.getListen();
        int freePort;
        try (ServerSocket probe = new ServerSocket(0)) {
            freePort = probe.getLocalPort();
        }

        proxy.setListen("127.0.0.1:" + freePort);
        assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + freePort);
        assertThat(Sockets.refuses(oldListen)).isTrue();
        assertThat(Sockets.echoThrough(proxy.getListen(), "moved")).isEqualTo("moved");

        try (TestUpstream other = TestUpstream.echo()) {
            proxy.setUpstream(other.address());
            assertThat(proxy.getUpstream()).isEqualTo(other.address());
            assertThat(client.getProxy("redis").getUpstream()).isEqualTo(other.address());
            assertThat(Sockets.echoThrough(proxy.getListen(), "other")).isEqualTo("other");
            assertThat(other.accepted()).isEqualTo(1);
        }
    }

    @Test
    void deleteRemovesTheProxyAndItsListener() throws IOException {
        Proxy proxy = client.createProxy("redis", "127.0.0.1:0", echo.address());

        proxy.delete();

        assertThat(client.getProxyOrNull("redis")).isNull();
        assertThat(Sockets.refuses(proxy.getListen())).isTrue();
        // The client's delete() reads the body before the status, so a 404 surfaces as FileNotFoundException.
        assertThatThrownBy(proxy::delete).isInstanceOf(FileNotFoundException.class).hasMessageEndingWith("/proxies/redis");
    }

    @Test
    void resetEnablesEveryProxyAndRemovesEveryToxic() throws IOException {
        Proxy first = client.createProxy("first", "127.0.0.1:0", echo.address());
        Proxy second = client.createProxy("second", "127.0.0.1:0", echo.address());
        first.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 1000);
        second.toxics().timeout("stuck", ToxicDirection.UPSTREAM, 0);
        second.disable();

        client.reset();

        assertThat(first.toxics().getAll()).isEmpty();
        assertThat(second.toxics().getAll()).isEmpty();
        assertThat(second.isEnabled()).isTrue();
        assertThat(client.getProxies()).extracting(Proxy::isEnabled).containsExactly(true, true);
        assertThat(Sockets.echoThrough(second.getListen(), "again")).isEqualTo("again");
    }

    @Test
    void versionIsReported() throws IOException {
        assertThat(client.version()).isNotBlank().contains(ToxiproxyServer.VERSION);
    }

    @Test
    void everyToxicCanBeCreatedReadAndListed() throws IOException {
        Proxy proxy = client.createProxy("redis", "127.0.0.1:0", echo.address());

        Latency latency = proxy.toxics().latency("latency", ToxicDirection.DOWNSTREAM, 100);
        Bandwidth bandwidth = proxy.toxics().bandwidth("bandwidth", ToxicDirection.UPSTREAM, 500);
        Slicer slicer = proxy.toxics().slicer("slicer", ToxicDirection.DOWNSTREAM, 16, 10);
        SlowClose slowClose = proxy.toxics().slowClose("slow_close", ToxicDirection.UPSTREAM, 50);
        Timeout timeout = proxy.toxics().timeout("timeout", ToxicDirection.UPSTREAM, 60_000);
        LimitData limitData = proxy.toxics().limitData("limit", ToxicDirection.DOWNSTREAM, 1_000_000);
        ResetPeer resetPeer = proxy.toxics().resetPeer("reset", ToxicDirection.DOWNSTREAM, 60_000);

        assertThat(latency.getLatency()).isEqualTo(100);
        assertThat(latency.getJitter()).isZero();
        assertThat(latency.getStream()).isEqualTo(ToxicDirection.DOWNSTREAM);
        assertThat(latency.getToxicity()).isEqualTo(1.0f);
        assertThat(bandwidth.getRate()).isEqualTo(500);
        assertThat(slicer.getAverageSize()).isEqualTo(16);
        assertThat(slicer.getDelay()).isEqualTo(10);
        assertThat(slowClose.getDelay()).isEqualTo(50);
        assertThat(timeout.getTimeout()).isEqualTo(60_000);
        assertThat(limitData.getBytes()).isEqualTo(1_000_000);
        assertThat(resetPeer.getTimeout()).isEqualTo(60_000);

        assertThat(proxy.toxics().get("latency", Latency.class).getLatency()).isEqualTo(100);
        assertThat(proxy.toxics().get("slicer", Slicer.class).getAverageSize()).isEqualTo(16);
        assertThat(proxy.toxics().get("reset")).isInstanceOf(ResetPeer.class);
        List<String> names = proxy.toxics().getAll().stream().map(Toxic::getName).collect(Collectors.toList());
        // upstream toxics first, then downstream, each in insertion order
        assertThat(names).containsExactly("bandwidth", "slow_close", "timeout", "latency", "slicer", "limit",
                "reset");
        assertThat(client.getProxy("redis").toxics().getAll()).hasSize(7);
    }

    @Test
    void everySetterReadsBack() throws IOException {
        Proxy proxy = client.createProxy("redis", "127.0.0.1:0", echo.address());

        Latency latency = proxy.toxics().latency("latency", ToxicDirection.DOWNSTREAM, 100);
        latency.setLatency(250).setJitter(20);
        assertThat(latency.getLatency()).isEqualTo(250);
        assertThat(latency.getJitter()).isEqualTo(20);
        Latency reread = proxy.toxics().get("latency", Latency.class);
        assertThat(reread.getLatency()).isEqualTo(250);
        assertThat(reread.getJitter()).isEqualTo(20);

        Bandwidth bandwidth = proxy.toxics().bandwidth("bandwidth", ToxicDirection.UPSTREAM, 500).setRate(42);
        assertThat(proxy.toxics().get("bandwidth", Bandwidth.class).getRate()).isEqualTo(42).isEqualTo(bandwidth.getRate());

        Slicer slicer = proxy.toxics().slicer("slicer", ToxicDirection.DOWNSTREAM, 16, 10)
                .setAverageSize(32).setSizeVariation(4).setDelay(7);
        Slicer slicerRead = proxy.toxics().get("slicer", Slicer.class);
        assertThat(slicerRead.getAverageSize()).isEqualTo(32).isEqualTo(slicer.getAverageSize());
        assertThat(slicerRead.getSizeVariation()).isEqualTo(4);
        assertThat(slicerRead.getDelay()).isEqualTo(7);

        proxy.toxics().slowClose("slow_close", ToxicDirection.UPSTREAM, 50).setDelay(75);
        assertThat(proxy.toxics().get("slow_close", SlowClose.class).getDelay()).isEqualTo(75);

        proxy.toxics().timeout("timeout", ToxicDirection.UPSTREAM, 60_000).setTimeout(30_000);
        assertThat(proxy.toxics().get("timeout", Timeout.class).getTimeout()).isEqualTo(30_000);

        proxy.toxics().limitData("limit", ToxicDirection.DOWNSTREAM, 1000).setBytes(2000);
        assertThat(proxy.toxics().get("limit", LimitData.class).getBytes()).isEqualTo(2000);

        proxy.toxics().resetPeer("reset", ToxicDirection.DOWNSTREAM, 60_000).setTimeout(45_000);
        assertThat(proxy.toxics().get("reset", ResetPeer.class).getTimeout()).isEqualTo(45_000);

        latency.setToxicity(0.25f);
        assertThat(latency.getToxicity()).isEqualTo(0.25f);
        Latency afterToxicity = proxy.toxics().get("latency", Latency.class);
        assertThat(afterToxicity.getToxicity()).isEqualTo(0.25f);
        assertThat(afterToxicity.getLatency()).as("toxicity change keeps attributes").isEqualTo(250);
    }

    @Test
    void removeAndToxicErrors() throws IOException {
        Proxy proxy = client.createProxy("redis", "127.0.0.1:0", echo.address());
        Latency latency = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 100);

        assertThatThrownBy(() -> proxy.toxics().latency("slow", ToxicDirection.UPSTREAM, 100))
                .as("names are unique across both streams")
                .isInstanceOf(IOException.class).hasMessage("[409] toxic already exists");

        latency.remove();
        assertThat(proxy.toxics().getAll()).isEmpty();
        assertThatThrownBy(() -> proxy.toxics().get("slow"))
                .isInstanceOf(IOException.class).hasMessage("[404] toxic not found");
        assertThatThrownBy(latency::remove)
                .isInstanceOf(FileNotFoundException.class).hasMessageEndingWith("/proxies/redis/toxics/slow");
        proxy.delete();
        assertThatThrownBy(() -> proxy.toxics().getAll())
                .isInstanceOf(IOException.class).hasMessage("[404] proxy not found");
    }

    /** Tiny blocking socket helpers shared by the tests. */
    static final class Sockets {
        private Sockets() {
        }

        static String echoThrough(String listen, String message) throws IOException {
            try (Socket socket = connect(listen)) {
                socket.setSoTimeout(5000);
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                socket.getOutputStream().write(bytes);
                return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
            }
        }

        static Socket connect(String listen) throws IOException {
            int colon = listen.lastIndexOf(':');
            return new Socket(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        }

        static boolean refuses(String listen) {
            try {
                connect(listen).close();
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }
}
