package org.lshsmile.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/** The framework itself: checks can fail, statuses follow the numbers, the runner survives broken cases. */
class ValidationFrameworkTest {

    private static final Check.Comparison ABS = Check.Comparison.ABSOLUTE;
    private static final Check.Comparison REL = Check.Comparison.RELATIVE;

    /** A case that returns fixed checks or throws. */
    private record Fixed(String name, List<Check> checks, RuntimeException failure) implements ValidationCase {
        @Override
        public String description() {
            return "test double";
        }

        @Override
        public List<Check> run(boolean quick, StencilKernels kernels, int threads) {
            if (failure != null) {
                throw failure;
            }
            return checks;
        }
    }

    @Test
    void aDeliberatelyWrongReferenceMakesTheRealCaseFail() {
        // MEMPHIS 1a up to t = 1 with F(1) moved by 1e-5 relative, ten times the tolerance
        double[] times = Arrays.copyOf(Pfhub1Case.TIMES, 4);
        double[] ref = Arrays.copyOf(Pfhub1Case.MEMPHIS_1A, 4);
        ref[3] *= 1 + 1e-5;
        Pfhub1Case wrong = new Pfhub1Case("pfhub-1a-wrong", Boundary.PERIODIC, times, ref, "deliberately wrong");
        List<Check> checks = new ValidationSuite(List.of(wrong)).runAll(false, Kernels.fromSystemProperty(), 2,
            ValidationSuite.SILENT);
        List<Check> failed = checks.stream().filter(Check::failed).toList();
        assertEquals(1, failed.size(), () -> "checks: " + checks);
        assertEquals("F(t=1)", failed.get(0).quantity());
        assertEquals(ref[3], failed.get(0).reference());
        assertEquals(checks.size() - 1 + " passed, 1 failed, 0 skipped", ValidationSuite.summary(checks));
    }

    @Test
    void comparisonsHoldExactlyWhereDocumented() {
        assertTrue(ABS.holds(1.0, 1.5, 0.5));
        assertFalse(ABS.holds(1.0, 1.5000001, 0.5));
        assertTrue(ABS.holds(0.0, 0.0, 0.0));
        assertTrue(REL.holds(-200.0, -201.0, 0.005));
        assertFalse(REL.holds(-200.0, -201.1, 0.005));
        assertFalse(REL.holds(0.0, 1e-300, 0.5), "relative to a zero reference needs equality");
        assertTrue(Check.Comparison.AT_MOST.holds(1, 1, 0));
        assertFalse(Check.Comparison.BELOW.holds(1, 1, 0));
        assertTrue(Check.Comparison.BELOW.holds(1, 0.999, 0));
        assertTrue(Check.Comparison.AT_LEAST.holds(1, 1, 0));
        assertFalse(Check.Comparison.ABOVE.holds(1, 1, 0));
        assertTrue(Check.Comparison.ABOVE.holds(1, 1.001, 0));
        for (Check.Comparison c : Check.Comparison.values()) {
            assertFalse(c.holds(1, Double.NaN, 0.5), c + " with NaN ours");
            assertFalse(c.holds(Double.NaN, 1, 0.5), c + " with NaN reference");
        }
    }

    @Test
    void statusFollowsTheNumbersAndCannotContradictThem() {
        assertEquals(Check.Status.PASS, Check.of("c", "q", 10, 10.5, 0.1, REL, "s").status());
        assertEquals(Check.Status.FAIL, Check.of("c", "q", 10, 11.5, 0.1, REL, "s").status());
        assertEquals(Check.Status.FAIL, Check.of("c", "q", 10, Double.NaN, 0.1, REL, "s").status());
        assertThrows(IllegalArgumentException.class,
            () -> new Check("c", "q", 10, 12, 0.1, REL, Check.Status.PASS, "s", ""));
        assertThrows(IllegalArgumentException.class,
            () -> new Check("c", "q", 10, 10, 0.1, REL, Check.Status.FAIL, "s", ""));
        assertThrows(IllegalArgumentException.class, () -> Check.of("c", "q", 1, 0, 0.1, Check.Comparison.BELOW, "s"),
            "a bound takes no tolerance");
        assertThrows(IllegalArgumentException.class, () -> Check.of("c", "q", 1, 0, -1, ABS, "s"));
        Check s = Check.skipped("c", "q", "s", "no SIMD");
        assertEquals(Check.Status.SKIPPED, s.status());
        assertFalse(s.passed() || s.failed());
        assertEquals("no SIMD", s.note());
        assertEquals("-", s.toleranceText());
        assertEquals("-", s.oursText());
    }

