package org.lshsmile.core.learn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Lbfgs}: convergence (iteration counts measured here agree with SciPy 1.17's L-BFGS-B, m = 10, on the
 * same problems: 46, 79 and 37 iterations), the line search's handling of non-finite losses, non-descent
 * directions, the cached evaluation, and what a step reports.
 */
class LbfgsTest {

    @Test
    void illConditionedQuadraticIn10Dimensions() {
        // condition 100, |x0 - x*| = 10.3: within 1e-8 in 46 iterations, measured
        Problems.Quadratic q = Problems.illConditioned10();
        double[] x = new double[10];
        int k = Problems.iterateUntilClose(new Lbfgs(), q, x, q.xStar, 1e-8, 50);
        assertTrue(Problems.distance(x, q.xStar) <= 1e-8, "distance " + Problems.distance(x, q.xStar) + " after " + k);
    }

    @Test
    void quadraticIn50DimensionsWithEvenlySpacedEigenvaluesWithin60Iterations() {
        // eigenvalues 1..100 evenly spaced, x* = sin(i + 1), x0 = 0 (|x*| = 5.0): within 1e-6 in 54 iterations
        assertConvergesIn50Dimensions(Problems.Quadratic.even(50, 100), 60);
    }

    @Test
    void quadraticIn50DimensionsWithGeometricEigenvaluesWithin85Iterations() {
        // the harder spectrum (geometric 1..100, most eigenvalues small): 79 iterations to 1e-6, as SciPy's
        // L-BFGS-B with the same history; the gradient norm falls by 1e-6 after 62
        assertConvergesIn50Dimensions(Problems.Quadratic.geometric(50, 100), 85);
    }

    private static void assertConvergesIn50Dimensions(double[] eigenvalues, int maxIterations) {
        double[] xStar = new double[50];
        for (int i = 0; i < xStar.length; i++) {
            xStar[i] = Math.sin(i + 1);
        }
        Problems.Quadratic q = new Problems.Quadratic(eigenvalues, xStar);
        double[] x = new double[50];
        int k = Problems.iterateUntilClose(new Lbfgs(), q, x, q.xStar, 1e-6, maxIterations);
        assertTrue(Problems.distance(x, q.xStar) <= 1e-6, "distance " + Problems.distance(x, q.xStar) + " after " + k);
    }

    @Test
    void rosenbrockFromTheClassicStartTo1e6() {
        // 36 iterations (45 evaluations), measured; every step decreases the loss
        double[] one = {1, 1};
        double[] x = {-1.2, 1};
        Lbfgs lbfgs = new Lbfgs();
        int k = 0;
        while (k < 40 && Problems.distance(x, one) > 1e-6) {
            Optimizer.Step s = lbfgs.step(x, Problems::rosenbrock);
            assertTrue(s.acceptedLoss() < s.loss(), "step " + k + ": " + s);
            k++;
        }
        assertTrue(Problems.distance(x, one) <= 1e-6, "distance " + Problems.distance(x, one) + " after " + k);
        assertEquals(0, lbfgs.restarts());
    }

    /**
     * {@code f(x) = sum(c_i x_i - log x_i)}, minimum at {@code 1 / c_i}: NaN for a negative {@code x_i} and
     * +infinity at 0, which the growing trial steps of the line search reach from {@code x0 = 10}.
     */
    private static final class LogBarrier implements Objective {
        final double[] c = {1, 2, 4};
        int evaluations;
        int nonFinite;

        @Override
        public double evaluate(double[] x, double[] g) {
            evaluations++;
            double f = 0;
            for (int i = 0; i < x.length; i++) {
                f += c[i] * x[i] - Math.log(x[i]);
                g[i] = c[i] - 1 / x[i];
            }
            if (!Double.isFinite(f)) {
                nonFinite++;
            }
            return f;
        }
    }

    @Test
    void nonFiniteTrialLossesAreBacktrackedAndNeverAccepted() {
        LogBarrier f = new LogBarrier();
        double[] x = {10, 10, 10};
        Lbfgs lbfgs = new Lbfgs();
        int k = 0;
        while (k < 40 && !lbfgs.lastStepFailed()) {
            Optimizer.Step s = lbfgs.step(x, f);
            assertTrue(Double.isFinite(s.acceptedLoss()) && s.acceptedLoss() <= s.loss(), "step " + k + ": " + s);
            for (double xi : x) {
                assertTrue(xi > 0, "step " + k + " left the domain: x = " + java.util.Arrays.toString(x));
            }
            k++;
        }
        assertTrue(f.nonFinite > 0, "the line search never met a non-finite loss, so the test proved nothing");
        // f* = 5.08: loss decreases below its rounding (5.6e-16) are invisible, which limits |x - x*| to
        // about sqrt(2 eps f* / curvature) = 3.4e-8 (curvature 1/x*^2 >= 1). Measured: 9.4e-9 after 17 steps,
        // the 18th reports the failed search.
        assertTrue(lbfgs.lastStepFailed(), "no failed step at the rounding floor after " + k + " steps");
        assertArrayEquals(new double[] {1, 0.5, 0.25}, x, 1e-7);
        int calls = f.evaluations;
        double[] before = x.clone();
        Optimizer.Step again = lbfgs.step(x, f);
        assertEquals(0, again.evaluations());
        assertEquals(calls, f.evaluations);
        assertArrayEquals(before, x, 0.0);
        assertTrue(lbfgs.lastStepFailed());
    }

