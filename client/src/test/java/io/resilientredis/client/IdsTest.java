package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The id form: millis and counter in zero-padded base 36 around the process nonce, whatever their size. */
class IdsTest {

    private static String expected(long millis, long counter) {
        String node = Ids.next().split("-")[1];
        return "0".repeat(Math.max(0, 9 - Long.toString(millis, 36).length())) + Long.toString(millis, 36) + "-"
                + node + "-" + "0".repeat(Math.max(0, 8 - Long.toString(counter, 36).length()))
                + Long.toString(counter, 36);
    }

    @Test
    void theFormIsZeroPaddedBase36AtEveryWidth() {
        long[] millis = {0, 1, 35, 36, 1_764_633_600_000L, 101_559_956_668_415L, 101_559_956_668_416L, Long.MAX_VALUE};
        long[] counters = {0, 1, 35, 36, 123_456_789L, 2_821_109_907_455L, 2_821_109_907_456L, Long.MAX_VALUE};
        for (long m : millis) {
            for (long c : counters) {
                assertThat(Ids.of(m, c)).as(m + "/" + c).isEqualTo(expected(m, c));
            }
        }
        assertThat(Ids.of(1_764_633_600_000L, 42)).hasSize(30).matches("[0-9a-z]{9}-[0-9a-z]{11}-0000001[0-9a-z]");
    }

    @Test
    void idsOfOneProcessSortByMillisThenCounter() {
        assertThat(Ids.of(1_764_633_600_000L, 9)).isLessThan(Ids.of(1_764_633_600_000L, 10))
                .isLessThan(Ids.of(1_764_633_600_001L, 1));
    }
}
