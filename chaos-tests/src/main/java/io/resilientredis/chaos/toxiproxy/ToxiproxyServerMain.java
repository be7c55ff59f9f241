package io.resilientredis.chaos.toxiproxy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Command line launcher that stands in for Toxiproxy's {@code toxiproxy-server}, with the same flags:
 *
 * <pre>
 * java -cp &lt;classpath&gt; io.resilientredis.chaos.toxiproxy.ToxiproxyServerMain [-host 127.0.0.1] [-port 8474]
 *      [-config proxies.json] [-version] [-help]
 * </pre>
 *
 * <p>Flags may be written {@code -port 8474}, {@code -port=8474} or {@code --port 8474}. It serves until the
 * process is stopped (Ctrl-C or SIGTERM), then closes every proxy.
 */
public final class ToxiproxyServerMain {
    private ToxiproxyServerMain() {
    }

    /**
     * Starts the server and blocks until the JVM is asked to stop. Exits with 2 on a usage error and 1 when
     * the server cannot start.
     *
     * @param args {@code -host}, {@code -port}, {@code -config}, {@code -version}, {@code -help}
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("toxiproxy-server: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        if (options.help) {
            usage(System.out);
            return;
        }
        if (options.version) {
            System.out.println("toxiproxy-server version " + ToxiproxyServer.VERSION
                    + " (resilient-redis embedded, Java)");
            return;
        }
        ToxiproxyServer server = ToxiproxyServer.builder().host(options.host).port(options.port).build();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            server.start();
            if (options.config != null) {
                server.populate(readConfig(options.config));
            }
        } catch (IOException | ApiException | IllegalArgumentException e) {
            System.err.println("toxiproxy-server: " + e.getMessage());
            server.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, ThreadTracker.PREFIX + "shutdown"));
        System.out.println("toxiproxy-server " + ToxiproxyServer.VERSION + " API listening on " + server.url());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonElement readConfig(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read -config file " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("-config file " + file + " is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Prints the flags, as {@code -help} does.
     *
     * @param out where the usage goes
     */
    public static void usage(PrintStream out) {
        out.println("Usage: toxiproxy-server [flags]  (resilient-redis embedded Toxiproxy " + ToxiproxyServer.VERSION
                + ")");
        out.println("  -host string    host for the HTTP API to listen on (default \"127.0.0.1\")");
        out.println("  -port int       port for the HTTP API to listen on (default 8474)");
        out.println("  -config string  JSON file of proxies to create at start (as POST /populate)");
        out.println("  -version        print the version and exit");
        out.println("  -help           print this help and exit");
    }

    /** Parsed command line flags. */
    static final class Options {
        String host = "127.0.0.1";
        int port = 8474;
        Path config;
        boolean version;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
                String flag = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
                String value = null;
                int equals = flag.indexOf('=');
                if (equals >= 0) {
                    value = flag.substring(equals + 1);
                    flag = flag.substring(0, equals);
                }
                switch (flag) {
                    case "help":
                    case "h":
                        options.help = true;
                        break;
                    case "version":
                        options.version = true;
                        break;
                    case "host":
                        options.host = value != null ? value : next(args, ++i, flag);
                        break;
                    case "port": {
                        String text = value != null ? value : next(args, ++i, flag);
                        try {
                            options.port = Integer.parseInt(text);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("invalid value \"" + text + "\" for flag -port: "
                                    + "use a number from 0 to 65535");
                        }
                        if (options.port < 0 || options.port > 65535) {
                            throw new IllegalArgumentException("-port " + options.port + " is out of range 0..65535");
                        }
                        break;
                    }
                    case "config":
                        options.config = Path.of(value != null ? value : next(args, ++i, flag));
                        break;
                    default:
                        throw new IllegalArgumentException("flag provided but not defined: -" + flag);
                }
            }
            return options;
        }

        private static String next(String[] args, int index, String flag) {
            if (index >= args.length) {
                throw new IllegalArgumentException("flag needs an argument: -" + flag);
            }
            return args[index];
        }
    }
}
