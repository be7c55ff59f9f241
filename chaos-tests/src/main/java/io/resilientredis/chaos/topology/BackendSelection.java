package io.resilientredis.chaos.topology;

import java.util.function.BooleanSupplier;

/** The backend decision, kept free of side effects so it can be tested without Docker or Redis. */
final class BackendSelection {

    private BackendSelection() {
    }

    /**
     * Decides which backend runs a topology.
     *
     * @param requested what the builder, {@code -Dresilientredis.backend} or the environment asked for
     * @param binaryAvailable whether a redis-server binary could be had for this machine
     * @param dockerAnswers asked only when the answer matters
     * @return {@link BackendType#PROCESS} or {@link BackendType#CONTAINER}, never {@code AUTO}
     * @throws RedisTopologyException naming the fix when the request cannot be met
     */
    static BackendType choose(BackendType requested, boolean binaryAvailable, BooleanSupplier dockerAnswers) {
        switch (requested) {
            case PROCESS:
                if (!binaryAvailable) {
                    throw new RedisTopologyException("The process backend was requested but no redis-server binary "
                            + "is available: put redis-server on PATH or name one with -D" + RedisBinary.PROPERTY
                            + " (the embedded-redis jar ships Linux and macOS binaries only)");
                }
                return BackendType.PROCESS;
            case CONTAINER:
                if (!dockerAnswers.getAsBoolean()) {
                    throw new RedisTopologyException("The container backend was requested but no Docker engine "
                            + "answers: start Docker (or set DOCKER_HOST), or use -D" + BackendType.PROPERTY
                            + "=process");
                }
                return BackendType.CONTAINER;
            case AUTO:
            default:
                if (binaryAvailable) {
                    return BackendType.PROCESS;
                }
                if (dockerAnswers.getAsBoolean()) {
                    return BackendType.CONTAINER;
                }
                throw new RedisTopologyException("No way to run Redis here: no redis-server binary for this OS/arch "
                        + "and no Docker engine answers. Put redis-server on PATH, name one with -D"
                        + RedisBinary.PROPERTY + ", or start Docker");
        }
    }
}
