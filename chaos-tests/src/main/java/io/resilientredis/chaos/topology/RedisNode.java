package io.resilientredis.chaos.topology;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One Redis or Sentinel node of a {@link RedisTopology}. Its {@link #host()} and {@link #port()} stay
 * the same for the node's whole life, across {@link #kill()} and {@link #restart()}.
 */
public interface RedisNode {

    /** {@return a name unique within the topology, such as {@code primary}, {@code replica-1}, {@code sentinel-2}} */
    String name();

    /** {@return the host clients connect to (always {@code 127.0.0.1})} */
    String host();

    /** {@return the TCP port clients connect to} */
    int port();

    /** {@return {@link #host()} and {@link #port()} as an unresolved address (what Sentinels report compares equal)} */
    InetSocketAddress address();

    /** {@return {@code redis://host:port}, without credentials: set the password on the client separately} */
    String uri();

    /** {@return whether this node is a Sentinel} */
    boolean isSentinel();

    /**
     * The role the node reports right now ({@code ROLE}); Sentinels always report {@link Role#SENTINEL}.
     *
     * @return the role it reports
     * @throws RedisTopologyException when the node does not answer
     */
    Role role();

    /**
     * The operating-system process id of the running node (for the container backend, its host pid).
     *
     * @return the process id
     * @throws IllegalStateException when the node is not running
     */
    long pid();

    /** {@return the node's own directory: its config file, data files and log} */
    Path directory();

    /** {@return the file that collects the node's output} */
    Path logFile();

    /**
     * The last {@code lines} lines of {@link #logFile()}, joined by newlines (empty if there is no log yet).
     *
     * @param lines how many lines, at most
     * @return the log's last lines, joined by newlines; empty if there is no log yet
     */
    String logTail(int lines);

    /** Sends SIGKILL and waits until the process is gone. Does nothing if the node is not running. */
    void kill();

    /** Sends SIGSTOP: the node keeps its sockets but stops answering. */
    void freeze();

    /** Sends SIGCONT to a frozen node. */
    void resume();

    /**
     * Stops the node if it runs, then starts it again on the same port with the same directory (and the
     * config file as Redis or Sentinel last rewrote it), and waits until it answers PING.
     *
     * @throws RedisTopologyException when it does not answer within the start timeout
     */
    void restart();

    /** Stops the node gracefully (SIGTERM, SIGKILL after a grace period). Does nothing if it is not running. */
    void stop();

    /** {@return whether the node's process is alive (a frozen node is alive)} */
    boolean isRunning();

    /**
     * Opens a connection to this node, authenticated with the topology's password for data nodes.
     *
     * @param timeout bounds the connect and every read
     * @return an open connection; the caller closes it
     * @throws IOException when the node refuses or does not answer in time
     */
    RespConnection connect(Duration timeout) throws IOException;

    /**
     * Whether the node answers PING within {@code timeout}. Never throws.
     *
     * @param timeout how long to wait for the reply
     * @return whether it answered PING in time
     */
    boolean answersPing(Duration timeout);

}
