package io.resilientredis.client.doctor;

import static io.resilientredis.client.doctor.Format.millis;
import static io.resilientredis.client.doctor.Format.parseInt;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The Sentinel part of the runbook: one {@link CheckName#SENTINEL} check per Sentinel, then
 * agreement, quorum, the master's state and the group's topology, asked of the first Sentinel that
 * answered. The judgements ({@link #agreement}, {@link #masterState}, {@link #topology}) are pure
 * functions of the replies; the rest talks to the Sentinels through {@link NetworkSteps}.
 */
final class SentinelChecks {

    /** The checks of the group as a whole, in runbook order. */
    static final List<CheckName> GROUP_CHECKS = List.of(CheckName.SENTINEL_AGREEMENT, CheckName.SENTINEL_QUORUM,
            CheckName.SENTINEL_MASTER, CheckName.SENTINEL_TOPOLOGY);

    private final NetworkSteps network;
    private final Findings findings;

    SentinelChecks(NetworkSteps network, Findings findings) {
        this.network = network;
        this.findings = findings;
    }

    /**
     * Runs the Sentinel checks of a group.
     *
     * @param spec the Sentinel group
     * @return the master the Sentinels report, to examine next; empty when they named none (the
     *     data-node checks are then skipped already)
     */
    Optional<DataNode> group(ConnectionSpec spec) {
        String master = spec.masterName();
        List<String> addresses = spec.sentinels();
        if (addresses.size() < 3) {
            findings.add(DoctorCheck.warn(CheckName.URL_FORM, "", spec.displayName() + ": only " + addresses.size()
                            + " Sentinel address(es) given",
                    "list every Sentinel (three or more), so the client still finds the master when one Sentinel "
                            + "is down"));
        } else {
            findings.add(DoctorCheck.pass(CheckName.URL_FORM, "", spec.displayName() + " (master '" + master + "', "
                    + addresses.size() + " Sentinels" + (spec.password() != null ? ", password given" : "")
                    + (spec.sentinelPassword() != null ? ", Sentinel password given" : "") + ")"));
        }

        Map<String, String> reported = new LinkedHashMap<>();
        for (String address : addresses) {
            String report = askSentinel(spec, address);
            if (report != null) {
                reported.put(address, report);
            }
        }
        if (reported.isEmpty()) {
            findings.skipAll(GROUP_CHECKS, "", "no Sentinel named a master");
            findings.skipAll(DoctorRun.DATA_CHECKS, "", "no Sentinel named a master");
            return Optional.empty();
        }
        String masterAddress = majority(reported);
        String first = reported.keySet().iterator().next();
        Map<String, String> masterInfo;
        try (RespClient sentinel = openSentinel(spec, first)) {
            Object reply = sentinel.call("SENTINEL", "MASTER", master);
            masterInfo = reply instanceof RespError ? Map.of() : RespReplies.pairs(reply);
        } catch (IOException e) {
            masterInfo = Map.of();
        }
        int quorum = parseInt(masterInfo.get("quorum"), (addresses.size() / 2) + 1);

        DoctorCheck agreement = agreement(master, reported, addresses.size(), quorum);
        findings.add(agreement);
        if (agreement.status() == DoctorCheck.Status.FAIL) {
            findings.skipAll(GROUP_CHECKS.subList(1, GROUP_CHECKS.size()), master,
                    CheckName.SENTINEL_AGREEMENT + " failed");
            findings.skipAll(DoctorRun.DATA_CHECKS, "", CheckName.SENTINEL_AGREEMENT + " failed");
            return Optional.empty();
        }

        // Quorum, master state, topology: asked of the first Sentinel that answered.
        try (RespClient sentinel = openSentinel(spec, first)) {
            Object ck = sentinel.call("SENTINEL", "CKQUORUM", master);
            if (ck instanceof RespError error) {
                findings.add(DoctorCheck.fail(CheckName.SENTINEL_QUORUM, first, "SENTINEL CKQUORUM: " + error.message(),
                        "a failover needs 'quorum' Sentinels to agree the master is down and a majority of all known "
                                + "Sentinels to authorise it: start the missing Sentinels, or fix the network between "
                                + "them"));
            } else {
                findings.add(DoctorCheck.pass(CheckName.SENTINEL_QUORUM, first, "SENTINEL CKQUORUM: " + ck));
            }
            findings.add(masterState(master, masterAddress, masterInfo, quorum));
            Object replicas = sentinel.call("SENTINEL", "REPLICAS", master);
            if (replicas instanceof RespError) {
                replicas = sentinel.call("SENTINEL", "SLAVES", master);
            }
            findings.add(topology(master, first, masterInfo, replicas));
        } catch (IOException e) {
            findings.add(DoctorCheck.fail(CheckName.SENTINEL_QUORUM, first, "Sentinel stopped answering: "
                    + NetworkSteps.describe(e), "check that Sentinel's host and process; run doctor again"));
            findings.skipAll(List.of(CheckName.SENTINEL_MASTER, CheckName.SENTINEL_TOPOLOGY), master,
                    "the Sentinel stopped answering");
        }

        String dialled = spec.natMap().getOrDefault(masterAddress, masterAddress);
        int colon = dialled.lastIndexOf(':');
        String note = dialled.equals(masterAddress) ? null : "reported as " + masterAddress + ", dialled via the NAT map";
        return Optional.of(new DataNode(dialled.substring(0, colon), Integer.parseInt(dialled.substring(colon + 1)),
                false, spec.username(), spec.password(), spec.database(), true, note));
    }

    /** @return the master address most Sentinels report (the first named wins a tie) */
    static String majority(Map<String, String> reported) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        reported.values().forEach(a -> votes.merge(a, 1, Integer::sum));
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /**
     * {@link CheckName#SENTINEL_AGREEMENT}: whether the Sentinels that answered name the same master.
     *
     * @param master the master name
     * @param reported each answering Sentinel to the master address it reports, in the order asked
     * @param addresses how many Sentinels were given
     * @param quorum the group's quorum
     * @return the check; a failure when no quorum agrees
     */
    static DoctorCheck agreement(String master, Map<String, String> reported, int addresses, int quorum) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        reported.values().forEach(a -> votes.merge(a, 1, Integer::sum));
        String masterAddress = majority(reported);
        int agreeing = votes.get(masterAddress);
        int answering = reported.size();
        if (votes.size() == 1) {
            return DoctorCheck.pass(CheckName.SENTINEL_AGREEMENT, master, "all " + answering + " answering Sentinels "
                    + "report master " + masterAddress + (answering < addresses
                    ? " (" + (addresses - answering) + " did not answer)" : ""));
        } else if (agreeing >= quorum) {
            return DoctorCheck.warn(CheckName.SENTINEL_AGREEMENT, master, agreeing + " of " + answering
                            + " Sentinels report master " + masterAddress + ", the others "
                            + others(reported, masterAddress),
                    "a failover may be in progress: run doctor again in a few seconds; if the split stays, check that "
                            + "every Sentinel monitors the same master and can reach the others (SENTINEL RESET "
                            + master + " on the odd one out)");
        }
        return DoctorCheck.fail(CheckName.SENTINEL_AGREEMENT, master, "no quorum (" + quorum + ") of Sentinels agrees "
                        + "on the master: " + reported,
                "the Sentinels are split (a partition, or Sentinels that monitor different masters); make every "
                        + "Sentinel reach the others on their ports and monitor the same master, then SENTINEL RESET "
                        + master);
    }

    /** One Sentinel check; returns the master address it reports, or null when it did not. */
    private String askSentinel(ConnectionSpec spec, String address) {
        String master = spec.masterName();
        long start = System.nanoTime();
        try (RespClient sentinel = openSentinel(spec, address)) {
            Object reply = sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", master);
            String took = millis(System.nanoTime() - start);
            if (reply instanceof RespError error) {
                findings.add(DoctorCheck.fail(CheckName.SENTINEL, address, "answered " + error.message(), sentinelErrorFix(error)));
                return null;
            }
            if (!(reply instanceof List<?> pair) || pair.size() != 2) {
                Object masters = sentinel.call("SENTINEL", "MASTERS");
                List<String> names = new ArrayList<>();
                if (masters instanceof List<?> list) {
                    for (Object m : list) {
                        names.add(RespReplies.pairs(m).get("name"));
                    }
                }
                findings.add(DoctorCheck.fail(CheckName.SENTINEL, address, "monitors no master named '" + master + "' (it knows "
                                + (names.isEmpty() ? "none" : String.join(", ", names)) + ")",
                        "use the name from sentinel.conf's 'sentinel monitor NAME host port quorum' line"));
                return null;
            }
            String reported = pair.get(0) + ":" + pair.get(1);
            findings.add(DoctorCheck.pass(CheckName.SENTINEL, address, "answered in " + took + " ms, reports master " + reported));
            return reported;
        } catch (SentinelUnreachable e) {
            findings.add(DoctorCheck.fail(CheckName.SENTINEL, address, e.finding, e.fix));
            return null;
        } catch (IOException e) {
            findings.add(DoctorCheck.fail(CheckName.SENTINEL, address, "no usable reply: " + NetworkSteps.describe(e),
                    network.replyFailureFix(e)));
            return null;
        }
    }


    /**
     * {@link CheckName#SENTINEL_MASTER}: the flags {@code SENTINEL MASTER} reports.
     *
     * @param master the master name
     * @param masterAddress the master's address, as the Sentinels report it
     * @param info the fields of {@code SENTINEL MASTER} (empty when it gave no answer)
     * @param quorum the group's quorum
     * @return the check
     */
    static DoctorCheck masterState(String master, String masterAddress, Map<String, String> info, int quorum) {
        if (info.isEmpty()) {
            return DoctorCheck.warn(CheckName.SENTINEL_MASTER, masterAddress, "SENTINEL MASTER " + master + " gave no answer",
                    "run SENTINEL MASTER " + master + " on a Sentinel and read its flags");
        }
        String flags = info.getOrDefault("flags", "?");
        List<String> flagList = Arrays.asList(flags.split(","));
        String detail = "flags " + flags + ", quorum " + quorum + ", down-after " + info.get("down-after-milliseconds")
                + " ms";
        if (flagList.contains("o_down") || flagList.contains("s_down")) {
            String since = info.get("last-ok-ping-reply");
            return DoctorCheck.fail(CheckName.SENTINEL_MASTER, masterAddress, "Sentinels see the master as down ("
                            + (flagList.contains("o_down") ? "objectively" : "subjectively") + "; " + detail
                            + (since != null ? ", last good PING " + since + " ms ago" : "") + ")",
                    "the master does not answer: if a healthy replica exists Sentinel promotes it within "
                            + "failover-timeout; if none can be promoted, bring the master back (its log says why it "
                            + "stopped)");
        } else if (flagList.contains("disconnected")) {
            return DoctorCheck.warn(CheckName.SENTINEL_MASTER, masterAddress, "the Sentinel has no link to the master right "
                            + "now (" + detail + ")",
                    "usually passing, just after a failover or restart: run doctor again; if it stays, check that the "
                            + "Sentinels reach the master's port and know its password (sentinel auth-pass)");
        } else if (flags.contains("failover")) {
            return DoctorCheck.warn(CheckName.SENTINEL_MASTER, masterAddress, "a failover is in progress (" + detail + ")",
                    "wait for it to finish (failover-timeout) and run doctor again");
        } else {
            return DoctorCheck.pass(CheckName.SENTINEL_MASTER, masterAddress, "master up (" + detail + ")");
        }
    }


    /**
     * {@link CheckName#SENTINEL_TOPOLOGY}: how many Sentinels know the master, and its healthy replicas.
     *
     * @param master the master name
     * @param sentinelAddress the Sentinel asked
     * @param info the fields of {@code SENTINEL MASTER}
     * @param replicasReply the reply to {@code SENTINEL REPLICAS}
     * @return the check
     */
    static DoctorCheck topology(String master, String sentinelAddress, Map<String, String> info,
                                Object replicasReply) {
        int sentinels = parseInt(info.get("num-other-sentinels"), -1) + 1;
        List<String> healthy = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        if (replicasReply instanceof List<?> list) {
            for (Object r : list) {
                Map<String, String> fields = RespReplies.pairs(r);
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
            return DoctorCheck.warn(CheckName.SENTINEL_TOPOLOGY, master, finding,
                    "with no healthy replica a master failure cannot be failed over: add a replica "
                            + "(replicaof MASTER_HOST MASTER_PORT) or repair the listed ones");
        } else if (sentinels > 0 && sentinels < 3) {
            return DoctorCheck.warn(CheckName.SENTINEL_TOPOLOGY, master, finding,
                    "run at least three Sentinels on separate hosts, so losing one still leaves a majority to "
                            + "authorise a failover");
        } else {
            return DoctorCheck.pass(CheckName.SENTINEL_TOPOLOGY, master, finding + " (asked " + sentinelAddress + ")");
        }
    }


    private RespClient openSentinel(ConnectionSpec spec, String address) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        InetAddress[] resolved;
        try {
            resolved = network.resolve(host);
        } catch (UnknownHostException e) {
            throw new SentinelUnreachable("host '" + host + "' does not resolve",
                    "check the Sentinel's host name for typos and that this machine's DNS (or /etc/hosts) knows it");
        } catch (TimeoutException e) {
            throw new SentinelUnreachable("DNS gave no answer for '" + host + "' within " + network.timeoutMillis()
                    + " ms",
                    "check this machine's DNS resolver (/etc/resolv.conf) or use an IP address");
        }
        Socket socket;
        try {
            socket = network.connect(resolved, port);
        } catch (IOException e) {
            String[] why = network.connectFailure(e, address, "Sentinel");
            throw new SentinelUnreachable(why[0], why[1]);
        }
        RespClient connection = new RespClient(socket);
        try {
            if (spec.sentinelPassword() != null) {
                Object auth = spec.sentinelUsername() != null
                        ? connection.call("AUTH", spec.sentinelUsername(), spec.sentinelPassword())
                        : connection.call("AUTH", spec.sentinelPassword());
                if (auth instanceof RespError error) {
                    throw new SentinelUnreachable("rejected the Sentinel credentials: " + error.code(),
                            "give the Sentinels' own password (requirepass in sentinel.conf) as the Sentinel "
                                    + "password; it is separate from the data nodes' password");
                }
            }
            return connection;
        } catch (IOException e) {
            connection.close();
            throw e;
        }
    }


    private static String sentinelErrorFix(RespError error) {
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


    private static String others(Map<String, String> reported, String majority) {
        List<String> list = new ArrayList<>();
        reported.forEach((sentinel, master) -> {
            if (!master.equals(majority)) {
                list.add(sentinel + " says " + master);
            }
        });
        return String.join(", ", list);
    }
}
