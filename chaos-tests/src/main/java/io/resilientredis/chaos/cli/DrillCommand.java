package io.resilientredis.chaos.cli;

import io.resilientredis.chaos.drill.Drill;
import io.resilientredis.chaos.drill.DrillResult;
import io.resilientredis.chaos.drill.DrillShape;
import io.resilientredis.chaos.drill.Scenario;
import io.resilientredis.client.Durability;
import io.resilientredis.client.RedisEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** {@code drill}: the outage drill, with its options. */
final class DrillCommand implements ResilientRedisCli.Command {

    /** Exit code when the drill could not run (the topology did not start, a deployment could not be read). */
    static final int COULD_NOT_RUN = 3;

    /** Hands the run folder {@link #prepareRun} made to {@link #run} in the same process. */
    static final String RUN_DIR_PROPERTY = "resilientredis.drill.runDir";

    /** Where the usage text lives (also read by {@code ./drill --help} from the source tree, without a build). */
    static final String USAGE_RESOURCE = "io/resilientredis/chaos/cli/drill-usage.txt";

    @Override
    public String summary() {
        return "run the outage drill: a workload through resilient-redis while faults play; exits 1 on any loss";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err, boolean tty) {
        Drill.Builder drill = Drill.builder().output(out, tty);
        try {
            if (!parse(args, drill, out, System::getenv)) {
                return 0;
            }
        } catch (IllegalArgumentException e) {
            err.println("drill: " + e.getMessage());
            err.println("run 'drill --help' for the options");
            return ResilientRedisCli.USAGE;
        }
        String prepared = System.clearProperty(RUN_DIR_PROPERTY);
        if (prepared != null) {
            drill.runDir(Path.of(prepared));
        }
        try {
            DrillResult result = drill.build().run();
            return result.exitCode();
        } catch (RuntimeException e) {
            err.println("drill: could not run: " + e.getMessage());
            err.println("the log is in " + System.getProperty("resilientredis.log.file", "the console"));
            return COULD_NOT_RUN;
        }
    }

