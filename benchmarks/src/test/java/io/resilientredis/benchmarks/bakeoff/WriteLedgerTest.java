package io.resilientredis.benchmarks.bakeoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bake-off's accounting: lost, duplicated and applied-but-unacknowledged writes are counted right. */
class WriteLedgerTest {

    @Test
    void countsLostDuplicatedAndUnacknowledgedWritesPerWriter() {
        WriteLedger ledger = new WriteLedger(2);
        for (int seq = 0; seq < 5; seq++) {
            ledger.acknowledge(0, seq);
        }
        ledger.acknowledge(1, 0);
        ledger.acknowledge(1, 1);

        WriteLedger.Accounting a = ledger.account(Map.of(
                // writer 0: 2 lost (3 and 4 missing), 1 twice (one duplicate), 5 present but never acknowledged
                0, List.of("0", "1", "1", "2", "5"),
                // writer 1: 0 three times (two duplicates), 1 present; a stray element
                1, List.of("0", "0", "1", "0", "junk")));

        assertThat(a.acknowledged()).isEqualTo(7);
        assertThat(a.lost()).isEqualTo(2);
        assertThat(a.duplicated()).isEqualTo(3);
        assertThat(a.appliedUnacknowledged()).isEqualTo(1);
        assertThat(a.foreign()).isEqualTo(1);
    }

    @Test
    void aWriterWithNoListLosesEverythingItWasToldWasWritten() {
        WriteLedger ledger = new WriteLedger(1);
        ledger.acknowledge(0, 0);
        ledger.acknowledge(0, 1);

        WriteLedger.Accounting a = ledger.account(Map.of());

        assertThat(a.lost()).isEqualTo(2);
        assertThat(a.duplicated()).isZero();
    }

    @Test
    void theLongestStallRunsFromTheFaultToTheFirstSuccessOrBetweenSuccesses() {
        long[] successes = {50, 90, 100, 400, 420};
        assertThat(BakeOff.longestStall(successes, 95, 430)).isEqualTo(300);   // 100 -> 400
        assertThat(BakeOff.longestStall(new long[] {10, 2_000}, 100, 2_010)).isEqualTo(1_900);
        assertThat(BakeOff.recovered(successes, 95, 430, 50)).isTrue();
    }

    @Test
    void aRunWithNoSuccessAfterTheFaultStallsToTheEndAndDidNotRecover() {
        long[] beforeTheFault = {10, 20, 30};
        assertThat(BakeOff.longestStall(beforeTheFault, 100, 5_000)).isEqualTo(4_900);
        assertThat(BakeOff.recovered(beforeTheFault, 100, 5_000, 50)).isFalse();
        assertThat(BakeOff.longestStall(new long[0], 100, 600)).isEqualTo(500);
    }
}
