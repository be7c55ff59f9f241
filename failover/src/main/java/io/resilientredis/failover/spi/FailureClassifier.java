package io.resilientredis.failover.spi;

/**
 * Sorts a failure into a {@link FailureKind}. Implementations walk the cause chain; the
 * {@linkplain #defaults() default} knows the JDK's network exceptions and Redis's error replies.
 * A client binding puts its own knowledge first with {@link #orElse(FailureClassifier)}.
 */
@FunctionalInterface
public interface FailureClassifier {

    /**
     * Classifies one failure.
     *
     * @param failure the failure, possibly wrapped in {@code CompletionException} or similar
     * @return its kind, or {@code null} when this classifier does not know it
     */
    FailureKind classify(Throwable failure);

    /**
     * Returns a classifier that asks this one first and {@code next} when this one returns null.
     *
     * @param next the classifier to ask second
     * @return the combined classifier
     */
    default FailureClassifier orElse(FailureClassifier next) {
        return failure -> {
            FailureKind kind = classify(failure);
            return kind != null ? kind : next.classify(failure);
        };
    }

    /**
     * The default classifier: JDK network and timeout exceptions are connectivity, Redis error
     * replies are sorted by their prefix, anything else unknown is a caller error. Never returns
     * null.
     *
     * @return the default classifier
     */
    static FailureClassifier defaults() {
        return DefaultFailureClassifier.INSTANCE;
    }

    /**
     * Sorts a Redis error reply ({@code "LOADING ..."}, {@code "-READONLY ..."}, {@code "WRONGTYPE ..."})
     * by its first word, for bindings that see replies inside their own exception types.
     *
     * @param message an exception message that may start with a Redis error reply
     * @return its kind, or null when the message is not a known Redis error reply
     */
    static FailureKind ofReply(String message) {
        return DefaultFailureClassifier.fromReply(message);
    }
}
