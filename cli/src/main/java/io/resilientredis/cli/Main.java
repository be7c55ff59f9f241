package io.resilientredis.cli;

import io.resilientredis.chaos.cli.ResilientRedisCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar resilient-redis-cli.jar doctor|drill|toxiproxy-server ...}: picocli reads the command
 * line (options as {@code --rate 500} or {@code --rate=500}, a "did you mean" hint for a mistyped command
 * or option, {@code --help} per command, {@code --version}), then hands the options, written out in
 * their plain form, to the existing entry point, {@link ResilientRedisCli}, which gives them their
 * meaning, prints each command's own usage text and sets the exit code.
 */
public final class Main {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean tty;

    private Main(PrintStream out, PrintStream err, boolean tty) {
        this.out = out;
        this.err = err;
        this.tty = tty;
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        ResilientRedisCli.configureLogging(args);
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    /**
     * Runs the command line.
     *
     * @param args the command and its options
     * @param out standard output
     * @param err standard error
     * @param tty whether output is a terminal (the drill then draws a live progress line)
     * @return the exit code: the command's own, or 2 for a command line that cannot be understood
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean tty) {
        return new Main(out, err, tty).commandLine().execute(args);
    }

    CommandLine commandLine() {
        CommandLine top = new CommandLine(new Top(this));
        top.addSubcommand(forwarded(new Drill(this), "drill"));
        top.addSubcommand(forwarded(new Doctor(this), "doctor"));
        top.addSubcommand(forwarded(new Toxiproxy(this), "toxiproxy-server"));
        top.addSubcommand(new CommandLine.HelpCommand());
        top.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        top.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return top;
    }

    /** A subcommand whose usage text is its entry point's own (one copy of each text). */
    private static CommandLine forwarded(Object command, String name) {
        CommandLine cl = new CommandLine(command);
        cl.setHelpSectionKeys(List.of("usage"));
        cl.getHelpSectionMap().put("usage", help -> ResilientRedisCli.usage(name));
        return cl;
    }

    /** The options picocli matched, written out as {@code --name value} (flags as {@code --name}). */
    static List<String> plainForm(ParseResult parsed) {
        List<String> args = new ArrayList<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            if (option.arity().max() == 0) {
                args.add(option.longestName());
            } else {
                for (String value : option.originalStringValues()) {
                    args.add(option.longestName());
                    args.add(value);
                }
            }
        }
        for (PositionalParamSpec positional : parsed.matchedPositionals()) {
            args.addAll(positional.originalStringValues());
        }
        return args;
    }

    private int forward(String command, CommandSpec spec) {
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(plainForm(spec.commandLine().getParseResult()));
        return ResilientRedisCli.run(args.toArray(String[]::new), out, err, tty);
    }

    /** {@code resilient-redis --version}: the version this jar was built as. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.txt")) {
            String v = in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return "resilient-redis " + v + " (Java " + System.getProperty("java.version") + ")";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "resilient-redis", mixinStandardHelpOptions = true, versionProvider = Top.Version.class,
            synopsisSubcommandLabel = "COMMAND",
            description = "The resilient-redis command line: the outage drill, the Redis connection runbook and "
                    + "the embedded Toxiproxy-compatible server. COMMAND --help gives each one's options.")
    static final class Top implements Callable<Integer> {
        private final Main main;

        @Spec
        CommandSpec spec;

        Top(Main main) {
            this.main = main;
        }

        @Override
        public Integer call() {
            spec.commandLine().usage(main.err);
            return CommandLine.ExitCode.USAGE;
        }

        static final class Version implements CommandLine.IVersionProvider {
            @Override
            public String[] getVersion() {
                return new String[] {version()};
            }
        }
    }

    @Command(name = "drill", description = "run the outage drill: a workload through resilient-redis while faults "
            + "play; exit 0 when nothing was lost, duplicated or reordered")
    static final class Drill implements Callable<Integer> {
        private final Main main;

        @Spec
        CommandSpec spec;

        @Option(names = "--shape", paramLabel = "S")
        String shape;
        @Option(names = "--duration", paramLabel = "N")
        String duration;
        @Option(names = "--scenario", paramLabel = "NAME")
        String scenario;
        @Option(names = "--seed", paramLabel = "N")
        String seed;
        @Option(names = "--rate", paramLabel = "N")
        String rate;
        @Option(names = "--writers", paramLabel = "N")
        String writers;
        @Option(names = "--readers", paramLabel = "N")
        String readers;
        @Option(names = "--durability", paramLabel = "D")
        String durability;
        @Option(names = "--report-dir", paramLabel = "DIR")
        String reportDir;
        @Option(names = "--metrics-port", paramLabel = "PORT")
        String metricsPort;
        @Option(names = "--primary", paramLabel = "URL")
        String primary;
        @Option(names = "--standby", paramLabel = "URL")
        String standby;
        @Option(names = "--list-scenarios")
        boolean listScenarios;
        @Option(names = {"-h", "--help"}, usageHelp = true)
        boolean help;

        Drill(Main main) {
            this.main = main;
        }

        @Override
        public Integer call() {
            return main.forward("drill", spec);
        }
    }

    @Command(name = "doctor", description = "check a Redis URL (a cluster node: the whole cluster), a cluster's seeds "
            + "(redis-cluster://host:port,host:port) or Sentinel group against the connection runbook, one line per "
            + "check; exit 1 when a check failed")
    static final class Doctor implements Callable<Integer> {
        private final Main main;

        @Spec
        CommandSpec spec;

        /** A Redis URL, or a cluster's seeds as one {@code redis-cluster://[[user]:password@]h:p,h:p} URL. */
        @Parameters(arity = "0..1", paramLabel = "URL")
        String url;
        @Option(names = "--sentinel", paramLabel = "HOST:PORT,...")
        String sentinel;
        @Option(names = "--master", paramLabel = "NAME")
        String master;
        @Option(names = "--user", paramLabel = "NAME")
        String user;
        @Option(names = "--password", paramLabel = "PASSWORD")
        String password;
        @Option(names = "--sentinel-password", paramLabel = "PW")
        String sentinelPassword;
        @Option(names = "--timeout", paramLabel = "MS")
        String timeout;
        @Option(names = "--nat-map", paramLabel = "ANNOUNCED=DIALLED,...")
        String natMap;
        @Option(names = {"-h", "--help"}, usageHelp = true)
        boolean help;

        Doctor(Main main) {
            this.main = main;
        }

        @Override
        public Integer call() {
            return main.forward("doctor", spec);
        }
    }

    @Command(name = "toxiproxy-server", description = "run the embedded Toxiproxy-compatible server (the flags of "
            + "toxiproxy-server)")
    static final class Toxiproxy implements Callable<Integer> {
        private final Main main;

        @Spec
        CommandSpec spec;

        @Option(names = {"-host", "--host"}, paramLabel = "HOST")
        String host;
        @Option(names = {"-port", "--port"}, paramLabel = "PORT")
        String port;
        @Option(names = {"-config", "--config"}, paramLabel = "FILE")
        String config;
        @Option(names = {"-version", "--version"})
        boolean version;
        @Option(names = {"-help", "-h", "--help"}, usageHelp = true)
        boolean help;

        Toxiproxy(Main main) {
            this.main = main;
        }

        @Override
        public Integer call() {
            return main.forward("toxiproxy-server", spec);
        }
    }
}
