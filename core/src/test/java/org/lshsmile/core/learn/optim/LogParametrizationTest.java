package org.lshsmile.core.learn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link LogParametrization}: chain rule against finite differences, positivity under every optimizer. */
class LogParametrizationTest {

    /** A smooth objective mixing the parameters: sum (theta_i - c_i)^2 + theta_0 theta_2 + sin(theta_1) theta_3. */
    private static double mixed(double[] t, double[] g) {
        double[] c = {0.3, 2, 5, -1};
        double f = t[0] * t[2] + Math.sin(t[1]) * t[3];
        for (int i = 0; i < 4; i++) {
            f += (t[i] - c[i]) * (t[i] - c[i]);
            g[i] = 2 * (t[i] - c[i]);
        }
        g[0] += t[2];
        g[2] += t[0];
        g[1] += Math.cos(t[1]) * t[3];
        g[3] += Math.sin(t[1]);
        return f;
    }

    @Test
    void wrappedGradientMatchesCentralDifferencesTo1e8Relative() {
        // Indices 0..2 through log, index 3 (which may be negative) as it is. Central differences with
        // h = 1e-5: truncation ~ h^2 |f'''| ~ 1e-10, rounding ~ 1e-16 |f| / h ~ 1e-10.
        LogParametrization p = LogParametrization.of(4, 0, 1, 2);
        Objective wrapped = p.wrap(LogParametrizationTest::mixed);
        double[] u = p.toOptimizerVariables(new double[] {0.7, 1.3, 4.2, -0.6});
        double[] g = new double[4];
        wrapped.evaluate(u, g);
        double h = 1e-5;
        for (int i = 0; i < 4; i++) {
            double[] up = u.clone();
            double[] down = u.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (wrapped.evaluate(up, new double[4]) - wrapped.evaluate(down, new double[4])) / (2 * h);
            double rel = Math.abs(fd - g[i]) / Math.abs(g[i]);
            assertTrue(rel <= 1e-8, "du[" + i + "]: adjoint " + g[i] + ", finite difference " + fd + ", rel " + rel);
        }
    }

    @Test
    void conversionsAreInverseAndTouchOnlyTheChosenIndices() {
        LogParametrization p = LogParametrization.of(3, 2, 0);
        double[] theta = {5, -3, 0.1};
        double[] u = p.toOptimizerVariables(theta);
        assertArrayEquals(new double[] {Math.log(5), -3, Math.log(0.1)}, u, 0.0);
        assertArrayEquals(theta, p.toParameters(u), 1e-15);
        assertTrue(p.isLog(0) && !p.isLog(1) && p.isLog(2));
        assertEquals(3, p.size());
        assertTrue(LogParametrization.all(2).isLog(1));
    }

