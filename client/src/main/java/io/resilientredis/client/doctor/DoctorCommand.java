package io.resilientredis.client.doctor;

import io.resilientredis.client.RedisEndpoint;
import io.resilientredis.client.internal.ConnectionSpec;
import io.resilientredis.client.internal.RedisUrl;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code doctor} command line: parses arguments, runs {@link Doctor}, prints the report and
 * returns the exit code (0 when no check failed, 1 when one did, 2 for a usage error).
 *
 * <pre>
 * doctor redis://[[user]:password@]host[:port][/db] | rediss://...      [options]
 * doctor redis-cluster://[[user]:password@]host:port[,host:port...]    [options]
 * doctor --sentinel host:port[,host:port...] --master NAME              [options]
 *
 * options:
 *   --user NAME               ACL user for the data nodes
 *   --password PASSWORD       password for the data nodes (else $REDIS_PASSWORD, else the URL's)
 *   --sentinel-password PW    password for the Sentinels (else $REDIS_SENTINEL_PASSWORD)
 *   --timeout MS              bound on each network step (default 2000)
 *   --nat-map A=D[,A=D...]    dial announced address A (host:port, as Sentinels or CLUSTER NODES report it) at D
 * </pre>
 *
 * A password is never printed, whether it came in the URL, an argument or the environment.
 */
public final class DoctorCommand {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: doctor redis://[[user]:password@]host[:port][/db] | rediss://...  [options]",
            "       doctor redis-cluster://[[user]:password@]host:port[,host:port...] [options]",
            "       doctor --sentinel host:port[,host:port...] --master NAME          [options]",
            "options:",
            "  --user NAME              ACL user for the data nodes",
            "  --password PASSWORD      password for the data nodes (else $REDIS_PASSWORD, else the URL's)",
            "  --sentinel-password PW   password for the Sentinels (else $REDIS_SENTINEL_PASSWORD)",
            "  --timeout MS             bound on each network step (default 2000)",
            "  --nat-map A=D[,A=D...]   dial the node address A that Sentinels or CLUSTER NODES report",
            "                           (host:port) at D (host:port): NAT, containers or a proxy in between",
            "a node in cluster mode also gets the cluster checks: state, slot coverage, every node",
            "reachable (through --nat-map), a replica per master, no node flagged fail; a",
            "redis-cluster:// URL (rediss-cluster:// for TLS) lists seed nodes, the way the client logs a",
            "cluster endpoint: the checks run from the first seed that answers",
            "exit code: 0 when no check failed, 1 when one did, 2 for a usage error");

    private DoctorCommand() {
    }

    /**
     * Runs the doctor from the command line and exits with its exit code.
     *
     * @param args see {@link #run(String[], PrintStream)}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the doctor as the command line describes and prints the report to {@code out}. Reads the
     * environment variables {@code REDIS_PASSWORD} and {@code REDIS_SENTINEL_PASSWORD}.
     *
     * @param args a Redis URL, a cluster's seeds as {@code redis-cluster://[[user]:password@]host:port,host:port},
     *     or {@code --sentinel host:port,... --master NAME}; options
     *     {@code --user}, {@code --password}, {@code --sentinel-password}, {@code --timeout MS},
     *     {@code --nat-map announced=dialled,...}, {@code --help}
     * @param out where the report (or the usage) goes
     * @return 0 when no check failed, 1 when one did, 2 for a usage error
     */
    public static int run(String[] args, PrintStream out) {
        return run(args, out, System::getenv);
    }

    /** {@link #run(String[], PrintStream)} with the environment given, for tests. */
    static int run(String[] args, PrintStream out, Function<String, String> env) {
        String url = null;
        String sentinels = null;
        String master = null;
        String user = null;
        String password = null;
        String sentinelPassword = null;
        Map<String, String> natMap = null;
        DoctorOptions.Builder options = DoctorOptions.builder();
        List<String> list = Arrays.asList(args == null ? new String[0] : args);
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            switch (arg) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--sentinel", "--master", "--user", "--password", "--sentinel-password", "--timeout",
                     "--nat-map" -> {
                    if (i + 1 >= list.size()) {
                        return usage(out, arg + " needs a value");
                    }
                    String value = list.get(++i);
                    switch (arg) {
                        case "--sentinel" -> sentinels = value;
                        case "--master" -> master = value;
                        case "--user" -> user = value;
                        case "--password" -> password = value;
                        case "--sentinel-password" -> sentinelPassword = value;
                        case "--nat-map" -> {
                            natMap = natMap(value);
                            if (natMap == null) {
                                return usage(out, "--nat-map takes announced=dialled pairs of host:port, comma "
                                        + "separated, got '" + value + "'");
                            }
                        }
                        default -> {
                            long millis;
                            try {
                                millis = Long.parseLong(value);
                            } catch (NumberFormatException e) {
                                return usage(out, "--timeout takes milliseconds, got '" + value + "'");
                            }
                            if (millis <= 0 || millis > 600_000) {
                                return usage(out, "--timeout must be between 1 and 600000 ms, got " + millis);
                            }
                            options.timeout(Duration.ofMillis(millis));
                        }
                    }
                }
                default -> {
                    if (arg.startsWith("-")) {
                        // Never echo what follows an unknown option: it may be a password.
                        return usage(out, "unknown option " + optionName(arg));
                    }
                    if (url != null) {
                        return usage(out, "give one Redis URL (got a second argument)");
                    }
                    url = arg;
                }
            }
        }
        if (url != null && (sentinels != null || master != null)) {
            return usage(out, "give either a Redis URL or --sentinel with --master, not both");
        }
        if (url == null && sentinels == null) {
            return usage(out, "give a Redis URL, or --sentinel host:port,... with --master NAME");
        }
        if (sentinels != null && master == null) {
            return usage(out, "--sentinel needs --master NAME (the name in 'sentinel monitor NAME ...')");
        }
        if (password == null) {
            password = blankToNull(env.apply("REDIS_PASSWORD"));
        }
        if (sentinelPassword == null) {
            sentinelPassword = blankToNull(env.apply("REDIS_SENTINEL_PASSWORD"));
        }

        DoctorUrlForm.Parsed parsed;
        String shown;
        if (url != null) {
            parsed = DoctorUrlForm.parse(url);
            shown = RedisUrl.redact(url.strip());
        } else {
            parsed = DoctorUrlForm.sentinel(master, Arrays.asList(sentinels.split(",")));
            shown = "sentinel://" + master + "@" + sentinels;
        }
        if (parsed.ok()) {
            RedisEndpoint endpoint = parsed.endpoint();
            if (password != null || user != null) {
                ConnectionSpec given = ConnectionSpec.of(endpoint);
                endpoint = endpoint.withCredentials(user != null ? user : given.username(),
                        password != null ? password : given.password());
            }
            if (sentinelPassword != null) {
                endpoint = endpoint.withSentinelCredentials(null, sentinelPassword);
            }
            if (natMap != null) {
                endpoint = endpoint.withNatMap(natMap);
            }
            parsed = new DoctorUrlForm.Parsed(endpoint, null, null);
        }
        DoctorRun run = new DoctorRun(options.build());
        run.secret(password);
        run.secret(sentinelPassword);
        DoctorReport report = run.report(parsed, shown);
        out.print(report.render());
        out.flush();
        return report.exitCode();
    }

    private static int usage(PrintStream out, String problem) {
        out.println("doctor: " + problem);
        out.println(USAGE);
        return 2;
    }

    private static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return eq >= 0 ? arg.substring(0, eq) + "=..." : arg;
    }

    /** @return {@code a=d,a=d} as a map, or null when an entry is not {@code host:port=host:port} */
    static Map<String, String> natMap(String value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            String[] pair = entry.strip().split("=", -1);
            if (pair.length != 2 || !hostPort(pair[0].strip()) || !hostPort(pair[1].strip())) {
                return null;
            }
            map.put(pair[0].strip(), pair[1].strip());
        }
        return map;
    }

    private static boolean hostPort(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            return port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
