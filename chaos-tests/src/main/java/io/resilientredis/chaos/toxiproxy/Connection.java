package io.resilientredis.chaos.toxiproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted client and its upstream connection: two {@link Direction}s (upstream, client to server;
 * downstream, server to client), each a chain of that stream's toxics in insertion order.
 *
 * <p>Each direction has a reader thread. While its chain is empty and nothing is queued the reader writes
 * what it reads straight to the other socket (the fast path: no copy, no hand-off). Once a toxic applies,
 * the reader stamps each chunk with its read time and queues it for the direction's writer thread (started
 * on the first toxic), which passes it through the toxics and writes it. The writer also runs the toxics'
 * timers (timeout, reset_peer, limit_data), so they act on idle connections too.
 *
 * <p>A connection never goes on with bytes missing from the middle of a stream, which no TCP connection does:
 * once a toxic dropped data of it (timeout, reset_peer, limit_data), the toxic leaving the chain (removed or
 * replaced, as when a fault heals) ends the connection (reset_peer resets it, the others close it), as Toxiproxy's
 * own reset_peer resets a connection it took data from even when removed meanwhile. Left open, a client that
 * matches replies to requests in order (every Redis client) would be one reply off for good.
 */
final class Connection {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int BUFFER_BYTES = 32 * 1024;
    private static final int QUEUE_LIMIT_BYTES = 256 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final ProxyInstance proxy;
    private final String label;
    private final Socket client;
    private final String upstreamAddress;
    private final ThreadTracker threads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger finishedDirections = new AtomicInteger();
    private final Direction up;
    private final Direction down;
    private volatile Socket server;

    Connection(ProxyInstance proxy, String label, Socket client, String upstreamAddress, List<ToxicSpec> toxics,
            ThreadTracker threads) {
        this.proxy = proxy;
        this.label = label;
        this.client = client;
        this.upstreamAddress = upstreamAddress;
        this.threads = threads;
        this.up = new Direction(Stream.UPSTREAM);
        this.down = new Direction(Stream.DOWNSTREAM);
        updateToxics(toxics);
    }

    /** Dials the upstream on a thread of its own, then starts both directions. */
    void start() {
        threads.start(label + "-up", this::run);
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Applies a proxy's current toxic list (both streams) to this live connection. */
    void updateToxics(List<ToxicSpec> toxics) {
        List<ToxicSpec> upstream = new ArrayList<>();
        List<ToxicSpec> downstream = new ArrayList<>();
        for (ToxicSpec toxic : toxics) {
            (toxic.stream() == Stream.UPSTREAM ? upstream : downstream).add(toxic);
        }
        ToxicState endUp = up.updateChain(upstream);
        ToxicState endDown = down.updateChain(downstream);
        ToxicState end = endDown != null ? endDown : endUp;
        if (end != null) {
            log.debug("{}: the removed {} toxic {} ends the connection", label, end.spec.kind().wireName(),
                    end.spec.name());
            end(end);
        }
    }

    /** Ends the connection for a toxic that left the chain after dropping data: reset_peer resets, others close. */
    private void end(ToxicState toxic) {
        if (toxic.spec.kind() == ToxicKind.RESET_PEER) {
            reset();
        } else {
            close();
        }
    }

    /** Closes both sockets (a FIN where the kernel can) and wakes every thread of this connection. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(client);
        closeQuietly(server);
        afterClose();
    }

    /** Resets both sockets: SO_LINGER 0 makes close() send an RST, so each peer sees ECONNRESET. */
    void reset() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        resetQuietly(client);
        resetQuietly(server);
        afterClose();
    }

    private void afterClose() {
        up.wakeAll();
        down.wakeAll();
        proxy.connectionClosed(this);
    }

