package io.resilientredis.chaos.toxiproxy;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Toxiproxy's own image through Testcontainers, only where a Docker engine answers. Publishes the API port
 * 8474 and the proxy ports 8666 to 8697 (the range Toxiproxy's Testcontainers module also uses).
 */
final class ContainerToxiproxy implements FaultProxyServer {
    static final int API_PORT = 8474;
    static final int FIRST_PROXY_PORT = 8666;
    static final int LAST_PROXY_PORT = 8697;

    private final GenericContainer<?> container;

    private ContainerToxiproxy(GenericContainer<?> container) {
        this.container = container;
    }

    static ContainerToxiproxy start(String image) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-D" + FaultProxyServers.BACKEND_PROPERTY
                    + "=container needs a Docker engine, and none answers here; start Docker, or use -D"
                    + FaultProxyServers.BACKEND_PROPERTY + "=embedded (or =binary with toxiproxy-server on PATH)");
        }
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image));
        container.addExposedPort(API_PORT);
        for (int port = FIRST_PROXY_PORT; port <= LAST_PROXY_PORT; port++) {
            container.addExposedPort(port);
        }
        container.waitingFor(Wait.forHttp("/version").forPort(API_PORT));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new IllegalStateException("the Toxiproxy container " + image + " did not start: " + e.getMessage(),
                    e);
        }
        return new ContainerToxiproxy(container);
    }

    @Override
    public String backend() {
        return "container";
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(API_PORT);
    }

    @Override
    public int mappedPort(int proxyPort) {
        if (proxyPort < FIRST_PROXY_PORT || proxyPort > LAST_PROXY_PORT) {
            throw new IllegalArgumentException("proxy port " + proxyPort + " is not published by the container; "
                    + "let proxies listen on 0.0.0.0:" + FIRST_PROXY_PORT + " to 0.0.0.0:" + LAST_PROXY_PORT);
        }
        return container.getMappedPort(proxyPort);
    }

    @Override
    public void close() {
        container.close();
    }

    @Override
    public String toString() {
        return "FaultProxyServer{container " + container.getDockerImageName() + '}';
    }
}
