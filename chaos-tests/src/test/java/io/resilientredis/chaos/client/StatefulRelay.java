package io.resilientredis.chaos.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay that behaves like a stateful middlebox (a NAT, a load balancer, a firewall with connection
 * tracking): {@link #forgetOpenConnections()} makes it lose the state of every connection open now, so their
 * bytes vanish in both directions with no reset and no close, while new connections are relayed normally,
 * as after a middlebox restart or an idle-timeout purge. Used to show that the client finds and replaces
 * pooled connections that went silent this way. Runs on 127.0.0.1; {@link #close()} stops every thread.
 */
final class StatefulRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    /** One relayed connection. */
    private final class Pair {
        final Socket client;
        final Socket server;
        /** Set when the relay forgot this connection: its bytes are read and dropped. */
        volatile boolean forgotten;
        /** Set when the client closed its side. */
        volatile boolean clientGone;
        final Thread up;
        final Thread down;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
            this.up = new Thread(() -> pump(client, server), "relay-up-" + client.getPort());
            this.down = new Thread(() -> pump(server, client), "relay-down-" + client.getPort());
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!forgotten) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side closed: the pair ends
            } finally {
                if (from == client) {
                    clientGone = true;
                }
                if (!forgotten || from == client) {
                    close();
                }
            }
        }

        void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /**
     * @param upstreamHost where connections go
     * @param upstreamPort its port
     * @throws IOException when no port can be bound
     */
    StatefulRelay(String upstreamHost, int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "relay-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return {@code 127.0.0.1:<port>} to connect to */
    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** @return connections relayed now (forgotten ones excluded) */
    int liveConnections() {
        return (int) pairs.stream().filter(p -> !p.forgotten && !p.client.isClosed()).count();
    }

    /** @return connections the relay forgot that their client has not closed yet */
    int forgottenStillOpen() {
        return (int) pairs.stream().filter(p -> p.forgotten && !p.clientGone).count();
    }

    /** Loses the state of every connection open now: their bytes are dropped both ways, nothing is closed. */
    void forgetOpenConnections() {
        for (Pair p : pairs) {
            p.forgotten = true;
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(upstream, 2000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                pairs.add(new Pair(client, server));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        acceptor.join(5000);
        for (Pair p : pairs) {
            p.forgotten = false;
            p.close();
        }
        for (Pair p : pairs) {
            p.up.join(5000);
            p.down.join(5000);
        }
    }
}