    @Test
    void nonPositiveThetaIsRefusedNamingTheIndex() {
        LogParametrization p = LogParametrization.of(4, 1, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> p.toOptimizerVariables(new double[] {-1, 2, 3, 0}));
        assertEquals("theta[3] = 0.0 is not positive, but index 3 is log-parametrised; start it at a positive value",
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.toOptimizerVariables(new double[] {1, -2, 3, 4}));
        assertTrue(e.getMessage().startsWith("theta[1] = -2.0 is not positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.toOptimizerVariables(new double[] {1, Double.NaN, 3, 4}));
        assertTrue(e.getMessage().startsWith("theta[1] is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.toParameters(new double[] {0, 0, 0, -800}));
        assertTrue(e.getMessage().startsWith("u[3] = -800.0 gives theta[3] = exp(u) = 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.toParameters(new double[] {0, 710, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> p.toParameters(new double[3]));
        assertThrows(IllegalArgumentException.class, () -> LogParametrization.of(2, 2));
        assertThrows(IllegalArgumentException.class, () -> LogParametrization.all(0));
    }

    /** sum(c_i theta_i - log theta_i), minimum at 1/c_i; fails the test if it ever sees theta_i <= 0. */
    private static double positiveOnly(double[] t, double[] g) {
        double[] c = {0.5, 3, 40};
        double f = 0;
        for (int i = 0; i < t.length; i++) {
            if (!(t[i] > 0)) {
                throw new AssertionError("objective called with theta[" + i + "] = " + t[i]);
            }
            f += c[i] * t[i] - Math.log(t[i]);
            g[i] = c[i] - 1 / t[i];
        }
        return f;
    }

    @Test
    void aPositiveOnlyProblemNeverSeesANonPositiveTheta() {
        // From theta = (1, 1, 1): plain-space SGD at lr 0.5 would step theta_2 to 1 - 0.5 * 39 < 0 at once;
        // in log space the first step sends theta_2 down to e^-19.5, from where it climbs back.
        double[] want = {2, 1.0 / 3, 0.025};
        LogParametrization p = LogParametrization.all(3);
        Objective f = p.wrap(LogParametrizationTest::positiveOnly);
        Optimizer[] optimizers = {new Sgd(0.5), new Adam(0.05), new Lbfgs()};
        int[] steps = {200, 2000, 40};
        for (int k = 0; k < optimizers.length; k++) {
            double[] u = p.toOptimizerVariables(new double[] {1, 1, 1});
            for (int i = 0; i < steps[k]; i++) {
                optimizers[k].step(u, f);
                double[] theta = p.toParameters(u);
                for (double t : theta) {
                    assertTrue(t > 0, optimizers[k].name() + " step " + i);
                }
            }
            double[] theta = p.toParameters(u);
            for (int i = 0; i < 3; i++) {
                assertEquals(want[i], theta[i], 1e-6 * want[i], optimizers[k].name() + " theta[" + i + "]");
            }
        }
    }

    @Test
    void aMinimumBelowTheSmallestDoubleIsApproachedButThetaStaysPositive() {
        // (log theta + 1000)^2 has its minimum at theta = e^-1000, which is not a double: the quasi-Newton
        // step aims at u = -1000, exp(u) underflows to 0, the wrapper answers +infinity and the line search
        // backtracks, so theta ends near the smallest positive doubles and is never 0.
        LogParametrization p = LogParametrization.all(1);
        boolean[] sawInfinity = {false};
        Objective inner = (t, g) -> {
            if (!(t[0] > 0)) {
                throw new AssertionError("objective called with theta = " + t[0]);
            }
            double r = Math.log(t[0]) + 1000;
            g[0] = 2 * r / t[0];
            return r * r;
        };
        Objective wrapped = p.wrap(inner);
        Objective watched = (u, g) -> {
            double f = wrapped.evaluate(u, g);
            sawInfinity[0] |= f == Double.POSITIVE_INFINITY;
            return f;
        };
        double[] u = {0};
        Lbfgs lbfgs = new Lbfgs();
        for (int i = 0; i < 100 && !lbfgs.lastStepFailed(); i++) {
            lbfgs.step(u, watched);
            assertTrue(p.toParameters(u)[0] > 0);
        }
        assertTrue(sawInfinity[0], "the trial steps never left the representable range: the test proved nothing");
        double theta = p.toParameters(u)[0];
        assertTrue(theta > 0 && theta < 1e-300, "theta = " + theta);
    }

    @Test
    void outOfRangeVariablesGiveInfinityWithoutCallingTheObjective() {
        LogParametrization p = LogParametrization.of(2, 0);
        Objective wrapped = p.wrap((t, g) -> {
            throw new AssertionError("called");
        });
        double[] g = new double[2];
        assertEquals(Double.POSITIVE_INFINITY, wrapped.evaluate(new double[] {-746, 1}, g));
        assertTrue(Double.isNaN(g[0]) && Double.isNaN(g[1]));
        assertEquals(Double.POSITIVE_INFINITY, wrapped.evaluate(new double[] {710, 1}, g));
    }
}
