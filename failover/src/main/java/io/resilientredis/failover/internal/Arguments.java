package io.resilientredis.failover.internal;

import java.time.Duration;
import java.util.Objects;

/** The one set of argument checks the builders share, so every setting fails the same clear way. */
public final class Arguments {

    private Arguments() {
    }

    /**
     * @param d a duration setting
     * @param name its name, as the builder spells it
     * @return {@code d}
     * @throws NullPointerException when null
     * @throws IllegalArgumentException when zero or negative
     */
    public static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }
}
