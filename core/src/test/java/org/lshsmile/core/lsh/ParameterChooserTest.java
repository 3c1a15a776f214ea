package org.lshsmile.core.lsh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ParameterChooser}: the error function, p(u), and the choice of K and L by Theorem 1. */
class ParameterChooserTest {

    /** |got - want| <= 1e-12 |want|: relative error at most 1e-12. */
    private static void close(double want, double got, String what) {
        double tol = 1e-12 * Math.abs(want);
        assertTrue(Math.abs(got - want) <= tol, () -> what + ": want " + want + ", got " + got + ", rel err "
            + Math.abs(got - want) / Math.abs(want));
    }

    @Test
    void erfcMatchesHighPrecisionValuesTo1e12Relative() {
        // reference values: mpmath at 30 digits
        double[][] erfc = {
            {0.1, 0.8875370839817151016}, {0.3, 0.67137324054087258381}, {0.46875, 0.50738652678206200841},
            {0.5, 0.47950012218695346232}, {1, 0.15729920705028513066}, {2, 0.0046777349810472658379},
            {3, 2.2090496998585441373e-5}, {4, 1.5417257900280018852e-8}, {4.5, 1.9661604415428874763e-10},
            {5, 1.5374597944280348502e-12}, {6, 2.1519736712498913117e-17}, {10, 2.088487583762544757e-45},
            {-0.5, 1.5204998778130465377}, {-1, 1.8427007929497148693}, {-2, 1.9953222650189527342}};
        for (double[] e : erfc) {
            close(e[1], ParameterChooser.erfc(e[0]), "erfc(" + e[0] + ")");
        }
        double[][] erf = {{0.2, 0.22270258921047846618}, {0.5, 0.52049987781304653768}, {1, 0.84270079294971486934},
            {2, 0.99532226501895273416}, {3.5, 0.99999925690162765859}};
        for (double[] e : erf) {
            close(e[1], ParameterChooser.erf(e[0]), "erf(" + e[0] + ")");
            close(-e[1], ParameterChooser.erf(-e[0]), "erf(" + -e[0] + ")");
        }
        assertEquals(1.0, ParameterChooser.erfc(0.0));
        assertEquals(0.0, ParameterChooser.erf(0.0));
        assertEquals(0.0, ParameterChooser.erfc(30.0));
        assertEquals(2.0, ParameterChooser.erfc(-30.0));
        assertTrue(Double.isNaN(ParameterChooser.erfc(Double.NaN)));
    }

    @Test
    void normalCdfMatchesHighPrecisionValues() {
        double[][] phi = {{-1, 0.15865525393145705141}, {-1.96, 0.024997895148220436213},
            {-3, 0.0013498980316300945267}, {-5, 2.8665157187919391167e-7}, {0, 0.5}, {1.5, 0.933192798731141934},
            {-8, 6.2209605742717841235e-16}};
        for (double[] e : phi) {
            close(e[1], ParameterChooser.normalCdf(e[0]), "Phi(" + e[0] + ")");
        }
    }

    @Test
    void collisionProbabilityMatchesHighPrecisionValues() {
        // p at t = w / u, mpmath at 30 digits
        double[][] p = {{1, 0.36874638037250724089}, {0.5, 0.19541710799949340661}, {0.25, 0.099219342577179680492},
            {2, 0.60954842221539695961}, {1e-4, 3.9894228006898079706e-5}, {1e-2, 0.0039893895591567423418},
            {10, 0.92021154391971346441}};
        for (double[] e : p) {
            close(e[1], ParameterChooser.collisionProbability(1.0 / e[0], 1.0), "p(t = " + e[0] + ")");
            close(e[1], ParameterChooser.collisionProbability(3.0 / e[0], 3.0), "p(t = " + e[0] + ", w = 3)");
        }
    }

