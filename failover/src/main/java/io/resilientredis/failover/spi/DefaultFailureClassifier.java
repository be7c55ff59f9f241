package io.resilientredis.failover.spi;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Classifies by exception type and by Redis error-reply prefix, walking the cause chain. */
final class DefaultFailureClassifier implements FailureClassifier {

    static final DefaultFailureClassifier INSTANCE = new DefaultFailureClassifier();

    private static final int MAX_DEPTH = 16;

    private DefaultFailureClassifier() {
    }

    @Override
    public FailureKind classify(Throwable failure) {
        FailureKind byMessage = null;
        FailureKind byType = null;
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (byMessage == null) {
                byMessage = fromReply(t.getMessage());
            }
            if (byType == null) {
                byType = fromType(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        // A Redis reply is the most specific evidence we have; then the exception type.
        if (byMessage != null) {
            return byMessage;
        }
        return byType != null ? byType : FailureKind.CALLER_ERROR;
    }

    private static FailureKind fromType(Throwable t) {
        if (t instanceof UnknownHostException || t instanceof SSLException) {
            return FailureKind.CONFIGURATION;
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof SocketTimeoutException || t instanceof SocketException
                || t instanceof ClosedChannelException || t instanceof TimeoutException
                || t instanceof IOException) {
            return FailureKind.CONNECTIVITY;
        }
        return null;
    }

    /**
     * Sorts a Redis error reply by its first word. Client libraries often put the reply first and
     * add context after it, and some prefix it with a dash or with "ERR".
     */
    static FailureKind fromReply(String message) {
        if (message == null || message.isEmpty()) {
            return null;
        }
        String m = message.strip();
        if (m.startsWith("-")) {
            m = m.substring(1);
        }
        // An error raised inside a Lua script is wrapped by Redis 6: "ERR Error running script (call to
        // f_...): @user_script:3: READONLY You can't write ...". The inner reply is what happened. Redis 7
        // sends the inner reply first and the script's position after it ("READONLY You can't write ...
        // script: <sha>, on @user_script:3."): that is sorted by its first word like any reply.
        int script = m.lastIndexOf("@user_script:");
        if (script >= 0 && m.regionMatches(true, 0, "ERR Error running script", 0, 24)) {
            String inner = m.substring(script + "@user_script:".length()).replaceFirst("^\\s*\\d+:\\s*", "");
            inner = inner.replaceFirst("^@user_script:\\s*\\d+:\\s*", "");
            FailureKind kind = fromReply(inner);
            return kind != null ? kind : FailureKind.CALLER_ERROR;
        }
        String upper = m.length() > 64 ? m.substring(0, 64).toUpperCase(Locale.ROOT) : m.toUpperCase(Locale.ROOT);
        // WAIT sent to a node that has just been demoted (the pipeline's writes were refused as READONLY
        // or it became a replica in between) is a failover reply like READONLY, not a caller error.
        if (upper.startsWith("ERR WAIT CANNOT BE USED WITH REPLICA")) {
            return FailureKind.FAILOVER_TRANSIENT;
        }
        if (startsWithWord(upper, "LOADING") || startsWithWord(upper, "MASTERDOWN")
                || startsWithWord(upper, "READONLY") || startsWithWord(upper, "TRYAGAIN")
                || startsWithWord(upper, "CLUSTERDOWN") || startsWithWord(upper, "BUSY")) {
            return FailureKind.FAILOVER_TRANSIENT;
        }
        if (startsWithWord(upper, "OOM") || startsWithWord(upper, "MISCONF")) {
            return FailureKind.WRITE_REFUSED;
        }
        if (startsWithWord(upper, "NOAUTH") || startsWithWord(upper, "WRONGPASS")
                || startsWithWord(upper, "NOPERM")
                || upper.startsWith("ERR AUTH") || upper.startsWith("ERR INVALID PASSWORD")
                || upper.startsWith("ERR CLIENT SENT AUTH")) {
            return FailureKind.CONFIGURATION;
        }
        if (startsWithWord(upper, "WRONGTYPE") || startsWithWord(upper, "ERR")
                || startsWithWord(upper, "EXECABORT") || startsWithWord(upper, "NOSCRIPT")
                || startsWithWord(upper, "BUSYKEY") || startsWithWord(upper, "CROSSSLOT")) {
            return FailureKind.CALLER_ERROR;
        }
        return null;
    }

    private static boolean startsWithWord(String upper, String word) {
        return upper.startsWith(word)
                && (upper.length() == word.length() || !Character.isLetterOrDigit(upper.charAt(word.length())));
    }
}
