package io.resilientredis.chaos.toxiproxy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named proxy: its configuration, its listener while enabled, its live connections and its toxics.
 * Configuration changes are made by the API under the server's lock; the acceptor and the connections only
 * touch the connection set, which has its own lock.
 */
final class ProxyInstance {
    private static final Logger log = LoggerFactory.getLogger(ProxyInstance.class);

    private final String name;
    private final ThreadTracker threads;
    private final AtomicLong connectionIds = new AtomicLong();
    private final Object connectionLock = new Object();
    private final Set<Connection> connections = new HashSet<>();
    private volatile String listen;
    private volatile String upstream;
    private volatile List<ToxicSpec> toxics = List.of();
    private Listener listener;

    ProxyInstance(String name, String listen, String upstream, ThreadTracker threads) {
        this.name = name;
        this.listen = listen;
        this.upstream = upstream;
        this.threads = threads;
    }

    String name() {
        return name;
    }

    String listen() {
        return listen;
    }

    String upstream() {
        return upstream;
    }

    boolean enabled() {
        return listener != null;
    }

    List<ToxicSpec> toxics() {
        return toxics;
    }

    int connectionCount() {
        synchronized (connectionLock) {
            return connections.size();
        }
    }

    /** Binds the listen address (port 0 picks a free port, which {@link #listen()} then reports). */
    void enable() throws ApiException {
        if (listener == null) {
            install(bind(listen));
        }
    }

    /** Closes the listener (new connections are refused) and every open connection; toxics are kept. */
    void disable() {
        Listener current = listener;
        if (current != null) {
            listener = null;
            current.close();
            closeConnections();
            log.info("proxy {} disabled (listener {} closed, connections closed)", name, listen);
        }
    }

    /** A new listen address: the new one is bound before the old one is let go, so a failure changes nothing. */
    void changeListen(String newListen) throws ApiException {
        if (listener == null) {
            listen = newListen;
            return;
        }
        Listener next = bind(newListen);
        disable();
        install(next);
    }

    /** A new upstream: live connections are closed, new ones dial the new address. */
    void changeUpstream(String newUpstream) {
        upstream = newUpstream;
        closeConnections();
    }

    void setToxics(List<ToxicSpec> newToxics) {
        toxics = List.copyOf(newToxics);
        for (Connection connection : snapshotConnections()) {
            connection.updateToxics(toxics);
        }
    }

    void connectionClosed(Connection connection) {
        synchronized (connectionLock) {
            connections.remove(connection);
        }
    }

    private void closeConnections() {
        for (Connection connection : snapshotConnections()) {
            connection.close();
        }
    }

    private List<Connection> snapshotConnections() {
        synchronized (connectionLock) {
            return new ArrayList<>(connections);
        }
    }

    private void install(Listener bound) {
        listener = bound;
        listen = bound.address;
        bound.thread = threads.start(name + "-accept", () -> acceptLoop(bound));
        log.info("proxy {} listening on {} for upstream {}", name, listen, upstream);
    }

    private Listener bind(String address) throws ApiException {
        InetSocketAddress endpoint;
        try {
            endpoint = Connection.parse(address);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("listen address " + address + " is not host:port: " + e.getMessage());
        }
        if (endpoint.isUnresolved()) {
            throw new ApiException(500, "listen tcp " + address + ": unknown host " + endpoint.getHostString());
        }
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(endpoint, 1024);
            return new Listener(socket, format(socket.getInetAddress(), socket.getLocalPort()));
        } catch (IOException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing was bound
                }
            }
            String hint = e instanceof BindException ? " (the port is taken: choose another or use port 0)" : "";
            throw new ApiException(500, "listen tcp " + address + ": " + e.getMessage() + hint);
        }
    }

    static String format(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private void acceptLoop(Listener bound) {
        while (!bound.closed) {
            Socket client;
            try {
                client = bound.socket.accept();
            } catch (IOException e) {
                if (!bound.closed) {
                    log.warn("proxy {}: accept failed on {}: {}", name, bound.address, e.toString());
                }
                continue;
            }
            try {
                client.setTcpNoDelay(true);
            } catch (IOException ignored) {
                // the client is gone already; the connection closes on first use
            }
            List<ToxicSpec> initial = toxics;
            Connection connection = new Connection(this, name + "-" + connectionIds.incrementAndGet(), client,
                    upstream, initial, threads);
            synchronized (connectionLock) {
                if (bound.closed) {
                    connection.close();
                    continue;
                }
                connections.add(connection);
            }
            // setToxics writes the list before it looks at the connection set: a change it made without seeing
            // this connection (a fault healed while it was being accepted) is read here, so the connection does
            // not keep the old toxics for as long as it lives.
            List<ToxicSpec> current = toxics;
            if (current != initial) {
                connection.updateToxics(current);
            }
            connection.start();
        }
    }

    /** A bound listen socket and its acceptor thread. */
    private final class Listener {
        final ServerSocket socket;
        final String address;
        volatile boolean closed;
        Thread thread;

        Listener(ServerSocket socket, String address) {
            this.socket = socket;
            this.address = address;
        }

        void close() {
            synchronized (connectionLock) {
                closed = true;
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
