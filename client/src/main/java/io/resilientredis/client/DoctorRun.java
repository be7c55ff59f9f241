package io.resilientredis.client;

import io.resilientredis.client.DoctorConnection.ErrorReply;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * One walk of the runbook: collects the checks in order and skips what an earlier failure makes
 * pointless. Every network step is bounded by {@link DoctorOptions#timeout()}; every socket is
 * closed before {@link #report} returns. Every finding and fix passes through {@link #scrub} so a
 * password can never reach the report.
 */
final class DoctorRun {

    /** The checks run on one data node, in runbook order. */
    static final List<String> DATA_CHECKS = List.of(Doctor.DNS, Doctor.TCP_CONNECT, Doctor.TLS_HANDSHAKE, Doctor.AUTH,
            Doctor.PING, Doctor.ROLE, Doctor.PERSISTENCE, Doctor.MAXMEMORY, Doctor.EVICTION_POLICY, Doctor.USED_MEMORY,
            Doctor.EVICTED_KEYS, Doctor.LATENCY);
    static final List<String> SENTINEL_GROUP_CHECKS = List.of(Doctor.SENTINEL_AGREEMENT, Doctor.SENTINEL_QUORUM,
            Doctor.SENTINEL_MASTER, Doctor.SENTINEL_TOPOLOGY);

    private static final double MEMORY_WARN_RATIO = 0.9;
    private static final double SYSTEM_MEMORY_WARN_RATIO = 0.5;
    private static final long REPLICA_LAG_WARN_SECONDS = 10;
    private static final Duration CERT_EXPIRY_WARNING = Duration.ofDays(14);

    private final DoctorOptions options;
    private final int timeoutMillis;
    private final List<DoctorCheck> checks = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    DoctorRun(DoctorOptions options) {
        this.options = options;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
    }

    // ------------------------------------------------------------------ entry points

    /** Runs the runbook on an endpoint whose URL form was already checked (or a URL-form failure). */
    DoctorReport report(DoctorUrlForm.Parsed parsed, String shownInput) {
        if (!parsed.ok()) {
            add(DoctorCheck.fail(Doctor.URL_FORM, "", parsed.problem(), parsed.fix()));
            skipAll(List.of(Doctor.DNS, Doctor.TCP_CONNECT, Doctor.TLS_HANDSHAKE, Doctor.AUTH, Doctor.PING, Doctor.ROLE,
                    Doctor.PERSISTENCE, Doctor.MAXMEMORY, Doctor.EVICTION_POLICY, Doctor.USED_MEMORY, Doctor.EVICTED_KEYS,
                    Doctor.LATENCY), "", Doctor.URL_FORM + " failed");
            return new DoctorReport(shownInput, checks);
        }
        return report(parsed.endpoint());
    }

    DoctorReport report(RedisEndpoint endpoint) {
        addSecret(endpoint.password());
        addSecret(endpoint.sentinelPassword());
        if (endpoint.isSentinel()) {
            sentinelGroup(endpoint);
        } else {
            urlForm(endpoint);
            DataNode node = new DataNode(endpoint.host(), endpoint.port(), endpoint.tls(), endpoint.username(),
                    endpoint.password(), endpoint.database(), false, null);
            dataNode(node);
        }
        return new DoctorReport(endpoint.displayName(), checks);
    }

    // ------------------------------------------------------------------ URL form

    private void urlForm(RedisEndpoint endpoint) {
        String finding = endpoint.displayName() + " (" + (endpoint.tls() ? "TLS" : "plain TCP") + ", database "
                + endpoint.database() + (endpoint.username() != null ? ", ACL user " + endpoint.username() : "")
                + (endpoint.password() != null ? ", password given" : ", no password") + ")";
        if (!endpoint.tls() && endpoint.password() != null && !isLoopback(endpoint.host())) {
            add(DoctorCheck.warn(Doctor.URL_FORM, "", finding + ": the password crosses the network in clear text",
                    "use rediss:// with the server's tls-port when Redis is reached over a network you do not control"));
        } else {
            add(DoctorCheck.pass(Doctor.URL_FORM, "", finding));
        }
    }

    // ------------------------------------------------------------------ Sentinel group

    private void sentinelGroup(RedisEndpoint endpoint) {
        String master = endpoint.masterName();
        List<String> addresses = endpoint.sentinels();
        if (addresses.size() < 3) {
            add(DoctorCheck.warn(Doctor.URL_FORM, "", endpoint.displayName() + ": only " + addresses.size()
                            + " Sentinel address(es) given",
                    "list every Sentinel (three or more), so the client still finds the master when one Sentinel is down"));
        } else {
            add(DoctorCheck.pass(Doctor.URL_FORM, "", endpoint.displayName() + " (master '" + master + "', "
                    + addresses.size() + " Sentinels" + (endpoint.password() != null ? ", password given" : "")
                    + (endpoint.sentinelPassword() != null ? ", Sentinel password given" : "") + ")"));
        }

        Map<String, String> reported = new LinkedHashMap<>();
        List<String> answering = new ArrayList<>();
        for (String address : addresses) {
            String report = askSentinel(endpoint, address);
            if (report != null) {
                reported.put(address, report);
                answering.add(address);
            }
        }
        if (answering.isEmpty()) {
            skipAll(SENTINEL_GROUP_CHECKS, "", "no Sentinel named a master");
            skipAll(DATA_CHECKS, "", "no Sentinel named a master");
            return;
        }

        Map<String, Integer> votes = new LinkedHashMap<>();
        reported.values().forEach(a -> votes.merge(a, 1, Integer::sum));
        String masterAddress = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int agreeing = votes.get(masterAddress);

        String first = answering.get(0);
        Map<String, String> masterInfo;
        try (DoctorConnection sentinel = openSentinel(endpoint, first)) {
            Object reply = sentinel.call("SENTINEL", "MASTER", master);
            masterInfo = reply instanceof ErrorReply ? Map.of() : DoctorConnection.pairs(reply);
        } catch (IOException e) {
            masterInfo = Map.of();
        }
        int quorum = parseInt(masterInfo.get("quorum"), (addresses.size() / 2) + 1);

        // Agreement
        if (votes.size() == 1) {
            add(DoctorCheck.pass(Doctor.SENTINEL_AGREEMENT, master, "all " + answering.size() + " answering Sentinels "
                    + "report master " + masterAddress + (answering.size() < addresses.size()
                    ? " (" + (addresses.size() - answering.size()) + " did not answer)" : "")));
        } else if (agreeing >= quorum) {
            add(DoctorCheck.warn(Doctor.SENTINEL_AGREEMENT, master, agreeing + " of " + answering.size()
                            + " Sentinels report master " + masterAddress + ", the others " + others(reported, masterAddress),
                    "a failover may be in progress: run doctor again in a few seconds; if the split stays, check that "
                            + "every Sentinel monitors the same master and can reach the others (SENTINEL RESET " + master
                            + " on the odd one out)"));
        } else {
            add(DoctorCheck.fail(Doctor.SENTINEL_AGREEMENT, master, "no quorum (" + quorum + ") of Sentinels agrees on the "
                            + "master: " + reported,
                    "the Sentinels are split (a partition, or Sentinels that monitor different masters); make every "
                            + "Sentinel reach the others on their ports and monitor the same master, then SENTINEL RESET "
                            + master));
            skipAll(List.of(Doctor.SENTINEL_QUORUM, Doctor.SENTINEL_MASTER, Doctor.SENTINEL_TOPOLOGY), master,
                    Doctor.SENTINEL_AGREEMENT + " failed");
            skipAll(DATA_CHECKS, "", Doctor.SENTINEL_AGREEMENT + " failed");
            return;
        }

        // Quorum, master state, topology: asked of the first Sentinel that answered.
        try (DoctorConnection sentinel = openSentinel(endpoint, first)) {
            Object ck = sentinel.call("SENTINEL", "CKQUORUM", master);
            if (ck instanceof ErrorReply error) {
                add(DoctorCheck.fail(Doctor.SENTINEL_QUORUM, first, "SENTINEL CKQUORUM: " + error.message(),
                        "a failover needs 'quorum' Sentinels to agree the master is down and a majority of all known "
                                + "Sentinels to authorise it: start the missing Sentinels, or fix the network between them"));
            } else {
                add(DoctorCheck.pass(Doctor.SENTINEL_QUORUM, first, "SENTINEL CKQUORUM: " + ck));
            }
            masterState(master, masterAddress, masterInfo, quorum);
            Object replicas = sentinel.call("SENTINEL", "REPLICAS", master);
            if (replicas instanceof ErrorReply) {
                replicas = sentinel.call("SENTINEL", "SLAVES", master);
            }
            topology(master, first, masterInfo, replicas);
        } catch (IOException e) {
            add(DoctorCheck.fail(Doctor.SENTINEL_QUORUM, first, "Sentinel stopped answering: " + describe(e),
                    "check that Sentinel's host and process; run doctor again"));
            skipAll(List.of(Doctor.SENTINEL_MASTER, Doctor.SENTINEL_TOPOLOGY), master, "the Sentinel stopped answering");
        }

        String dialled = endpoint.natMap().getOrDefault(masterAddress, masterAddress);
        int colon = dialled.lastIndexOf(':');
        String note = dialled.equals(masterAddress) ? null : "reported as " + masterAddress + ", dialled via the NAT map";
        dataNode(new DataNode(dialled.substring(0, colon), Integer.parseInt(dialled.substring(colon + 1)), false,
                endpoint.username(), endpoint.password(), endpoint.database(), true, note));
    }

    /** One Sentinel check; returns the master address it reports, or null when it did not. */
    private String askSentinel(RedisEndpoint endpoint, String address) {
        String master = endpoint.masterName();
        long start = System.nanoTime();
        try (DoctorConnection sentinel = openSentinel(endpoint, address)) {
            Object reply = sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", master);
            String took = millis(System.nanoTime() - start);
            if (reply instanceof ErrorReply error) {
                add(DoctorCheck.fail(Doctor.SENTINEL, address, "answered " + error.message(), sentinelErrorFix(error)));
                return null;
            }
            if (!(reply instanceof List<?> pair) || pair.size() != 2) {
                Object masters = sentinel.call("SENTINEL", "MASTERS");
                List<String> names = new ArrayList<>();
                if (masters instanceof List<?> list) {
                    for (Object m : list) {
                        names.add(DoctorConnection.pairs(m).get("name"));
                    }
                }
                add(DoctorCheck.fail(Doctor.SENTINEL, address, "monitors no master named '" + master + "' (it knows "
                                + (names.isEmpty() ? "none" : String.join(", ", names)) + ")",
                        "use the name from sentinel.conf's 'sentinel monitor NAME host port quorum' line"));
                return null;
            }
            String reported = pair.get(0) + ":" + pair.get(1);
            add(DoctorCheck.pass(Doctor.SENTINEL, address, "answered in " + took + " ms, reports master " + reported));
            return reported;
        } catch (SentinelUnreachable e) {
            add(DoctorCheck.fail(Doctor.SENTINEL, address, e.finding, e.fix));
            return null;
        } catch (IOException e) {
            add(DoctorCheck.fail(Doctor.SENTINEL, address, "no usable reply: " + describe(e), replyFailureFix(e)));
            return null;
        }
    }

    private void masterState(String master, String masterAddress, Map<String, String> info, int quorum) {
        if (info.isEmpty()) {
            add(DoctorCheck.warn(Doctor.SENTINEL_MASTER, masterAddress, "SENTINEL MASTER " + master + " gave no answer",
                    "run SENTINEL MASTER " + master + " on a Sentinel and read its flags"));
            return;
        }
        String flags = info.getOrDefault("flags", "?");
        List<String> flagList = Arrays.asList(flags.split(","));
        String detail = "flags " + flags + ", quorum " + quorum + ", down-after " + info.get("down-after-milliseconds")
                + " ms";
        if (flagList.contains("o_down") || flagList.contains("s_down")) {
            String since = info.get("last-ok-ping-reply");
            add(DoctorCheck.fail(Doctor.SENTINEL_MASTER, masterAddress, "Sentinels see the master as down ("
                            + (flagList.contains("o_down") ? "objectively" : "subjectively") + "; " + detail
                            + (since != null ? ", last good PING " + since + " ms ago" : "") + ")",
                    "the master does not answer: if a healthy replica exists Sentinel promotes it within "
                            + "failover-timeout; if none can be promoted, bring the master back (its log says why it "
                            + "stopped)"));
        } else if (flagList.contains("disconnected")) {
            add(DoctorCheck.warn(Doctor.SENTINEL_MASTER, masterAddress, "the Sentinel has no link to the master right "
                            + "now (" + detail + ")",
                    "usually passing, just after a failover or restart: run doctor again; if it stays, check that the "
                            + "Sentinels reach the master's port and know its password (sentinel auth-pass)"));
        } else if (flags.contains("failover")) {
            add(DoctorCheck.warn(Doctor.SENTINEL_MASTER, masterAddress, "a failover is in progress (" + detail + ")",
                    "wait for it to finish (failover-timeout) and run doctor again"));
        } else {
            add(DoctorCheck.pass(Doctor.SENTINEL_MASTER, masterAddress, "master up (" + detail + ")"));
        }
    }

    private void topology(String master, String sentinelAddress, Map<String, String> info, Object replicasReply) {
        int sentinels = parseInt(info.get("num-other-sentinels"), -1) + 1;
        List<String> healthy = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        if (replicasReply instanceof List<?> list) {
            for (Object r : list) {
                Map<String, String> fields = DoctorConnection.pairs(r);
                String name = fields.get("ip") + ":" + fields.get("port");
                String rflags = fields.getOrDefault("flags", "?");
                String link = fields.getOrDefault("master-link-status", "?");
                if (rflags.equals("slave") && link.equals("ok")) {
                    healthy.add(name);
                } else {
                    unhealthy.add(name + " (" + rflags + ", link " + link + ")");
                }
            }
        }
        String finding = (sentinels > 0 ? sentinels + " Sentinels know the master" : "Sentinel count unknown")
                + "; replicas: " + (healthy.isEmpty() ? "none healthy" : String.join(", ", healthy) + " ok")
                + (unhealthy.isEmpty() ? "" : "; unhealthy: " + String.join(", ", unhealthy));
        if (healthy.isEmpty()) {
            add(DoctorCheck.warn(Doctor.SENTINEL_TOPOLOGY, master, finding,
                    "with no healthy replica a master failure cannot be failed over: add a replica "
                            + "(replicaof MASTER_HOST MASTER_PORT) or repair the listed ones"));
        } else if (sentinels > 0 && sentinels < 3) {
            add(DoctorCheck.warn(Doctor.SENTINEL_TOPOLOGY, master, finding,
                    "run at least three Sentinels on separate hosts, so losing one still leaves a majority to "
                            + "authorise a failover"));
        } else {
            add(DoctorCheck.pass(Doctor.SENTINEL_TOPOLOGY, master, finding + " (asked " + sentinelAddress + ")"));
        }
    }

    private DoctorConnection openSentinel(RedisEndpoint endpoint, String address) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        InetAddress[] resolved;
        try {
            resolved = resolve(host);
        } catch (UnknownHostException e) {
            throw new SentinelUnreachable("host '" + host + "' does not resolve",
                    "check the Sentinel's host name for typos and that this machine's DNS (or /etc/hosts) knows it");
        } catch (TimeoutException e) {
            throw new SentinelUnreachable("DNS gave no answer for '" + host + "' within " + timeoutMillis + " ms",
                    "check this machine's DNS resolver (/etc/resolv.conf) or use an IP address");
        }
        Socket socket;
        try {
            socket = connect(resolved, port);
        } catch (IOException e) {
            String[] why = connectFailure(e, address, "Sentinel");
            throw new SentinelUnreachable(why[0], why[1]);
        }
        DoctorConnection connection = new DoctorConnection(socket);
        if (endpoint.sentinelPassword() != null) {
            Object auth = endpoint.sentinelUsername() != null
                    ? connection.call("AUTH", endpoint.sentinelUsername(), endpoint.sentinelPassword())
                    : connection.call("AUTH", endpoint.sentinelPassword());
            if (auth instanceof ErrorReply error) {
                connection.close();
                throw new SentinelUnreachable("rejected the Sentinel credentials: " + error.code(),
                        "give the Sentinels' own password (requirepass in sentinel.conf) as the Sentinel password; "
                                + "it is separate from the data nodes' password");
            }
        }
        return connection;
    }

    private static String sentinelErrorFix(ErrorReply error) {
        if ("NOAUTH".equals(error.code())) {
            return "this Sentinel requires a password: give the Sentinel password (--sentinel-password or "
                    + "REDIS_SENTINEL_PASSWORD)";
        }
        if (error.message().toLowerCase(Locale.ROOT).contains("unknown command")) {
            return "this address is a Redis data node, not a Sentinel: give the Sentinels' ports (26379 by default)";
        }
        return "see the Sentinel's log";
    }

    /** A Sentinel that could not be reached or authenticated, with its finding and fix. */
    private static final class SentinelUnreachable extends IOException {
        private static final long serialVersionUID = 1L;
        final String finding;
        final String fix;

        SentinelUnreachable(String finding, String fix) {
            super(finding);
            this.finding = finding;
            this.fix = fix;
        }
    }

    // ------------------------------------------------------------------ data node

    /** The data node to examine; {@code viaSentinel} when the Sentinels named it as master. */
    private record DataNode(String host, int port, boolean tls, String username, String password, int database,
                            boolean viaSentinel, String note) {
        String address() {
            return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private void dataNode(DataNode node) {
        String target = node.address();
        List<String> remaining = new ArrayList<>(DATA_CHECKS);

        // DNS
        remaining.remove(Doctor.DNS);
        InetAddress[] resolved;
        long start = System.nanoTime();
        try {
            resolved = resolve(node.host());
            String addresses = String.join(", ", Arrays.stream(resolved).map(InetAddress::getHostAddress).toList());
            add(DoctorCheck.pass(Doctor.DNS, node.host(), isIpLiteral(node.host())
                    ? "an IP address, no lookup needed" + (node.note() != null ? " (" + node.note() + ")" : "")
                    : "resolves to " + addresses + " in " + millis(System.nanoTime() - start) + " ms"));
        } catch (UnknownHostException e) {
            add(DoctorCheck.fail(Doctor.DNS, node.host(), "host '" + node.host() + "' does not resolve",
                    "check the host name for typos and that this machine's DNS (or /etc/hosts) knows it; "
                            + (node.viaSentinel() ? "the Sentinels report this name, so it must resolve from here too "
                            + "(set replica-announce-ip, or map it with a NAT map)" : "or use an IP address")));
            skipAll(remaining, target, Doctor.DNS + " failed");
            return;
        } catch (TimeoutException e) {
            add(DoctorCheck.fail(Doctor.DNS, node.host(), "no DNS answer for '" + node.host() + "' within "
                    + timeoutMillis + " ms", "check this machine's DNS resolver (/etc/resolv.conf) or use an IP address"));
            skipAll(remaining, target, Doctor.DNS + " failed");
            return;
        }

        // TCP connect
        remaining.remove(Doctor.TCP_CONNECT);
        Socket socket;
        start = System.nanoTime();
        try {
            socket = connect(resolved, node.port());
            add(DoctorCheck.pass(Doctor.TCP_CONNECT, target, "connected in " + millis(System.nanoTime() - start)
                    + " ms" + (node.note() != null ? " (" + node.note() + ")" : "")));
        } catch (IOException e) {
            String[] why = connectFailure(e, target, node.viaSentinel() ? "the master the Sentinels report" : "Redis");
            add(DoctorCheck.fail(Doctor.TCP_CONNECT, target, why[0], why[1]));
            skipAll(remaining, target, Doctor.TCP_CONNECT + " failed");
            return;
        }

        try {
            // TLS handshake
            remaining.remove(Doctor.TLS_HANDSHAKE);
            if (node.tls()) {
                try {
                    socket = handshake(socket, node);
                } catch (IOException e) {
                    String[] why = tlsFailure(e, target);
                    add(DoctorCheck.fail(Doctor.TLS_HANDSHAKE, target, why[0], why[1]));
                    skipAll(remaining, target, Doctor.TLS_HANDSHAKE + " failed");
                    return;
                }
            } else {
                add(DoctorCheck.skip(Doctor.TLS_HANDSHAKE, target, node.viaSentinel()
                        ? "Sentinel endpoints connect in plain TCP" : "plain redis:// URL, no TLS"));
            }
            try (DoctorConnection connection = new DoctorConnection(socket)) {
                afterConnect(connection, node, remaining);
            } catch (IOException e) {
                add(DoctorCheck.fail(Doctor.AUTH, target, "the connection broke: " + describe(e), replyFailureFix(e)));
                remaining.remove(Doctor.AUTH);
                skipAll(remaining, target, "the connection broke");
            }
        } finally {
            closeQuietly(socket);
        }
    }

    private void afterConnect(DoctorConnection connection, DataNode node, List<String> remaining) {
        String target = node.address();
        // AUTH
        remaining.remove(Doctor.AUTH);
        try {
            if (!auth(connection, node)) {
                skipAll(remaining, target, Doctor.AUTH + " failed");
                return;
            }
        } catch (IOException e) {
            add(DoctorCheck.fail(Doctor.AUTH, target, "no usable reply: " + describe(e), replyFailureFix(e)));
            skipAll(remaining, target, Doctor.AUTH + " failed");
            return;
        }

        // PING
        remaining.remove(Doctor.PING);
        try {
            if (!ping(connection, node)) {
                skipAll(remaining, target, Doctor.PING + " failed");
                return;
            }
        } catch (IOException e) {
            add(DoctorCheck.fail(Doctor.PING, target, "no usable reply: " + describe(e), replyFailureFix(e)));
            skipAll(remaining, target, Doctor.PING + " failed");
            return;
        }

        // INFO-based checks
        List<String> infoChecks = List.of(Doctor.ROLE, Doctor.PERSISTENCE, Doctor.MAXMEMORY, Doctor.EVICTION_POLICY,
                Doctor.USED_MEMORY, Doctor.EVICTED_KEYS);
        try {
            Object reply = connection.call("INFO");
            if (reply instanceof ErrorReply error) {
                add(DoctorCheck.warn(Doctor.ROLE, target, "INFO refused: " + error.message(),
                        "run doctor as a user allowed INFO and CONFIG GET (ACL SETUSER <user> +info +config|get), "
                                + "or enable the INFO command"));
                skipAll(infoChecks.subList(1, infoChecks.size()), target, "INFO refused");
            } else {
                Map<String, String> info = DoctorConnection.parseInfo(String.valueOf(reply));
                if ("sentinel".equals(info.get("redis_mode"))) {
                    add(DoctorCheck.fail(Doctor.ROLE, target, "this is a Sentinel (redis_mode:sentinel), not a Redis "
                                    + "data node",
                            "give the data node's address, or check the group as a Sentinel endpoint: --sentinel "
                                    + "host:port,... --master NAME (RedisEndpoint.sentinel)"));
                    skipAll(infoChecks.subList(1, infoChecks.size()), target, "not a data node");
                    skipAll(List.of(Doctor.LATENCY), target, "not a data node");
                    return;
                }
                role(info, node);
                persistence(info, connection, target);
                memory(info, target);
            }
        } catch (IOException e) {
            add(DoctorCheck.fail(Doctor.ROLE, target, "INFO got no usable reply: " + describe(e), replyFailureFix(e)));
            skipAll(infoChecks.subList(1, infoChecks.size()), target, "INFO failed");
            skipAll(List.of(Doctor.LATENCY), target, "INFO failed");
            return;
        }

        // Latency
        latency(connection, target);
    }

    private boolean auth(DoctorConnection connection, DataNode node) throws IOException {
        String target = node.address();
        if (node.password() == null) {
            Object reply = connection.call("PING");
            if (reply instanceof ErrorReply error) {
                String code = error.code();
                if ("NOAUTH".equals(code)) {
                    add(DoctorCheck.fail(Doctor.AUTH, target, "the server requires a password and none was given ("
                                    + error.message() + ")",
                            "give the password: redis://:PASSWORD@host:port (or user:PASSWORD@ for an ACL user), "
                                    + "--password, or the REDIS_PASSWORD environment variable"));
                    return false;
                }
                return refusedConnection(error, target);
            }
            add(DoctorCheck.pass(Doctor.AUTH, target, "no password given, and the server requires none"));
            return true;
        }
        Object reply = node.username() != null
                ? connection.call("AUTH", node.username(), node.password())
                : connection.call("AUTH", node.password());
        if (!(reply instanceof ErrorReply error)) {
            add(DoctorCheck.pass(Doctor.AUTH, target, "authenticated" + (node.username() != null
                    ? " as ACL user " + node.username() : "")));
            return true;
        }
        String upper = error.message().toUpperCase(Locale.ROOT);
        if (upper.startsWith("WRONGPASS") || upper.contains("INVALID PASSWORD") || upper.contains("INVALID USERNAME")) {
            add(DoctorCheck.fail(Doctor.AUTH, target, "the server rejected the credentials (" + error.code()
                            + (node.username() != null ? ", ACL user " + node.username() : ", default user") + ")",
                    "the password (or ACL user) is wrong or the user is disabled: use the server's requirepass, "
                            + "or check the user with ACL GETUSER; the password itself is never printed here"));
            return false;
        }
        if (upper.contains("WITHOUT ANY PASSWORD CONFIGURED") || upper.contains("NO PASSWORD IS SET")) {
            add(DoctorCheck.warn(Doctor.AUTH, target, "a password was given but the server has none set: "
                            + "anyone who reaches this port can use it",
                    "set requirepass (or an ACL user) on the server, or drop the password from the client"));
            return true;
        }
        if (upper.startsWith("ERR WRONG NUMBER") && node.username() != null) {
            add(DoctorCheck.fail(Doctor.AUTH, target, "the server does not know ACL users (Redis before 6)",
                    "drop the user name from the URL: redis://:PASSWORD@host:port"));
            return false;
        }
        return refusedConnection(error, target);
    }

    /** Errors any first command can get: protected mode, too many clients, ... Always a failure. */
    private boolean refusedConnection(ErrorReply error, String target) {
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
        add(DoctorCheck.fail(Doctor.AUTH, target, "the server refused the connection: " + error.message(), fix));
        return false;
    }

    private boolean ping(DoctorConnection connection, DataNode node) throws IOException {
        String target = node.address();
        if (node.database() != 0) {
            Object select = connection.call("SELECT", Integer.toString(node.database()));
            if (select instanceof ErrorReply error) {
                add(DoctorCheck.fail(Doctor.PING, target, "SELECT " + node.database() + " failed: " + error.message(),
                        "the server has fewer databases (its 'databases' setting, 16 by default); use a smaller "
                                + "database number in the URL"));
                return false;
            }
        }
        long start = System.nanoTime();
        Object reply = connection.call("PING");
        String took = millis(System.nanoTime() - start);
        if (reply instanceof ErrorReply error) {
            String fix = switch (error.code()) {
                case "LOADING" -> "Redis is loading its dataset into memory; wait for it (INFO persistence: "
                        + "loading_eta_seconds)";
                case "MASTERDOWN" -> "this replica lost its master and replica-serve-stale-data is no: bring the master "
                        + "back or point the client at the new master";
                case "BUSY" -> "a Lua script or function is running too long: SCRIPT KILL (or FUNCTION KILL), or wait";
                case "NOPERM" -> "allow the ACL user PING (ACL SETUSER <user> +ping)";
                default -> "see the server's log";
            };
            add(DoctorCheck.fail(Doctor.PING, target, "PING answered " + error.message(), fix));
            return false;
        }
        add(DoctorCheck.pass(Doctor.PING, target, reply + " in " + took + " ms"
                + (node.database() != 0 ? " (database " + node.database() + ")" : "")));
        return true;
    }

    private void role(Map<String, String> info, DataNode node) {
        String target = node.address();
        String role = info.getOrDefault("role", "?");
        if ("master".equals(role)) {
            int connected = parseInt(info.get("connected_slaves"), 0);
            long offset = parseLong(info.get("master_repl_offset"), 0);
            List<String> replicas = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < connected; i++) {
                String line = info.get("slave" + i);
                if (line == null) {
                    continue;
                }
                Map<String, String> f = new LinkedHashMap<>();
                for (String kv : line.split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        f.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                long behind = Math.max(0, offset - parseLong(f.get("offset"), offset));
                long lag = parseLong(f.get("lag"), 0);
                String text = f.get("ip") + ":" + f.get("port") + " " + f.get("state") + ", " + behind
                        + " bytes behind, lag " + lag + " s";
                replicas.add(text);
                if (!"online".equals(f.get("state")) || lag > REPLICA_LAG_WARN_SECONDS) {
                    problems.add(text);
                }
            }
            String finding = "master, " + connected + " connected replica(s)"
                    + (replicas.isEmpty() ? "" : ": " + String.join("; ", replicas));
            if (!problems.isEmpty()) {
                add(DoctorCheck.warn(Doctor.ROLE, target, finding,
                        "a replica that is not online or lags over " + REPLICA_LAG_WARN_SECONDS + " s would lose recent "
                                + "writes if promoted: check its link and log, and the network between the nodes"));
            } else {
                add(DoctorCheck.pass(Doctor.ROLE, target, finding));
            }
            return;
        }
        if ("slave".equals(role)) {
            String master = info.get("master_host") + ":" + info.get("master_port");
            String link = info.getOrDefault("master_link_status", "?");
            if (!"up".equals(link)) {
                String down = info.get("master_link_down_since_seconds");
                add(DoctorCheck.fail(Doctor.ROLE, target, "replica of " + master + " with its link down"
                                + (down != null ? " for " + down + " s" : ""),
                        "check that the master runs and is reachable from this replica, and that masterauth matches "
                                + "the master's password; the replica's log says why the sync fails"));
                return;
            }
            String finding = "replica of " + master + ", link up, last I/O " + info.get("master_last_io_seconds_ago")
                    + " s ago" + ("1".equals(info.get("master_sync_in_progress")) ? ", sync in progress" : "");
            if (node.viaSentinel()) {
                add(DoctorCheck.fail(Doctor.ROLE, target, "the Sentinels report this node as master, but it is a "
                                + finding,
                        "a failover or reconfiguration is in progress, or the Sentinels' view is stale: run doctor "
                                + "again in a few seconds, then check SENTINEL MASTER on each Sentinel"));
            } else {
                add(DoctorCheck.warn(Doctor.ROLE, target, finding + ": writes sent here fail with READONLY",
                        "point writes at the master (" + master + "), or use a Sentinel endpoint so the client "
                                + "follows failovers"));
            }
            return;
        }
        add(DoctorCheck.fail(Doctor.ROLE, target, "the server reports role '" + role + "'",
                "this is not a Redis data node (a Sentinel?): give the data node's address"));
    }

    private void persistence(Map<String, String> info, DoctorConnection connection, String target) throws IOException {
        boolean aof = "1".equals(info.get("aof_enabled"));
        String save = configGet(connection, "save");
        String fsync = aof ? configGet(connection, "appendfsync") : null;
        String bgsave = info.getOrDefault("rdb_last_bgsave_status", "?");
        String aofWrite = info.getOrDefault("aof_last_write_status", "?");
        String rewrite = info.getOrDefault("aof_last_bgrewrite_status", "?");
        boolean rdb = save != null && !save.isBlank();
        String status = "AOF " + (aof ? "on" + (fsync != null ? " (appendfsync " + fsync + ")" : "") : "off")
                + ", RDB save points " + (save == null ? "unknown (CONFIG GET refused)" : rdb ? "'" + save + "'" : "none")
                + "; rdb_last_bgsave_status:" + bgsave + ", aof_last_write_status:" + aofWrite;
        if ("err".equals(bgsave)) {
            add(DoctorCheck.fail(Doctor.PERSISTENCE, target, "the last RDB save failed (" + status + ")",
                    "with stop-writes-on-bgsave-error yes (the default) Redis refuses writes with MISCONF: check free "
                            + "disk space and permissions of its dir (CONFIG GET dir) and the log, then BGSAVE"));
        } else if ("err".equals(aofWrite)) {
            add(DoctorCheck.fail(Doctor.PERSISTENCE, target, "writing the AOF failed (" + status + ")",
                    "Redis refuses writes until the AOF can be written: check free disk space and permissions of "
                            + "its dir and the log"));
        } else if ("err".equals(rewrite)) {
            add(DoctorCheck.warn(Doctor.PERSISTENCE, target, "the last AOF rewrite failed (" + status + ")",
                    "check free disk space and the log, then BGREWRITEAOF; the AOF keeps growing until a rewrite works"));
        } else if (!aof && !rdb) {
            add(DoctorCheck.warn(Doctor.PERSISTENCE, target, "no persistence (" + status + "): a restart empties this "
                            + "Redis",
                    "enable appendonly yes (appendfsync everysec) or RDB save points, unless this Redis only holds a "
                            + "cache that may be lost; a master without persistence that restarts also empties its "
                            + "replicas"));
        } else {
            add(DoctorCheck.pass(Doctor.PERSISTENCE, target, status));
        }
    }

    private void memory(Map<String, String> info, String target) {
        long max = parseLong(info.get("maxmemory"), -1);
        long used = parseLong(info.get("used_memory"), -1);
        long system = parseLong(info.get("total_system_memory"), 0);
        String policy = info.getOrDefault("maxmemory_policy", "?");

        // maxmemory
        if (max < 0) {
            add(DoctorCheck.skip(Doctor.MAXMEMORY, target, "INFO memory has no maxmemory field (Redis before 4?)"));
        } else if (max == 0) {
            add(DoctorCheck.warn(Doctor.MAXMEMORY, target, "maxmemory 0 (no limit): Redis grows until the host or "
                            + "container runs out of memory and the kernel kills it, losing every write since the "
                            + "last save",
                    "set maxmemory to about three quarters of the memory Redis may use (its container limit, else "
                            + "the host), leaving room for fork copy-on-write and buffers"));
        } else if (system > 0 && max > system) {
            add(DoctorCheck.warn(Doctor.MAXMEMORY, target, "maxmemory " + bytes(max) + " is more than the system's "
                            + bytes(system) + ": the limit is never reached before the kernel kills Redis",
                    "set maxmemory below the memory Redis may really use (about three quarters of it)"));
        } else {
            add(DoctorCheck.pass(Doctor.MAXMEMORY, target, "maxmemory " + bytes(max)
                    + (system > 0 ? " (" + percent(max, system) + " of system memory " + bytes(system) + ")" : "")));
        }

        // Eviction policy
        if (max <= 0) {
            add(DoctorCheck.pass(Doctor.EVICTION_POLICY, target, policy + " (without maxmemory no policy applies)"));
        } else if ("noeviction".equals(policy)) {
            add(DoctorCheck.warn(Doctor.EVICTION_POLICY, target, "noeviction with maxmemory " + bytes(max)
                            + ": when it is full Redis refuses writes with OOM (resilient-redis raises "
                            + "RedisWriteRefusedException, nothing is spilled)",
                    "keep headroom and alert on used memory near maxmemory; choose allkeys-lru only if this data may "
                            + "be evicted"));
        } else if (policy.startsWith("volatile-")) {
            add(DoctorCheck.warn(Doctor.EVICTION_POLICY, target, policy + ": when full, Redis evicts keys that have a "
                            + "TTL first, and resilient-redis's exactly-once markers (rr:once:*) have one; an evicted "
                            + "marker lets a replayed write apply twice",
                    "use noeviction with headroom for data that must not vanish, or allkeys-lru for a cache"));
        } else if ("allkeys-random".equals(policy)) {
            add(DoctorCheck.warn(Doctor.EVICTION_POLICY, target, "allkeys-random: when full, Redis evicts any key, "
                            + "the newest included",
                    "use allkeys-lru or allkeys-lfu, which keep recently used keys (and fresh exactly-once markers)"));
        } else {
            add(DoctorCheck.pass(Doctor.EVICTION_POLICY, target, policy + ": when full, Redis evicts the least "
                    + "recently (or frequently) used keys, keeping fresh ones"));
        }

        // Used memory
        if (used < 0) {
            add(DoctorCheck.skip(Doctor.USED_MEMORY, target, "INFO memory has no used_memory field"));
        } else if (max > 0) {
            String finding = "used " + bytes(used) + " of maxmemory " + bytes(max) + " (" + percent(used, max) + ")";
            if (used >= max * MEMORY_WARN_RATIO) {
                add(DoctorCheck.warn(Doctor.USED_MEMORY, target, finding, "noeviction".equals(policy)
                        ? "writes fail with OOM at the limit: raise maxmemory, add memory, or delete data"
                        : "Redis is evicting (or about to evict) keys: raise maxmemory or reduce the data"));
            } else {
                add(DoctorCheck.pass(Doctor.USED_MEMORY, target, finding));
            }
        } else if (system > 0 && used >= system * SYSTEM_MEMORY_WARN_RATIO) {
            add(DoctorCheck.warn(Doctor.USED_MEMORY, target, "used " + bytes(used) + " of system memory "
                            + bytes(system) + " (" + percent(used, system) + ") with no maxmemory",
                    "a background save or AOF rewrite forks and can need up to twice this; set maxmemory and add "
                            + "memory"));
        } else {
            add(DoctorCheck.pass(Doctor.USED_MEMORY, target, "used " + bytes(used)
                    + (system > 0 ? " (" + percent(used, system) + " of system memory " + bytes(system) + ")" : "")));
        }

        // Evicted keys
        long evicted = parseLong(info.get("evicted_keys"), -1);
        if (evicted < 0) {
            add(DoctorCheck.skip(Doctor.EVICTED_KEYS, target, "INFO stats has no evicted_keys field"));
        } else if (evicted > 0) {
            add(DoctorCheck.warn(Doctor.EVICTED_KEYS, target, evicted + " keys evicted since the server started ("
                            + policy + ")",
                    "Redis dropped keys to stay under maxmemory: raise maxmemory or reduce the data; if these keys "
                            + "must not be lost, use noeviction with headroom"));
        } else {
            add(DoctorCheck.pass(Doctor.EVICTED_KEYS, target, "no key evicted since the server started"));
        }
    }

    private void latency(DoctorConnection connection, String target) {
        int samples = options.latencySamples();
        long[] nanos = new long[samples];
        try {
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                Object reply = connection.call("PING");
                nanos[i] = System.nanoTime() - start;
                if (reply instanceof ErrorReply error) {
                    add(DoctorCheck.fail(Doctor.LATENCY, target, "PING " + (i + 1) + " answered " + error.message(),
                            "see the server's log"));
                    return;
                }
            }
        } catch (IOException e) {
            add(DoctorCheck.fail(Doctor.LATENCY, target, "a PING got no usable reply: " + describe(e),
                    replyFailureFix(e)));
            return;
        }
        Arrays.sort(nanos);
        long p50 = nanos[(samples - 1) / 2];
        long max = nanos[samples - 1];
        String finding = samples + " PINGs: p50 " + millis(p50) + " ms, max " + millis(max) + " ms";
        if (p50 > options.latencyWarning().toNanos()) {
            add(DoctorCheck.warn(Doctor.LATENCY, target, finding + " (median above "
                            + millis(options.latencyWarning().toNanos()) + " ms)",
                    "round trips are slow: check the network path (same zone?), the server's CPU and slow commands "
                            + "(SLOWLOG GET, LATENCY DOCTOR), and swapping"));
        } else {
            add(DoctorCheck.pass(Doctor.LATENCY, target, finding));
        }
    }

    // ------------------------------------------------------------------ network helpers

    private InetAddress[] resolve(String host) throws UnknownHostException, TimeoutException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (isIpLiteral(bare)) {
            return InetAddress.getAllByName(bare);
        }
        FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(bare));
        Thread thread = new Thread(lookup, "resilient-redis-doctor-dns");
        thread.setDaemon(true);
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

    private Socket connect(InetAddress[] addresses, int port) throws IOException {
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
    private String[] connectFailure(IOException e, String target, String what) {
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

    private Socket handshake(Socket plain, DataNode node) throws IOException {
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
        long start = System.nanoTime();
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            closeQuietly(ssl);
            throw e;
        }
        String took = millis(System.nanoTime() - start);
        SSLSession session = ssl.getSession();
        String target = node.address();
        String finding = session.getProtocol() + " " + session.getCipherSuite() + " in " + took + " ms";
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
            Instant notAfter = leaf.getNotAfter().toInstant();
            finding += ", certificate " + leaf.getSubjectX500Principal().getName() + " valid until " + notAfter;
            if (notAfter.isBefore(Instant.now().plus(CERT_EXPIRY_WARNING))) {
                add(DoctorCheck.warn(Doctor.TLS_HANDSHAKE, target, finding + ": expires within "
                        + CERT_EXPIRY_WARNING.toDays() + " days", "renew the server's certificate (tls-cert-file)"));
                return ssl;
            }
        }
        add(DoctorCheck.pass(Doctor.TLS_HANDSHAKE, target, finding));
        return ssl;
    }

    /** [finding, fix] for a failed TLS handshake. */
    private String[] tlsFailure(IOException e, String target) {
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

    private String replyFailureFix(IOException e) {
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

    private static String configGet(DoctorConnection connection, String name) throws IOException {
        Object reply = connection.call("CONFIG", "GET", name);
        if (reply instanceof List<?> list && list.size() >= 2) {
            return String.valueOf(list.get(1));
        }
        return null;
    }

    // ------------------------------------------------------------------ small helpers

    private void add(DoctorCheck check) {
        checks.add(new DoctorCheck(check.name(), scrub(check.target()), check.status(), scrub(check.finding()),
                check.fix().map(this::scrub).orElse(null)));
    }

    private void skipAll(List<String> names, String target, String reason) {
        for (String name : names) {
            add(DoctorCheck.skip(name, target, "skipped: " + reason));
        }
    }

    /** Registers a password that must never appear in the report (beyond those of the endpoint). */
    void secret(String secret) {
        addSecret(secret);
    }

    private void addSecret(String secret) {
        if (secret != null && !secret.isEmpty()) {
            secrets.add(secret);
        }
    }

    /** Replaces every known password by {@code ***}: the report must never carry one. */
    private String scrub(String text) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "***");
        }
        return result;
    }

    private static String others(Map<String, String> reported, String majority) {
        List<String> list = new ArrayList<>();
        reported.forEach((sentinel, master) -> {
            if (!master.equals(majority)) {
                list.add(sentinel + " says " + master);
            }
        });
        return String.join(", ", list);
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    static boolean isIpLiteral(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (host.contains(":") && host.matches("[0-9A-Fa-f:.%\\[\\]a-zA-Z]+"));
    }

    private static String describe(IOException e) {
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

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failed; nothing more to release
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, nanos < 10_000_000 ? "%.2f" : "%.0f", nanos / 1e6);
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.0f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static int parseInt(String text, int fallback) {
        try {
            return text == null ? fallback : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseLong(String text, long fallback) {
        try {
            return text == null ? fallback : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
