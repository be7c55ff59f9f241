package io.resilientredis.failover.spi;

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

    /** Completes {@code target} as {@code source} completes, with the unwrapped failure. */
    static <T> void relay(java.util.concurrent.CompletableFuture<T> source,
                          java.util.concurrent.CompletableFuture<T> target) {
        source.whenComplete((value, failure) -> {
            if (failure == null) {
                target.complete(value);
            } else {
                target.completeExceptionally(unwrap(failure));
            }
        });
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

    /**
     * Where a client library's message turns from what happened into its internals: the command's
     * parameters (key names, values), the channel, the pending future. Everything from the first of
     * these on is cut; the full text stays in the cause chain.
     */
    private static final String[] INTERNALS = {"params:", "CommandData", "channel: [", "Node source:",
            "NodeSource [", "currentCommand=", "java.util.concurrent.CompletableFuture@", "RedisConnection@"};

    /** The message without the internals a client library appends (see {@link #INTERNALS}). */
    static String withoutInternals(String message) {
        if (message == null) {
            return null;
        }
        int cut = message.length();
        for (String marker : INTERNALS) {
            int i = message.indexOf(marker);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        if (cut == message.length()) {
            return message;
        }
        String kept = message.substring(0, cut).strip();
        while (!kept.isEmpty() && ",;:(".indexOf(kept.charAt(kept.length() - 1)) >= 0) {
            kept = kept.substring(0, kept.length() - 1).strip();
        }
        return kept;
    }

    private static String oneLine(Throwable t) {
        String msg = withoutInternals(t.getMessage());
        String line = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl);
        }
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
