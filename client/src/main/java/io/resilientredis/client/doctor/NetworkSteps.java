package io.resilientredis.client.doctor;

import static io.resilientredis.client.doctor.Format.millis;

import io.resilientredis.client.internal.resp.RespClient;
import io.resilientredis.failover.internal.Threads;
import io.resilientredis.client.internal.resp.RespError;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The network steps of the runbook: DNS, TCP connect, the TLS handshake, AUTH, PING and the latency
 * sample, each bounded by {@link DoctorOptions#timeout()}, with the finding and fix for each way it
 * usually fails. Steps that come out as a check add it to the run's {@link Findings}.
 */
final class NetworkSteps {

    private static final Duration CERT_EXPIRY_WARNING = Duration.ofDays(14);

    private final DoctorOptions options;
    private final int timeoutMillis;
    private final Findings findings;

    NetworkSteps(DoctorOptions options, Findings findings) {
        this.options = options;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
        this.findings = findings;
    }

    /** @return the bound on each step, in milliseconds */
    int timeoutMillis() {
        return timeoutMillis;
    }

    boolean auth(RespClient connection, DataNode node) throws IOException {
        String target = node.address();
        if (node.password() == null) {
            Object reply = connection.call("PING");
            if (reply instanceof RespError error) {
                String code = error.code();
                if ("NOAUTH".equals(code)) {
                    findings.add(DoctorCheck.fail(CheckName.AUTH, target, "the server requires a password and none was given ("
                                    + error.message() + ")",
                            "give the password: redis://:PASSWORD@host:port (or user:PASSWORD@ for an ACL user), "
                                    + "--password, or the REDIS_PASSWORD environment variable"));
                    return false;
                }
                return refusedConnection(error, target);
            }
            findings.add(DoctorCheck.pass(CheckName.AUTH, target, "no password given, and the server requires none"));
            return true;
        }
        Object reply = node.username() != null
                ? connection.call("AUTH", node.username(), node.password())
                : connection.call("AUTH", node.password());
        if (!(reply instanceof RespError error)) {
            findings.add(DoctorCheck.pass(CheckName.AUTH, target, "authenticated" + (node.username() != null
                    ? " as ACL user " + node.username() : "")));
            return true;
        }
        String upper = error.message().toUpperCase(Locale.ROOT);
        if (upper.startsWith("WRONGPASS") || upper.contains("INVALID PASSWORD") || upper.contains("INVALID USERNAME")) {
            findings.add(DoctorCheck.fail(CheckName.AUTH, target, "the server rejected the credentials (" + error.code()
                            + (node.username() != null ? ", ACL user " + node.username() : ", default user") + ")",
                    "the password (or ACL user) is wrong or the user is disabled: use the server's requirepass, "
                            + "or check the user with ACL GETUSER; the password itself is never printed here"));
            return false;
        }
        if (upper.contains("WITHOUT ANY PASSWORD CONFIGURED") || upper.contains("NO PASSWORD IS SET")) {
            findings.add(DoctorCheck.warn(CheckName.AUTH, target, "a password was given but the server has none set: "
                            + "anyone who reaches this port can use it",
                    "set requirepass (or an ACL user) on the server, or drop the password from the client"));
            return true;
        }
        if (upper.startsWith("ERR WRONG NUMBER") && node.username() != null) {
            findings.add(DoctorCheck.fail(CheckName.AUTH, target, "the server does not know ACL users (Redis before 6)",
                    "drop the user name from the URL: redis://:PASSWORD@host:port"));
            return false;
        }
        return refusedConnection(error, target);
    }

    /** Errors any first command can get: protected mode, too many clients, ... Always a failure. */
    private boolean refusedConnection(RespError error, String target) {
        String upper = error.message().toUpperCase(Locale.ROOT);
        String fix;
        if (error.code().equals("DENIED") || upper.contains("PROTECTED MODE")) {
            fix = "Redis is in protected mode (no password, bound to all interfaces): set requirepass, or bind it to "
                    + "the interfaces clients use and set protected-mode no";
        } else if (upper.contains("MAX NUMBER OF CLIENTS")) {
            fix = "the server reached maxclients: find the client that leaks connections (CLIENT LIST) or raise "
                    + "maxclients";
        } else if (error.code().equals("LOADING")) {
            fix = "Redis is loading its dataset into memory; wait for it (INFO persistence: loading_eta_seconds)";
        } else {
            fix = "see the server's log for why it refuses";
        }
        findings.add(DoctorCheck.fail(CheckName.AUTH, target, "the server refused the connection: " + error.message(), fix));
        return false;
    }

    boolean ping(RespClient connection, DataNode node) throws IOException {
        String target = node.address();
        if (node.database() != 0) {
            Object select = connection.call("SELECT", Integer.toString(node.database()));
            if (select instanceof RespError error) {
                findings.add(DoctorCheck.fail(CheckName.PING, target, "SELECT " + node.database() + " failed: " + error.message(),
                        "the server has fewer databases (its 'databases' setting, 16 by default); use a smaller "
                                + "database number in the URL"));
                return false;
            }
        }
        long start = System.nanoTime();
        Object reply = connection.call("PING");
        String took = millis(System.nanoTime() - start);
        if (reply instanceof RespError error) {
            String fix = switch (error.code()) {
                case "LOADING" -> "Redis is loading its dataset into memory; wait for it (INFO persistence: "
                        + "loading_eta_seconds)";
                case "MASTERDOWN" -> "this replica lost its master and replica-serve-stale-data is no: bring the master "
                        + "back or point the client at the new master";
                case "BUSY" -> "a Lua script or function is running too long: SCRIPT KILL (or FUNCTION KILL), or wait";
                case "NOPERM" -> "allow the ACL user PING (ACL SETUSER <user> +ping)";
                default -> "see the server's log";
            };
            findings.add(DoctorCheck.fail(CheckName.PING, target, "PING answered " + error.message(), fix));
            return false;
        }
        findings.add(DoctorCheck.pass(CheckName.PING, target, reply + " in " + took + " ms"
                + (node.database() != 0 ? " (database " + node.database() + ")" : "")));
        return true;
    }


    void latency(RespClient connection, String target) {
        int samples = options.latencySamples();
        long[] nanos = new long[samples];
        try {
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                Object reply = connection.call("PING");
                nanos[i] = System.nanoTime() - start;
                if (reply instanceof RespError error) {
                    findings.add(DoctorCheck.fail(CheckName.LATENCY, target, "PING " + (i + 1) + " answered " + error.message(),
                            "see the server's log"));
                    return;
                }
            }
        } catch (IOException e) {
            findings.add(DoctorCheck.fail(CheckName.LATENCY, target, "a PING got no usable reply: " + describe(e),
                    replyFailureFix(e)));
            return;
        }
        Arrays.sort(nanos);
        long p50 = nanos[(samples - 1) / 2];
        long max = nanos[samples - 1];
        String finding = samples + " PINGs: p50 " + millis(p50) + " ms, max " + millis(max) + " ms";
        if (p50 > options.latencyWarning().toNanos()) {
            findings.add(DoctorCheck.warn(CheckName.LATENCY, target, finding + " (median above "
                            + millis(options.latencyWarning().toNanos()) + " ms)",
                    "round trips are slow: check the network path (same zone?), the server's CPU and slow commands "
                            + "(SLOWLOG GET, LATENCY DOCTOR), and swapping"));
        } else {
            findings.add(DoctorCheck.pass(CheckName.LATENCY, target, finding));
        }
    }

    // ------------------------------------------------------------------ network helpers

    InetAddress[] resolve(String host) throws UnknownHostException, TimeoutException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (isIpLiteral(bare)) {
            return InetAddress.getAllByName(bare);
        }
        FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(bare));
        Thread thread = Threads.daemon("resilient-redis-doctor-dns", lookup);
        thread.start();
        try {
            return lookup.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            UnknownHostException wrapped = new UnknownHostException(host + ": " + e.getCause());
            wrapped.initCause(e.getCause());
            throw wrapped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (TimeoutException e) {
            // The JDK's resolver cannot be cancelled; the daemon thread ends when the lookup does.
            lookup.cancel(true);
            throw e;
        }
    }

    Socket connect(InetAddress[] addresses, int port) throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
            }
        }
        throw last != null ? last : new ConnectException("no address to connect to");
    }

    /** [finding, fix] for a failed TCP connect. */
    String[] connectFailure(IOException e, String target, String what) {
        if (e instanceof SocketTimeoutException) {
            return new String[] {"no answer to the connection attempt within " + timeoutMillis + " ms",
                "the host is down, or a firewall or security group silently drops packets to this port: check the "
                        + "route from this machine and that the port is open to it"};
        }
        if (e instanceof NoRouteToHostException) {
            return new String[] {"no route to host (" + e.getMessage() + ")",
                "the network cannot reach " + target + ": check the address, routing, and any firewall that rejects"};
        }
        if (e instanceof ConnectException) {
            return new String[] {"connection refused: nothing listens on " + target,
                "start " + what + " there, or fix the port (Redis's 'port' setting); if it runs, check that its "
                        + "'bind' includes the interface this client reaches"};
        }
        return new String[] {"connect failed: " + describe(e), "check the address and the network to " + target};
    }

    Socket handshake(Socket plain, DataNode node) throws IOException {
        long start = System.nanoTime();
        SSLSocket ssl = handshakeQuietly(plain, node);
        String took = millis(System.nanoTime() - start);
        SSLSession session = ssl.getSession();
        String target = node.address();
        String finding = session.getProtocol() + " " + session.getCipherSuite() + " in " + took + " ms";
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
            Instant notAfter = leaf.getNotAfter().toInstant();
            finding += ", certificate " + leaf.getSubjectX500Principal().getName() + " valid until " + notAfter;
            if (notAfter.isBefore(Instant.now().plus(CERT_EXPIRY_WARNING))) {
                findings.add(DoctorCheck.warn(CheckName.TLS_HANDSHAKE, target, finding + ": expires within "
                        + CERT_EXPIRY_WARNING.toDays() + " days", "renew the server's certificate (tls-cert-file)"));
                return ssl;
            }
        }
        findings.add(DoctorCheck.pass(CheckName.TLS_HANDSHAKE, target, finding));
        return ssl;
    }

    /**
     * The TLS handshake with host name verification, adding no check: for the cluster's other nodes,
     * whose handshake is part of their own reachability check.
     */
    SSLSocket handshakeQuietly(Socket plain, DataNode node) throws IOException {
        SSLContext context = options.sslContext();
        if (context == null) {
            try {
                context = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new SSLException("the JVM has no default TLS context: " + e.getMessage(), e);
            }
        }
        String host = node.host();
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, node.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(timeoutMillis);
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            closeQuietly(ssl);
            throw e;
        }
        return ssl;
    }

    /** [finding, fix] for a failed TLS handshake. */
    String[] tlsFailure(IOException e, String target) {
        String all = chainText(e);
        if (e instanceof SocketTimeoutException || all.contains("SocketTimeoutException")) {
            return new String[] {"no TLS answer within " + timeoutMillis + " ms",
                "a plain-TCP Redis port never answers a TLS handshake: use redis://, or the server's tls-port "
                        + "for rediss://"};
        }
        if (all.contains("Unsupported or unrecognized SSL message") || all.contains("plaintext connection")) {
            return new String[] {"the server answered in plain text, not TLS",
                "this port does not speak TLS: use redis://, or the server's tls-port for rediss://"};
        }
        if (has(e, CertificateExpiredException.class) || all.contains("NotAfter")) {
            return new String[] {"the server's certificate has expired (" + firstLine(e) + ")",
                "renew the server's certificate (tls-cert-file) and reload it"};
        }
        if (all.contains("PKIX path") || all.contains("unable to find valid certification path")) {
            return new String[] {"the server's certificate is not trusted (" + firstLine(e) + ")",
                "add the CA that signed it to a trust store and start the JVM with "
                        + "-Djavax.net.ssl.trustStore=FILE (or pass an SSLContext in DoctorOptions)"};
        }
        if (all.contains("No subject alternative") || all.contains("No name matching")) {
            return new String[] {"the certificate does not name this host (" + firstLine(e) + ")",
                "connect by a name the certificate lists, or reissue it with this name in subjectAltName"};
        }
        if (e instanceof EOFException || all.contains("Remote host terminated") || all.contains("closed")) {
            return new String[] {"the server closed the connection during the handshake (" + firstLine(e) + ")",
                "the server refused our TLS version or ciphers, or wants a client certificate (tls-auth-clients): "
                        + "see its log"};
        }
        return new String[] {"handshake failed: " + firstLine(e), "see the server's log and check its tls-* settings"};
    }

    String replyFailureFix(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "the server accepted the connection but did not answer within " + timeoutMillis + " ms: it is "
                    + "frozen or overloaded (a long command, a fork of a huge dataset, swapping), or this port "
                    + "expects TLS (use rediss://)";
        }
        if (e instanceof EOFException || String.valueOf(e.getMessage()).contains("reset")) {
            return "the server closed the connection: if it only speaks TLS use rediss://; otherwise see its log "
                    + "(maxclients reached? a proxy in between?)";
        }
        return "check that this address is a Redis server and see its log";
    }

    static String configGet(RespClient connection, String name) throws IOException {
        Object reply = connection.call("CONFIG", "GET", name);
        if (reply instanceof List<?> list && list.size() >= 2) {
            return String.valueOf(list.get(1));
        }
        return null;
    }


    static boolean isIpLiteral(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (host.contains(":") && host.matches("[0-9A-Fa-f:.%\\[\\]a-zA-Z]+"));
    }

    static String describe(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "no reply within the timeout (" + e.getMessage() + ")";
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int nl = message.indexOf('\n');
        return nl >= 0 ? message.substring(0, nl) : message;
    }

    private static String chainText(Throwable t) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return text.toString();
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failed; nothing more to release
        }
    }

}
