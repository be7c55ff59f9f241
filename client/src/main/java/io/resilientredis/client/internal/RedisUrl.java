package io.resilientredis.client.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A parsed {@code redis[s]://[[user]:password@]host[:port][/database]} URL. One parser for the
 * client and the doctor, so that a URL the doctor passes is one the client takes, and a URL the
 * client refuses is refused with the doctor's precise finding and fix. Never repeats a password,
 * not even in {@link #toString()}.
 *
 * @param tls whether the scheme is {@code rediss://}
 * @param username the ACL user, or null
 * @param password the password, or null
 * @param host the host, without the brackets of an IPv6 address
 * @param port the port
 * @param database the database number
 */
public record RedisUrl(boolean tls, String username, String password, String host, int port, int database) {

    /** The form of a Redis URL, as findings and fixes quote it. */
    public static final String FORM = "redis://[[user]:password@]host[:port][/database] (rediss:// for TLS)";

    /** A URL that is not well formed: what is wrong (password redacted) and how to fix it. */
    public static final class Malformed extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /** What is wrong, password redacted. */
        private final String problem;
        /** How to fix it. */
        private final String fix;

        Malformed(String problem, String fix) {
            super(problem + ". Fix: " + fix);
            this.problem = problem;
            this.fix = fix;
        }

        /** @return what is wrong, password redacted */
        public String problem() {
            return problem;
        }

        /** @return how to fix it */
        public String fix() {
            return fix;
        }
    }

    /**
     * @param url the URL
     * @return its parts, percent-decoded
     * @throws Malformed naming the bad part and the fix
     */
    public static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new Malformed("no Redis URL given", "give one such as redis://localhost:6379; the form is " + FORM);
        }
        String text = url.strip();
        String shown = redact(text);
        int sep = text.indexOf("://");
        if (sep < 0) {
            throw new Malformed(shown + " has no scheme", "write it as redis://" + shown + " (or rediss:// for TLS)");
        }
        String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
        if (scheme.contains("sentinel")) {
            throw new Malformed("'" + scheme + "://' URLs are not read here",
                    "for a Sentinel group give --sentinel host:port,host:port --master NAME "
                            + "(in code: RedisEndpoint.sentinel(master, \"host:port\", ...))");
        }
        if (scheme.endsWith("-cluster")) {
            throw new Malformed("'" + scheme + "://' names a Redis Cluster, not one server",
                    "give the cluster's seed nodes: RedisEndpoint.cluster(\"redis://host:port\", ...) in code, "
                            + "or the doctor's " + scheme + "://host:port,host:port");
        }
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new Malformed("scheme '" + scheme + "://' is not a Redis scheme",
                    "use redis:// (plain TCP) or rediss:// (TLS): " + FORM);
        }
        String rest = text.substring(sep + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : null;
        String afterUser = at >= 0 ? rest.substring(at + 1) : rest;
        if (userInfo != null) {
            String bad = badUserInfoCharacter(userInfo);
            if (bad != null) {
                throw new Malformed("the user or password in " + shown + " holds " + bad
                                + ", which breaks the URL (the value itself is not shown)",
                        "percent-encode it in the URL (@ as %40, / as %2F, ? as %3F, # as %23, % as %25, "
                                + "space as %20), or pass the password separately "
                                + "(RedisEndpoint.withCredentials, or the doctor's --password or REDIS_PASSWORD)");
            }
        }
        int slash = afterUser.indexOf('/');
        String hostPort = slash >= 0 ? afterUser.substring(0, slash) : afterUser;
        String path = slash >= 0 ? afterUser.substring(slash + 1) : "";
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            throw new Malformed("the options after '?' or '#' in " + shown + " are not read",
                    "drop them: TLS is chosen by rediss://, the database by /N, credentials go before '@', "
                            + "everything else through ResilientRedis.builder()");
        }
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new Malformed("the IPv6 address in " + shown + " has no closing ']'", "write it as redis://[::1]:6379");
            }
            host = hostPort.substring(1, close);
            String tail = hostPort.substring(close + 1);
            if (!tail.isEmpty()) {
                if (!tail.startsWith(":")) {
                    throw new Malformed("unexpected '" + tail + "' after the IPv6 address in " + shown,
                            "write it as redis://[::1]:6379");
                }
                port = tail.substring(1);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0 && hostPort.indexOf(':') != colon) {
                throw new Malformed("the host in " + shown + " has several ':' (a bare IPv6 address?)",
                        "put an IPv6 address in brackets: redis://[::1]:6379");
            }
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            port = colon >= 0 ? hostPort.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw new Malformed(shown + " has no host", "name the server: " + FORM);
        }
        if (!host.matches("[A-Za-z0-9._:%-]+")) {
            throw new Malformed("host '" + host + "' in " + shown + " has characters a host name cannot have",
                    "a host is a DNS name or an IP address: " + FORM);
        }
        int portNumber = 6379;
        if (port != null) {
            portNumber = port(port, shown, "port '" + port + "' in " + shown + " is not a number",
                    "give the port as a number, such as redis://" + host + ":6379",
                    "use the port Redis listens on (its 'port' setting, 6379 by default)");
        }
        int db = 0;
        if (!path.isEmpty()) {
            if (!path.matches("\\d{1,9}")) {
                throw new Malformed("database '" + path + "' in " + shown + " is not a number",
                        "the path names a database by number (redis://host:6379/0); drop it to use database 0");
            }
            db = Integer.parseInt(path);
        }
        String user = null;
        String pass = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = decode(userInfo.substring(0, colon));
                pass = decode(userInfo.substring(colon + 1));
            } else {
                pass = decode(userInfo);
            }
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }
        return new RedisUrl(scheme.equals("rediss"), user, pass, host, portNumber, db);
    }

    /**
     * Checks a {@code host:port} port: digits, within 1-65535.
     *
     * @param port the port as written
     * @param shown the address as findings show it (password redacted)
     * @param notANumber the finding when the port is not a number
     * @param numberFix the fix when the port is not a number
     * @param rangeFix the fix when the port is outside 1-65535
     * @return the port number
     * @throws Malformed with {@code notANumber} or a range finding
     */
    public static int port(String port, String shown, String notANumber, String numberFix, String rangeFix) {
        if (port.isEmpty()) {
            throw new Malformed(shown + " ends its host with ':' but gives no port",
                    "add the port (6379 by default) or drop the ':'");
        }
        if (!port.matches("\\d{1,9}")) {
            throw new Malformed(notANumber, numberFix);
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            throw new Malformed("port " + p + " in " + shown + " is outside 1-65535", rangeFix);
        }
        return p;
    }

    /**
     * Replaces whatever stands between {@code ://} and {@code @} by {@code ***}.
     *
     * @param url a URL, or null
     * @return the URL with its user info redacted ({@code "null"} for null)
     */
    public static String redact(String url) {
        if (url == null) {
            return "null";
        }
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (at > 0) {
            int start = scheme >= 0 ? scheme + 3 : 0;
            if (at > start) {
                return url.substring(0, start) + "***" + url.substring(at);
            }
        }
        return url;
    }

    @Override
    public String toString() {
        return "RedisUrl[" + (tls ? "rediss://" : "redis://") + (username != null ? username : "")
                + (password != null ? ":***" : "") + (username != null || password != null ? "@" : "")
                + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/" + database + "]";
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

    private static String decode(String s) {
        // Percent-decoding only: in a URL's user info '+' is a literal plus, not a form-encoded space.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
