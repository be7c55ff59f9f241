package io.resilientredis.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The batch figures ({@link BatchBenchmark}) appear in RESULTS.md as a batch against single writes. */
class ReportBatchTest {

    private static Report.Figure writes(String method, double score, double error) {
        return new Report.Figure("BatchBenchmark", method, 1, "thrpt", score, error, "ops/s");
    }

    @Test
    void aBatchAndTheSameNumberOfSingleWritesAreRenderedSideBySide() {
        Report report = new Report(false);
        report.machineBefore = Suite.Machine.describe();
        report.machineAfter = report.machineBefore;
        report.figures.add(writes("setBatch", 56_885, 22_940));
        report.figures.add(writes("setAsync", 63_022, 17_712));
        report.figures.add(writes("incrByBatch", 48_971, 19_724));
        report.figures.add(writes("incrByAsync", 27_815, 10_240));

        String md = report.markdown();

        assertThat(md).contains("### A batch of 100 writes vs 100 single async writes (1 thread)")
                .contains("| SET | 56,885 ± 22,940 | 63,022 ± 17,712 | 90.3% |")
                .contains("| INCRBY | 48,971 ± 19,724 | 27,815 ± 10,240 | 176.1% |");
        Report without = new Report(false);
        without.machineBefore = report.machineBefore;
        without.machineAfter = report.machineBefore;
        assertThat(without.markdown()).as("no batch figures, no section").doesNotContain("A batch of");
    }
}
