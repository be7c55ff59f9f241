package io.resilientredis.chaos.topology;

/** A topology could not be started or did not reach the state a caller waited for; the message says why. */
public final class RedisTopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisTopologyException(String message) {
        super(message);
    }

    RedisTopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
