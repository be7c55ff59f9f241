package io.resilientredis.chaos.toxiproxy;

import eu.rekawek.toxiproxy.ToxiproxyClient;

/**
 * A running Toxiproxy-compatible server, whichever backend runs it (see {@link FaultProxyServers}): the
 * embedded Java server, a {@code toxiproxy-server} child process, or a Toxiproxy container. Closing it stops
 * the server and everything it started.
 */
public interface FaultProxyServer extends AutoCloseable {

    /** {@return which backend runs this server: {@code embedded}, {@code binary} or {@code container}} */
    String backend();

    /** {@return the host the API answers on, as seen from this JVM} */
    String host();

    /** {@return the API port, as seen from this JVM} */
    int port();

    /** {@return the API's base URL, such as {@code http://127.0.0.1:8474}} */
    default String url() {
        return "http://" + host() + ":" + port();
    }

    /** {@return a Toxiproxy client for this server's API} */
    default ToxiproxyClient client() {
        return new ToxiproxyClient(host(), port());
    }

    /**
     * The port on {@link #host()} at which a proxy that listens on {@code proxyPort} is reached from this JVM.
     * The same port for the embedded and binary backends; for the container backend the published port (only
     * 8666 to 8697 are published, so proxies in a container must listen on {@code 0.0.0.0:<8666..8697>}).
     *
     * @param proxyPort the port the proxy listens on
     * @return the port to connect to from this JVM
     */
    default int mappedPort(int proxyPort) {
        return proxyPort;
    }

    /** Stops the server, its proxies and its connections. */
    @Override
    void close();
}
