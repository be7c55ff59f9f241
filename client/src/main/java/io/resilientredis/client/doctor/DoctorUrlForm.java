package io.resilientredis.client.doctor;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.internal.RedisUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The doctor's first check: whether a Redis URL, a cluster's seed list or a Sentinel address list is
 * well formed, with a precise finding and fix for each way it usually goes wrong. Never repeats a
 * password.
 */
final class DoctorUrlForm {

    /** The form of a cluster URL, the way {@link RedisEndpoint#displayName()} writes a cluster endpoint. */
    static final String CLUSTER_FORM = "redis-cluster://[[user]:password@]host:port[,host:port...] "
            + "(rediss-cluster:// for TLS)";

    /** The outcome: an endpoint, or the problem and its fix. */
    record Parsed(RedisEndpoint endpoint, String problem, String fix) {
        boolean ok() {
            return endpoint != null;
        }
    }

    private DoctorUrlForm() {
    }

    /**
     * @param url a standalone URL, or a cluster's seeds in the {@link #CLUSTER_FORM}
     * @return the endpoint, or the problem and its fix
     */
    static Parsed parse(String url) {
        return isClusterForm(url) ? cluster(url) : standalone(url);
    }

    /** @return whether the URL's scheme is {@code redis-cluster://} or {@code rediss-cluster://} */
    static boolean isClusterForm(String url) {
        if (url == null) {
            return false;
        }
        String text = url.strip().toLowerCase(Locale.ROOT);
        return text.startsWith("redis-cluster://") || text.startsWith("rediss-cluster://");
    }

    /**
     * A Redis Cluster given by its seed nodes, {@code redis-cluster://[[user]:password@]host:port,host:port}:
     * the form {@link RedisEndpoint#displayName()} prints, so a name copied from a log is a valid argument.
     * The credentials before {@code @} apply to every seed; a cluster has database 0 only.
     *
     * @param url the cluster URL
     * @return the endpoint, or the problem and its fix
     */
    static Parsed cluster(String url) {
        String text = url.strip();
        String shown = RedisUrl.redact(text);
        int sep = text.indexOf("://");
        boolean tls = text.substring(0, sep).equalsIgnoreCase("rediss-cluster");
        String rest = text.substring(sep + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at + 1) : "";
        String hosts = rest.substring(at + 1);
        if (hosts.isBlank()) {
            return problem(shown + " names no seed node", "give at least one node: " + CLUSTER_FORM);
        }
        List<String> seeds = new ArrayList<>();
        for (String seed : hosts.split(",", -1)) {
            String s = seed.strip();
            if (s.isEmpty()) {
                return problem("an empty seed in " + shown + " (two commas, or a comma at an end)",
                        "separate the seeds by single commas: " + CLUSTER_FORM);
            }
            if (s.contains("://") || s.contains("@")) {
                return problem("seed '" + RedisUrl.redact(s) + "' in " + shown + " carries its own scheme or "
                        + "credentials", "give the scheme and the credentials once, in front: " + CLUSTER_FORM);
            }
            int slash = s.indexOf('/');
            if (slash >= 0) {
                return problem("the path '" + s.substring(slash) + "' in " + shown + " is not read: Redis Cluster has "
                        + "database 0 only", "drop it: " + CLUSTER_FORM);
            }
            seeds.add((tls ? "rediss://" : "redis://") + userInfo + s);
        }
        try {
            return new Parsed(RedisEndpoint.cluster(seeds), null, null);
        } catch (RedisUrl.Malformed e) {
            return problem(e.problem(), e.fix() + "; a cluster is given as " + CLUSTER_FORM);
        } catch (IllegalArgumentException e) {
            return problem(e.getMessage(), "write it as " + CLUSTER_FORM);
        }
    }

    static Parsed standalone(String url) {
        try {
            RedisUrl.parse(url);
            return new Parsed(RedisEndpoint.standalone(url), null, null);
        } catch (RedisUrl.Malformed e) {
            return problem(e.problem(), e.fix());
        } catch (IllegalArgumentException e) {
            return problem(e.getMessage(), "write the URL as " + RedisUrl.FORM);
        }
    }

    static Parsed sentinel(String masterName, List<String> addresses) {
        if (masterName == null || masterName.isBlank()) {
            return problem("no master name given for the Sentinel group",
                    "give the name from sentinel.conf's 'sentinel monitor NAME ...' line (--master NAME)");
        }
        if (addresses == null || addresses.isEmpty()) {
            return problem("no Sentinel addresses given", "give every Sentinel as host:port (--sentinel a:26379,b:26379)");
        }
        for (String address : addresses) {
            String a = address == null ? "" : address.strip();
            String bare = a.contains("://") ? a.substring(a.indexOf("://") + 3) : a;
            int colon = bare.lastIndexOf(':');
            if (colon <= 0 || !bare.substring(colon + 1).matches("\\d{1,5}")) {
                return problem("Sentinel address '" + RedisUrl.redact(a) + "' is not host:port",
                        "give each Sentinel as host:port, such as 10.0.0.7:26379 (26379 is Sentinel's default port)");
            }
            int p = Integer.parseInt(bare.substring(colon + 1));
            if (p < 1 || p > 65535) {
                return problem("port " + p + " of Sentinel '" + bare.substring(0, colon) + "' is outside 1-65535",
                        "use the port the Sentinel listens on (26379 by default)");
            }
        }
        try {
            return new Parsed(RedisEndpoint.sentinel(masterName.strip(), addresses), null, null);
        } catch (IllegalArgumentException e) {
            return problem(e.getMessage(), "give each Sentinel as host:port and the master name");
        }
    }

    private static Parsed problem(String problem, String fix) {
        return new Parsed(null, problem, fix);
    }
}