    private void run() {
        Socket upstreamSocket = new Socket();
        try {
            upstreamSocket.setTcpNoDelay(true);
            server = upstreamSocket;
            if (closed.get()) {
                closeQuietly(upstreamSocket);
                return;
            }
            upstreamSocket.connect(parse(upstreamAddress), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException | IllegalArgumentException e) {
            log.debug("{}: upstream {} could not be reached ({}); closing the client", label, upstreamAddress,
                    e.toString());
            close();
            return;
        }
        up.begin(client, upstreamSocket);
        down.begin(upstreamSocket, client);
        threads.start(label + "-down", down::readLoop);
        up.readLoop();
    }

    private void directionFinished() {
        if (finishedDirections.incrementAndGet() == 2) {
            close();
        }
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address " + hostPort + " has no port; use host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    private static void resetQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // not connected yet: a plain close is all there is
            }
            closeQuietly(socket);
        }
    }

    /** A chunk read from the source with its read time; {@code data == null} marks end of stream. */
    private static final class Chunk {
        final byte[] data;
        final long readNanos;

        Chunk(byte[] data, long readNanos) {
            this.data = data;
            this.readNanos = readNanos;
        }
    }

    /** One toxic as it runs on one direction of one connection. */
    private static final class ToxicState {
        final ToxicSpec spec;
        final boolean active;
        final long startNanos;
        /** limit_data: bytes forwarded so far; kept across updates of the toxic. */
        final AtomicLong transmitted;
        /** bandwidth: when the next piece may leave (writer thread only). */
        long nextSendNanos;
        /** Whether this toxic dropped data of the connection; written under the direction's lock. */
        boolean dropped;

        ToxicState(ToxicSpec spec, boolean active, long startNanos, AtomicLong transmitted) {
            this.spec = spec;
            this.active = active;
            this.startNanos = startNanos;
            this.transmitted = transmitted;
        }

        /** When this toxic ends the connection, or {@link Long#MAX_VALUE} when it does not. */
        long deadlineNanos() {
            if (!active) {
                return Long.MAX_VALUE;
            }
            switch (spec.kind()) {
                case TIMEOUT: {
                    long millis = spec.attribute("timeout");
                    return millis > 0 ? startNanos + TimeUnit.MILLISECONDS.toNanos(millis) : Long.MAX_VALUE;
                }
                case RESET_PEER:
                    return startNanos + TimeUnit.MILLISECONDS.toNanos(Math.max(0, spec.attribute("timeout")));
                case LIMIT_DATA:
                    return transmitted.get() >= spec.attribute("bytes") ? startNanos : Long.MAX_VALUE;
                default:
                    return Long.MAX_VALUE;
            }
        }
    }

    private final class Direction {
        private final Stream stream;
        private final ReentrantLock lock = new ReentrantLock();
        /** Signalled on new data, a chain change and close: the writer waits on it. */
        private final Condition wake = lock.newCondition();
        /** Signalled when queued bytes drop: the reader waits on it. */
        private final Condition space = lock.newCondition();
        private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
        private int queuedBytes;
        private List<ToxicState> chain = List.of();
        private long version;
        private boolean writerBusy;
        private boolean writerStarted;
        private boolean begun;
        private Socket source;
        private Socket destination;
        private OutputStream out;

        Direction(Stream stream) {
            this.stream = stream;
        }

        void begin(Socket from, Socket to) {
            lock.lock();
            try {
                source = from;
                destination = to;
                begun = true;
                startWriterIfNeeded();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Installs a new chain; returns the toxic that leaves it and must end the connection (a removed, acting
         * timeout, or one that dropped data of this connection), or null.
         */
        ToxicState updateChain(List<ToxicSpec> specs) {
            ToxicState end = null;
            lock.lock();
            try {
                Map<String, ToxicState> previous = new HashMap<>();
                for (ToxicState state : chain) {
                    previous.put(state.spec.name(), state);
                }
                long now = System.nanoTime();
                List<ToxicState> next = new ArrayList<>(specs.size());
                for (ToxicSpec spec : specs) {
                    ToxicState old = previous.remove(spec.name());
                    if (old != null && old.spec == spec) {
                        next.add(old);
                    } else {
                        if (old != null && old.dropped) {
                            end = old;
                        }
                        boolean active = ThreadLocalRandom.current().nextFloat() < spec.toxicity();
                        next.add(new ToxicState(spec, active, now,
                                old != null ? old.transmitted : new AtomicLong()));
                    }
                }
                for (ToxicState removed : previous.values()) {
                    if (removed.dropped || (removed.active && removed.spec.kind() == ToxicKind.TIMEOUT)) {
                        end = removed;
                    }
                }
                chain = List.copyOf(next);
                version++;
                startWriterIfNeeded();
                wake.signalAll();
            } finally {
                lock.unlock();
            }
            return end;
        }

        /**
         * Records that a toxic of the writer's snapshot dropped data. When that toxic has left the chain meanwhile
         * ({@link #updateChain} saw it clean), the connection ends here instead, so no stream goes on with a hole.
         */
        private void dropped(ToxicState state) {
            boolean gone;
            lock.lock();
            try {
                state.dropped = true;
                gone = !chain.contains(state);
            } finally {
                lock.unlock();
            }
            if (gone) {
                log.debug("{}: the {} toxic {} dropped data after it was removed; ending the connection", label,
                        state.spec.kind().wireName(), state.spec.name());
                end(state);
            }
        }

        private void startWriterIfNeeded() {
            if (begun && !writerStarted && !chain.isEmpty() && !closed.get()) {
                writerStarted = true;
                threads.start(label + "-" + stream.wireName() + "-toxics", this::writeLoop);
            }
        }

        void wakeAll() {
            lock.lock();
            try {
                wake.signalAll();
                space.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void readLoop() {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                InputStream in = source.getInputStream();
                out = destination.getOutputStream();
                while (!closed.get()) {
                    int n = in.read(buffer);
                    long readNanos = System.nanoTime();
                    if (n < 0) {
                        endOfStream(readNanos);
                        return;
                    }
                    if (n > 0 && !handOff(buffer, n, readNanos)) {
                        out.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                if (!closed.get()) {
                    log.debug("{} {}: {}; closing the connection", label, stream.wireName(), e.toString());
                }
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        /** Queues the chunk for the writer; false when the fast path applies and the reader writes it itself. */
        private boolean handOff(byte[] buffer, int n, long readNanos) throws InterruptedException {
            lock.lock();
            try {
                if (chain.isEmpty() && queue.isEmpty() && !writerBusy) {
                    return false;
                }
                while (queuedBytes >= QUEUE_LIMIT_BYTES && !closed.get()) {
                    space.await();
                }
                queue.add(new Chunk(Arrays.copyOf(buffer, n), readNanos));
                queuedBytes += n;
                wake.signalAll();
                return true;
            } finally {
                lock.unlock();
            }
        }

        private void endOfStream(long readNanos) {
            lock.lock();
            try {
                if (!chain.isEmpty() || !queue.isEmpty() || writerBusy) {
                    queue.add(new Chunk(null, readNanos));
                    wake.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            finishOutput();
        }

        /** Half-closes the destination; the connection closes once both directions are done. */
        private void finishOutput() {
            try {
                destination.shutdownOutput();
            } catch (IOException ignored) {
                // the peer is gone already; closing follows
            }
            directionFinished();
        }

        private void writeLoop() {
            try {
                while (true) {
                    Chunk chunk = null;
                    List<ToxicState> snapshot = null;
                    long snapshotVersion = 0;
                    ToxicState due = null;
                    lock.lock();
                    try {
                        while (chunk == null && due == null) {
                            if (closed.get()) {
                                return;
                            }
                            long now = System.nanoTime();
                            long nextDeadline = Long.MAX_VALUE;
                            for (ToxicState state : chain) {
                                long deadline = state.deadlineNanos();
                                if (deadline <= now) {
                                    due = state;
                                    break;
                                }
                                nextDeadline = Math.min(nextDeadline, deadline);
                            }
                            if (due != null) {
                                break;
                            }
                            if (!queue.isEmpty()) {
                                chunk = queue.poll();
                                if (chunk.data != null) {
                                    queuedBytes -= chunk.data.length;
                                    space.signalAll();
                                }
                                writerBusy = true;
                                snapshot = chain;
                                snapshotVersion = version;
                            } else if (nextDeadline == Long.MAX_VALUE) {
                                wake.await();
                            } else {
                                wake.awaitNanos(nextDeadline - now);
                            }
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (due != null) {
                        act(due);
                        return;
                    }
                    try {
                        if (chunk.data == null) {
                            passEndOfStream(snapshot, snapshotVersion);
                            return;
                        }
                        pass(snapshot, snapshotVersion, 0, chunk.data, 0, chunk.data.length, chunk.readNanos);
                    } finally {
                        lock.lock();
                        try {
                            writerBusy = false;
                        } finally {
                            lock.unlock();
                        }
                    }
                }
            } catch (IOException e) {
                if (!closed.get()) {
                    log.debug("{} {}: {}; closing the connection", label, stream.wireName(), e.toString());
                }
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private void act(ToxicState due) {
            if (due.spec.kind() == ToxicKind.RESET_PEER) {
                log.debug("{}: reset_peer {} resets the connection", label, due.spec.name());
                reset();
            } else {
                log.debug("{}: {} {} closes the connection", label, due.spec.kind().wireName(), due.spec.name());
                close();
            }
        }

        /** Runs bytes through the chain from stage {@code index} on, writing what leaves the last stage. */
        private void pass(List<ToxicState> snapshot, long snapshotVersion, int index, byte[] data, int offset,
                int length, long readNanos) throws IOException, InterruptedException {
            if (length <= 0) {
                return;
            }
            if (index == snapshot.size()) {
                out.write(data, offset, length);
                return;
            }
            ToxicState state = snapshot.get(index);
            int next = index + 1;
            if (!state.active) {
                pass(snapshot, snapshotVersion, next, data, offset, length, readNanos);
                return;
            }
            ToxicSpec spec = state.spec;
            switch (spec.kind()) {
                case LATENCY: {
                    long jitter = Math.max(0, spec.attribute("jitter"));
                    long millis = spec.attribute("latency")
                            + (jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0);
                    // Measured from the read time, so delays of consecutive chunks do not add up.
                    waitUntil(readNanos + TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis)), snapshotVersion);
                    pass(snapshot, snapshotVersion, next, data, offset, length, readNanos);
                    return;
                }
                case BANDWIDTH: {
                    long rate = spec.attribute("rate");
                    if (rate <= 0) {
                        pass(snapshot, snapshotVersion, next, data, offset, length, readNanos);
                        return;
                    }
                    // Pieces of at most 100 ms worth; each leaves once the rate allows it (1 KB = 1000 bytes).
                    int pieceMax = (int) Math.max(1, Math.min(Integer.MAX_VALUE, rate * 100));
                    int position = 0;
                    while (position < length) {
                        int piece = Math.min(pieceMax, length - position);
                        long start = Math.max(System.nanoTime(), state.nextSendNanos);
                        long leave = start + piece * 1_000_000L / rate;
                        waitUntil(leave, snapshotVersion);
                        state.nextSendNanos = leave;
                        pass(snapshot, snapshotVersion, next, data, offset + position, piece, readNanos);
                        position += piece;
                    }
                    return;
                }
                case SLICER: {
                    long average = spec.attribute("average_size");
                    if (average <= 0) {
                        pass(snapshot, snapshotVersion, next, data, offset, length, readNanos);
                        return;
                    }
                    long variation = Math.max(0, spec.attribute("size_variation"));
                    long delayNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, spec.attribute("delay")));
                    int position = 0;
                    while (position < length) {
                        long size = average
                                + (variation > 0 ? ThreadLocalRandom.current().nextLong(-variation, variation + 1) : 0);
                        int piece = (int) Math.max(1, Math.min(size, length - position));
                        pass(snapshot, snapshotVersion, next, data, offset + position, piece, readNanos);
                        position += piece;
                        if (position < length && delayNanos > 0) {
                            waitUntil(System.nanoTime() + delayNanos, snapshotVersion);
                        }
                    }
                    return;
                }
                case LIMIT_DATA: {
                    long limit = spec.attribute("bytes");
                    long allowed = Math.max(0, limit - state.transmitted.get());
                    int forwarded = (int) Math.min(allowed, length);
                    state.transmitted.addAndGet(forwarded);
                    pass(snapshot, snapshotVersion, next, data, offset, forwarded, readNanos);
                    if (forwarded < length) {
                        dropped(state);
                    }
                    // The writer loop closes the connection once the limit is reached.
                    return;
                }
                case TIMEOUT:
                case RESET_PEER:
                    // Data is dropped until the toxic acts (closes or resets); removing it then ends the
                    // connection all the same (see dropped).
                    dropped(state);
                    return;
                case SLOW_CLOSE:
                default:
                    pass(snapshot, snapshotVersion, next, data, offset, length, readNanos);
            }
        }

        private void passEndOfStream(List<ToxicState> snapshot, long snapshotVersion) throws InterruptedException {
            for (ToxicState state : snapshot) {
                if (state.active && state.spec.kind() == ToxicKind.SLOW_CLOSE) {
                    long delay = Math.max(0, state.spec.attribute("delay"));
                    waitUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay), snapshotVersion);
                }
            }
            finishOutput();
        }

        /**
         * Waits until the deadline. Returns early when the chain changes (the data in hand is then flushed on
         * without further waiting) or the connection closes.
         */
        private void waitUntil(long deadlineNanos, long snapshotVersion) throws InterruptedException {
            lock.lock();
            try {
                while (!closed.get() && version == snapshotVersion) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    wake.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
