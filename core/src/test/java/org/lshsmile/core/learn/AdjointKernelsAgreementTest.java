package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.AdjointKernels;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * SIMD against scalar adjoint kernels over odd sizes (vector tails), both boundary conditions, 1 and 2
 * threads, for grain growth (Q = 1, 3, 8), Cahn-Hilliard and nanovoid (both forms; void mask on and off,
 * the clamp active in the rollouts).
 *
 * <p>Two levels. One adjoint step on a random adjoint, rows in one band and in two: the adjoint written is
 * bitwise equal (the SIMD kernels keep the scalar operation order), the parameter sums agree to 1e-12
 * relative (the SIMD kernels sum a row's terms lane by lane, a different order of the same additions).
 * And a whole rollout gradient: forward losses bitwise equal, gradients to 1e-12 relative.
 */
class AdjointKernelsAgreementTest {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final double REL = 1e-12;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int n : new int[] {17, 31, 64, 100}) {
            for (int q : new int[] {1, 3, 8}) {
                for (Boundary bc : Boundary.values()) {
                    b.add(Arguments.of(n, q, bc));
                }
            }
        }
        return b.build();
    }

    static Stream<Arguments> sizes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int n : new int[] {17, 31, 64, 100}) {
            for (Boundary bc : Boundary.values()) {
                b.add(Arguments.of(n, bc));
            }
        }
        return b.build();
    }

    static Stream<Arguments> nanovoidCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int n : new int[] {17, 31, 64, 100}) {
            for (Nanovoid.Form form : Nanovoid.Form.values()) {
                for (Boundary bc : Boundary.values()) {
                    b.add(Arguments.of(n, form, bc));
                }
            }
        }
        return b.build();
    }

    /**
     * {@link NanovoidGradientTest#twoVoids} roughened: in 5% of the cells c_v, in 5% c_i at 1e-7 (below the
     * log floor EPS), in 40% all three fields moved by up to 0.01; the void interiors keep 1 - c_v - c_i below
     * EPS (the mask) where untouched.
     */
    static double[] roughVoids(int n, long seed) {
        double[] x = NanovoidGradientTest.twoVoids(n);
        int plane = n * n;
        SplittableRandom r = new SplittableRandom(seed);
        for (int c = 0; c < plane; c++) {
            double u = r.nextDouble();
            if (u < 0.05) {
                x[c] = 1e-7;
            } else if (u < 0.1) {
                x[plane + c] = 1e-7;
            } else if (u < 0.5) {
                for (int f = 0; f < 3; f++) {
                    x[f * plane + c] = Math.min(Math.max(x[f * plane + c] + 0.02 * (r.nextDouble() - 0.5), 0.0), 1.0);
                }
            }
        }
        return x;
    }

    private static StencilKernels simdOrSkip() {
        StencilKernels simd = Kernels.simd().orElse(null);
        Assumptions.assumeTrue(simd != null, "SIMD kernels unavailable: " + Kernels.vectorUnavailableReason());
        return simd;
    }

    private static double[] gradient(StencilKernels k, Learnable truth, Learnable at, double[] start, int n, double dx,
                                     Boundary bc, double dt, int threads, double[] lossOut) {
        try (RolloutGradient g = new RolloutGradient(truth.model().fields(), n, n, dx, bc, dt, 6, k, threads, 0, 0)) {
            assertEquals(k.name(), g.adjointKernels().name(), "the adjoint kernels follow the forward ones");
            double[] target = new double[start.length];
            g.rollout(truth, start, 0, target);
            double[] grad = new double[at.parameterNames().size()];
            lossOut[0] = g.lossAndGradient(at, List.of(new RolloutGradient.Pair(start, 0, target)), grad);
            return grad;
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), 1e-300);
            assertTrue(Math.abs(expected[i] - actual[i]) <= REL * scale,
                what + " parameter " + i + ": scalar " + expected[i] + " vs simd " + actual[i]);
        }
    }

    /** Scalar against SIMD over a whole rollout, SIMD on 1 and 2 threads. */
    private static void assertRolloutAgrees(StencilKernels simd, Learnable truth, Learnable at, double[] start, int n,
                                            double dx, Boundary bc, double dt) {
        double[] ls = new double[1];
        double[] lv = new double[1];
        double[] scalar = gradient(Kernels.scalar(), truth, at, start, n, dx, bc, dt, 1, ls);
        for (int threads : new int[] {1, 2}) {
            double[] vector = gradient(simd, truth, at, start, n, dx, bc, dt, threads, lv);
            assertEquals(ls[0], lv[0], 0.0, "forward losses are bitwise equal");
            assertClose(scalar, vector, "threads=" + threads);
        }
    }

    /**
     * One adjoint step of {@code at} from {@code state} on a random adjoint through the scalar and the SIMD
     * adjoint kernels, rows in one band and in two (as two threads split them). The scratch starts as NaN,
     * so a value read before it is written shows in the result.
     */
    static void assertStepAgrees(Learnable at, double[] state, int n, double dx, Boundary bc, double dt, long seed) {
        simdOrSkip();
        AdjointKernels simd = Kernels.adjointFor(Kernels.simd().orElseThrow());
        assertEquals("simd", simd.name());
        int fields = at.model().fields();
        int p = at.parameterNames().size();
        SplittableRandom r = new SplittableRandom(seed);
        double[] l = new double[fields * n * n];
        for (int i = 0; i < l.length; i++) {
            l[i] = 2 * r.nextDouble() - 1;
        }
        try (Grid x = new Grid(fields, n, n, dx, bc); Grid lam = new Grid(fields, n, n, dx, bc);
             Arena arena = Arena.ofConfined()) {
            x.copyFrom(state);
            lam.copyFrom(l);
            MemorySegment scratch = arena.allocate(at.adjointScratchDoubles(x) * Double.BYTES, 64);
            int from = x.rowStart();
            double[] reference = null;
            double[] refSums = null;
            for (AdjointKernels k : new AdjointKernels[] {Kernels.scalarAdjoint(), simd}) {
                for (int bands : new int[] {1, 2}) {
                    MemorySegment out = arena.allocate(lam.bufferBytes(), 64);
                    double[] rowGrad = new double[n * p];
                    int mid = from + n / 2;
                    int[] cuts = bands == 1 ? new int[] {from, from + n} : new int[] {from, mid, from + n};
                    for (int b = 0; b + 1 < cuts.length; b++) {
                        scratch.fill((byte) 0xff); // NaN
                        at.adjointRows(k, x, lam.current(), out, dt, 0, cuts[b], cuts[b + 1], scratch, rowGrad,
                            from);
                    }
                    double[] written = new double[fields * n * n];
                    int c = 0;
                    for (int f = 0; f < fields; f++) {
                        for (int y = 0; y < n; y++) {
                            for (int xx = 0; xx < n; xx++) {
                                written[c++] = out.getAtIndex(D, x.index(f, y, xx));
                            }
                        }
                    }
                    double[] sums = new double[p];
                    for (int row = 0; row < n; row++) {
                        for (int q = 0; q < p; q++) {
                            sums[q] += rowGrad[row * p + q];
                        }
                    }
                    String what = at.model().name() + " " + k.name() + " bands=" + bands;
                    if (reference == null) {
                        reference = written;
                        refSums = sums;
                        for (double v : written) {
                            assertTrue(Double.isFinite(v), what + ": adjoint not finite");
                        }
                        for (double v : sums) {
                            assertTrue(Double.isFinite(v) && v != 0, what + ": parameter sum zero or not finite");
                        }
                        continue;
                    }
                    for (int i = 0; i < written.length; i++) {
                        if (Double.doubleToRawLongBits(reference[i]) != Double.doubleToRawLongBits(written[i])) {
                            int plane = n * n;
                            throw new AssertionError(what + ": adjoint at (field " + i / plane + ", y "
                                + i % plane / n + ", x " + i % n + ") " + written[i] + " != scalar " + reference[i]);
                        }
                    }
                    assertClose(refSums, sums, what);
                }
            }
        }
    }

    @ParameterizedTest(name = "grain growth n={0} Q={1} {2}")
    @MethodSource("cases")
    void grainGrowth(int n, int q, Boundary bc) {
        StencilKernels simd = simdOrSkip();
        double[] start = GrainStates.voronoi(n, n, q, q, 9, bc == Boundary.PERIODIC).values();
        SplittableRandom r = new SplittableRandom(n + q);
        for (int i = 0; i < start.length; i++) {
            start[i] = 0.9 * start[i] + 0.1 * r.nextDouble();
        }
        Learnable truth = Learnables.of(GrainGrowth.uniform(q, 5.0, 0.1, 1.0, 1.0, false));
        Learnable at = truth.withParameters(GradientCheckTest.scaled(truth.parameterValues(), 1.2, 0.9, 1.1, 0.8));
        assertRolloutAgrees(simd, truth, at, start, n, 0.5, bc, 0.05);
        assertStepAgrees(at, start, n, 0.5, bc, 0.05, n + q);
    }

    @ParameterizedTest(name = "cahn-hilliard n={0} {1}")
    @MethodSource("sizes")
    void cahnHilliard(int n, Boundary bc) {
        StencilKernels simd = simdOrSkip();
        double[] start = CahnHilliard.pfhub1Initial(n, n, 1.0, 0.5, 0.1);
        Learnable truth = Learnables.of(CahnHilliard.pfhub1());
        Learnable at = truth.withParameters(new double[] {6.0, 1.5, 4.0});
        assertRolloutAgrees(simd, truth, at, start, n, 1.0, bc, 2e-3);
        assertStepAgrees(at, start, n, 1.0, bc, 2e-3, n);
    }

    @ParameterizedTest(name = "nanovoid n={0} {1} {2}")
    @MethodSource("nanovoidCases")
    void nanovoid(int n, Nanovoid.Form form, Boundary bc) {
        StencilKernels simd = simdOrSkip();
        double dt = NanovoidGradientTest.DT;
        Learnable truth = Learnables.of(Nanovoid.standard(form));
        Learnable at = NanovoidGradientTest.perturbed(truth);
        assertRolloutAgrees(simd, truth, at, NanovoidGradientTest.twoVoids(n), n, 1.0, bc, dt);
        double[] rough = roughVoids(n, n);
        assertStepAgrees(at, rough, n, 1.0, bc, dt, n);
        Learnable noMask = Learnables.of(Nanovoid.standard(form).with(form, false, true));
        assertStepAgrees(NanovoidGradientTest.perturbed(noMask), rough, n, 1.0, bc, dt, n + 1);
    }
}
