package io.resilientredis.failover.spi;

import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** The likely fix for a configuration error or a refused write, from what Redis or the JDK said. */
final class ConfigurationHints {

    private ConfigurationHints() {
    }

    static String fixFor(Throwable cause) {
        String all = chain(cause);
        if (all.contains("NOAUTH")) {
            return "Fix: the server requires authentication; give this endpoint a password, in the URL's user info "
                    + "(redis://:PASSWORD@host:port, or redis://USER:PASSWORD@host:port for an ACL user) or with "
                    + "RedisEndpoint.withCredentials(user, password); for a Sentinel group, withCredentials is for "
                    + "its Redis nodes and withSentinelCredentials for the Sentinels.";
        }
        if (all.contains("WRONGPASS") || all.contains("INVALID PASSWORD") || all.contains("INVALID USERNAME")) {
            return "Fix: the username or password configured for this endpoint is wrong; check the user and "
                    + "password in the URL's user info (redis://USER:PASSWORD@host:port) or given with "
                    + "RedisEndpoint.withCredentials (withSentinelCredentials for a Sentinel group's Sentinels), "
                    + "and that the ACL user exists and is enabled (ACL LIST).";
        }
        if (all.contains("CLIENT SENT AUTH") || all.contains("NO PASSWORD IS SET")) {
            return "Fix: the server has no password set; remove the password from this endpoint's URL "
                    + "(redis://host:port) or its RedisEndpoint.withCredentials, or set requirepass on the server.";
        }
        if (all.contains("NOPERM")) {
            return "Fix: the ACL user lacks permission for this command or key; grant it with ACL SETUSER.";
        }
        if (has(cause, UnknownHostException.class) || all.contains("UNKNOWNHOST") || all.contains("UNRESOLVED")) {
            return "Fix: the host name cannot be resolved; check the endpoint address and DNS.";
        }
        if (has(cause, SSLException.class) || all.contains("SSL") || all.contains("TLS")) {
            return "Fix: the TLS handshake failed; use rediss:// only for TLS ports, and check the trust store.";
        }
        return "Fix: check this endpoint's address, credentials and TLS settings.";
    }

    static String fixForRefusal(Throwable cause) {
        String all = chain(cause);
        if (all.contains("MISCONF")) {
            return "Fix: Redis cannot persist to disk; check its disk space and logs, or its save settings.";
        }
        return "Fix: Redis is out of memory under a noeviction policy; raise maxmemory, choose an eviction "
                + "policy, or delete data.";
    }

    private static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            sb.append(t.getClass().getSimpleName()).append(' ').append(t.getMessage()).append('\n');
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
