package org.lshsmile.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProjectionsTest {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int[] DIMS = {1, 2, 7, 13, 39, 104, 117};
    private static final int[] NS = {1, 3, 17};

    /** Every vector width this CPU runs natively, plus the default instance of the facade. */
    private static List<Projections> vectorImpls() {
        List<Projections> out = new ArrayList<>();
        ProjectionKernels.simd().ifPresent(out::add);
        int lanes = VectorProjections.lanes();
        for (int w : new int[] {2, 4, 8}) {
            if (w <= lanes) {
                out.add(new VectorProjections(w));
            }
        }
        return out;
    }

    private static MemorySegment randomDoubles(Arena arena, long count, SplittableRandom rng) {
        MemorySegment s = arena.allocate(count * Double.BYTES, 8);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(D, i, rng.nextDouble(-1.0, 1.0));
        }
        return s;
    }

    @Test
    void simdIsBitwiseEqualToScalarAndCloseToNaive() {
        List<Projections> impls = vectorImpls();
        assumeTrue(!impls.isEmpty(), ProjectionKernels.vectorUnavailableReason());
        Projections scalar = ProjectionKernels.scalar();
        SplittableRandom rng = new SplittableRandom(42);
        double invR = 1.0 / 0.37;
        long checkedFloors = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int d : DIMS) {
                for (int n : NS) {
                    for (int rows = 1; rows <= 40; rows++) {
                        // Odd strides too: the kernels must not assume padded, aligned rows.
                        long ds = (rows % 2 == 0) ? (d + 7) / 8 * 8 : d + 3;
                        long dxs = (rows % 3 == 0) ? d : d + 1;
                        MemorySegment a = randomDoubles(arena, rows * ds, rng);
                        MemorySegment b = randomDoubles(arena, rows, rng);
                        MemorySegment x = randomDoubles(arena, n * dxs, rng);
                        MemorySegment ref = arena.allocate((long) n * rows * Integer.BYTES, 4);
                        scalar.project(a, b, rows, d, ds, x, n, dxs, invR, ref);
                        for (Projections p : impls) {
                            MemorySegment got = arena.allocate((long) n * rows * Integer.BYTES, 4);
                            p.project(a, b, rows, d, ds, x, n, dxs, invR, got);
                            assertEquals(-1L, ref.mismatch(got), () -> p.description() + " d=" + d);
                        }
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < rows; j++) {
                                double s = scalar.dot(a, j * ds, x, i * dxs, d);
                                for (Projections p : impls) {
                                    double v = p.dot(a, j * ds, x, i * dxs, d);
                                    assertEquals(Double.doubleToRawLongBits(s), Double.doubleToRawLongBits(v),
                                        p.description() + " dot d=" + d);
                                }
                                double naive = 0.0;
                                double mag = 0.0;
                                for (int k = 0; k < d; k++) {
                                    double t = a.getAtIndex(D, j * ds + k) * x.getAtIndex(D, i * dxs + k);
                                    naive += t;
                                    mag += Math.abs(t);
                                }
                                // Relative to sum |a_k x_k|: the condition-free bound for any summation order.
                                assertTrue(Math.abs(s - naive) <= 1e-12 * mag, "dot d=" + d);
                                double h = (naive + b.getAtIndex(D, j)) * invR;
                                if (Math.abs(h - Math.rint(h)) > 1e-9) {
                                    assertEquals((int) Math.floor(h), ref.getAtIndex(I, (long) i * rows + j));
                                    checkedFloors++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checkedFloors > 10_000, "floors checked: " + checkedFloors);
    }

    @Test
    void scalarMatchesNaiveEvenWithoutVectors() {
        SplittableRandom rng = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            for (int d : DIMS) {
                MemorySegment a = randomDoubles(arena, d, rng);
                MemorySegment x = randomDoubles(arena, d, rng);
                double naive = 0.0;
                double mag = 0.0;
                for (int k = 0; k < d; k++) {
                    naive += a.getAtIndex(D, k) * x.getAtIndex(D, k);
                    mag += Math.abs(a.getAtIndex(D, k) * x.getAtIndex(D, k));
                }
                assertTrue(Math.abs(ProjectionKernels.scalar().dot(a, 0, x, 0, d) - naive) <= 1e-12 * mag);
            }
        }
    }

    @Test
    void documentedReductionOrder() {
        // Values chosen so the order is visible: 1e16 + 1 loses the 1, (1e16 - 1e16) + 1 keeps it.
        double[] av = {1e16, 1.0, 0.0, 0.0, -1e16, 0.0, 0.0, 0.0, 0.5};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, av);
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            // ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)) + tail = (0 + 0) + (1 + 0) + 0.5
            assertEquals(1.5, ProjectionKernels.scalar().dot(a, 0, x, 0, 9), 0.0);
            for (Projections p : vectorImpls()) {
                assertEquals(1.5, p.dot(a, 0, x, 0, 9), 0.0, p.description());
            }
        }
    }

    @Test
    void codesSaturateAndNanIsZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0, 1.0, 1.0);
            MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 0.0, 0.0, 0.0);
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1e300, -1e300, Double.NaN);
            List<Projections> all = new ArrayList<>(vectorImpls());
            all.add(ProjectionKernels.scalar());
            for (Projections p : all) {
                MemorySegment out = arena.allocate(3L * Integer.BYTES, 4);
                p.project(a, b, 1, 1, 1, x, 3, 1, 1.0, out);
                assertEquals(Integer.MAX_VALUE, out.getAtIndex(I, 0));
                assertEquals(Integer.MIN_VALUE, out.getAtIndex(I, 1));
                assertEquals(0, out.getAtIndex(I, 2));
            }
        }
    }

    @Test
    void facadeByName() {
        assertSame(ProjectionKernels.scalar(), ProjectionKernels.byName("scalar"));
        assertEquals("scalar", ProjectionKernels.scalar().name());
        assertThrows(IllegalArgumentException.class, () -> ProjectionKernels.byName("gpu"));
        Projections auto = ProjectionKernels.byName(null);
        if (ProjectionKernels.simd().isPresent()) {
            assertSame(ProjectionKernels.simd().get(), auto);
            assertSame(auto, ProjectionKernels.byName(" SIMD "));
            assertTrue(ProjectionKernels.vectorUnavailableReason().isEmpty());
        } else {
            assertSame(ProjectionKernels.scalar(), auto);
            assertFalse(ProjectionKernels.vectorUnavailableReason().isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> new VectorProjections(3));
    }
}
