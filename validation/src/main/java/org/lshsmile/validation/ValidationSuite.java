package org.lshsmile.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.simd.StencilKernels;

/**
 * The ordered list of validation cases and a runner for them.
 *
 * <p>A case that throws does not stop the suite: it contributes one {@link Check.Status#FAIL} check,
 * {@code ran to completion}, whose note is the exception.
 */
public final class ValidationSuite {

    /** Source named by the checks the runner itself adds. */
    static final String RUNNER = "validation runner";

    /** Told when each case starts and ends (for progress output); every method defaults to doing nothing. */
    public interface Listener {

        /**
         * Case {@code index} (0-based) of {@code total} is about to run.
         *
         * @param c     the case
         * @param index its position in the run, from 0
         * @param total number of cases in the run
         */
        default void caseStarted(ValidationCase c, int index, int total) {
        }

        /**
         * Case {@code index} (0-based) of {@code total} finished with these checks.
         *
         * @param c       the case
         * @param index   its position in the run, from 0
         * @param total   number of cases in the run
         * @param checks  its checks
         * @param seconds wall time it took
         */
        default void caseFinished(ValidationCase c, int index, int total, List<Check> checks, double seconds) {
        }
    }

    /** A listener that does nothing. */
    public static final Listener SILENT = new Listener() {
    };

    private final List<ValidationCase> cases;

    /** A suite of these cases, run in this order; names must be distinct. */
    public ValidationSuite(List<ValidationCase> cases) {
        List<String> seen = new ArrayList<>();
        for (ValidationCase c : cases) {
            String n = c.name().toLowerCase(Locale.ROOT);
            if (seen.contains(n)) {
                throw new IllegalArgumentException("two cases are named " + c.name());
            }
            seen.add(n);
        }
        this.cases = List.copyOf(cases);
    }

    /**
     * All cases: PFHub 1a, PFHub 1b, mass conservation, grain growth, nanovoid, kernel agreement.
     */
    public static ValidationSuite standard() {
        return new ValidationSuite(List.of(
            Pfhub1Case.memphis(Boundary.PERIODIC),
            Pfhub1Case.memphis(Boundary.NOFLUX),
            new MassConservationCase(),
            new GrainGrowthCase(),
            new NanovoidCase(),
            new KernelAgreementCase()));
    }

    /** The cases in run order. */
    public List<ValidationCase> cases() {
        return cases;
    }

    /** The case names in run order. */
    public List<String> names() {
        return cases.stream().map(ValidationCase::name).toList();
    }

    /**
     * The suite restricted to the named cases (case-insensitive), kept in suite order; duplicates are
     * ignored.
     *
     * @throws IllegalArgumentException naming the unknown names and the known ones
     */
    public ValidationSuite only(Collection<String> names) {
        List<String> wanted = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            String k = n.trim().toLowerCase(Locale.ROOT);
            if (cases.stream().anyMatch(c -> c.name().equalsIgnoreCase(k))) {
                wanted.add(k);
            } else {
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown case" + (unknown.size() == 1 ? " '" : "s '")
                + String.join("', '", unknown) + "': use " + String.join(", ", names()));
        }
        return new ValidationSuite(cases.stream().filter(c -> wanted.contains(c.name().toLowerCase(Locale.ROOT)))
            .toList());
    }

    /**
     * Runs every case in order and returns all checks.
     *
     * @param quick    shorter runs (see {@link ValidationCase#run})
     * @param kernels  stencil kernels
     * @param threads  threads per engine
     * @param listener told as each case starts and finishes
     */
    public List<Check> runAll(boolean quick, StencilKernels kernels, int threads, Listener listener) {
        List<Check> all = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            ValidationCase c = cases.get(i);
            listener.caseStarted(c, i, cases.size());
            long t0 = System.nanoTime();
            List<Check> checks = runOne(c, quick, kernels, threads);
            listener.caseFinished(c, i, cases.size(), checks, (System.nanoTime() - t0) * 1e-9);
            all.addAll(checks);
        }
        return all;
    }

    /** Runs one case, turning an exception or an empty result into a failed check. */
    static List<Check> runOne(ValidationCase c, boolean quick, StencilKernels kernels, int threads) {
        try {
            List<Check> checks = c.run(quick, kernels, threads);
            if (checks.isEmpty()) {
                return List.of(Check.of(c.name(), "checks produced", 1, 0, 0, Check.Comparison.AT_LEAST, RUNNER,
                    "the case returned no checks"));
            }
            return List.copyOf(checks);
        } catch (RuntimeException e) {
            return List.of(Check.of(c.name(), "ran to completion", 1, 0, 0, Check.Comparison.ABSOLUTE, RUNNER,
                e.toString()));
        }
    }

    /** Number of checks with this status. */
    public static long count(List<Check> checks, Check.Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    /** {@code N passed, M failed, K skipped}. */
    public static String summary(List<Check> checks) {
        return count(checks, Check.Status.PASS) + " passed, " + count(checks, Check.Status.FAIL) + " failed, "
            + count(checks, Check.Status.SKIPPED) + " skipped";
    }
}