    /**
     * Makes this run's folder before anything logs, so that the command line's {@code drill.log} goes into it:
     * {@code <report dir>/drill-<time>-<unique>/drill.log}. Nothing is made for {@code --help} or bad options.
     *
     * @return the run's folder, or null when the options do not start a run
     */
    static Path prepareRun(String[] args) {
        Drill.Builder scratch = Drill.builder();
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try {
            if (!parse(args, scratch, nowhere, name -> null)) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        Path run = Drill.createRunDir(reportDir(args)).toAbsolutePath();
        System.setProperty(RUN_DIR_PROPERTY, run.toString());
        return run;
    }

    /** @return false when only help was asked for */
    static boolean parse(String[] given, Drill.Builder drill, PrintStream out) {
        return parse(given, drill, out, System::getenv);
    }

    /**
     * @param env the environment: {@code REDIS_PASSWORD} and {@code REDIS_SENTINEL_PASSWORD} for {@code --primary}
     *     and {@code --standby}
     * @return false when only help was asked for
     */
    static boolean parse(String[] given, Drill.Builder drill, PrintStream out, Function<String, String> env) {
        String[] args = splitEquals(given);
        String primary = null;
        String standby = null;
        DrillShape shape = DrillShape.SENTINEL;
        boolean listScenarios = false;
        String durability = null;
        int writers = 4;
        int readers = 2;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "-h", "--help" -> {
                    help(out);
                    return false;
                }
                case "--list-scenarios" -> listScenarios = true;
                case "--shape" -> shape = DrillShape.parse(value(args, ++i, option));
                case "--duration" -> drill.duration(duration(value(args, ++i, option)));
                case "--scenario" -> drill.scenario(value(args, ++i, option));
                case "--rate" -> drill.rate(number(value(args, ++i, option), option));
                case "--writers" -> writers = number(value(args, ++i, option), option);
                case "--readers" -> readers = number(value(args, ++i, option), option);
                case "--report-dir" -> drill.reportDir(Path.of(value(args, ++i, option)));
                case "--metrics-port" -> drill.metricsPort(port(value(args, ++i, option), option));
                case "--primary" -> primary = value(args, ++i, option);
                case "--standby" -> standby = value(args, ++i, option);
                case "--seed" -> {
                    String v = value(args, ++i, option);
                    try {
                        drill.seed(Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed takes a whole number, was '" + v + "'");
                    }
                }
                case "--durability" -> durability = value(args, ++i, option).toLowerCase(Locale.ROOT);
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (listScenarios) {
            Scenario.presets(shape).forEach((name, s) -> out.printf("  %-14s %s%n", name, s.description()));
            return false;
        }
        drill.threads(writers, readers);
        drill.shape(shape);
        if (standby != null && primary == null) {
            throw new IllegalArgumentException("--standby needs --primary (your own Redis); without both the drill "
                    + "starts its own topology");
        }
        if (standby != null && shape == DrillShape.CLUSTER) {
            throw new IllegalArgumentException("--standby does not apply to --shape cluster: the cluster shape has no "
                    + "standby deployment");
        }
        if (primary != null) {
            drill.redis(shape == DrillShape.CLUSTER ? clusterEndpoint(primary, env) : endpoint(primary, env),
                    standby == null ? null : endpoint(standby, env));
        }
        if (durability != null) {
            drill.durability(switch (durability) {
                case "acknowledged" -> Durability.acknowledged();
                case "replicated" -> Durability.replicated(1, Duration.ofMillis(500));
                default -> throw new IllegalArgumentException("--durability is 'acknowledged' or 'replicated', was '"
                        + durability + "'");
            });
        }
        drill.build();   // the scenario must be one of the shape's presets: a usage error, not a failed run
        return true;
    }

    /**
     * {@code redis://[[user]:password@]host:port,redis://host:port,...} (or {@code host:port,...}): seed nodes of
     * your own Redis Cluster; a password left out comes from {@code REDIS_PASSWORD}.
     */
    static RedisEndpoint clusterEndpoint(String spec, Function<String, String> env) {
        List<String> seeds = new ArrayList<>();
        String user = null;
        String password = null;
        for (String seed : spec.split(",")) {
            String url = seed.trim().contains("://") ? seed.trim() : "redis://" + seed.trim();
            String info = userInfo(url);
            if (info != null) {
                int colon = info.indexOf(':');
                user = colon > 0 ? info.substring(0, colon) : colon < 0 ? info : null;
                password = colon >= 0 ? info.substring(colon + 1) : password;
                url = url.substring(0, url.indexOf("://") + 3) + url.substring(url.lastIndexOf('@') + 1);
            }
            seeds.add(url);
        }
        if (password == null) {
            password = blankToNull(env.apply("REDIS_PASSWORD"));
        }
        RedisEndpoint e = RedisEndpoint.cluster(seeds);
        return password == null ? e : e.withCredentials(user == null || user.isEmpty() ? null : user, password);
    }

    private static int port(String v, String option) {
        try {
            int port = Integer.parseInt(v);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a port, 0-65535 (0 for a free one), was '" + v + "'");
    }

    /** {@code --rate=500} as {@code --rate 500}. */
    static String[] splitEquals(String[] args) {
        List<String> split = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                split.add(arg.substring(0, eq));
                split.add(arg.substring(eq + 1));
            } else {
                split.add(arg);
            }
        }
        return split.toArray(String[]::new);
    }

    /** The folder that holds the runs' folders: {@code --report-dir}, default {@code drill-reports}. */
    static Path reportDir(String[] given) {
        String[] args = splitEquals(given);
        Path dir = Path.of("drill-reports");
        for (int i = 0; i + 1 < args.length; i++) {
            if ("--report-dir".equals(args[i])) {
                dir = Path.of(args[i + 1]);
            }
        }
        return dir;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String v, String option) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, was '" + v + "'");
        }
    }

    /** {@code 90}, {@code 90s}, {@code 2m}. */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("s")) {
                s = s.substring(0, s.length() - 1);
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--duration takes seconds (90, 90s) or minutes (2m), was '" + v + "'");
        }
    }

    /**
     * {@code redis://[[user]:password@]host:port[/db]}, {@code rediss://...}, or
     * {@code sentinel://[[user]:password@]master@host:port,host:port} (the password is the data nodes').
     */
    static RedisEndpoint endpoint(String spec) {
        return endpoint(spec, name -> null);
    }

    /**
     * {@link #endpoint(String)}, with the passwords a spec leaves out taken from the environment, as
     * {@code doctor} does: {@code REDIS_PASSWORD} for the data nodes, {@code REDIS_SENTINEL_PASSWORD} for the
     * Sentinels. A password in the spec wins; keeping it out of the command line keeps it out of {@code ps}.
     */
    static RedisEndpoint endpoint(String spec, Function<String, String> env) {
        String dataPassword = blankToNull(env.apply("REDIS_PASSWORD"));
        String sentinelPassword = blankToNull(env.apply("REDIS_SENTINEL_PASSWORD"));
        if (!spec.startsWith("sentinel://")) {
            RedisEndpoint e = RedisEndpoint.standalone(spec);
            String info = userInfo(spec);
            boolean hasPassword = info != null && info.indexOf(':') >= 0 && info.indexOf(':') < info.length() - 1;
            if (dataPassword != null && !hasPassword) {
                String user = info == null ? null : info.indexOf(':') >= 0 ? info.substring(0, info.indexOf(':')) : info;
                e = e.withCredentials(user == null || user.isEmpty() ? null : user, dataPassword);
            }
            return e;
        }
        String rest = spec.substring("sentinel://".length());
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("a Sentinel spec is sentinel://[[user]:password@]master@host:port[,host:port],"
                    + " e.g. sentinel://mymaster@10.0.0.7:26379,10.0.0.8:26379");
        }
        String group = rest.substring(0, at);
        String hosts = rest.substring(at + 1);
        int credentials = group.lastIndexOf('@');
        if (credentials >= 0) {
            String info = group.substring(0, credentials);
            group = group.substring(credentials + 1);
            int colon = info.indexOf(':');
            user = colon > 0 ? info.substring(0, colon) : null;
            password = colon >= 0 ? info.substring(colon + 1) : info;
        }
        List<String> sentinels = new ArrayList<>(List.of(hosts.split(",")));
        RedisEndpoint e = RedisEndpoint.sentinel(group, sentinels);
        if (password == null) {
            password = dataPassword;
        }
        if (password != null) {
            e = e.withCredentials(user, password);
        }
        return sentinelPassword == null ? e : e.withSentinelCredentials(null, sentinelPassword);
    }

    /** The user-info part of {@code redis://user:password@host...}, or null. */
    private static String userInfo(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return null;
        }
        return url.substring(scheme + 3, at);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The drill's usage text, from {@value #USAGE_RESOURCE}: the one copy, which {@code ./drill --help} prints too. */
    static String usage() {
        try (InputStream in = DrillCommand.class.getResourceAsStream("drill-usage.txt")) {
            if (in == null) {
                throw new IllegalStateException(USAGE_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void help(PrintStream out) {
        out.print(usage());
        out.flush();
    }
}
