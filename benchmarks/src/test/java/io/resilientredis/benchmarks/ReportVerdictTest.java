package io.resilientredis.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The facade-overhead verdict takes both error bars into account before it calls a target met or missed. */
class ReportVerdictTest {

    private static Report.Figure ops(double score, double error) {
        return new Report.Figure("B", "m", 1, "thrpt", score, error, "ops/s");
    }

    @Test
    void metOnlyWhenOurLowerBoundClearsNinetyFivePercentOfTheirUpperBound() {
        assertThat(Report.verdict(ops(100_000, 2_000), ops(100_000, 2_000))).isEqualTo("met");
        assertThat(Report.verdict(ops(100_000, 10_000), ops(100_000, 10_000)))
                .isEqualTo("met on the scores; the error bars overlap the 95% line: not resolved");
    }

    @Test
    void missedOnlyWhenOurUpperBoundStaysBelowNinetyFivePercentOfTheirLowerBound() {
        assertThat(Report.verdict(ops(80_000, 1_000), ops(100_000, 1_000))).isEqualTo("missed by 15.0%");
        assertThat(Report.verdict(ops(90_000, 5_000), ops(100_000, 5_000)))
                .isEqualTo("missed by 5.0% on the scores; the error bars overlap the 95% line: not resolved");
    }

    @Test
    void aFigureWithoutAnErrorBarIsNeverResolved() {
        assertThat(Report.verdict(ops(200_000, Double.NaN), ops(100_000, 1_000))).endsWith("not resolved");
    }
}
