package org.lshsmile.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the process talks to a terminal, for the progress bar. */
final class Terminals {

    private Terminals() {
    }

    /**
     * True when stderr is a terminal. On Linux the descriptor's target is read from /proc (a redirected
     * stderr points to a file or pipe); elsewhere the JVM's console must be a terminal.
     */
    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(fd2)) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Terminal width from {@code COLUMNS}, else 80. */
    static int width() {
        String cols = System.getenv("COLUMNS");
        if (cols != null) {
            try {
                int w = Integer.parseInt(cols.trim());
                if (w >= 20 && w <= 1000) {
                    return w;
                }
            } catch (NumberFormatException ignored) {
                // not a number: use the default
            }
        }
        return 80;
    }
}
