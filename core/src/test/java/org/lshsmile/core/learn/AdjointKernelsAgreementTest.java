package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * SIMD against scalar adjoint kernels over odd sizes (vector tails), Q = 1, 3, 8, both boundary
 * conditions, 1 and 2 threads: the forward losses agree bitwise, the gradients to 1e-12 relative (the
 * SIMD kernel sums a row's parameter terms lane by lane, a different order of the same additions).
 */
class AdjointKernelsAgreementTest {

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
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-12 * scale,
                what + " parameter " + i + ": scalar " + expected[i] + " vs simd " + actual[i]);
        }
    }

    @ParameterizedTest(name = "grain growth n={0} Q={1} {2}")
    @MethodSource("cases")
    void grainGrowth(int n, int q, Boundary bc) {
        StencilKernels simd = Kernels.simd().orElse(null);
        Assumptions.assumeTrue(simd != null, "SIMD kernels unavailable: " + Kernels.vectorUnavailableReason());
        double[] start = GrainStates.voronoi(n, n, q, q, 9, bc == Boundary.PERIODIC).values();
        SplittableRandom r = new SplittableRandom(n + q);
        for (int i = 0; i < start.length; i++) {
            start[i] = 0.9 * start[i] + 0.1 * r.nextDouble();
        }
        Learnable truth = Learnables.of(GrainGrowth.uniform(q, 5.0, 0.1, 1.0, 1.0, false));
        Learnable at = truth.withParameters(GradientCheckTest.scaled(truth.parameterValues(), 1.2, 0.9, 1.1, 0.8));
        double[] ls = new double[1];
        double[] lv = new double[1];
        double[] scalar = gradient(Kernels.scalar(), truth, at, start, n, 0.5, bc, 0.05, 1, ls);
        for (int threads : new int[] {1, 2}) {
            double[] vector = gradient(simd, truth, at, start, n, 0.5, bc, 0.05, threads, lv);
            assertEquals(ls[0], lv[0], 0.0, "forward losses are bitwise equal");
            assertClose(scalar, vector, "threads=" + threads);
        }
    }

    @ParameterizedTest(name = "cahn-hilliard n={0} {2}")
    @MethodSource("cases")
    void cahnHilliard(int n, int q, Boundary bc) {
        Assumptions.assumeTrue(q == 1, "one field");
        StencilKernels simd = Kernels.simd().orElse(null);
        Assumptions.assumeTrue(simd != null, "SIMD kernels unavailable: " + Kernels.vectorUnavailableReason());
        double[] start = CahnHilliard.pfhub1Initial(n, n, 1.0, 0.5, 0.1);
        Learnable truth = Learnables.of(CahnHilliard.pfhub1());
        Learnable at = truth.withParameters(new double[] {6.0, 1.5, 4.0});
        double[] ls = new double[1];
        double[] lv = new double[1];
        double[] scalar = gradient(Kernels.scalar(), truth, at, start, n, 1.0, bc, 2e-3, 1, ls);
        double[] vector = gradient(simd, truth, at, start, n, 1.0, bc, 2e-3, 2, lv);
        assertEquals(ls[0], lv[0], 0.0);
        assertClose(scalar, vector, "cahn-hilliard");
    }
}
