package io.resilientredis.chaos.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisNode;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.chaos.topology.RespConnection;
import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.RetrySettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drill against a Redis it did not start (here a harness server standing in for the user's): the
 * machine-readable report, and the drill's keys, which get a TTL while it runs and are gone after it.
 */
class DrillOnYourRedisTest {

    private static final String PASSWORD = "drill-test-pw";
    @RegisterExtension
    static final ChaosTopologyExtension<RedisTopology> topology =
            ChaosTopologyExtension.direct(RedisTopology.standalone().password(PASSWORD));

    @TempDir
    Path reports;

    private static RedisEndpoint endpoint() {
        RedisNode n = topology.get().primary();
        return RedisEndpoint.standalone("redis://:" + PASSWORD + "@" + n.host() + ":" + n.port());
    }

    private static RespConnection connection() throws Exception {
        RespConnection c = topology.get().primary().connect(Duration.ofSeconds(2));
        return c;
    }

    @Test
    void aDrillOnYourRedisWritesReportJsonAndLeavesNoKeysBehind() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DrillResult result;
        try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            result = Drill.builder().redis(endpoint(), null).duration(Duration.ofSeconds(5)).rate(100)
                    .threads(2, 1).reportDir(reports).output(out, false).build().run();
        }
        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(result.passed()).as(text).isTrue();
        assertThat(result.written()).isPositive();

        assertThat(result.runDir()).hasParent(reports);
        assertThat(result.textReport()).hasParent(result.runDir());
        assertThat(result.htmlReport()).hasParent(result.runDir());
        assertThat(result.jsonReport()).hasParent(result.runDir()).hasFileName("report.json");
        JsonObject json = JsonParser.parseString(Files.readString(result.jsonReport())).getAsJsonObject();
        assertThat(json.get("passed").getAsBoolean()).isTrue();
        assertThat(json.get("exitCode").getAsInt()).isZero();
        assertThat(json.get("seed").getAsLong()).isEqualTo(result.seed());
        assertThat(json.get("written").getAsLong()).isEqualTo(result.written());
        assertThat(json.get("drained").getAsBoolean()).isTrue();
        JsonObject verdict = json.getAsJsonObject("verdict");
        Verdict v = result.verdict();
        assertThat(verdict.keySet()).contains("acceptedWrites", "failedWrites", "lost", "duplicated",
                "duplicatedAcrossDeployments", "outOfOrder", "counterShortfall", "counterExcess",
                "appliedDespiteFailure", "outageExceptions", "spillFullRejections", "refusedWrites", "inDoubtWrites",
                "readsOverBound", "maxReadWaitMillis", "readBoundMillis", "findings");
        assertThat(verdict.get("acceptedWrites").getAsLong()).isEqualTo(v.acceptedWrites()).isPositive();
        assertThat(verdict.get("lost").getAsLong()).isEqualTo(v.lost());
        assertThat(verdict.get("readBoundMillis").getAsLong()).isEqualTo(v.readBound().toMillis());
        assertThat(json.getAsJsonObject("writeLatency").get("count").getAsLong())
                .isEqualTo(result.writeLatency().count());

        assertThat(text).contains("Removed the drill's").contains("report.json");
        try (RespConnection c = connection()) {
            assertThat(c.call("DBSIZE")).as("keys left: %s", c.call("KEYS", "*")).isEqualTo(0L);
        }
    }

    @Test
    void whileItRunsEveryKeyOfTheRunHasATtl() throws Exception {
        History history = new History("drill:ttl-test", 1, Duration.ofSeconds(5));
        List<OperationKind> kinds = OperationKinds.defaultsWithTtl();
        try (ResilientRedis redis = ResilientRedis.builder().primary(endpoint()).retry(RetrySettings.none())
                .build()) {
            long seq = 0;
            for (OperationKind kind : kinds) {
                seq++;
                String key = kind.key(history.namespace(), 0, seq);
                String id = kind.perform(redis, key, seq, seq).id();
                history.record(new WriteRecord(0, seq, kind.name(), key, seq, WriteRecord.Outcome.WRITTEN, null,
                        history.millisSinceStart(), id));
            }
            new KeyKeeper(history, kinds).expire(redis);
            List<String> keys = new ArrayList<>();
            for (WriteRecord r : history.allWrites()) {
                for (OperationKind k : kinds) {
                    if (k.name().equals(r.kind())) {
                        keys.addAll(k.redisKeys(redis, r.key()));
                    }
                }
            }
            try (RespConnection c = connection()) {
                int existing = 0;
                for (String key : keys) {
                    long ttl = (Long) c.call("TTL", key);
                    if (ttl != -2) { // -2: the queue script never created that key
                        existing++;
                        assertThat(ttl).as("TTL of %s", key).isPositive()
                                .isLessThanOrEqualTo(OperationKinds.KEY_TTL.toSeconds());
                    }
                }
                assertThat(existing).isGreaterThanOrEqualTo(kinds.size());
            }
            String removed = KeyKeeper.removeAll(history, kinds, endpoint(), null);
            assertThat(removed).startsWith("Removed");
            try (RespConnection c = connection()) {
                assertThat(c.call("DBSIZE")).as("keys left: %s", c.call("KEYS", "*")).isEqualTo(0L);
            }
        }
    }
}
