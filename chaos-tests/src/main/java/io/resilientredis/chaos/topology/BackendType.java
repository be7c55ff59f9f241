package io.resilientredis.chaos.topology;

import java.util.Locale;

/**
 * How the nodes of a topology run. Chosen by {@link RedisTopology.Builder#backend(BackendType)}, else by
 * the system property {@value #PROPERTY} (or the environment variable {@value #ENV}), else
 * {@link #AUTO}.
 */
public enum BackendType {
    /**
     * Local {@code redis-server} processes whenever a binary can be had (named, on PATH, or the one
     * shipped in the embedded-redis jar); containers only when no binary exists for this OS and
     * architecture and a Docker engine answers.
     */
    AUTO,
    /** Local {@code redis-server} child processes. */
    PROCESS,
    /** Testcontainers containers running {@code redis:7} with host networking (Linux Docker hosts only). */
    CONTAINER;

    /** System property that forces a backend: {@code process}, {@code container} or {@code auto}. */
    public static final String PROPERTY = "resilientredis.backend";
    /** Environment variable read when the system property is not set. */
    public static final String ENV = "RESILIENTREDIS_BACKEND";

    /**
     * Parses {@code process}, {@code container} or {@code auto} (any case); blank means {@link #AUTO}.
     *
     * @param value the text to parse; may be null or blank
     * @return the backend named
     * @throws IllegalArgumentException naming the accepted values for anything else
     */
    public static BackendType parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return AUTO;
            case "process":
                return PROCESS;
            case "container":
            case "docker":
            case "testcontainers":
                return CONTAINER;
            default:
                throw new IllegalArgumentException("Unknown Redis topology backend '" + value + "' (from -D" + PROPERTY
                        + " or " + ENV + "): use process, container or auto");
        }
    }
}
