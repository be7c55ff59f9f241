package io.resilientredis.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.resilientredis.spring.gadget.Gadget;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.core.serializer.support.SerializationFailedException;

/**
 * Both cache value serializers: values come back as the class they were cached with, and a stored
 * value naming a class outside the trusted packages is refused without building it.
 */
class CacheValueSerializerTest {

    /** A typical {@code @Cacheable} return type. */
    record Quote(String item, BigDecimal amount, Instant quotedAt, LocalDate validUntil, List<String> tags,
                 Map<String, Long> stock, Line best, List<Line> lines) implements Serializable {
    }

    record Line(String sku, int quantity, Object note) implements Serializable {
    }

    static Quote quote() {
        return new Quote("apple", new BigDecimal("12.50"), Instant.parse("2026-03-01T10:15:30.123Z"),
                LocalDate.of(2026, 4, 1), List.of("fresh", "red"), new LinkedHashMap<>(Map.of("berlin", 7L)),
                new Line("a-1", 3, UUID.fromString("2f0c6a2e-1111-4d7e-9a4e-0123456789ab")),
                new ArrayList<>(List.of(new Line("b-2", 1, 5L), new Line("c-3", 2, null))));
    }

    private static final List<String> TRUSTED = List.of("io.resilientredis.spring.boot");

    @BeforeEach
    void noGadgetsYet() {
        Gadget.BUILT.set(0);
    }

    @Nested
    class Json {

        private final JsonCacheValueSerializer json = new JsonCacheValueSerializer(TRUSTED);

        @Test
        void aRecordWithNestedTypesComesBackAsTheSameClassAndValue() {
            Quote q = quote();
            String stored = json.serialize(q);
            assertThat(stored).contains("\"@class\":\"" + Quote.class.getName() + "\"");
            Object back = json.deserialize(stored);
            assertThat(back).isInstanceOf(Quote.class).isEqualTo(q);
            Quote b = (Quote) back;
            assertThat(b.lines().get(0)).isInstanceOf(Line.class);
            assertThat(b.best().note()).isInstanceOf(UUID.class);
            assertThat(b.lines().get(0).note()).isInstanceOf(Long.class);
            assertThat(b.stock().get("berlin")).isInstanceOf(Long.class);
        }

        @Test
        void listsScalarsAndJdkTypesAtTheRootKeepTheirClass() {
            List<Line> lines = List.of(new Line("x", 1, "n"), new Line("y", 2, null));
            assertThat(json.deserialize(json.serialize(lines))).isEqualTo(lines)
                    .asList().allSatisfy(l -> assertThat(l).isInstanceOf(Line.class));
            assertThat(json.deserialize(json.serialize(42L))).isEqualTo(42L);
            assertThat(json.deserialize(json.serialize(7))).isEqualTo(7);
            assertThat(json.deserialize(json.serialize("text"))).isEqualTo("text");
            assertThat(json.deserialize(json.serialize(new BigDecimal("1.10")))).isEqualTo(new BigDecimal("1.10"));
            assertThat(json.deserialize(json.serialize(Instant.EPOCH))).isEqualTo(Instant.EPOCH);
        }

        @Test
        void aStoredValueNamingAnUntrustedClassIsRefusedWithoutBuildingIt() {
            String planted = "{\"@class\":\"" + Gadget.class.getName() + "\",\"command\":\"rm -rf /\"}";
            assertThatThrownBy(() -> json.deserialize(planted)).isInstanceOf(SerializationFailedException.class)
                    .hasMessageNotContaining("rm -rf");
            // nested, in a trusted record's Object field
            String nested = json.serialize(new Line("z", 1, "placeholder"))
                    .replace("\"placeholder\"", "{\"@class\":\"" + Gadget.class.getName() + "\",\"command\":\"x\"}");
            assertThatThrownBy(() -> json.deserialize(nested)).isInstanceOf(SerializationFailedException.class);
            // a JDK class that is neither a value type nor a collection, and a well-known gadget
            assertThatThrownBy(() -> json.deserialize("[\"java.util.logging.FileHandler\",{}]"))
                    .isInstanceOf(SerializationFailedException.class);
            assertThatThrownBy(() -> json.deserialize(
                    "[\"org.springframework.context.support.FileSystemXmlApplicationContext\",\"http://x/\"]"))
                    .isInstanceOf(SerializationFailedException.class);
            assertThat(Gadget.BUILT).hasValue(0);
            // the same value is read once its package is trusted: the refusal is the allow-list's
            JsonCacheValueSerializer trusting = new JsonCacheValueSerializer(List.of("io.resilientredis.spring.gadget"));
            assertThat(trusting.deserialize(planted)).isInstanceOf(Gadget.class);
            assertThat(Gadget.BUILT).hasPositiveValue();
        }

        @Test
        void notJsonIsAFailureThatDoesNotQuoteTheData() {
            assertThatThrownBy(() -> json.deserialize("rO0ABsecret-data")).isInstanceOf(SerializationFailedException.class)
                    .hasMessageNotContaining("secret-data");
        }
    }

    @Nested
    class Java {

        private final JavaCacheValueSerializer java = new JavaCacheValueSerializer(TRUSTED);

        @Test
        void aSerializableRecordComesBackAsTheSameClassAndValue() {
            Quote q = quote();
            String stored = java.serialize(q);
            assertThat(Base64.getDecoder().decode(stored)).startsWith(0xAC, 0xED);
            assertThat(java.deserialize(stored)).isInstanceOf(Quote.class).isEqualTo(q);
            assertThat(java.deserialize(java.serialize(42L))).isEqualTo(42L);
        }

        @Test
        void aStreamNamingAnUntrustedClassIsRefusedBeforeItsReadObjectRuns() throws IOException {
            String planted = javaSerialized(new Gadget("rm -rf /"));
            assertThatThrownBy(() -> java.deserialize(planted)).isInstanceOf(SerializationFailedException.class);
            String nested = javaSerialized(new Line("z", 1, new Gadget("x")));
            assertThatThrownBy(() -> java.deserialize(nested)).isInstanceOf(SerializationFailedException.class);
            assertThat(Gadget.BUILT).hasValue(0);
            assertThat(new JavaCacheValueSerializer(List.of("io.resilientredis.spring.gadget")).deserialize(planted))
                    .isInstanceOf(Gadget.class);
            assertThat(Gadget.BUILT).hasValue(1);
        }

        @Test
        void aValueThatIsNotSerializableFailsThePut() {
            assertThatThrownBy(() -> java.serialize(new Object())).isInstanceOf(SerializationFailedException.class)
                    .hasMessageContaining("Serializable");
        }

        private String javaSerialized(Object o) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            }
            return Base64.getEncoder().encodeToString(bytes.toByteArray());
        }
    }
}
