package io.resilientredis.client.doctor;

import static io.resilientredis.client.doctor.Format.millis;

import io.resilientredis.client.internal.ConnectionSpec;
import io.resilientredis.client.internal.resp.RespClient;
import io.resilientredis.client.internal.resp.RespError;
import io.resilientredis.client.internal.resp.RespReplies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One walk of the runbook: the URL form, the Sentinel checks ({@link SentinelChecks}) for a group or
 * the first seed that answers for a cluster endpoint, then the data node: the network steps ({@link NetworkSteps}) and the checks of its {@code INFO}
 * ({@link ServerChecks}), and for a node in cluster mode the cluster's checks ({@link ClusterChecks}); a check
 * that needs an earlier one that failed is skipped. Every network
 * step is bounded by {@link DoctorOptions#timeout()}; every socket is closed before {@link #report}
 * returns. Every finding and fix passes through {@link Findings}, so a password can never reach the
 * report.
 */
final class DoctorRun {

    /** The checks run on one data node, in runbook order. */
    static final List<CheckName> DATA_CHECKS = List.of(CheckName.DNS, CheckName.TCP_CONNECT, CheckName.TLS_HANDSHAKE,
            CheckName.AUTH, CheckName.PING, CheckName.ROLE, CheckName.PERSISTENCE, CheckName.MAXMEMORY,
            CheckName.EVICTION_POLICY, CheckName.USED_MEMORY, CheckName.EVICTED_KEYS, CheckName.LATENCY);

    private final Findings findings = new Findings();
    private final NetworkSteps network;
    /** The endpoint's NAT map: announced {@code host:port} to dialled, for the cluster's nodes. */
    private Map<String, String> natMap = Map.of();

    DoctorRun(DoctorOptions options) {
        this.network = new NetworkSteps(options, findings);
    }

    /** Registers a password that must never appear in the report (beyond those of the endpoint). */
    void secret(String secret) {
        findings.secret(secret);
    }

    /** Runs the runbook on an endpoint whose URL form was already checked (or a URL-form failure). */
    DoctorReport report(DoctorUrlForm.Parsed parsed, String shownInput) {
        if (!parsed.ok()) {
            findings.add(DoctorCheck.fail(CheckName.URL_FORM, "", parsed.problem(), parsed.fix()));
            findings.skipAll(DATA_CHECKS, "", CheckName.URL_FORM + " failed");
            return new DoctorReport(shownInput, findings.checks());
        }
        return report(ConnectionSpec.of(parsed.endpoint()));
    }

    DoctorReport report(ConnectionSpec spec) {
        findings.secret(spec.password());
        findings.secret(spec.sentinelPassword());
        natMap = spec.natMap();
        if (spec.sentinel()) {
            new SentinelChecks(network, findings).group(spec).ifPresent(this::dataNode);
        } else if (spec.cluster()) {
            clusterUrlForm(spec);
            dataNode(firstAnsweringSeed(spec));
        } else {
            urlForm(spec);
            dataNode(new DataNode(spec.host(), spec.port(), spec.tls(), spec.username(), spec.password(),
                    spec.database(), false, null));
        }
        return new DoctorReport(spec.displayName(), findings.checks());
    }

    private void urlForm(ConnectionSpec spec) {
        String finding = spec.displayName() + " (" + (spec.tls() ? "TLS" : "plain TCP") + ", database "
                + spec.database() + (spec.username() != null ? ", ACL user " + spec.username() : "")
                + (spec.password() != null ? ", password given" : ", no password") + ")";
        if (!spec.tls() && spec.password() != null && !isLoopback(spec.host())) {
            findings.add(DoctorCheck.warn(CheckName.URL_FORM, "", finding + ": the password crosses the network in "
                            + "clear text",
                    "use rediss:// with the server's tls-port when Redis is reached over a network you do not control"));
        } else {
            findings.add(DoctorCheck.pass(CheckName.URL_FORM, "", finding));
        }
    }

    private void clusterUrlForm(ConnectionSpec spec) {
        List<String> seeds = spec.clusterSeeds();
        String finding = spec.displayName() + " (Redis Cluster, " + seeds.size() + " seed node(s), "
                + (spec.tls() ? "TLS" : "plain TCP") + (spec.username() != null ? ", ACL user " + spec.username() : "")
                + (spec.password() != null ? ", password given" : ", no password") + ")";
        boolean remote = seeds.stream().anyMatch(seed -> !isLoopback(hostOf(seed)));
        if (!spec.tls() && spec.password() != null && remote) {
            findings.add(DoctorCheck.warn(CheckName.URL_FORM, "", finding + ": the password crosses the network in "
                            + "clear text",
                    "use rediss-cluster:// with the nodes' tls-port (tls-cluster yes) when the cluster is reached over "
                            + "a network you do not control"));
        } else {
            findings.add(DoctorCheck.pass(CheckName.URL_FORM, "", finding));
        }
    }

    /**
     * Tries the seeds in order until one answers a PING (any reply, even an error, is an answer: the
     * data-node checks then say what the error means); each seed tried before it is a
     * {@link CheckName#CLUSTER_SEED} warning. When none answers, the first seed is returned, so the
     * data-node checks report why it does not.
     */
    private DataNode firstAnsweringSeed(ConnectionSpec spec) {
        List<String> seeds = spec.clusterSeeds();
        List<DoctorCheck> silent = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            String seed = seeds.get(i);
            DataNode node = new DataNode(hostOf(seed), portOf(seed), spec.tls(), spec.username(), spec.password(), 0,
                    false, "seed " + (i + 1) + " of " + seeds.size());
            String silence = silence(node);
            if (silence == null) {
                silent.forEach(findings::add);
                return node;
            }
            silent.add(DoctorCheck.warn(CheckName.CLUSTER_SEED, node.address(), "seed " + (i + 1) + " of "
                            + seeds.size() + " did not answer: " + silence + "; trying the next",
                    "the client starts from any seed that answers, but a seed list of nodes that are gone leaves a "
                            + "restarted client nothing to start from: check the node, or list the cluster's current "
                            + "nodes as seeds"));
        }
        // None answered: the other seeds are warnings, then the first seed's own checks say why it did not.
        silent.subList(1, silent.size()).forEach(findings::add);
        String first = seeds.get(0);
        return new DataNode(hostOf(first), portOf(first), spec.tls(), spec.username(), spec.password(), 0, false,
                "seed 1 of " + seeds.size() + "; no seed answered");
    }

    /** @return why the node gives no reply to a PING within the bound, or null when it gives one */
    private String silence(DataNode node) {
        InetAddress[] resolved;
        try {
            resolved = network.resolve(node.host());
        } catch (UnknownHostException e) {
            return "host '" + node.host() + "' does not resolve";
        } catch (TimeoutException e) {
            return "no DNS answer within " + network.timeoutMillis() + " ms";
        }
        Socket socket;
        try {
            socket = network.connect(resolved, node.port());
        } catch (IOException e) {
            return network.connectFailure(e, node.address(), "Redis")[0];
        }
        try {
            if (node.tls()) {
                socket = network.handshakeQuietly(socket, node);
            }
            try (RespClient connection = new RespClient(socket)) {
                connection.call("PING");
                return null;
            }
        } catch (java.io.EOFException e) {
            return "connected, but the connection closed before any reply";
        } catch (IOException e) {
            return NetworkSteps.describe(e);
        } finally {
            NetworkSteps.closeQuietly(socket);
        }
    }

    /** @return the host of {@code host:port}, without an IPv6 address's brackets */
    private static String hostOf(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int portOf(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private void dataNode(DataNode node) {
        String target = node.address();
        List<CheckName> remaining = new ArrayList<>(DATA_CHECKS);

        // DNS
        remaining.remove(CheckName.DNS);
        InetAddress[] resolved;
        long start = System.nanoTime();
        try {
            resolved = network.resolve(node.host());
            String addresses = String.join(", ", Arrays.stream(resolved).map(InetAddress::getHostAddress).toList());
            findings.add(DoctorCheck.pass(CheckName.DNS, node.host(), NetworkSteps.isIpLiteral(node.host())
                    ? "an IP address, no lookup needed" + (node.note() != null ? " (" + node.note() + ")" : "")
                    : "resolves to " + addresses + " in " + millis(System.nanoTime() - start) + " ms"));
        } catch (UnknownHostException e) {
            findings.add(DoctorCheck.fail(CheckName.DNS, node.host(), "host '" + node.host() + "' does not resolve",
                    "check the host name for typos and that this machine's DNS (or /etc/hosts) knows it; "
                            + (node.viaSentinel() ? "the Sentinels report this name, so it must resolve from here too "
                            + "(set replica-announce-ip, or map it with a NAT map)" : "or use an IP address")));
            findings.skipAll(remaining, target, CheckName.DNS + " failed");
            return;
        } catch (TimeoutException e) {
            findings.add(DoctorCheck.fail(CheckName.DNS, node.host(), "no DNS answer for '" + node.host() + "' within "
                    + network.timeoutMillis() + " ms",
                    "check this machine's DNS resolver (/etc/resolv.conf) or use an IP address"));
            findings.skipAll(remaining, target, CheckName.DNS + " failed");
            return;
        }

        // TCP connect
        remaining.remove(CheckName.TCP_CONNECT);
        Socket socket;
        start = System.nanoTime();
        try {
            socket = network.connect(resolved, node.port());
            findings.add(DoctorCheck.pass(CheckName.TCP_CONNECT, target, "connected in "
                    + millis(System.nanoTime() - start) + " ms" + (node.note() != null ? " (" + node.note() + ")" : "")));
        } catch (IOException e) {
            String[] why = network.connectFailure(e, target,
                    node.viaSentinel() ? "the master the Sentinels report" : "Redis");
            findings.add(DoctorCheck.fail(CheckName.TCP_CONNECT, target, why[0], why[1]));
            findings.skipAll(remaining, target, CheckName.TCP_CONNECT + " failed");
            return;
        }

        try {
            // TLS handshake
            remaining.remove(CheckName.TLS_HANDSHAKE);
            if (node.tls()) {
                try {
                    socket = network.handshake(socket, node);
                } catch (IOException e) {
                    String[] why = network.tlsFailure(e, target);
                    findings.add(DoctorCheck.fail(CheckName.TLS_HANDSHAKE, target, why[0], why[1]));
                    findings.skipAll(remaining, target, CheckName.TLS_HANDSHAKE + " failed");
                    return;
                }
            } else {
                findings.add(DoctorCheck.skip(CheckName.TLS_HANDSHAKE, target, node.viaSentinel()
                        ? "Sentinel endpoints connect in plain TCP" : "plain redis:// URL, no TLS"));
            }
            try (RespClient connection = new RespClient(socket)) {
                afterConnect(connection, node, remaining);
            } catch (IOException e) {
                findings.add(DoctorCheck.fail(CheckName.AUTH, target, "the connection broke: " + NetworkSteps.describe(e),
                        network.replyFailureFix(e)));
                remaining.remove(CheckName.AUTH);
                findings.skipAll(remaining, target, "the connection broke");
            }
        } finally {
            NetworkSteps.closeQuietly(socket);
        }
    }

    private void afterConnect(RespClient connection, DataNode node, List<CheckName> remaining) {
        String target = node.address();
        if (!step(CheckName.AUTH, () -> network.auth(connection, node), target, remaining)
                || !step(CheckName.PING, () -> network.ping(connection, node), target, remaining)) {
            return;
        }

        // INFO-based checks
        List<CheckName> infoChecks = ServerChecks.INFO_CHECKS;
        boolean cluster = false;
        try {
            Object reply = connection.call("INFO");
            if (reply instanceof RespError error) {
                findings.add(DoctorCheck.warn(CheckName.ROLE, target, "INFO refused: " + error.message(),
                        "run doctor as a user allowed INFO and CONFIG GET (ACL SETUSER <user> +info +config|get), "
                                + "or enable the INFO command"));
                findings.skipAll(infoChecks.subList(1, infoChecks.size()), target, "INFO refused");
            } else {
                Map<String, String> info = RespReplies.info(String.valueOf(reply));
                if (ServerChecks.isSentinel(info)) {
                    findings.add(ServerChecks.notADataNode(target));
                    findings.skipAll(infoChecks.subList(1, infoChecks.size()), target, "not a data node");
                    findings.skipAll(List.of(CheckName.LATENCY), target, "not a data node");
                    return;
                }
                findings.add(ServerChecks.role(info, target, node.viaSentinel()));
                String save = NetworkSteps.configGet(connection, "save");
                String fsync = "1".equals(info.get("aof_enabled")) ? NetworkSteps.configGet(connection, "appendfsync")
                        : null;
                findings.add(ServerChecks.persistence(info, save, fsync, target));
                findings.add(ServerChecks.maxmemory(info, target));
                findings.add(ServerChecks.evictionPolicy(info, target));
                findings.add(ServerChecks.usedMemory(info, target));
                findings.add(ServerChecks.evictedKeys(info, target));
                cluster = ClusterChecks.isCluster(info);
            }
        } catch (IOException e) {
            findings.add(DoctorCheck.fail(CheckName.ROLE, target, "INFO got no usable reply: " + NetworkSteps.describe(e),
                    network.replyFailureFix(e)));
            findings.skipAll(infoChecks.subList(1, infoChecks.size()), target, "INFO failed");
            findings.skipAll(List.of(CheckName.LATENCY), target, "INFO failed");
            return;
        }

        // Latency
        network.latency(connection, target);

        // A cluster node (cluster_enabled:1): the cluster as a whole
        if (cluster) {
            new ClusterChecks(network, findings).run(connection, node, natMap);
        }
    }

    /** A step that adds its own check and says whether the walk goes on. */
    private interface Step {
        boolean run() throws IOException;
    }

    /**
     * Runs a connection step ({@link CheckName#AUTH}, {@link CheckName#PING}); when it fails, or its
     * reply does not come, the checks still {@code remaining} are skipped.
     *
     * @return whether the walk goes on
     */
    private boolean step(CheckName name, Step step, String target, List<CheckName> remaining) {
        remaining.remove(name);
        try {
            if (step.run()) {
                return true;
            }
        } catch (IOException e) {
            findings.add(DoctorCheck.fail(name, target, "no usable reply: " + NetworkSteps.describe(e),
                    network.replyFailureFix(e)));
        }
        findings.skipAll(remaining, target, name + " failed");
        return false;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }
}
