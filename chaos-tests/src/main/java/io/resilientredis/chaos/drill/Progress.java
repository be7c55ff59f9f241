package io.resilientredis.chaos.drill;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The drill's console output: on a terminal one status line rewritten in place with {@code \r}, with
 * event lines printed above it; otherwise a plain status line every five seconds.
 */
final class Progress {

    private static final String CLEAR = "\r\033[K";
    private static final long PLAIN_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final PrintStream out;
    private final boolean tty;
    private final int width;
    private String last = "";
    private long lastPrinted = System.nanoTime() - PLAIN_EVERY_NANOS;

    Progress(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
        int columns = 160;
        try {
            String env = System.getenv("COLUMNS");
            if (env != null) {
                columns = Math.max(40, Integer.parseInt(env.trim()));
            }
        } catch (NumberFormatException ignored) {
            // keep the default width
        }
        this.width = columns - 1;
    }

    /** @return how often the caller should refresh the status */
    Duration interval() {
        return tty ? Duration.ofMillis(500) : Duration.ofSeconds(1);
    }

    synchronized void status(String line) {
        if (tty) {
            last = line.length() > width ? line.substring(0, width) : line;
            out.print(CLEAR + last);
            out.flush();
        } else if (System.nanoTime() - lastPrinted >= PLAIN_EVERY_NANOS) {
            lastPrinted = System.nanoTime();
            out.println(line);
            out.flush();
        }
    }

    synchronized void event(String line) {
        if (tty) {
            out.print(CLEAR + line + "\n" + last);
        } else {
            out.println(line);
        }
        out.flush();
    }

    synchronized void line(String line) {
        if (tty) {
            out.print(CLEAR);
        }
        out.println(line);
        out.flush();
        last = "";
    }

    synchronized void done() {
        if (tty) {
            out.print(CLEAR);
            out.flush();
        }
        last = "";
    }
}
