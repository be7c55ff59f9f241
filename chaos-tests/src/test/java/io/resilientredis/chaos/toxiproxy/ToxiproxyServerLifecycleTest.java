package io.resilientredis.chaos.toxiproxy;

import static io.resilientredis.chaos.toxiproxy.ToxiproxyClientContractTest.Sockets.connect;
import static io.resilientredis.chaos.toxiproxy.ToxiproxyClientContractTest.Sockets.refuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** close() stops the API, every listener, every connection and every thread the server started. */
class ToxiproxyServerLifecycleTest {

    @Test
    void closeStopsEverything() throws IOException {
        try (TestUpstream echo = TestUpstream.echo()) {
            ToxiproxyServer server = ToxiproxyServer.builder().port(0).build().start();
            ToxiproxyClient client = new ToxiproxyClient(server.host(), server.port());
            Proxy plain = client.createProxy("plain", "127.0.0.1:0", echo.address());
            Proxy toxic = client.createProxy("toxic", "127.0.0.1:0", echo.address());
            toxic.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 10_000);
            toxic.toxics().timeout("stuck", ToxicDirection.UPSTREAM, 0);
            try (Socket a = connect(plain.getListen()); Socket b = connect(toxic.getListen())) {
                a.setSoTimeout(5000);
                b.setSoTimeout(5000);
                a.getOutputStream().write('1');
                assertThat(a.getInputStream().read()).isEqualTo('1');
                b.getOutputStream().write('2');
                await().atMost(Duration.ofSeconds(5)).until(() -> proxyThreads().size() >= 6);

                server.close();

                assertThat(readOutcome(a)).isIn("EOF", "RESET");
                assertThat(readOutcome(b)).isIn("EOF", "RESET");
            }
            assertThat(proxyThreads()).as("threads left after close").isEmpty();
            assertThat(refuses(plain.getListen())).isTrue();
            assertThat(refuses(toxic.getListen())).isTrue();
            assertThat(refuses("127.0.0.1:" + server.port())).isTrue();
            assertThatThrownBy(client::getProxies).isInstanceOf(IOException.class);
        }
    }

    @Test
    void startsOnceAndReportsATakenApiPortClearly() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            ToxiproxyServer clash = ToxiproxyServer.builder().port(taken.getLocalPort()).build();
            assertThatThrownBy(clash::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("port 0");
            clash.close();
        }
        try (ToxiproxyServer server = ToxiproxyServer.builder().port(0).build().start()) {
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        }
    }

    static List<String> proxyThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(ThreadTracker.PREFIX) || name.equals("HTTP-Dispatcher"))
                .collect(Collectors.toList());
    }

    private static String readOutcome(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0 ? "EOF" : "DATA";
        } catch (SocketException e) {
            return "RESET";
        }
    }
}
