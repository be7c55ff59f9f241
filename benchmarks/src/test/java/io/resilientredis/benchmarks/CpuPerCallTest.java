package io.resilientredis.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The CPU-per-call measurement reads redis-server's CPU right and pairs rounds the right way round. */
class CpuPerCallTest {

    @Test
    void parsesSystemPlusUserCpuFromInfo() {
        String info = "# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:0.750000\r\n"
                + "used_cpu_sys_children:9.000000\r\nused_cpu_user_children:9.000000\r\n";
        assertThat(CpuPerCall.parseCpuSeconds(info)).isCloseTo(2.0, within(1e-9));
        assertThatThrownBy(() -> CpuPerCall.parseCpuSeconds("# CPU\r\n"))
                .hasMessageContaining("used_cpu_sys");
    }

    @Test
    void serverCpuGrowsWithWorkOnARealServer() throws Exception {
        try (RedisTopology redis = RedisTopology.standalone().start()) {
            double before = CpuPerCall.serverCpuSeconds(redis.primary());
            try (RespConnection c = redis.primary().connect(Duration.ofSeconds(5))) {
                c.call("DEBUG", "SLEEP", "0"); // cheap; the loop below is what costs
                for (int i = 0; i < 20_000; i++) {
                    c.call("SET", "k" + i, "v");
                }
            }
            assertThat(CpuPerCall.serverCpuSeconds(redis.primary())).isGreaterThan(before);
        }
    }

    @Test
    void pairedRatioIsTheirCpuOverOurs() {
        CpuPerCall.Samples ours = new CpuPerCall.Samples("getResilient", new double[] {10, 12, 20}, new double[] {10, 8, 0});
        CpuPerCall.Samples theirs = new CpuPerCall.Samples("getRedisson", new double[] {19, 15, 10}, new double[] {0, 5, 8});
        assertThat(Report.pairedRatios(ours, theirs)).containsExactly(0.95, 1.0, 0.9);
        assertThat(CpuPerCall.median(Report.pairedRatios(ours, theirs))).isEqualTo(0.95);
        assertThat(ours.medianTotal()).isEqualTo(20);
        assertThat(ours.range()).containsExactly(20, 20);
    }
}
