package io.resilientredis.chaos.toxiproxy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One toxic's configuration as the API holds it. Immutable: an update creates a new instance, which is how
 * live connections tell an updated toxic (re-rolled, restarted) from an unchanged one (kept as it runs).
 */
final class ToxicSpec {
    private final String name;
    private final ToxicKind kind;
    private final Stream stream;
    private final float toxicity;
    private final Map<String, Long> attributes;

    ToxicSpec(String name, ToxicKind kind, Stream stream, float toxicity, Map<String, Long> given) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.toxicity = toxicity;
        Map<String, Long> all = new LinkedHashMap<>();
        for (String attribute : kind.attributes()) {
            Long value = given.get(attribute);
            all.put(attribute, value == null ? 0L : value);
        }
        this.attributes = Collections.unmodifiableMap(all);
    }

    String name() {
        return name;
    }

    ToxicKind kind() {
        return kind;
    }

    Stream stream() {
        return stream;
    }

    float toxicity() {
        return toxicity;
    }

    /** Every attribute of this toxic's type, in the type's order; absent ones are 0. */
    Map<String, Long> attributes() {
        return attributes;
    }

    long attribute(String attribute) {
        Long value = attributes.get(attribute);
        return value == null ? 0L : value;
    }

    /** A copy with the given attributes merged over these and, when non-null, a new toxicity. */
    ToxicSpec merged(Map<String, Long> changes, Float newToxicity) {
        Map<String, Long> merged = new LinkedHashMap<>(attributes);
        for (Map.Entry<String, Long> change : changes.entrySet()) {
            if (merged.containsKey(change.getKey())) {
                merged.put(change.getKey(), change.getValue());
            }
        }
        return new ToxicSpec(name, kind, stream, newToxicity == null ? toxicity : newToxicity, merged);
    }

    /** Same configuration, ignoring identity (used by populate to keep identical proxies). */
    boolean sameAs(ToxicSpec other) {
        return name.equals(other.name) && kind == other.kind && stream == other.stream
                && Float.compare(toxicity, other.toxicity) == 0 && attributes.equals(other.attributes);
    }

    @Override
    public String toString() {
        return "ToxicSpec{" + name + ", " + kind.wireName() + ", " + stream.wireName() + ", toxicity=" + toxicity
                + ", " + attributes + '}';
    }
}
