package io.resilientredis.failover;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for failures: unwrapping and one-line descriptions. */
final class Failures {

    private Failures() {
    }

    /** Strips the wrappers that futures add. */
    static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** One line: the exception's simple name and message, of the innermost informative cause. */
    static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        String line = oneLine(t);
        Throwable root = t;
        for (int i = 0; i < 16 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        if (root != t) {
            line = line + " (caused by " + oneLine(root) + ")";
        }
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }

    private static String oneLine(Throwable t) {
        String msg = t.getMessage();
        String line = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl);
        }
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
