package io.resilientredis.client;

/**
 * A sorted set's member with its score, as {@code ZRANGE ... WITHSCORES} returns them.
 *
 * @param member the member
 * @param score its score
 */
public record ScoredMember(String member, double score) {
}
