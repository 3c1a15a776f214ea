package org.lshsmile.core.lsh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;

class LshFamilyTest {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    private static MemorySegment gaussianVectors(Arena arena, int n, int d, SplittableRandom rng) {
        MemorySegment s = arena.allocate((long) n * d * Double.BYTES, 8);
        for (long i = 0; i < (long) n * d; i++) {
            s.setAtIndex(D, i, rng.nextDouble(-3, 3));
        }
        return s;
    }

    @Test
    void sameSeedSameFamilyAndCodes() {
        try (LshFamily f1 = new LshFamily(10, 3, 39, 0.01, 5);
             LshFamily f2 = new LshFamily(10, 3, 39, 0.01, 5, ProjectionKernels.scalar());
             LshFamily f3 = new LshFamily(10, 3, 39, 0.01, 6);
             Arena arena = Arena.ofConfined()) {
            assertEquals(-1L, f1.matrix().mismatch(f2.matrix()));
            assertEquals(-1L, f1.offsets().mismatch(f2.offsets()));
            assertNotEquals(-1L, f1.matrix().mismatch(f3.matrix()));
            assertEquals(40, f1.rowStride());
            assertEquals(0, f1.matrix().address() % 64, "rows start on cache lines");
            MemorySegment x = gaussianVectors(arena, 17, 39, new SplittableRandom(1));
            MemorySegment c1 = arena.allocate(17L * 30 * Integer.BYTES, 4);
            MemorySegment c2 = arena.allocate(17L * 30 * Integer.BYTES, 4);
            f1.codes(x, 17, 39, c1);
            f2.codes(x, 17, 39, c2);
            // Whatever kernels f1 got (simd or scalar), the codes are the same bits.
            assertEquals(-1L, c1.mismatch(c2));
            for (int i = 0; i < 17; i++) {
                for (int l = 0; l < 10; l++) {
                    assertEquals(f1.tableKey(c1, i * 30L, l), f2.tableKey(c2, i * 30L, l));
                }
            }
        }
    }

