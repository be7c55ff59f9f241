package io.resilientredis.client.internal;

import io.resilientredis.failover.RedisCommandException;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Not API: how a facade call ended, as metrics tag it. It may change in any release without notice.
 */
public enum Outcome {
    /** A write Redis acknowledged. */
    WRITTEN,
    /** A write committed to the spill store, to be replayed. */
    SPILLED,
    /** A read that returned a reply. */
    READ,
    /** No endpoint could serve the call ({@link RedisUnavailableException}). */
    UNAVAILABLE,
    /** Refused for another reason: spill full, Redis refusing writes, a configuration error. */
    REFUSED,
    /** The caller's mistake: a command error (WRONGTYPE, syntax) or an invalid argument. */
    CALLER_ERROR;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** @return the tag value, in lower case */
    public String tag() {
        return tag;
    }

    /**
     * @param reply what the call completed with
     * @return {@link #SPILLED} or {@link #WRITTEN} for a receipt or a batch's status, else {@link #READ}
     */
    public static Outcome of(Object reply) {
        if (reply instanceof WriteReceipt<?> r) {
            return r.status() == WriteStatus.SPILLED ? SPILLED : WRITTEN;
        }
        if (reply instanceof WriteStatus status) {
            return status == WriteStatus.SPILLED ? SPILLED : WRITTEN;
        }
        return READ;
    }

    /**
     * @param failure what the call failed with (wrapped or not)
     * @return its outcome
     */
    public static Outcome ofFailure(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        if (f instanceof RedisUnavailableException) {
            return UNAVAILABLE;
        }
        if (f instanceof RedisCommandException || f instanceof IllegalArgumentException) {
            return CALLER_ERROR;
        }
        return REFUSED;
    }
}
