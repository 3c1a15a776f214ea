package org.lshsmile.validation;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * Runs every validation case on the kernels of this surefire run ({@code lshsmile.kernels}) and requires
 * every check to pass. The full runs carry the assertions the module has always made (PFHub 1a/1b to 1e-6
 * up to t = 100, conservation, the grain-growth and nanovoid behaviours); the check counts pin that no
 * case quietly drops a check.
 */
class ValidationCasesTest {

    private static final int THREADS = 2;

    /** Checks per case in a full run. */
    private static final Map<String, Integer> FULL_CHECKS = Map.of(
        "pfhub-1a", 12,
        "pfhub-1b", 12,
        "mass-conservation", 10,
        "grain-growth", 12,
        "nanovoid", 12,
        "kernel-agreement", 6);

    static Stream<String> caseNames() {
        return ValidationSuite.standard().names().stream();
    }

    private static StencilKernels kernels() {
        return Kernels.fromSystemProperty();
    }

    /** Every check passed, or was skipped only because the SIMD kernels are unavailable. */
    private static void assertAllPass(List<Check> checks) {
        List<Executable> each = new ArrayList<>();
        for (Check c : checks) {
            each.add(() -> {
                String what = c.caseName() + " / " + c.quantity() + ": reference " + c.referenceText() + ", ours "
                    + c.oursText() + ", " + c.toleranceText() + " (" + c.source() + ") " + c.note();
                switch (c.status()) {
                    case PASS -> { }
                    case FAIL -> fail("FAIL " + what);
                    case SKIPPED -> assertTrue(c.caseName().equals(KernelAgreementCase.NAME) && Kernels.simd().isEmpty(),
                        "only kernel agreement may skip, and only without SIMD: " + what);
                }
            });
        }
        assertAll(each);
    }

    @ParameterizedTest
    @MethodSource("caseNames")
    void fullRunPassesEveryCheck(String name) {
        ValidationCase c = ValidationSuite.standard().only(List.of(name)).cases().get(0);
        List<Check> checks = c.run(false, kernels(), THREADS);
        assertEquals(FULL_CHECKS.get(name), checks.size(), () -> name + " checks: " + checks);
        checks.forEach(k -> assertEquals(name, k.caseName()));
        if (name.startsWith("pfhub")) {
            List<String> times = checks.stream().map(Check::quantity).filter(q -> q.startsWith("F(")).toList();
            assertEquals(List.of("F(t=0)", "F(t=0.1)", "F(t=0.5)", "F(t=1)", "F(t=2)", "F(t=5)", "F(t=10)", "F(t=20)",
                "F(t=50)", "F(t=100)"), times, "MEMPHIS comparisons up to t = 100");
        }
        assertAllPass(checks);
    }

    @Test
    void quickSuiteRunsEveryCaseInOrderAndPasses() {
        List<String> started = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        ValidationSuite suite = ValidationSuite.standard();
        List<Check> all = suite.runAll(true, kernels(), THREADS, new ValidationSuite.Listener() {
            @Override
            public void caseStarted(ValidationCase c, int index, int total) {
                assertEquals(started.size(), index);
                assertEquals(suite.cases().size(), total);
                started.add(c.name());
            }

            @Override
            public void caseFinished(ValidationCase c, int index, int total, List<Check> checks, double seconds) {
                assertEquals(started.get(index), c.name());
                assertTrue(!checks.isEmpty() && seconds >= 0);
                finished.add(c.name());
            }
        });
        assertEquals(suite.names(), started);
        assertEquals(suite.names(), finished);
        assertAllPass(all);
        for (String name : suite.names()) {
            assertTrue(all.stream().anyMatch(c -> c.caseName().equals(name)), name + " contributed checks");
        }
        // quick PFHub stops at t = 10
        List<String> f1a = all.stream().filter(c -> c.caseName().equals("pfhub-1a") && c.quantity().startsWith("F("))
            .map(Check::quantity).toList();
        assertEquals(List.of("F(t=0)", "F(t=0.1)", "F(t=0.5)", "F(t=1)", "F(t=2)", "F(t=5)", "F(t=10)"), f1a);
    }
}
