package io.resilientredis.chaos.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS front for a plain Redis, for tests: accepts TLS on a free loopback port with a self-signed
 * certificate made by the JDK's keytool, and pipes each connection to the Redis port. Also hands
 * out a client {@link SSLContext} that trusts exactly that certificate. Close it to stop every thread.
 */
public final class TlsTerminator implements AutoCloseable {

    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    private final SSLServerSocket server;
    private final int redisPort;
    private final SSLContext clientContext;
    private final TrustManagerFactory clientTrust;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private TlsTerminator(SSLContext serverContext, SSLContext clientContext, TrustManagerFactory clientTrust,
                          int redisPort) throws IOException {
        this.clientContext = clientContext;
        this.clientTrust = clientTrust;
        this.redisPort = redisPort;
        this.server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "resilient-redis-test-tls-accept");
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    /**
     * @param directory where the key store goes
     * @param hostName the one DNS name the certificate is issued for
     * @param validityDays how long the certificate is valid
     * @param redisPort the plain Redis port behind
     */
    public static TlsTerminator start(Path directory, String hostName, int validityDays, int redisPort) throws Exception {
        Path store = directory.resolve("tls-" + validityDays + ".p12");
        Files.deleteIfExists(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "redis", "-keyalg", "EC",
                "-dname", "CN=" + hostName, "-ext", "SAN=dns:" + hostName, "-validity", Integer.toString(validityDays),
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(STORE_PASSWORD))
                .redirectErrorStream(true).redirectOutput(directory.resolve("keytool.log").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + Files.readString(directory.resolve("keytool.log")));
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, STORE_PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("redis", keys.getCertificate("redis"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        return new TlsTerminator(serverContext, clientContext, tmf, redisPort);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** @return trust managers that trust this terminator's certificate (and nothing else) */
    public TrustManagerFactory trustManagerFactory() {
        return clientTrust;
    }

    /** A client context that trusts this terminator's certificate (and nothing else). */
    public SSLContext trustingContext() {
        return clientContext;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(redis);
                }
                pipe(client, redis, "up");
                pipe(redis, client, "down");
            } catch (IOException e) {
                // closed, or one connection failed: the next accept decides
            }
        }
    }

    private synchronized void pipe(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // a side closed: the connection is over
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "resilient-redis-test-tls-" + direction);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        closeQuietly(server);
        List<Thread> toJoin;
        synchronized (this) {
            sockets.forEach(TlsTerminator::closeQuietly);
            toJoin = new ArrayList<>(threads);
        }
        for (Thread thread : toJoin) {
            thread.join(5000);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
