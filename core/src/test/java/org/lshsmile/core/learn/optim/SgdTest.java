package org.lshsmile.core.learn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Sgd}: the update formulas, convergence on a condition-100 quadratic, schedules, errors. */
class SgdTest {

    private static final double TOL = 1e-6; // distance to the minimiser; |x0 - x*| = 10.3

    @Test
    void plainGradientDescentReachesTheMinimumAtTheRateTheoryGives() {
        // lr = 2 / (lambda_min + lambda_max) contracts the error by (kappa - 1) / (kappa + 1) = 99/101 per
        // step: ln(1e-6 / 10.3) / ln(99/101) = 806 steps at worst; measured 780.
        Problems.Quadratic q = Problems.illConditioned10();
        double[] x = new double[10];
        int k = Problems.iterateUntilClose(new Sgd(2.0 / 101), q, x, q.xStar, TOL, 850);
        assertTrue(Problems.distance(x, q.xStar) <= TOL, "distance " + Problems.distance(x, q.xStar) + " after " + k);
    }

    @Test
    void heavyBallMomentumIsEightTimesFasterOnTheSameQuadratic() {
        // Polyak's tuning: lr = 4 / (sqrt(L) + sqrt(mu))^2 = 4/121, momentum = (9/11)^2; rate 9/11 per step
        // (about 80 steps for 1e-6 plus a transient); measured 104.
        Problems.Quadratic q = Problems.illConditioned10();
        double[] x = new double[10];
        Sgd sgd = new Sgd(4.0 / 121, 81.0 / 121, false, Schedule.constant());
        int k = Problems.iterateUntilClose(sgd, q, x, q.xStar, TOL, 120);
        assertTrue(Problems.distance(x, q.xStar) <= TOL, "distance " + Problems.distance(x, q.xStar) + " after " + k);
    }

    @Test
    void nesterovMomentumConvergesOnTheSameQuadratic() {
        // lr = 1/L = 0.01, momentum = (sqrt(kappa) - 1) / (sqrt(kappa) + 1) = 9/11; measured 138 steps.
        Problems.Quadratic q = Problems.illConditioned10();
        double[] x = new double[10];
        Sgd sgd = new Sgd(0.01, 9.0 / 11, true, Schedule.constant());
        int k = Problems.iterateUntilClose(sgd, q, x, q.xStar, TOL, 160);
        assertTrue(Problems.distance(x, q.xStar) <= TOL, "distance " + Problems.distance(x, q.xStar) + " after " + k);
    }

    @Test
    void updatesFollowTheDocumentedFormulas() {
        // f(x) = 0.5 * 4 x^2, gradient 4x, from x = 1, lr 0.1, momentum 0.5
        Objective f = (x, g) -> {
            g[0] = 4 * x[0];
            return 2 * x[0] * x[0];
        };
        double[] heavy = {1};
        Sgd hb = new Sgd(0.1, 0.5, false, Schedule.constant());
        Optimizer.Step s = hb.step(heavy, f); // v = 4, x = 1 - 0.4 = 0.6
        assertEquals(0.6, heavy[0], 1e-15);
        assertEquals(2.0, s.loss());
        assertEquals(4.0, s.gradientNorm());
        assertEquals(1, s.evaluations());
        assertFalse(s.hasAcceptedLoss());
        hb.step(heavy, f); // g = 2.4, v = 2 + 2.4 = 4.4, x = 0.6 - 0.44 = 0.16
        assertEquals(0.16, heavy[0], 1e-15);

        double[] nesterov = {1};
        Sgd nag = new Sgd(0.1, 0.5, true, Schedule.constant());
        nag.step(nesterov, f); // v = 4, x = 1 - 0.1 (4 + 2) = 0.4
        assertEquals(0.4, nesterov[0], 1e-15);
        nag.step(nesterov, f); // g = 1.6, v = 2 + 1.6 = 3.6, x = 0.4 - 0.1 (1.6 + 1.8) = 0.06
        assertEquals(0.06, nesterov[0], 1e-15);
    }

    @Test
    void theScheduledRateIsTheStepTaken() {
        // f(x) = x: gradient 1, so plain SGD moves by exactly the rate of each iteration.
        Objective linear = (x, g) -> {
            g[0] = 1;
            return x[0];
        };
        Sgd sgd = new Sgd(1, 0, false, Schedule.parse("step:0.5:2"));
        double[] x = {0};
        double[] want = {-1, -2, -2.5, -3, -3.25};
        for (double w : want) {
            sgd.step(x, linear);
            assertEquals(w, x[0], 0.0);
        }
        assertEquals(0.25, sgd.currentRate()); // iteration 5: 0.5^(5 / 2)
        sgd.reset();
        assertEquals(1.0, sgd.currentRate());
    }

    @Test
    void anExceptionFromTheObjectivePropagatesAndLeavesThetaAlone() {
        IllegalStateException boom = new IllegalStateException("simulation failed");
        double[] theta = {1, 2};
        Sgd sgd = new Sgd(0.1, 0.9, true, Schedule.constant());
        IllegalStateException got = assertThrows(IllegalStateException.class, () -> sgd.step(theta, (x, g) -> {
            throw boom;
        }));
        assertSame(boom, got);
        assertArrayEquals(new double[] {1, 2}, theta, 0.0);
    }

    @Test
    void aNonFiniteLossOrGradientAtTheStartIsAnErrorNotAStep() {
        double[] theta = {1};
        Sgd sgd = new Sgd(0.1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sgd.step(theta, (x, g) -> Double.NaN));
        assertTrue(e.getMessage().contains("loss NaN"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> sgd.step(theta, (x, g) -> {
            g[0] = Double.POSITIVE_INFINITY;
            return 1;
        }));
        assertTrue(e.getMessage().contains("gradient[0] = Infinity"), e.getMessage());
        assertEquals(1.0, theta[0]);
    }

    @Test
    void thetaMustKeepItsLengthUntilReset() {
        Sgd sgd = new Sgd(0.1);
        Objective f = (x, g) -> 0;
        sgd.step(new double[2], f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.step(new double[3], f));
        assertTrue(e.getMessage().contains("call reset()"), e.getMessage());
        sgd.reset();
        sgd.step(new double[3], f);
        assertThrows(IllegalArgumentException.class, () -> sgd.step(new double[0], f));
        e = assertThrows(IllegalArgumentException.class, () -> sgd.step(new double[] {1, Double.NaN, 3}, f));
        assertTrue(e.getMessage().startsWith("theta[1] is NaN"), e.getMessage());
    }

    @Test
    void constructorRefusesBadValues() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1, false, Schedule.constant()));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 0, true, Schedule.constant()));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 0.9, false, null));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 0.9, false, new Schedule.Cosine(10, 0.2)));
    }
}
