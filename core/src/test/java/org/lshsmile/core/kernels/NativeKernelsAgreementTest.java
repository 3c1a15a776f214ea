package org.lshsmile.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.bindings.NativeKernels;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.lsh.LshFamily;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;
import org.lshsmile.simd.StencilKernels;

/**
 * The native kernels against the scalar and SIMD Java kernels: every model and option, odd and minimal grid
 * sizes, both boundaries, 1 and 2 threads, several steps. The C code keeps the Java operation order without
 * FMA, so the tolerance is 0 ulp (stricter than the 1e-12 relative the issue allows). Skipped with the
 * loader's reason when the library is absent.
 */
class NativeKernelsAgreementTest {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final int STEPS = 6;

    private static StencilKernels nat;

    @BeforeAll
    static void load() {
        assumeTrue(KernelSets.nativeStencils().isPresent(), () -> "native library absent: "
            + KernelSets.nativeLibrary().description());
        nat = KernelSets.stencils("native");
    }

    /** A model with its grid spacing, time step and a random initial state that exercises every branch. */
    record Case(String label, Model model, double dx, double dt) {
        double[] initial(int ny, int nx) {
            int m = model.fields();
            int plane = ny * nx;
            double[] v = new double[m * plane];
            SplittableRandom r = new SplittableRandom(label.hashCode() * 31L + ny * 1000L + nx);
            for (int i = 0; i < plane; i++) {
                if (model instanceof Nanovoid) {
                    boolean inVoid = r.nextInt(8) == 0; // 1 - c_v - c_i < EPS there: the void mask acts
                    v[i] = inVoid ? 1.0 : r.nextDouble(0.0, 0.2);
                    v[plane + i] = inVoid ? 0.0 : r.nextDouble(0.0, 0.1);
                    v[2 * plane + i] = inVoid ? 1.0 : r.nextDouble();
                } else if (model instanceof CahnHilliard) {
                    v[i] = 0.5 + 0.05 * r.nextDouble(-1.0, 1.0);
                } else {
                    for (int f = 0; f < m; f++) {
                        // values slightly outside [0, 1] too, so the clamp acts
                        v[f * plane + i] = r.nextDouble(-0.05, 1.05);
                    }
                }
            }
            return v;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> models() {
        List<Case> out = new ArrayList<>();
        for (int q : new int[] {1, 3, 8}) {
            for (boolean clamp : new boolean[] {false, true}) {
                out.add(new Case("grain-growth Q=" + q + (clamp ? " clamp" : ""), Preset.DEFAULT.grainGrowth(q, clamp),
                    0.5, 0.05));
            }
        }
        out.add(new Case("cahn-hilliard", CahnHilliard.pfhub1(), 1.0, 2e-3));
        for (Nanovoid.Form form : Nanovoid.Form.values()) {
            for (boolean mask : new boolean[] {false, true}) {
                for (boolean clamp : new boolean[] {false, true}) {
                    out.add(new Case("nanovoid " + form + (mask ? " mask" : "") + (clamp ? " clamp" : ""),
                        Nanovoid.standard(form).with(form, mask, clamp), 1.0, 0.02));
                }
            }
        }
        return out;
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        int[][] sizes = {{37, 29}, {2, 2}, {2, 13}, {17, 3}};
        for (Case c : models()) {
            for (int[] s : sizes) {
                for (Boundary bc : Boundary.values()) {
                    b.add(Arguments.of(c, s[0], s[1], bc));
                }
            }
        }
        return b.build();
    }

    private static double[] run(Case c, int ny, int nx, Boundary bc, StencilKernels k, int threads, boolean active) {
        return run(c, ny, nx, bc, k, threads, active, null);
    }

    /** @param pairSteps two-step passes forced on or off; null: the engine's default (by state size) */
    private static double[] run(Case c, int ny, int nx, Boundary bc, StencilKernels k, int threads, boolean active,
                                Boolean pairSteps) {
        try (Grid g = new Grid(c.model().fields(), ny, nx, c.dx(), bc);
             Engine e = active ? new ActiveSetEngine(c.model(), g, c.dt(), k, threads, 0.0)
                 : pairSteps == null ? new ExactEngine(c.model(), g, c.dt(), k, threads, 0)
                 : new ExactEngine(c.model(), g, c.dt(), k, threads, 0, pairSteps)) {
            if (pairSteps != null && !active) {
                assertEquals(pairSteps && c.model() instanceof GrainGrowth && !g.is3d(), ((ExactEngine) e).pairSteps(),
                    "two-step passes in use");
            }
            g.copyFrom(c.initial(ny, nx));
            if (!active && threads > 1) {
                assertEquals(threads, ((ExactEngine) e).threads(), "bands actually used");
            }
            e.step(STEPS);
            double[] out = new double[c.model().fields() * ny * nx];
            g.copyTo(out);
            return out;
        }
    }

    private static void assertBitwise(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                assertEquals(expected[i], actual[i], 0.0, what + ": element " + i + " differs");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2} {3}")
    @MethodSource("cases")
    void nativeScalarAndSimdAgreeBitwise(Case c, int ny, int nx, Boundary bc) {
        double[] scalar = run(c, ny, nx, bc, Kernels.scalar(), 1, false);
        double[] init = c.initial(ny, nx);
        assertTrue(java.util.Arrays.mismatch(init, scalar) >= 0, "the state changed");
        assertBitwise(scalar, run(c, ny, nx, bc, nat, 1, false), "native, 1 thread vs scalar");
        // grain growth: the two-step passes too (the other models step one at a time either way)
        assertBitwise(scalar, run(c, ny, nx, bc, nat, 1, false, true), "native two-step passes vs scalar");
        if (ny >= 16) {
            assertBitwise(scalar, run(c, ny, nx, bc, nat, 2, false), "native, 2 threads vs scalar");
            assertBitwise(scalar, run(c, ny, nx, bc, nat, 2, false, true), "native two-step passes, 2 threads");
        }
        Optional<StencilKernels> simd = Kernels.simd();
        if (simd.isPresent()) {
            assertBitwise(scalar, run(c, ny, nx, bc, simd.get(), 1, false), "simd vs scalar");
            assertBitwise(scalar, run(c, ny, nx, bc, simd.get(), 1, false, true), "simd two-step passes vs scalar");
        }
    }

    /**
     * A grain-growth state of 64 MB or more is written with streaming stores (native/src/internal.h,
     * LSHSMILE_STREAM_MIN_BYTES): same bits as the scalar kernels, with and without the clamp, on 1 and 2 threads,
     * in single steps and in two-step passes.
     */
    @Test
    void streamingStoresOfLargeStatesGiveTheSameBits() {
        int ny = 1024;
        int nx = 1027;
        assertTrue(Grid.bytesFor(8, ny, nx) / 2 >= 64L << 20, "one buffer is past the streaming threshold");
        for (Case c : models()) {
            if (c.model().fields() != 8) {
                continue;
            }
            double[] scalar = run(c, ny, nx, Boundary.PERIODIC, Kernels.scalar(), 1, false);
            for (int threads : new int[] {1, 2}) {
                for (boolean pairs : new boolean[] {false, true}) {
                    assertBitwise(scalar, run(c, ny, nx, Boundary.PERIODIC, nat, threads, false, pairs), c + ", "
                        + threads + " threads, streaming stores" + (pairs ? ", two-step passes" : ""));
                }
            }
        }
    }

    /** tau = 0: the active-set engine gives the exact engine's bits; its dense steps run the native kernels. */
    @Test
    void activeSetEngineRunsOnNativeKernels() {
        Case c = models().get(2); // grain growth Q = 3
        double[] scalar = run(c, 37, 29, Boundary.PERIODIC, Kernels.scalar(), 1, false);
        for (int threads : new int[] {1, 2}) {
            assertBitwise(scalar, run(c, 37, 29, Boundary.PERIODIC, nat, threads, true), "active, " + threads);
        }
    }

    @Test
    void nativeDescribesItself() {
        assertEquals("native", nat.name());
        assertTrue(nat.description().contains("abi " + org.lshsmile.bindings.NativeLibrary.ABI_VERSION),
            nat.description());
        try (Grid g = new Grid(1, 4, 4, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(CahnHilliard.pfhub1(), g, 1e-3, nat, 1)) {
            assertTrue(e.description().startsWith("exact, native (C through FFM"), e.description());
        }
    }

    @Test
    void logIsBitwiseTheJavaLog() {
        NativeKernels k = KernelSets.nativeLibrary().kernels().orElseThrow();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            double x = switch (i % 3) {
                case 0 -> r.nextDouble(1e-6, 1.0);
                case 1 -> r.nextDouble(1.0, 1e3);
                default -> Double.longBitsToDouble(r.nextLong() & 0x7FEFFFFFFFFFFFFFL | 0x0010000000000000L);
            };
            assertEquals(Double.doubleToRawLongBits(Kernels.log(x)), Double.doubleToRawLongBits(k.log(x)), "log " + x);
        }
        for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_NORMAL, Double.MAX_VALUE,
            1.0, Math.sqrt(2.0), Math.nextUp(Math.sqrt(2.0))}) {
            assertEquals(Double.doubleToRawLongBits(Kernels.log(x)), Double.doubleToRawLongBits(k.log(x)), "log " + x);
        }
    }

