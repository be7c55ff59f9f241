package io.resilientredis.client;

import java.util.List;
import java.util.Locale;

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

    private static final String FORM = "redis://[[user]:password@]host[:port][/database] (rediss:// for TLS)";

    private DoctorUrlForm() {
    }

    static Parsed standalone(String url) {
        if (url == null || url.isBlank()) {
            return problem("no Redis URL given", "give one such as redis://localhost:6379; the form is " + FORM);
        }
        String text = url.strip();
        String shown = RedisEndpoint.redactUrl(text);
        int sep = text.indexOf("://");
        if (sep < 0) {
            return problem(shown + " has no scheme", "write it as redis://" + shown + " (or rediss:// for TLS)");
        }
        String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
        if (scheme.contains("sentinel")) {
            return problem("'" + scheme + "://' URLs are not read here",
                    "for a Sentinel group give --sentinel host:port,host:port --master NAME");
        }
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            return problem("scheme '" + scheme + "://' is not a Redis scheme",
                    "use redis:// (plain TCP) or rediss:// (TLS): " + FORM);
        }
        String rest = text.substring(sep + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : null;
        String afterUser = at >= 0 ? rest.substring(at + 1) : rest;
        if (userInfo != null) {
            String bad = badUserInfoCharacter(userInfo);
            if (bad != null) {
                return problem("the user or password in " + shown + " holds " + bad
                                + ", which breaks the URL (the value itself is not shown)",
                        "percent-encode it in the URL (@ as %40, / as %2F, ? as %3F, # as %23, % as %25, "
                                + "space as %20), or pass the password separately (--password or REDIS_PASSWORD)");
            }
        }
        int slash = afterUser.indexOf('/');
        String hostPort = slash >= 0 ? afterUser.substring(0, slash) : afterUser;
        String path = slash >= 0 ? afterUser.substring(slash + 1) : "";
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return problem("the IPv6 address in " + shown + " has no closing ']'", "write it as redis://[::1]:6379");
            }
            host = hostPort.substring(1, close);
            String tail = hostPort.substring(close + 1);
            if (!tail.isEmpty()) {
                if (!tail.startsWith(":")) {
                    return problem("unexpected '" + tail + "' after the IPv6 address in " + shown,
                            "write it as redis://[::1]:6379");
                }
                port = tail.substring(1);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0 && hostPort.indexOf(':') != colon) {
                return problem("the host in " + shown + " has several ':' (a bare IPv6 address?)",
                        "put an IPv6 address in brackets: redis://[::1]:6379");
            }
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            port = colon >= 0 ? hostPort.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            return problem(shown + " has no host", "name the server: " + FORM);
        }
        if (!host.matches("[A-Za-z0-9._:%-]+")) {
            return problem("host '" + host + "' in " + shown + " has characters a host name cannot have",
                    "a host is a DNS name or an IP address: " + FORM);
        }
        if (port != null) {
            if (port.isEmpty()) {
                return problem(shown + " ends its host with ':' but gives no port",
                        "add the port (6379 by default) or drop the ':'");
            }
            if (!port.matches("\\d{1,9}")) {
                return problem("port '" + port + "' in " + shown + " is not a number",
                        "give the port as a number, such as redis://" + host + ":6379");
            }
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                return problem("port " + p + " in " + shown + " is outside 1-65535", "use the port Redis listens on "
                        + "(its 'port' setting, 6379 by default)");
            }
        }
        if (!path.isEmpty() && !path.matches("\\d{1,9}")) {
            return problem("database '" + path + "' in " + shown + " is not a number",
                    "the path names a database by number (redis://host:6379/0); drop it to use database 0");
        }
        try {
            return new Parsed(RedisEndpoint.standalone(text), null, null);
        } catch (IllegalArgumentException e) {
            return problem(e.getMessage(), "write the URL as " + FORM);
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
                return problem("Sentinel address '" + RedisEndpoint.redactUrl(a) + "' is not host:port",
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

    /** A description of the first character that breaks a URL's user info, or null when none. */
    private static String badUserInfoCharacter(String userInfo) {
        for (int i = 0; i < userInfo.length(); i++) {
            char c = userInfo.charAt(i);
            switch (c) {
                case '@':
                    return "an unencoded '@'";
                case '/':
                    return "an unencoded '/'";
                case '?':
                    return "an unencoded '?'";
                case '#':
                    return "an unencoded '#'";
                case '%':
                    if (i + 2 >= userInfo.length() || !isHex(userInfo.charAt(i + 1)) || !isHex(userInfo.charAt(i + 2))) {
                        return "a '%' that does not start a %XX escape";
                    }
                    break;
                default:
                    if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                        return "a space or control character";
                    }
            }
        }
        return null;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static Parsed problem(String problem, String fix) {
        return new Parsed(null, problem, fix);
    }
}