    @Test
    void tolerancesAndValuesFormatForTheTable() {
        assertEquals("rel 1e-6", Check.of("c", "q", 1, 1, 1e-6, REL, "s").toleranceText());
        assertEquals("abs 0.01", Check.of("c", "q", 1, 1, 0.01, ABS, "s").toleranceText());
        assertEquals("exact", Check.of("c", "q", 0, 0, 0, ABS, "s").toleranceText());
        assertEquals("<= ref", Check.of("c", "q", 1, 0, 0, Check.Comparison.AT_MOST, "s").toleranceText());
        assertEquals("> ref", Check.of("c", "q", 1, 2, 0, Check.Comparison.ABOVE, "s").toleranceText());
        assertEquals("319.099361293", Check.format(319.099361293, 12));
        assertEquals("2.5e-16", Check.format(2.5e-16, 12));
        assertEquals("-1.614e-5", Check.format(-1.61427086513e-5, 12), "4 digits in scientific notation");
        assertEquals("-1.5e12", Check.format(-1.5e12, 12));
        assertEquals("0.05", Check.format(0.05, 3));
        assertEquals("0", Check.format(0.0, 12));
        assertEquals("-", Check.format(Double.NaN, 12));
        assertEquals("-inf", Check.format(Double.NEGATIVE_INFINITY, 12));
        assertEquals("3706", Check.format(3706, 12));
    }

    @Test
    void aCaseThatThrowsOrReturnsNothingBecomesAFailedCheck() {
        Check ok = Check.of("good", "q", 1, 1, 0, ABS, "s");
        ValidationSuite suite = new ValidationSuite(List.of(
            new Fixed("boom", List.of(), new IllegalStateException("kaput")),
            new Fixed("empty", List.of(), null),
            new Fixed("good", List.of(ok), null)));
        List<Check> all = suite.runAll(true, Kernels.scalar(), 1, ValidationSuite.SILENT);
        assertEquals(3, all.size());
        assertTrue(all.get(0).failed() && all.get(0).caseName().equals("boom"));
        assertTrue(all.get(0).note().contains("kaput"), all.get(0).note());
        assertTrue(all.get(1).failed() && all.get(1).caseName().equals("empty"));
        assertEquals(ok, all.get(2));
        assertEquals("1 passed, 2 failed, 0 skipped", ValidationSuite.summary(all));
    }

    @Test
    void casesAreSelectedByNameInSuiteOrder() {
        ValidationSuite s = ValidationSuite.standard();
        assertEquals(List.of("pfhub-1a", "pfhub-1b", "mass-conservation", "grain-growth", "nanovoid",
            "kernel-agreement"), s.names());
        assertEquals(List.of("pfhub-1b", "nanovoid"), s.only(List.of("Nanovoid", "pfhub-1b", "nanovoid")).names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> s.only(List.of("nanovoid", "pfhub-2")));
        assertTrue(e.getMessage().startsWith("unknown case 'pfhub-2': use pfhub-1a, pfhub-1b,"), e.getMessage());
        for (ValidationCase c : s.cases()) {
            assertFalse(c.description().isBlank(), c.name());
        }
        assertThrows(IllegalArgumentException.class, () -> new ValidationSuite(List.of(
            new Fixed("x", List.of(), null), new Fixed("X", List.of(), null))));
    }
}
