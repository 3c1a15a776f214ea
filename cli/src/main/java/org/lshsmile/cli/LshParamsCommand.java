package org.lshsmile.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lshsmile.core.lsh.ParameterChooser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lshsmile lsh-params}: the number of hashes per table {@code K} and of tables {@code L} that
 * Theorem 1 of the paper gives for {@code --epsilon}, {@code --c} and {@code --r} (bucket width {@code w = r}),
 * with the single-hash collision probabilities {@code p} (distance {@code r}) and {@code q} (distance
 * {@code c r}) and the two guarantees, one line each. See {@link ParameterChooser} for how the theorem is read.
 *
 * <p>Exit codes: 0 success, 2 bad values (one line on stderr, {@code lshsmile: error: <problem>; <fix>}).
 */
@Command(name = "lsh-params", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Choose the LSH hashes per table (K) and tables (L) by Theorem 1 of the paper.",
    description = {
        "Near pairs (distance <= r) collide with probability >= 1 - epsilon and far pairs",
        "(distance >= c r) with probability <= epsilon, for one pair of elements, with the",
        "p-stable hash floor((a.v + b) / r) ANDed K times per table and ORed over L tables.",
        ""},
    footerHeading = "%nExample:%n",
    footer = {
        "  lshsmile lsh-params --epsilon 0.1 --c 2 --r 0.01",
        "",
        "Exit codes: 0 success, 2 bad input."})
public final class LshParamsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--epsilon", required = true, paramLabel = "E",
        description = "Failure probability per pair, strictly between 0 and 1 (the paper: below 0.5).")
    private double epsilon;

    @Option(names = "--c", required = true, paramLabel = "C",
        description = "Far pairs are at distance >= C r; finite and > 1.")
    private double c;

    @Option(names = "--r", required = true, paramLabel = "R",
        description = "Near pairs are at distance <= R; also the hash bucket width. Finite and > 0.")
    private double r;

    @Option(names = "--debug", description = "Show stack traces with errors.")
    private boolean debug;

    /** The command; picocli sets the options. */
    public LshParamsCommand() {
    }

    @Override
    public Integer call() {
        if (!Double.isFinite(epsilon) || !(epsilon > 0 && epsilon < 1)) {
            throw CliException.usage("--epsilon must be a finite number strictly between 0 and 1, got "
                + Checks.fmt(epsilon), "use e.g. --epsilon 0.1");
        }
        if (!Double.isFinite(c) || !(c > 1)) {
            throw CliException.usage("--c must be a finite number greater than 1, got " + Checks.fmt(c),
                "use e.g. --c 2");
        }
        if (!Double.isFinite(r) || !(r > 0) || !Double.isFinite(c * r)) {
            throw CliException.usage("--r must be a finite number greater than 0 (with c r finite), got "
                + Checks.fmt(r), "use e.g. --r 0.01");
        }
        ParameterChooser.Choice ch;
        try {
            ch = ParameterChooser.choose(epsilon, c, r);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--epsilon " + Checks.fmt(epsilon) + " with --c " + Checks.fmt(c), e,
                "use a larger --epsilon or --c");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("K = " + ch.k() + " hashes per table (AND); Theorem 1 gives K >= " + ch.theoremK());
        out.println("L = " + ch.l() + " tables (OR); Theorem 1's L = " + g(ch.theoremL()) + " rounded up");
        out.println("p = " + g(ch.p()) + " one-hash collision probability at distance r = " + Checks.fmt(r));
        out.println("q = " + g(ch.q()) + " one-hash collision probability at distance c r = "
            + Checks.fmt(c * r));
        out.println("near pairs (distance <= " + Checks.fmt(r) + ") collide with probability >= "
            + sig(ch.nearCollision(), RoundingMode.FLOOR) + " >= 1 - epsilon = " + Checks.fmt(1 - epsilon));
        out.println("far pairs (distance >= " + Checks.fmt(c * r) + ") collide with probability <= "
            + sig(ch.farCollision(), RoundingMode.CEILING) + " <= epsilon = " + Checks.fmt(epsilon));
        out.println("guarantee: per pair of elements and per hashing; no union bound over pairs or steps");
        out.flush();
        return 0;
    }

    /** {@code v} to 6 significant digits rounded in direction {@code mode}, so it stays a valid bound. */
    private static String sig(double v, RoundingMode mode) {
        return new BigDecimal(v).round(new MathContext(6, mode)).stripTrailingZeros().toPlainString();
    }

    /** A probability to 6 significant digits. */
    private static String g(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