    @Test
    void codesMatchTheDefinition() {
        int d = 13;
        try (LshFamily f = new LshFamily(4, 5, d, 0.3, 11); Arena arena = Arena.ofConfined()) {
            int n = 50;
            long stride = 16;
            MemorySegment x = gaussianVectors(arena, n, (int) stride, new SplittableRandom(2));
            MemorySegment codes = arena.allocate((long) n * f.rows() * Integer.BYTES, 4);
            f.codes(x, n, stride, codes);
            MemorySegment a = f.matrix();
            int checked = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f.rows(); j++) {
                    double s = f.offsets().getAtIndex(D, j);
                    for (int k = 0; k < d; k++) {
                        s += a.getAtIndex(D, j * f.rowStride() + k) * x.getAtIndex(D, i * stride + k);
                    }
                    double h = s / f.bucketWidth();
                    if (Math.abs(h - Math.rint(h)) > 1e-9) {
                        assertEquals((int) Math.floor(h), codes.getAtIndex(I, (long) i * f.rows() + j));
                        checked++;
                    }
                }
            }
            assertTrue(checked > 900);
        }
    }

    @Test
    void matrixIsStandardGaussianAndOffsetsUniform() {
        int d = 13;
        double r = 2.5;
        try (LshFamily f = new LshFamily(500, 8, d, r, 2024)) {
            MemorySegment a = f.matrix();
            double n = 0;
            double s1 = 0;
            double s2 = 0;
            double s4 = 0;
            for (int j = 0; j < f.rows(); j++) {
                for (int k = 0; k < f.rowStride(); k++) {
                    double v = a.getAtIndex(D, j * f.rowStride() + k);
                    if (k >= d) {
                        assertEquals(0.0, v, 0.0, "padding is zero");
                        continue;
                    }
                    n++;
                    s1 += v;
                    s2 += v * v;
                    s4 += v * v * v * v;
                }
            }
            double mean = s1 / n;
            double var = s2 / n - mean * mean;
            double m4 = s4 / n;
            // 5 sigma: sd of the mean 1/sqrt(n), of the variance sqrt(2/n), of the 4th moment sqrt(96/n).
            assertEquals(0.0, mean, 5 / Math.sqrt(n), "mean");
            assertEquals(1.0, var, 5 * Math.sqrt(2 / n), "variance");
            assertEquals(3.0, m4, 5 * Math.sqrt(96 / n), "fourth moment");
            MemorySegment b = f.offsets();
            double bs = 0;
            for (int j = 0; j < f.rows(); j++) {
                double v = b.getAtIndex(D, j);
                assertTrue(v >= 0 && v < r, "offset " + v);
                bs += v;
            }
            // Uniform on [0, r): mean r/2, sd r/sqrt(12 rows).
            assertEquals(r / 2, bs / f.rows(), 5 * r / Math.sqrt(12.0 * f.rows()));
        }
    }

    /** Phi(x) from erfc (Numerical Recipes' erfcc, relative error < 1.2e-7). */
    private static double phi(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    private static double theory(double rOverC) {
        double s = rOverC;
        return 1 - 2 * phi(-s) - 2 / (Math.sqrt(2 * Math.PI) * s) * (1 - Math.exp(-s * s / 2));
    }

    @Test
    void collisionProbabilityMatchesTheory() {
        int d = 8;
        double r = 1.0;
        int pairs = 200;
        try (LshFamily f = new LshFamily(2500, 4, d, r, 99); Arena arena = Arena.ofConfined()) {
            int rows = f.rows();
            SplittableRandom rng = new SplittableRandom(3);
            for (double cOverR : new double[] {0.25, 0.5, 1.0, 2.0}) {
                double c = cOverR * r;
                MemorySegment x = arena.allocate(2L * pairs * d * Double.BYTES, 8);
                for (int p = 0; p < pairs; p++) {
                    double[] u = new double[d];
                    double norm = 0;
                    for (int k = 0; k < d; k++) {
                        u[k] = rng.nextDouble(-1, 1);
                        norm += u[k] * u[k];
                    }
                    norm = Math.sqrt(norm);
                    for (int k = 0; k < d; k++) {
                        double base = rng.nextDouble(-10, 10);
                        x.setAtIndex(D, 2L * p * d + k, base);
                        x.setAtIndex(D, (2L * p + 1) * d + k, base + c * u[k] / norm);
                    }
                }
                MemorySegment codes = arena.allocate(2L * pairs * rows * Integer.BYTES, 4);
                f.codes(x, 2 * pairs, d, codes);
                long hits = 0;
                for (int p = 0; p < pairs; p++) {
                    for (int j = 0; j < rows; j++) {
                        if (codes.getAtIndex(I, 2L * p * rows + j) == codes.getAtIndex(I, (2L * p + 1) * rows + j)) {
                            hits++;
                        }
                    }
                }
                double got = hits / ((double) pairs * rows);
                double want = theory(r / c);
                // Conservative: one effective sample per hash function (the pairs only shrink the variance).
                double tol = 5 * Math.sqrt(want * (1 - want) / rows);
                assertEquals(want, got, tol, "collision probability at c/r = " + cOverR);
            }
        }
    }

    @Test
    void tableKeysAreInjectiveForSmallKAndUseEveryCode() {
        try (LshFamily f = new LshFamily(2, 2, 3, 1.0, 1); Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(4L * Integer.BYTES, 4);
            Set<Long> keys = new HashSet<>();
            for (int c0 = -20; c0 <= 20; c0++) {
                for (int c1 = -20; c1 <= 20; c1++) {
                    codes.setAtIndex(I, 2, c0);
                    codes.setAtIndex(I, 3, c1);
                    assertTrue(keys.add(f.tableKey(codes, 0, 1)));
                }
            }
        }
        try (LshFamily f = new LshFamily(1, 3, 3, 1.0, 1); Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(3L * Integer.BYTES, 4);
            long k0 = f.tableKey(codes, 0, 0);
            for (int i = 0; i < 3; i++) {
                codes.setAtIndex(I, i, 1);
                assertNotEquals(k0, f.tableKey(codes, 0, 0), "code " + i + " changes the key");
                codes.setAtIndex(I, i, 0);
            }
        }
    }

    @Test
    void argumentsAreCheckedAndCloseKillsTheSegments() {
        assertThrows(IllegalArgumentException.class, () -> new LshFamily(0, 3, 4, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LshFamily(1, 3, 4, 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LshFamily(1, 3, 4, Double.NaN, 1));
        LshFamily f = new LshFamily(2, 3, 4, 1.0, 1, ProjectionKernels.scalar());
        Projections p = f.projections();
        assertEquals("scalar", p.name());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4L * 4 * Double.BYTES, 8);
            MemorySegment out = arena.allocate(4L * 6 * Integer.BYTES, 4);
            assertThrows(IllegalArgumentException.class, () -> f.codes(x, 5, 4, out));
            assertThrows(IllegalArgumentException.class, () -> f.codes(x, 4, 3, out));
            assertThrows(IllegalArgumentException.class, () -> f.codes(x, -1, 4, out));
            assertThrows(IllegalArgumentException.class, () -> f.codes(x, 4, 4, out.asSlice(4)));
            assertThrows(IllegalArgumentException.class, () -> f.codes(x, 4, 4, out.asReadOnly()));
            assertThrows(IllegalArgumentException.class, () -> f.tableKey(out, 0, 2));
            assertThrows(IllegalArgumentException.class, () -> f.tableKey(out, 19, 1));
            f.codes(x, 4, 4, out);
            f.tableKey(out, 18, 1);
            MemorySegment m = f.matrix();
            MemorySegment b = f.offsets();
            f.close();
            f.close();
            assertThrows(IllegalStateException.class, () -> m.getAtIndex(D, 0));
            assertThrows(IllegalStateException.class, () -> b.getAtIndex(D, 0));
            assertThrows(IllegalStateException.class, () -> f.codes(x, 4, 4, out));
            assertThrows(IllegalStateException.class, () -> f.tableKey(out, 0, 0));
            assertThrows(IllegalStateException.class, f::matrix);
        }
    }
}
