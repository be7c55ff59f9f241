package io.resilientredis.chaos.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.rekawek.toxiproxy.Proxy;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend chooser: embedded by default, a toxiproxy-server child process, clear errors otherwise. */
class FaultProxyServersTest {

    @Test
    void embeddedIsTheDefaultAndServesTheClient() throws IOException {
        String previous = System.getProperty(FaultProxyServers.BACKEND_PROPERTY);
        System.clearProperty(FaultProxyServers.BACKEND_PROPERTY);
        try (FaultProxyServer server = FaultProxyServers.start(); TestUpstream echo = TestUpstream.echo()) {
            assertThat(server.backend()).isEqualTo("embedded");
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
            Proxy proxy = server.client().createProxy("p", "127.0.0.1:0", echo.address());
            assertThat(ToxiproxyClientContractTest.Sockets.echoThrough(proxy.getListen(), "hi")).isEqualTo("hi");
        } finally {
            if (previous != null) {
                System.setProperty(FaultProxyServers.BACKEND_PROPERTY, previous);
            }
        }
    }

    @Test
    void unknownBackendNamesTheChoices() {
        assertThatThrownBy(() -> FaultProxyServers.start("podman"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resilientredis.toxiproxy=podman")
                .hasMessageContaining("embedded, binary or container");
    }

    @Test
    void binaryBackendRunsAToxiproxyServerChildAndStopsIt(@TempDir Path dir) throws IOException {
        // A stand-in toxiproxy-server: our own launcher in a child JVM, taking the same -host/-port flags.
        Path script = dir.resolve("toxiproxy-server");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' " + ToxiproxyServerMain.class.getName() + " \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        BinaryToxiproxy server = BinaryToxiproxy.start(script);
        ProcessHandle child = ProcessHandle.of(server.pid()).orElseThrow();
        try (TestUpstream echo = TestUpstream.echo()) {
            assertThat(server.backend()).isEqualTo("binary");
            assertThat(server.client().version()).contains(ToxiproxyServer.VERSION);
            Proxy proxy = server.client().createProxy("p", "127.0.0.1:0", echo.address());
            assertThat(ToxiproxyClientContractTest.Sockets.echoThrough(proxy.getListen(), "child"))
                    .isEqualTo("child");
        } finally {
            server.close();
        }
        assertThat(child.isAlive()).isFalse();
    }

    @Test
    void binaryBackendWithoutAnExecutableSaysWhatToDo(@TempDir Path dir) {
        String previous = System.getProperty(FaultProxyServers.BINARY_PROPERTY);
        System.setProperty(FaultProxyServers.BINARY_PROPERTY, dir.resolve("missing" + File.separator + "toxiproxy-server")
                .toString());
        try {
            assertThatThrownBy(() -> FaultProxyServers.start("binary"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not an executable file")
                    .hasMessageContaining("toxiproxy-server");
        } finally {
            if (previous == null) {
                System.clearProperty(FaultProxyServers.BINARY_PROPERTY);
            } else {
                System.setProperty(FaultProxyServers.BINARY_PROPERTY, previous);
            }
        }
    }
}
