package io.resilientredis.client.doctor;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.internal.RedisUrl;
import java.util.List;

/**
 * The doctor's first check: whether a Redis URL or a Sentinel address list is well formed, with a
 * precise finding and fix for each way it usually goes wrong. Never repeats a password.
 */
final class DoctorUrlForm {

    /** The outcome: an endpoint, or the problem and its fix. */
    record Parsed(RedisEndpoint endpoint, String problem, String fix) {
        boolean ok() {
            return endpoint != null;
        }
    }

    private DoctorUrlForm() {
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
