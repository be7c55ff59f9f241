package io.resilientredis.chaos.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;
import io.resilientredis.failover.WriteStatus;
import io.resilientredis.micrometer.ResilientRedisObservations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facade calls as Micrometer observations against a real Redis behind a fault proxy: one per call,
 * started and stopped, with the outcome, the endpoint and the write's id; one per replayed batch; none
 * once tracing is closed.
 */
class ObservationsTest {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> chaos =
            ChaosTopologyExtension.proxied(RedisTopology.standalone());

    @TempDir
    Path dir;

    @AfterEach
    void heal() {
        chaos.get().resetAll();
    }

    /** Keeps what each observation carried when it stopped. */
    static final class Recorder implements ObservationHandler<Observation.Context> {
        final List<Map<String, String>> stopped = new CopyOnWriteArrayList<>();
        final List<String> started = new CopyOnWriteArrayList<>();

        @Override
        public void onStart(Observation.Context context) {
            started.add(context.getName());
        }

        @Override
        public void onStop(Observation.Context context) {
            Map<String, String> m = new TreeMap<>();
            for (KeyValue kv : context.getLowCardinalityKeyValues()) {
                m.put(kv.getKey(), kv.getValue());
            }
            for (KeyValue kv : context.getHighCardinalityKeyValues()) {
                m.put(kv.getKey(), kv.getValue());
            }
            m.put("name", context.getName());
            m.put("contextual", context.getContextualName());
            if (context.getError() != null) {
                m.put("error", context.getError().getClass().getSimpleName());
            }
            stopped.add(m);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    @Test
    void everyCallIsOneObservationWithItsOutcomeEndpointAndWriteId() {
        ObservationRegistry registry = ObservationRegistry.create();
        Recorder recorder = new Recorder();
        registry.observationConfig().observationHandler(recorder);
        try (ResilientRedis redis = MetricsBinderTest.client(chaos.get()).spill(dir.resolve("spill")).build()) {
            String endpoint = redis.status().endpoints().get(0).name();
            redis.set("ob:untraced", "1");
            assertThat(recorder.started).isEmpty();

            ResilientRedisObservations tracing = ResilientRedisObservations.install(redis, registry);
            assertThatThrownBy(() -> ResilientRedisObservations.install(redis, registry))
                    .isInstanceOf(IllegalStateException.class);
            WriteReceipt<Void> written = redis.set("ob:k", "v");
            assertThat(redis.get("ob:k")).isEqualTo("v");
            WriteReceipt<Long> async = redis.async().incrBy("ob:n", 2).toCompletableFuture().join();
            assertThatThrownBy(() -> redis.set("ob:k", null)).isInstanceOf(NullPointerException.class);

            assertThat(recorder.stopped).hasSize(3);
            assertThat(recorder.stopped.get(0)).containsEntry("name", ResilientRedisObservations.NAME)
                    .containsEntry("contextual", "redis set").containsEntry("command", "set")
                    .containsEntry("outcome", "written").containsEntry("endpoint", endpoint)
                    .containsEntry("write.id", written.id()).doesNotContainKey("error");
            assertThat(recorder.stopped.get(1)).containsEntry("command", "get").containsEntry("outcome", "read")
                    .doesNotContainKey("write.id");
            assertThat(recorder.stopped.get(2)).containsEntry("command", "incrby").containsEntry("write.id", async.id());

            chaos.get().disableAll();
            // Spilled, and once the breaker is open, while no endpoint admits calls.
            await("writes spill and the breaker opens").atMost(Duration.ofSeconds(20))
                    .until(() -> redis.set("ob:o", "w").status() == WriteStatus.SPILLED
                            && redis.status().activeEndpoint() == null);
            redis.set("ob:o", "w2");
            Map<String, String> spilled = recorder.stopped.get(recorder.stopped.size() - 1);
            assertThat(spilled).containsEntry("outcome", "spilled").containsEntry("endpoint", "none")
                    .containsKey("write.id");
            assertThatThrownBy(() -> redis.get("ob:k")).isInstanceOf(RedisUnavailableException.class);
            assertThat(recorder.stopped.get(recorder.stopped.size() - 1)).containsEntry("outcome", "unavailable")
                    .containsEntry("error", "RedisUnavailableException");
            assertThat(recorder.started).hasSameSizeAs(recorder.stopped);

            chaos.get().resetAll();
            await("the spilled write is replayed").atMost(Duration.ofSeconds(30))
                    .until(() -> redis.status().spill().depth() == 0);
            // Batches tried while Redis was still down are observed too, as failed, with a user-facing error.
            await("the replayed batch's observation").atMost(Duration.ofSeconds(5)).until(() -> recorder.stopped
                    .stream().anyMatch(m -> ResilientRedisObservations.REPLAY_NAME.equals(m.get("name"))
                            && "replayed".equals(m.get("outcome"))));
            for (Map<String, String> batch : recorder.stopped) {
                if (ResilientRedisObservations.REPLAY_NAME.equals(batch.get("name"))) {
                    assertThat(batch).containsEntry("endpoint", endpoint).containsEntry("contextual", "redis replay");
                    assertThat(Integer.parseInt(batch.get("writes"))).isPositive();
                    if ("failed".equals(batch.get("outcome"))) {
                        assertThat(batch.get("error")).isNotEqualTo("AttemptFailure").endsWith("Exception");
                    } else {
                        assertThat(batch).containsEntry("outcome", "replayed").doesNotContainKey("error");
                    }
                }
            }

            tracing.close();
            int before = recorder.started.size();
            redis.set("ob:after", "x");
            assertThat(recorder.started).hasSize(before);
        }
    }
}
