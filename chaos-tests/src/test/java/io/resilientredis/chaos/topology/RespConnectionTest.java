package io.resilientredis.chaos.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.resilientredis.client.internal.resp.RespReader;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The harness's conventions on top of the client's RESP reader: a top-level error is thrown as
 * {@link RespConnection.ErrorReply}, an error inside an array becomes an ErrorReply element, and a
 * connection closed mid-reply names the node and the command. Against a scripted server socket, so
 * each reply is exactly the bytes under test.
 */
class RespConnectionTest {

    /** Answers each command it reads with the next canned reply, then closes; returns the commands seen. */
    private static CompletableFuture<List<Object>> serve(ServerSocket server, String... replies) {
        return CompletableFuture.supplyAsync(() -> {
            List<Object> seen = new ArrayList<>();
            try (Socket socket = server.accept()) {
                RespReader requests = new RespReader(new BufferedInputStream(socket.getInputStream()));
                OutputStream out = socket.getOutputStream();
                for (String reply : replies) {
                    seen.add(requests.read());
                    out.write(reply.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return seen;
        });
    }

    @Test
    void errorsAreThrownAtTheTopAndKeptAsElementsInsideArrays() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<Object>> seen = serve(server,
                    "*3\r\n+OK\r\n-WRONGTYPE Operation against a key\r\n*1\r\n-ERR deep\r\n",
                    "-READONLY You can't write against a read only replica.\r\n",
                    "$26\r\n# Replication\r\nrole:master\r\n",
                    "+PONG\r\n");
            try (RespConnection c = RespConnection.open("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5))) {
                List<?> exec = (List<?>) c.call("EXEC");
                assertThat(exec.get(0)).isEqualTo("OK");
                assertThat(exec.get(1)).isInstanceOfSatisfying(RespConnection.ErrorReply.class,
                        e -> assertThat(e.reply()).isEqualTo("WRONGTYPE Operation against a key"));
                assertThat((List<?>) exec.get(2)).singleElement()
                        .isInstanceOfSatisfying(RespConnection.ErrorReply.class,
                                e -> assertThat(e.reply()).isEqualTo("ERR deep"));

                RespConnection.ErrorReply readOnly = catchThrowableOfType(RespConnection.ErrorReply.class,
                        () -> c.call("set", "k", "v"));
                assertThat(readOnly.reply()).startsWith("READONLY");
                assertThat(readOnly).hasMessage("127.0.0.1:" + server.getLocalPort() + " answered SET with an error: "
                        + "READONLY You can't write against a read only replica.");

                assertThat(c.info("replication")).isEqualTo(Map.of("role", "master"));
                assertThat(c.ping()).isTrue();
            }
            assertThat(seen.get(5, TimeUnit.SECONDS)).containsExactly(List.of("EXEC"), List.of("set", "k", "v"),
                    List.of("INFO", "replication"), List.of("PING"));
        }
    }

    @Test
    void aConnectionClosedMidReplyNamesTheNodeAndTheCommand() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<Object>> seen = serve(server, "*2\r\n+a\r\n");
            try (RespConnection c = RespConnection.open("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5))) {
                EOFException closed = catchThrowableOfType(EOFException.class, () -> c.call("ROLE"));
                assertThat(closed).hasMessageStartingWith("127.0.0.1:" + server.getLocalPort()
                        + " closed the connection while ROLE waited for its reply");
            }
            assertThat(seen.get(5, TimeUnit.SECONDS)).containsExactly(List.of("ROLE"));
        }
    }
}
