package io.resilientredis.client;

import io.resilientredis.failover.spi.FailureClassifier;
import io.resilientredis.failover.spi.FailureKind;
import io.resilientredis.failover.RedisConfigurationException;
import org.redisson.client.RedisAuthRequiredException;
import org.redisson.client.RedisBusyException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisLoadingException;
import org.redisson.client.RedisMasterDownException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.RedisReadonlyException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.RedisTryAgainException;
import org.redisson.client.RedisWrongPasswordException;
import org.redisson.client.WriteRedisConnectionException;

/**
 * Knows Redisson's exception types. A Redis error reply anywhere in the cause chain decides first
 * (Redisson wraps an AUTH failure in a connection exception, for example); then Redisson's types;
 * then the engine's default classifier.
 */
final class RedissonFailureClassifier implements FailureClassifier {

    static final RedissonFailureClassifier INSTANCE = new RedissonFailureClassifier();

    private static final int MAX_DEPTH = 16;

    private RedissonFailureClassifier() {
    }

    @Override
    public FailureKind classify(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
            if (t instanceof ReplicationTimeoutException) {
                return FailureKind.CONNECTIVITY;
            }
            if (t instanceof RedisConfigurationException) {
                // Sorted already: SelfHealingRedisson found it while connecting.
                return FailureKind.CONFIGURATION;
            }
        }
        t = failure;
        for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
            FailureKind reply = FailureClassifier.ofReply(t.getMessage());
            if (reply != null) {
                return reply;
            }
        }
        t = failure;
        boolean redissonTransport = false;
        for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
            if (t instanceof RedisAuthRequiredException || t instanceof RedisWrongPasswordException) {
                return FailureKind.CONFIGURATION;
            }
            if (t instanceof RedisOutOfMemoryException) {
                return FailureKind.WRITE_REFUSED;
            }
            if (t instanceof RedisLoadingException || t instanceof RedisMasterDownException
                    || t instanceof RedisReadonlyException || t instanceof RedisTryAgainException
                    || t instanceof RedisBusyException) {
                return FailureKind.FAILOVER_TRANSIENT;
            }
            if (t instanceof RedisTimeoutException || t instanceof RedisConnectionException
                    || t instanceof RedisNodeNotFoundException || t instanceof RedisReconnectedException
                    || t instanceof WriteRedisConnectionException) {
                return FailureKind.CONNECTIVITY;
            }
            if (t instanceof RedisException) {
                redissonTransport = true;
            }
        }
        FailureKind fallback = FailureClassifier.defaults().classify(failure);
        // A Redisson exception that carries no Redis reply comes from the transport (closed channel,
        // shut-down connection), not from the caller.
        if (redissonTransport && fallback == FailureKind.CALLER_ERROR) {
            return FailureKind.CONNECTIVITY;
        }
        return fallback;
    }
}
