package org.lshsmile.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lshsmile.simd.StencilKernels;
import org.lshsmile.validation.Check;
import org.lshsmile.validation.ValidationCase;
import org.lshsmile.validation.ValidationSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lshsmile validate}: runs the validation suite (or the cases named by {@code --case}) and prints
 * one table row per check (case, quantity, reference, ours, tolerance, status, source), then
 * {@code N passed, M failed, K skipped}. Progress goes to stderr, one line as each case starts and one
 * as it ends.
 *
 * <p>Exit codes: 0 when no check failed (skipped checks do not fail), 1 when any failed, 2 for bad
 * options (one line on stderr, as every command reports them).
 */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Check the models against published and independently checked references.",
    description = {
        "Cases, in run order (2 cores, SIMD kernels: about 25 s, --quick under 10 s):",
        "  pfhub-1a           PFHub benchmark 1a (periodic): F(t) vs MEMPHIS to 1e-6",
        "                     relative up to t = 100 (--quick: t = 10), sum c conserved",
        "  pfhub-1b           the same with no-flux boundaries vs MEMPHIS 1b",
        "  mass-conservation  Cahn-Hilliard and nanovoid (conservative form) totals drift",
        "                     <= 1e-12 over 10^4 steps (--quick: 10^3), both boundaries",
        "  grain-growth       plain reference loop, analytic F, F non-increasing, circle",
        "                     shrink law at dx = 0.25 within 5%, pinned at dx = 1",
        "  nanovoid           a void dissolves with fields in [0, 1]; literal-form drift",
        "                     626.6 -> 946.2 within 1%; eta runs away without the clamp",
        "  kernel-agreement   scalar vs SIMD kernels, every model (skipped without SIMD)",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lshsmile validate --quick",
        "  lshsmile validate --case pfhub-1a --case pfhub-1b --kernels scalar",
        "",
        "Exit codes: 0 every check passed or was skipped, 1 a check failed, 2 bad input."})
final class ValidateCommand implements Callable<Integer> {

    /** Exit code when a check failed. */
    static final int CHECK_FAILED = 1;

    private static final String[] HEADER = {"case", "quantity", "reference", "ours", "tolerance", "status", "source"};
    /** Columns printed right-aligned (the numbers). */
    private static final boolean[] RIGHT = {false, false, true, true, false, false, false};

    @Spec
    private CommandSpec spec;

    private final ValidationSuite suite;

    @Option(names = "--quick", description = "Shorter runs (earlier end times, fewer steps); every kind of check"
        + " still runs.")
    private boolean quick;

    @Option(names = "--kernels", defaultValue = "${sys:lshsmile.kernels:-auto}", paramLabel = "K",
        description = "Stencil kernels: auto (Vector API when available, else scalar), scalar, simd or native. The"
            + " kernel-agreement case always compares scalar with SIMD. Default: ${DEFAULT-VALUE}.")
    private String kernels;

    @Option(names = "--threads", paramLabel = "N",
        description = "Threads per engine (results do not depend on it). Default: the number of processors.")
    private Integer threads;

    @Option(names = "--case", paramLabel = "NAME",
        description = "Run only this case (repeatable); see the list above. Default: all.")
    private List<String> cases = new ArrayList<>();

    @Option(names = "--debug", description = "Show stack traces with errors.")
    private boolean debug;

    /** The command over the standard suite. */
    ValidateCommand() {
        this(ValidationSuite.standard());
    }

    /** The command over another suite (tests). */
    ValidateCommand(ValidationSuite suite) {
        this.suite = suite;
    }

    @Override
    public Integer call() {
        ValidationSuite selected = select();
        StencilKernels k = KernelChoice.resolve(kernels);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Checks.intInRange("--threads", n, 1, 1024, "use 1 to the number of cores ("
            + Runtime.getRuntime().availableProcessors() + " here)");
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        KernelChoice.announce(err, kernels, k, n, n);
        List<Check> checks = selected.runAll(quick, k, n, new ProgressLines(err, quick));
        printTable(out, checks);
        out.flush();
        return ValidationSuite.count(checks, Check.Status.FAIL) > 0 ? CHECK_FAILED : 0;
    }

    /** The suite restricted to {@code --case}, or a usage error naming the unknown cases and the known ones. */
    private ValidationSuite select() {
        if (cases.isEmpty()) {
            return suite;
        }
        List<String> known = suite.names();
        List<String> unknown = cases.stream()
            .filter(c -> known.stream().noneMatch(k -> k.equalsIgnoreCase(c.trim()))).toList();
        if (!unknown.isEmpty()) {
            throw CliException.usage("unknown --case '" + String.join("', '", unknown) + "'",
                "use " + String.join(", ", known.subList(0, known.size() - 1))
                    + (known.size() > 1 ? " or " : "") + known.get(known.size() - 1));
        }
        return suite.only(cases);
    }

    /** One stderr line as each case starts and one as it ends. */
    private record ProgressLines(PrintWriter err, boolean quick) implements ValidationSuite.Listener {

        @Override
        public void caseStarted(ValidationCase c, int index, int total) {
            err.println("[INFO] " + (index + 1) + "/" + total + " " + c.name() + (quick ? " (quick)" : "") + ": "
                + c.description());
            err.flush();
        }

        @Override
        public void caseFinished(ValidationCase c, int index, int total, List<Check> checks, double seconds) {
            err.println(String.format(Locale.ROOT, "[INFO] %d/%d %s: %s in %.1f s", index + 1, total, c.name(),
                ValidationSuite.summary(checks), seconds));
            err.flush();
        }
    }

    /**
     * The table with aligned columns, then a line for every note of a check that failed or was skipped (checks
     * of one case with the same status and note share a line), then {@code N passed, M failed, K skipped}.
     */
    static void printTable(PrintWriter out, List<Check> checks) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Check c : checks) {
            rows.add(new String[] {c.caseName(), c.quantity(), c.referenceText(), c.oursText(), c.toleranceText(),
                c.status().name(), c.source()});
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(RIGHT[i] ? pad + r[i] : i == r.length - 1 ? r[i] : r[i] + pad);
            }
            out.println(line);
        }
        Map<List<String>, List<Check>> notes = new LinkedHashMap<>();
        for (Check c : checks) {
            if (!c.passed() && !c.note().isEmpty()) {
                List<String> key = List.of(c.status().name(), c.caseName(), c.note());
                notes.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            }
        }
        for (List<Check> same : notes.values()) {
            Check c = same.get(0);
            String what = same.size() == 1 ? " / " + c.quantity() : " (" + same.size() + " checks)";
            out.println(c.status() + " " + c.caseName() + what + ": " + c.note());
        }
        out.println(ValidationSuite.summary(checks));
    }
}
