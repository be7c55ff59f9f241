package io.resilientredis.chaos.topology;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code redis-server} binary the process backend runs: the one named by
 * {@value #PROPERTY} / {@value #ENV} (or {@code embedded} to force the jar's), else
 * {@code redis-server} on PATH, else the binary shipped inside the
 * {@code com.github.codemonstur:embedded-redis} jar, extracted once into a cache directory.
 *
 * <p>The extracted binary is cached JVM-wide in {@link #embeddedCache} (one immutable value, set
 * once) and on disk under {@code $XDG_CACHE_HOME/resilient-redis} or {@code ~/.cache/resilient-redis},
 * so a second JVM reuses the same file.
 */
final class RedisBinary {

    static final String PROPERTY = "resilientredis.redis.server";
    static final String ENV = "RESILIENTREDIS_REDIS_SERVER";
    static final String EMBEDDED = "embedded";

    enum Source { CONFIGURED, PATH, EMBEDDED }

    private static final Pattern VERSION = Pattern.compile("v=(\\S+)");
    private static final Object EMBEDDED_LOCK = new Object();
    /** JVM-wide cache of the extracted embedded binary (documented exception to "no static state"). */
    private static volatile RedisBinary embeddedCache;

    private final Path path;
    private final String version;
    private final Source source;

    private RedisBinary(Path path, String version, Source source) {
        this.path = path;
        this.version = version;
        this.source = source;
    }

    Path path() {
        return path;
    }

    String version() {
        return version;
    }

    Source source() {
        return source;
    }

    @Override
    public String toString() {
        return "redis-server " + version + " at " + path + " (" + source.name().toLowerCase(Locale.ROOT) + ")";
    }

    /** The name given by the builder, else the system property, else the environment variable; may be null. */
    static String configuredName(String override) {
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return property.trim();
        }
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? null : env.trim();
    }

    /** Resolves the binary as the class comment describes, using this process's PATH. */
    static RedisBinary resolve(String override) {
        return resolve(configuredName(override), System.getenv("PATH"));
    }

    /**
     * Resolves from an explicit configured name (null when none) and PATH value.
     *
     * @throws RedisTopologyException naming the cause and the fix when no usable binary exists
     */
    static RedisBinary resolve(String configured, String pathEnv) {
        if (configured != null) {
            if (EMBEDDED.equalsIgnoreCase(configured)) {
                return embedded();
            }
            Path named = Paths.get(configured).toAbsolutePath();
            if (!Files.isRegularFile(named) || !Files.isExecutable(named)) {
                throw new RedisTopologyException("The redis-server named by -D" + PROPERTY + " / " + ENV + " ("
                        + named + ") does not exist or is not executable: fix the path, or set it to '"
                        + EMBEDDED + "' to use the binary shipped in the embedded-redis jar");
            }
            return new RedisBinary(named, versionOf(named), Source.CONFIGURED);
        }
        Optional<Path> onPath = findOnPath(pathEnv);
        if (onPath.isPresent()) {
            return new RedisBinary(onPath.get(), versionOf(onPath.get()), Source.PATH);
        }
        return embedded();
    }

    static Optional<Path> findOnPath(String pathEnv) {
        if (pathEnv == null || pathEnv.isBlank()) {
            return Optional.empty();
        }
        for (String dir : pathEnv.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Paths.get(dir, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** The embedded-redis 1.4.3 resource for an OS and architecture, if it ships one. */
    static Optional<String> embeddedResourceName(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String cpu;
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            cpu = "amd64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            cpu = "arm64";
        } else if (arch.equals("x86") || arch.equals("i386") || arch.equals("i686")) {
            cpu = "386";
        } else {
            return Optional.empty();
        }
        if (os.contains("linux")) {
            switch (cpu) {
                case "amd64":
                    return Optional.of("redis-server-6.2.6-v5-linux-amd64");
                case "arm64":
                    return Optional.of("redis-server-6.2.7-linux-arm64");
                default:
                    return Optional.of("redis-server-6.2.7-linux-386");
            }
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return cpu.equals("386") ? Optional.empty() : Optional.of("redis-server-6.2.6-v5-darwin-" + cpu);
        }
        return Optional.empty();
    }

    /** Extracts (once per JVM, and once per machine thanks to the disk cache) and verifies the jar's binary. */
    static RedisBinary embedded() {
        RedisBinary cached = embeddedCache;
        if (cached != null) {
            return cached;
        }
        synchronized (EMBEDDED_LOCK) {
            if (embeddedCache == null) {
                embeddedCache = extractEmbedded();
            }
            return embeddedCache;
        }
    }

    private static RedisBinary extractEmbedded() {
        String osName = System.getProperty("os.name");
        String osArch = System.getProperty("os.arch");
        String resource = embeddedResourceName(osName, osArch).orElseThrow(() -> new RedisTopologyException(
                "No redis-server for " + osName + "/" + osArch + ": the embedded-redis jar ships Linux and macOS "
                        + "binaries only. Install Redis and put redis-server on PATH, name one with -D" + PROPERTY
                        + ", or use the container backend (-D" + BackendType.PROPERTY + "=container)."));
        URL url = RedisBinary.class.getClassLoader().getResource(resource);
        if (url == null && Thread.currentThread().getContextClassLoader() != null) {
            url = Thread.currentThread().getContextClassLoader().getResource(resource);
        }
        if (url == null) {
            throw new RedisTopologyException("The binary " + resource + " is not on the classpath: add "
                    + "com.github.codemonstur:embedded-redis to the test classpath, or put redis-server on PATH");
        }
        Path target = cacheDirectory().resolve(resource).resolve("redis-server");
        try {
            long expectedSize = contentLength(url);
            if (!(Files.isExecutable(target) && (expectedSize < 0 || Files.size(target) == expectedSize))) {
                Files.createDirectories(target.getParent());
                Path temp = Files.createTempFile(target.getParent(), "redis-server", ".part");
                try {
                    try (InputStream in = url.openStream()) {
                        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    makeExecutable(temp);
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
        } catch (IOException e) {
            throw new RedisTopologyException("Cannot extract " + resource + " to " + target
                    + ": make that folder writable (or set XDG_CACHE_HOME), or put redis-server on PATH", e);
        }
        return new RedisBinary(target, versionOf(target), Source.EMBEDDED);
    }

    private static long contentLength(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false);
        long length = connection.getContentLengthLong();
        try (InputStream ignored = connection.getInputStream()) {
            return length;
        }
    }

    private static void makeExecutable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            if (!file.toFile().setExecutable(true)) {
                throw new IOException("cannot mark " + file + " executable", e);
            }
        }
    }

    private static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Paths.get(xdg)
                : Paths.get(System.getProperty("user.home"), ".cache");
        Path preferred = base.resolve("resilient-redis");
        try {
            Files.createDirectories(preferred);
            if (Files.isWritable(preferred)) {
                return preferred;
            }
        } catch (IOException | SecurityException e) {
            // fall through to the temp directory
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "resilient-redis-cache-" + System.getProperty("user.name"));
    }

    /** Runs {@code binary --version} and returns the {@code v=} field, failing clearly if it does not run. */
    static String versionOf(Path binary) {
        String output;
        try {
            Process process = new ProcessBuilder(List.of(binary.toString(), "--version"))
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            byte[] bytes;
            try (InputStream in = process.getInputStream()) {
                bytes = in.readNBytes(4096);
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new RedisTopologyException(binary + " --version did not finish in 10 s");
            }
            output = new String(bytes, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                throw new RedisTopologyException(binary + " --version failed (exit " + process.exitValue() + "): "
                        + output);
            }
        } catch (IOException e) {
            throw new RedisTopologyException("Cannot run " + binary + " --version: " + e.getMessage()
                    + ". Is it a redis-server built for this OS and architecture?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisTopologyException("interrupted while running " + binary + " --version", e);
        }
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new RedisTopologyException(binary + " --version did not print a Redis version (got: " + output
                    + "): is it really redis-server?");
        }
        return matcher.group(1);
    }
}
