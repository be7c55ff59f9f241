package io.resilientredis.client;

/**
 * A sorted set's member with its score, as {@code ZRANGE ... WITHSCORES} returns them.
 *
 * @param member the member
 * @param score its score
 * @param <V> the member type (the view's value type)
 */
public record ScoredMember<V>(V member, double score) {
}
