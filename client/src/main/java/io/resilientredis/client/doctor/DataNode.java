package io.resilientredis.client.doctor;

/**
 * The data node to examine; {@code viaSentinel} when the Sentinels named it as master. Its
 * {@link #toString()} never shows the password.
 */
record DataNode(String host, int port, boolean tls, String username, String password, int database,
                boolean viaSentinel, String note) {

    /** @return {@code host:port}, an IPv6 host in brackets */
    String address() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "DataNode[" + address() + (tls ? ", TLS" : "") + (username != null ? ", user " + username : "")
                + (password != null ? ", password ***" : "") + ", database " + database + "]";
    }
}
