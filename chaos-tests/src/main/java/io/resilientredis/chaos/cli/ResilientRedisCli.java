package io.resilientredis.chaos.cli;

import io.resilientredis.chaos.toxiproxy.ToxiproxyServerMain;
import io.resilientredis.client.doctor.DoctorCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code resilient-redis} command line: {@code drill} (the outage drill), {@code doctor} (the Redis
 * connection runbook) and {@code toxiproxy-server} (the embedded Toxiproxy-compatible server). Each subcommand takes its own options; {@code help} lists them.
 *
 * <pre>
 * java -cp ... io.resilientredis.chaos.cli.ResilientRedisCli drill --duration 60 --scenario outage
 * </pre>
 */
public final class ResilientRedisCli {

    /** Exit code for a command line that cannot be understood. */
    public static final int USAGE = 2;

    private ResilientRedisCli() {
    }

    /** A subcommand. */
    interface Command {
        String summary();

        int run(String[] args, PrintStream out, PrintStream err, boolean tty);
    }

    static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("drill", new DrillCommand());
        c.put("doctor", new Command() {
            @Override
            public String summary() {
                return "check a Redis URL or Sentinel group against the connection runbook, one line per check (--help)";
            }

            @Override
            public int run(String[] args, PrintStream out, PrintStream err, boolean tty) {
                return DoctorCommand.run(args, out);
            }
        });
        c.put("toxiproxy-server", new Command() {
            @Override
            public String summary() {
                return "run the embedded Toxiproxy-compatible server (same flags as toxiproxy-server; -help)";
            }

            @Override
            public int run(String[] args, PrintStream out, PrintStream err, boolean tty) {
                ToxiproxyServerMain.main(args);
                return 0;
            }
        });
        return c;
    }

    /**
     * Runs a subcommand and exits with its code.
     *
     * @param args the subcommand and its options
     */
    public static void main(String[] args) {
        configureLogging(args);
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    /**
     * Points Logback at the command's configuration unless the user chose one: {@code doctor} logs only
     * warnings to standard error (its output is the report), {@code drill} makes the run's own folder and
     * logs the library to {@code drill.log} in it. Call it before anything logs.
     *
     * @param args the subcommand and its options, as given to {@link #run}
     */
    public static void configureLogging(String[] args) {
        if (System.getProperty("logback.configurationFile") != null || args.length == 0) {
            return;
        }
        if ("doctor".equals(args[0])) {
            System.setProperty("logback.configurationFile", "io/resilientredis/chaos/cli/logback-quiet.xml");
        } else if ("drill".equals(args[0])) {
            Path run = DrillCommand.prepareRun(Arrays.copyOfRange(args, 1, args.length));
            if (run == null) {
                // --help or bad options: no run, no log file; warnings (there should be none) to stderr.
                System.setProperty("logback.configurationFile", "io/resilientredis/chaos/cli/logback-quiet.xml");
            } else {
                System.setProperty("logback.configurationFile", "io/resilientredis/chaos/cli/logback-cli.xml");
                System.setProperty("resilientredis.log.file", run.resolve("drill.log").toString());
            }
        }
    }

    /**
     * The usage text of a subcommand, as its {@code --help} prints it.
     *
     * @param command {@code drill}, {@code doctor} or {@code toxiproxy-server}
     * @return the text, ending in a line break
     * @throws IllegalArgumentException for another name
     */
    public static String usage(String command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        switch (command) {
            case "drill" -> out.print(DrillCommand.usage());
            case "doctor" -> DoctorCommand.run(new String[] {"--help"}, out);
            case "toxiproxy-server" -> ToxiproxyServerMain.usage(out);
            default -> throw new IllegalArgumentException("no command named '" + command + "'");
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * @param args the subcommand and its options
     * @param out standard output
     * @param err standard error
     * @param tty whether output is a terminal
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean tty) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || "help".equals(args[0]) || "--help".equals(args[0]) || "-h".equals(args[0])) {
            usage(args.length == 0 ? err : out, commands);
            return args.length == 0 ? USAGE : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("resilient-redis: unknown command '" + args[0] + "'");
            usage(err, commands);
            return USAGE;
        }
        return command.run(Arrays.copyOfRange(args, 1, args.length), out, err, tty);
    }

    private static void usage(PrintStream out, Map<String, Command> commands) {
        out.println("usage: resilient-redis <command> [options]   (<command> --help for its options)");
        out.println("commands:");
        commands.forEach((name, c) -> out.printf("  %-18s %s%n", name, c.summary()));
    }
}