    @Test
    void maxAbsDiffMatchesJava() {
        NativeKernels k = KernelSets.nativeLibrary().kernels().orElseThrow();
        SplittableRandom r = new SplittableRandom(9);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[] {1, 7, 8, 9, 63, 1001}) {
                MemorySegment x = arena.allocate((long) n * Double.BYTES, 64);
                MemorySegment y = arena.allocate((long) n * Double.BYTES, 64);
                double expected = 0.0;
                for (int i = 0; i < n; i++) {
                    double a = r.nextDouble(-1, 1);
                    double b = r.nextDouble(-1, 1);
                    x.setAtIndex(D, i, a);
                    y.setAtIndex(D, i, b);
                    expected = Math.max(expected, Math.abs(a - b));
                }
                assertEquals(expected, k.maxAbsDiff(x, y, n), 0.0, "n=" + n);
            }
        }
    }

    @Test
    void projectionsAreBitwiseTheScalarOnes() {
        Projections np = KernelSets.projections("native");
        Projections scalar = ProjectionKernels.scalar();
        SplittableRandom r = new SplittableRandom(42);
        try (Arena arena = Arena.ofConfined()) {
            for (int d : new int[] {1, 7, 13, 39, 117}) {
                for (int rows : new int[] {1, 5, 40}) {
                    int n = 17;
                    long ds = rows % 2 == 0 ? (d + 7) / 8 * 8 : d + 3;
                    long dxs = d + 1;
                    MemorySegment a = random(arena, rows * ds, r);
                    MemorySegment b = random(arena, rows, r);
                    MemorySegment x = random(arena, n * dxs, r);
                    MemorySegment want = arena.allocate((long) n * rows * Integer.BYTES, 8);
                    MemorySegment got = arena.allocate((long) n * rows * Integer.BYTES, 8);
                    scalar.project(a, b, rows, d, ds, x, n, dxs, 1 / 0.37, want);
                    np.project(a, b, rows, d, ds, x, n, dxs, 1 / 0.37, got);
                    assertEquals(-1L, want.mismatch(got), "d=" + d + " rows=" + rows);
                    assertEquals(scalar.dot(a, (rows - 1) * ds, x, (n - 1) * dxs, d), np.dot(a, (rows - 1) * ds, x, (n - 1) * dxs, d), 0.0);
                }
            }
        }
    }

    @Test
    void lshFamilyTakesNativeProjectionsFromTheProperty() {
        String old = System.getProperty(Kernels.PROPERTY);
        System.setProperty(Kernels.PROPERTY, "native");
        try (LshFamily nf = new LshFamily(4, 5, 26, 0.3, 11);
             LshFamily sf = new LshFamily(4, 5, 26, 0.3, 11, ProjectionKernels.scalar());
             Arena arena = Arena.ofConfined()) {
            assertEquals("native", nf.projections().name());
            int n = 300;
            MemorySegment x = random(arena, n * 26L, new SplittableRandom(3));
            MemorySegment a = arena.allocate((long) n * nf.rows() * Integer.BYTES, 8);
            MemorySegment b = arena.allocate((long) n * nf.rows() * Integer.BYTES, 8);
            nf.codes(x, n, 26, a);
            sf.codes(x, n, 26, b);
            assertEquals(-1L, a.mismatch(b));
            assertTrue(a.getAtIndex(I, 0) != 0 || a.getAtIndex(I, 1) != 0, "codes were written");
        } finally {
            if (old == null) {
                System.clearProperty(Kernels.PROPERTY);
            } else {
                System.setProperty(Kernels.PROPERTY, old);
            }
        }
    }

    @Test
    void unknownAndUnavailableNamesAreRefused() {
        assertEquals("scalar", KernelSets.stencils("scalar").name());
        assertEquals("native", KernelSets.stencils(" Native ").name());
        assertThrows(IllegalArgumentException.class, () -> KernelSets.stencils("gpu"));
        assertThrows(IllegalArgumentException.class, () -> KernelSets.projections("gpu"));
    }

    private static MemorySegment random(Arena arena, long count, SplittableRandom r) {
        MemorySegment s = arena.allocate(count * Double.BYTES, 8);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(D, i, r.nextDouble(-1.0, 1.0));
        }
        return s;
    }
}