    @Test
    void collisionProbabilityLimitsAndMonotone() {
        assertEquals(1.0, ParameterChooser.collisionProbability(0.0, 1.0));
        assertEquals(0.0, ParameterChooser.collisionProbability(Double.POSITIVE_INFINITY, 1.0));
        assertTrue(ParameterChooser.collisionProbability(1e-12, 1.0) > 1 - 1e-11);
        assertTrue(ParameterChooser.collisionProbability(1e12, 1.0) < 1e-12);
        assertTrue(ParameterChooser.collisionProbability(1e12, 1.0) > 0);
        double prev = 1.0;
        for (double u = 1e-6; u < 1e6; u *= 1.01) {
            double p = ParameterChooser.collisionProbability(u, 1.0);
            assertTrue(p >= 0 && p <= 1, "p(" + u + ") = " + p);
            assertTrue(p <= prev, "not decreasing at u = " + u + ": " + p + " > " + prev);
            prev = p;
        }
        // strictly decreasing where it is far from 0 and 1
        for (double u = 0.05; u < 100; u *= 1.05) {
            assertTrue(ParameterChooser.collisionProbability(u * 1.05, 1.0)
                < ParameterChooser.collisionProbability(u, 1.0), "u = " + u);
        }
        assertThrows(IllegalArgumentException.class, () -> ParameterChooser.collisionProbability(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> ParameterChooser.collisionProbability(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> ParameterChooser.collisionProbability(1, 0));
        assertThrows(IllegalArgumentException.class,
            () -> ParameterChooser.collisionProbability(1, Double.POSITIVE_INFINITY));
    }

    @Test
    void collisionProbabilityAgreesWithMonteCarloOfGaussianProjections() {
        SplittableRandom rnd = new SplittableRandom(20040608L);
        int d = 8;
        int n = 200_000;
        double w = 0.7;
        for (double u : new double[] {0.1, 0.7, 1.4, 5.0}) {
            // two points at distance u along a random direction
            double[] x = new double[d];
            double[] dir = new double[d];
            double norm = 0;
            for (int i = 0; i < d; i++) {
                x[i] = rnd.nextDouble(-3, 3);
                dir[i] = rnd.nextGaussian();
                norm += dir[i] * dir[i];
            }
            norm = Math.sqrt(norm);
            double[] y = new double[d];
            for (int i = 0; i < d; i++) {
                y[i] = x[i] + u * dir[i] / norm;
            }
            int hits = 0;
            for (int t = 0; t < n; t++) {
                double ax = 0;
                double ay = 0;
                for (int i = 0; i < d; i++) {
                    double a = rnd.nextGaussian();
                    ax += a * x[i];
                    ay += a * y[i];
                }
                double b = rnd.nextDouble() * w;
                if (Math.floor((ax + b) / w) == Math.floor((ay + b) / w)) {
                    hits++;
                }
            }
            double p = ParameterChooser.collisionProbability(u, w);
            double sigma = Math.sqrt(p * (1 - p) / n);
            double est = (double) hits / n;
            assertTrue(Math.abs(est - p) <= 5 * sigma,
                "u = " + u + ": Monte Carlo " + est + " vs p(u) = " + p + " (5 sigma = " + 5 * sigma + ")");
        }
    }

    @Test
    void andOrIsTheAndOfKOrOfL() {
        assertEquals(1 - Math.pow(1 - Math.pow(0.4, 3), 10), ParameterChooser.andOr(0.4, 3, 10), 1e-15);
        assertEquals(0.4, ParameterChooser.andOr(0.4, 1, 1), 1e-16);
        assertEquals(1.0, ParameterChooser.andOr(1.0, 5, 5));
        assertEquals(0.0, ParameterChooser.andOr(0.0, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> ParameterChooser.andOr(1.1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ParameterChooser.andOr(0.5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ParameterChooser.andOr(0.5, 1, 0));
    }

    @Test
    void chosenKAndLSatisfyTheClaimedInequalities() {
        int skipped = 0;
        for (double eps : new double[] {0.4, 0.25, 0.1, 0.05, 0.01, 1e-3, 1e-4, 0.6, 0.9}) {
            for (double c : new double[] {1.5, 2, 3, 5, 10, 100}) {
                for (double r : new double[] {1e-4, 0.01, 1, 37}) {
                    ParameterChooser.Choice ch;
                    try {
                        ch = ParameterChooser.choose(eps, c, r);
                    } catch (IllegalArgumentException e) {
                        // only where the theorem itself needs more than MAX_TABLES tables
                        double p = ParameterChooser.collisionProbability(r, r);
                        double q = ParameterChooser.collisionProbability(c * r, r);
                        double cc = Math.log1p(-eps) / Math.log(eps);
                        double k0 = Math.max(1, Math.ceil(Math.log(1 / cc) / Math.log(p / q)));
                        assertTrue(Math.log(eps) / Math.log1p(-Math.pow(p, k0)) > ParameterChooser.MAX_TABLES,
                            "eps " + eps + ", c " + c + ": " + e.getMessage());
                        skipped++;
                        continue;
                    }
                    String what = "eps " + eps + ", c " + c + ", r " + r + ": " + ch;
                    assertEquals(r, ch.w(), what);
                    assertEquals(ParameterChooser.collisionProbability(r, r), ch.p(), what);
                    assertEquals(ParameterChooser.collisionProbability(c * r, r), ch.q(), what);
                    assertEquals(ParameterChooser.andOr(ch.p(), ch.k(), ch.l()), ch.nearCollision(), what);
                    assertEquals(ParameterChooser.andOr(ch.q(), ch.k(), ch.l()), ch.farCollision(), what);
                    assertTrue(ch.nearCollision() >= 1 - eps, what);
                    assertTrue(ch.farCollision() <= eps, what);
                    assertTrue(ch.k() >= ch.theoremK() && ch.theoremK() >= 1, what);
                    assertTrue(ch.l() >= ch.theoremL() && ch.l() < ch.theoremL() + 2, what);
                    assertEquals(Math.log1p(-eps) / Math.log(eps), ch.theoremC(), 1e-15, what);
                    if (eps < 0.5) {
                        assertTrue(ch.theoremC() > 0 && ch.theoremC() < 1, what);
                    }
                    // the theorem's K: (q/p)^K <= C
                    assertTrue(Math.pow(ch.q() / ch.p(), ch.theoremK()) <= ch.theoremC() * (1 + 1e-12)
                        || ch.theoremK() == 1 && ch.q() / ch.p() <= ch.theoremC(), what);
                }
            }
        }
        assertTrue(skipped <= 9 * 6 * 4 / 4, "skipped " + skipped);
    }

    @Test
    void paperSettingsExample() {
        // w = r: p = p(r) = 0.3687 whatever r; c = 2 gives q = 0.1954
        ParameterChooser.Choice ch = ParameterChooser.choose(0.1, 2, 0.01);
        close(0.36874638037250724089, ch.p(), "p");
        close(0.19541710799949340661, ch.q(), "q");
        assertEquals(ch, new ParameterChooser.Choice(0.1, 2, 0.01, 0.01, ch.theoremC(), ch.theoremK(), ch.k(),
            ch.l(), ch.theoremL(), ch.p(), ch.q(), ch.nearCollision(), ch.farCollision()));
        // r only scales: same K and L for every r
        for (double r : new double[] {1e-6, 1, 1e6}) {
            ParameterChooser.Choice o = ParameterChooser.choose(0.1, 2, r);
            assertEquals(ch.k(), o.k());
            assertEquals(ch.l(), o.l());
        }
    }

    @Test
    void smallerEpsilonNeverGivesFewerTables() {
        for (double c : new double[] {1.5, 2, 3, 4, 8}) {
            int prevL = 0;
            int prevK = 0;
            boolean tooMany = false;
            for (double eps = 0.99; eps > 1e-4; eps *= 0.98) {
                ParameterChooser.Choice ch;
                try {
                    ch = ParameterChooser.choose(eps, c, 1.0);
                } catch (IllegalArgumentException e) {
                    tooMany = true; // more than MAX_TABLES: every smaller epsilon must need more too
                    continue;
                }
                assertTrue(!tooMany, "c " + c + ", eps " + eps + ": feasible after an infeasible larger epsilon");
                assertTrue(ch.l() >= prevL, "c " + c + ", eps " + eps + ": L " + ch.l() + " < " + prevL);
                assertTrue(ch.k() >= prevK, "c " + c + ", eps " + eps + ": K " + ch.k() + " < " + prevK);
                prevL = ch.l();
                prevK = ch.k();
            }
        }
    }

    @Test
    void argumentChecks() {
        double[][] bad = {{0, 2, 1}, {1, 2, 1}, {-0.1, 2, 1}, {Double.NaN, 2, 1}, {0.1, 1, 1}, {0.1, 0.5, 1},
            {0.1, Double.POSITIVE_INFINITY, 1}, {0.1, Double.NaN, 1}, {0.1, 2, 0}, {0.1, 2, -1},
            {0.1, 2, Double.POSITIVE_INFINITY}, {0.1, 2, Double.NaN}, {0.1, 2, Double.MAX_VALUE}};
        for (double[] b : bad) {
            assertThrows(IllegalArgumentException.class, () -> ParameterChooser.choose(b[0], b[1], b[2]),
                () -> java.util.Arrays.toString(b));
        }
        assertThrows(IllegalArgumentException.class, () -> ParameterChooser.choose(0.1, 2, 1, 0));
        // c barely above 1 needs more tables than allowed
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ParameterChooser.choose(1e-6, 1.0001, 1));
        assertTrue(e.getMessage().contains("use a larger epsilon or c"), e.getMessage());
    }
}
