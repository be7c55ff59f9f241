package io.resilientredis.chaos.toxiproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A small TCP server the proxies point at in tests: echo, sink or source, one thread per connection. */
final class TestUpstream implements AutoCloseable {
    interface Handler {
        void handle(Socket socket, TestUpstream upstream) throws IOException;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean closed;

    private TestUpstream(Handler handler) throws IOException {
        this.server = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        this.handler = handler;
        Thread acceptor = new Thread(this::acceptLoop, "test-upstream-accept");
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    /** Echoes every byte back until the client closes, then closes. */
    static TestUpstream echo() throws IOException {
        return new TestUpstream((socket, upstream) -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                upstream.received.addAndGet(n);
                out.write(buffer, 0, n);
            }
        });
    }

    /** Reads and counts every byte until the client closes. */
    static TestUpstream sink() throws IOException {
        return new TestUpstream((socket, upstream) -> {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                upstream.received.addAndGet(n);
            }
        });
    }

    /** Sends the given bytes in one write as soon as a client connects, then closes the connection. */
    static TestUpstream source(byte[] payload) throws IOException {
        return new TestUpstream((socket, upstream) -> {
            socket.getOutputStream().write(payload);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        });
    }

    /** Sends the given bytes as soon as a client connects and keeps the connection open until the client closes. */
    static TestUpstream sourceKeepOpen(byte[] payload) throws IOException {
        return new TestUpstream((socket, upstream) -> {
            socket.getOutputStream().write(payload);
            socket.getOutputStream().flush();
            socket.getInputStream().readAllBytes();
        });
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    long received() {
        return received.get();
    }

    long accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                continue;
            }
            accepted.incrementAndGet();
            sockets.add(socket);
            Thread thread = new Thread(() -> {
                try (socket) {
                    handler.handle(socket, this);
                } catch (IOException ignored) {
                    // the client went away
                } finally {
                    sockets.remove(socket);
                    threads.remove(Thread.currentThread());
                }
            }, "test-upstream-conn");
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        threads.remove(Thread.currentThread());
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Thread thread : threads.toArray(new Thread[0])) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
