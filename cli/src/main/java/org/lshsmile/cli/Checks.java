package org.lshsmile.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import picocli.CommandLine.Model.CommandSpec;

/** Argument checks shared by the commands; each failure is a {@link CliException} with exit code 2. */
final class Checks {

    /** Largest Java array the state may need (the JDK reserves a few header words). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Checks() {
    }

    /**
     * Refuses a command line without all of {@code options} (which are required only in some of the
     * command's modes, so picocli cannot enforce them): "Missing required options: '--a=A', '--b=B'; fix".
     */
    static void required(CommandSpec spec, List<String> options, String fix) {
        List<String> missing = new ArrayList<>();
        for (String o : options) {
            if (!spec.commandLine().getParseResult().hasMatchedOption(o)) {
                missing.add("'" + o + "=" + spec.findOption(o).paramLabel() + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw CliException.usage("Missing required option" + (missing.size() == 1 ? "" : "s") + ": "
                + String.join(", ", missing), fix);
        }
    }

    /** {@code v} in [lo, hi], else "OPTION must be between lo and hi, got v; fix". */
    static int intInRange(String option, long v, long lo, long hi, String fix) {
        if (v < lo || v > hi) {
            throw CliException.usage(option + " must be between " + lo + " and " + hi + ", got " + v, fix);
        }
        return (int) v;
    }

    /** A finite {@code v} in [lo, hi]. */
    static double finiteInRange(String option, double v, double lo, double hi, String fix) {
        if (!Double.isFinite(v) || v < lo || v > hi) {
            throw CliException.usage(option + " must be a finite number between " + fmt(lo) + " and " + fmt(hi)
                + ", got " + fmt(v), fix);
        }
        return v;
    }

    /**
     * {@code e} with {@code option} in front of its message ("--data: dataset d: no such directory; ..."), for
     * checks of an option's value whose messages do not name the option; {@code e} itself when it names it.
     */
    static CliException named(String option, CliException e) {
        if (Pattern.compile(Pattern.quote(option) + "(?![\\w-])").matcher(e.getMessage()).find()) {
            return e;
        }
        return new CliException(e.exitCode(), option + ": " + e.getMessage(), null, e);
    }

    /**
     * Turns a core exception into a usage error: its message becomes the problem, and its own advice
     * ({@code ": use ..."} or {@code "; ..."}) the fix; {@code fix} is used when it has none.
     */
    static CliException fromCore(String prefix, RuntimeException e, String fix) {
        String m = CliException.oneLine(e.getMessage());
        if (!m.contains("; ") && m.contains(": use ")) {
            m = m.replaceFirst(": use ", "; use ");
        }
        String problem = prefix == null ? m : prefix + ": " + m;
        return new CliException(CliException.USAGE, problem, problem.contains("; ") ? null : fix, e);
    }

    /**
     * Refuses states that cannot fit: the off-heap grid, its guard copy and the heap array together in
     * physical memory (MemoryBudget), one Java array, and the Java heap for the state array plus per-cell
     * scratch.
     */
    static void memory(int fields, int ny, int nx) {
        memory(fields, 1, ny, nx);
    }

    /** As {@link #memory(int, int, int)} for a grid of nz slices. */
    static void memory(int fields, int nz, int ny, int nx) {
        long values = (long) fields * nz * ny * nx;
        String shape = fields + " x " + (nz == 1 ? "" : nz + " x ") + ny + " x " + nx;
        try {
            // the grid, the guard's backup grid, and the state array on the heap, all resident together
            long grid = Grid.bytesFor(fields, nz, ny, nx);
            long need = grid > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 2 * grid + values * Double.BYTES;
            MemoryBudget.check(need, "a grid of " + shape + " with its guard copy and heap array");
        } catch (IllegalStateException e) {
            throw fromCore(null, e, "use a smaller size or fewer fields");
        }
        if (values > MAX_ARRAY) {
            throw CliException.usage("a state of " + shape + " = " + values
                + " values does not fit in one Java array (at most " + MAX_ARRAY + ")",
                "use a smaller size or fewer fields");
        }
        long heap = values * Double.BYTES + 2L * nz * ny * nx * Integer.BYTES;
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && heap > max * 0.9) {
            throw CliException.usage("a state of " + shape + " needs about "
                + MemoryBudget.human(heap) + " of Java heap, more than the " + MemoryBudget.human(max)
                + " this JVM may use",
                "use a smaller size, or raise the heap (LSHSMILE_JAVA_OPTS=-Xmx16g ./lshsmile ...)");
        }
    }

    /** {@code v} rounded down to 3 significant digits, so it stays below a bound it is quoted for. */
    static String roundDown(double v) {
        return new BigDecimal(v).round(new MathContext(3, RoundingMode.DOWN)).stripTrailingZeros().toPlainString();
    }

    /** A short number for messages. */
    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceFirst("\\.?0+(e|$)", "$1");
    }
}
