package org.lshsmile.core.learn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Adam}: bias-corrected update, convergence on the condition-100 quadratic and Rosenbrock. */
class AdamTest {

    @Test
    void firstStepsFollowTheBiasCorrectedFormula() {
        // g = (3, -0.5, 0) at every point (linear objective): with bias correction m_hat = g and
        // v_hat = g^2 at every step, so each step moves by lr * g / (|g| + eps).
        Objective linear = (x, g) -> {
            g[0] = 3;
            g[1] = -0.5;
            g[2] = 0;
            return 3 * x[0] - 0.5 * x[1];
        };
        double[] theta = {0, 0, 0};
        Adam adam = new Adam(0.1, 0.9, 0.999, 1e-8, Schedule.constant());
        Optimizer.Step s = adam.step(theta, linear);
        assertEquals(0.0, s.loss());
        assertEquals(Math.sqrt(9.25), s.gradientNorm(), 1e-15);
        assertEquals(1, s.evaluations());
        assertEquals(-0.1 * 3 / (3 + 1e-8), theta[0], 1e-16);
        assertEquals(0.1 * 0.5 / (0.5 + 1e-8), theta[1], 1e-16);
        assertEquals(0.0, theta[2]);
        adam.step(theta, linear);
        assertEquals(-0.2 * 3 / (3 + 1e-8), theta[0], 1e-15);
    }

    @Test
    void secondStepMatchesAHandComputation() {
        // f(x) = x^2 from x = 1, lr 0.1, beta1 0.5, beta2 0.75, eps 0
        Objective f = (x, g) -> {
            g[0] = 2 * x[0];
            return x[0] * x[0];
        };
        double[] x = {1};
        Adam adam = new Adam(0.1, 0.5, 0.75, 1e-300, Schedule.constant());
        adam.step(x, f); // g = 2, m = 1, v = 1, m_hat = 2, v_hat = 4: x = 1 - 0.1 = 0.9
        assertEquals(0.9, x[0], 1e-15);
        adam.step(x, f); // g = 1.8, m = 1.4, v = 0.75 + 0.81 = 1.56, m_hat = 1.4/0.75, v_hat = 1.56/0.4375
        double want = 0.9 - 0.1 * (1.4 / 0.75) / Math.sqrt(1.56 / 0.4375);
        assertEquals(want, x[0], 1e-15);
    }

    @Test
    void reachesTheMinimumOfTheIllConditionedQuadratic() {
        // lr 0.1, default betas: within 1e-6 of x* (|x0 - x*| = 10.3) in 1165 steps, measured.
        Problems.Quadratic q = Problems.illConditioned10();
        double[] x = new double[10];
        int k = Problems.iterateUntilClose(new Adam(0.1), q, x, q.xStar, 1e-6, 1300);
        assertTrue(Problems.distance(x, q.xStar) <= 1e-6, "distance " + Problems.distance(x, q.xStar) + " after " + k);
    }

    @Test
    void rosenbrockFromTheClassicStartWithinALooserBound() {
        // lr 0.01: within 1e-3 of (1, 1) in 4409 steps, measured; with cosine:20000:1e-5 from lr 0.02,
        // within 1e-4 in 3488 steps.
        double[] one = {1, 1};
        double[] x = {-1.2, 1};
        int k = Problems.iterateUntilClose(new Adam(0.01), Problems::rosenbrock, x, one, 1e-3, 5000);
        assertTrue(Problems.distance(x, one) <= 1e-3, "distance " + Problems.distance(x, one) + " after " + k);

        double[] y = {-1.2, 1};
        Adam annealed = new Adam(0.02, 0.9, 0.999, 1e-8, Schedule.parse("cosine:20000:1e-5"));
        k = Problems.iterateUntilClose(annealed, Problems::rosenbrock, y, one, 1e-4, 4000);
        assertTrue(Problems.distance(y, one) <= 1e-4, "distance " + Problems.distance(y, one) + " after " + k);
    }

    @Test
    void resetStartsTheBiasCorrectionAgain() {
        Objective linear = (x, g) -> {
            g[0] = 2;
            return 2 * x[0];
        };
        Adam adam = new Adam(0.5, 0.9, 0.999, 1e-8, Schedule.parse("exp:0.5"));
        double[] a = {0};
        adam.step(a, linear);
        adam.step(a, linear);
        adam.reset();
        double[] b = {0};
        adam.step(b, linear);
        assertEquals(-0.5 * 2 / (2 + 1e-8), b[0], 1e-16);
        assertEquals(0.25, adam.currentRate());
    }

    @Test
    void anExceptionFromTheObjectivePropagatesAndLeavesThetaAlone() {
        RuntimeException boom = new RuntimeException("bad frame");
        double[] theta = {3, 4};
        Adam adam = new Adam(0.1);
        assertSame(boom, assertThrows(RuntimeException.class, () -> adam.step(theta, (x, g) -> {
            throw boom;
        })));
        assertArrayEquals(new double[] {3, 4}, theta, 0.0);
    }

    @Test
    void constructorRefusesBadValues() {
        Schedule c = Schedule.constant();
        assertThrows(IllegalArgumentException.class, () -> new Adam(-1));
        assertThrows(IllegalArgumentException.class, () -> new Adam(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1, 0.999, 1e-8, c));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, Double.NaN, 1e-8, c));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, 0.999, 0, c));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, 0.999, 1e-8, null));
    }
}