    @Test
    void aMinimumBehindANonFiniteRegionIsApproachedButNeverCrossed() {
        // (x - 1)^2 is NaN (or +infinity) for x > 0.5: the search stops at the edge and then reports failure
        for (double wall : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            Objective f = (x, g) -> {
                g[0] = 2 * (x[0] - 1);
                return x[0] > 0.5 ? wall : (x[0] - 1) * (x[0] - 1);
            };
            double[] x = {0};
            Lbfgs lbfgs = new Lbfgs();
            boolean failed = false;
            for (int k = 0; k < 20 && !failed; k++) {
                Optimizer.Step s = lbfgs.step(x, f);
                assertTrue(x[0] <= 0.5, "accepted x = " + x[0] + " where the loss is " + wall);
                assertTrue(Double.isFinite(s.acceptedLoss()), s.toString());
                failed = lbfgs.lastStepFailed();
                if (failed) {
                    assertEquals(s.loss(), s.acceptedLoss());
                }
            }
            assertTrue(failed, "no failed step reported at the wall " + wall);
            assertTrue(x[0] > 0.49, "x = " + x[0]);
        }
    }

    @Test
    void aNonDescentDirectionResetsToSteepestDescent() {
        // A pair with negative curvature (never stored by step itself) makes -H g point uphill for
        // f = x^2 at x = 1: q = 2, a = -2, q = 0, r = s (a - b) = -2, d = 2, g.d = 4 > 0.
        Lbfgs lbfgs = new Lbfgs();
        lbfgs.addPairUnchecked(new double[] {1}, new double[] {-1});
        double[] x = {1};
        Optimizer.Step s = lbfgs.step(x, (t, g) -> {
            g[0] = 2 * t[0];
            return t[0] * t[0];
        });
        assertEquals(1, lbfgs.restarts());
        assertEquals(1.0, s.loss());
        assertEquals(0.0, x[0], 0.0); // steepest descent from x = 1 with alpha = 1/|g| = 0.5 lands on 0
        assertEquals(0.0, s.acceptedLoss());
    }

    @Test
    void theAcceptedPointIsNotEvaluatedAgainByTheNextStep() {
        Problems.Quadratic q = Problems.illConditioned10();
        int[] calls = {0};
        Objective counted = (x, g) -> {
            calls[0]++;
            return q.evaluate(x, g);
        };
        Lbfgs lbfgs = new Lbfgs();
        double[] x = new double[10];
        Optimizer.Step first = lbfgs.step(x, counted);
        assertEquals(calls[0], first.evaluations());
        double accepted = first.acceptedLoss();
        calls[0] = 0;
        Optimizer.Step second = lbfgs.step(x, counted);
        assertEquals(accepted, second.loss(), 0.0);
        assertEquals(calls[0], second.evaluations());
        assertEquals(1, second.evaluations()); // alpha = 1 accepted: no evaluation at the starting point

        x[0] += 1e-3; // the caller moved theta: evaluate afresh
        double[] start = x.clone();
        calls[0] = 0;
        Optimizer.Step third = lbfgs.step(x, counted);
        assertEquals(calls[0], third.evaluations());
        assertTrue(third.evaluations() >= 2);
        assertEquals(q.evaluate(start, new double[10]), third.loss(), 0.0);
    }

    @Test
    void theObjectivesExceptionPropagatesMidSearchAndThetaIsUnchanged() {
        RuntimeException boom = new RuntimeException("third call");
        int[] calls = {0};
        Objective f = (x, g) -> {
            if (++calls[0] == 3) {
                throw boom;
            }
            return Problems.rosenbrock(x, g);
        };
        double[] x = {-1.2, 1};
        Lbfgs lbfgs = new Lbfgs();
        RuntimeException got = null;
        for (int k = 0; k < 5 && got == null; k++) {
            double[] before = x.clone();
            try {
                lbfgs.step(x, f);
            } catch (RuntimeException e) {
                got = e;
                assertArrayEquals(before, x, 0.0);
            }
        }
        assertSame(boom, got);
    }

    @Test
    void aZeroGradientIsAStepThatDoesNotMove() {
        double[] x = {2, 3};
        Lbfgs lbfgs = new Lbfgs();
        Optimizer.Step s = lbfgs.step(x, (t, g) -> 7);
        assertEquals(new Optimizer.Step(7, 0, 1, 7), s);
        assertArrayEquals(new double[] {2, 3}, x, 0.0);
        assertFalse(lbfgs.lastStepFailed());
    }

    @Test
    void historyIsBoundedAndResetClearsIt() {
        Problems.Quadratic q = Problems.illConditioned10();
        Lbfgs lbfgs = new Lbfgs(3);
        double[] x = new double[10];
        for (int k = 0; k < 6; k++) {
            lbfgs.step(x, q);
        }
        assertEquals(3, lbfgs.storedPairs());
        lbfgs.reset();
        assertEquals(0, lbfgs.storedPairs());
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(0));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(Lbfgs.MAX_HISTORY + 1));
    }

    @Test
    void cubicStepStaysInsideTheSafeguardedBracket() {
        // phi(a) = (a - 0.3)^2: values and slopes at 0 and 1 give the exact minimiser 0.3
        assertEquals(0.3, Lbfgs.cubic(0, 0.09, -0.6, 1, 0.49, 1.4), 1e-15);
        // a minimiser close to an end is pulled a tenth of the bracket inside
        assertEquals(0.9, Lbfgs.cubic(0, 0.9801, -1.98, 1, 0.0001, 0.02), 1e-15);
        // the cubic through (0, 0, slope 1) and (1, 2/3, slope 1) has no stationary point: midpoint
        assertEquals(0.5, Lbfgs.cubic(0, 0, 1, 1, 2.0 / 3, 1), 0.0);
    }
}
