package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * The adjoint gradient against central finite differences of the loss (Richardson-extrapolated, so the
 * difference quotient's own error is far below the 1e-6 relative tolerance), for every parameter of every
 * learnable model, T = 5 and T = 30, both boundary conditions, with and without the clamp.
 */
class GradientCheckTest {

    static final int N = 20;

    /** Loss and gradient at {@code at} for a target made by {@code truth}; FD of every parameter. */
    static void check(Learnable truth, Learnable at, double[] start, double dx, Boundary bc, double dt, int steps,
                      double tol) {
        StencilKernels k = Kernels.fromSystemProperty();
        int m = truth.model().fields();
        try (RolloutGradient g = new RolloutGradient(m, N, N, dx, bc, dt, steps, k, 1, 0, 0)) {
            double[] target = new double[start.length];
            g.rollout(truth, start, 0, target);
            List<RolloutGradient.Pair> pairs = List.of(new RolloutGradient.Pair(start, 0, target));
            double[] grad = new double[at.parameterNames().size()];
            double loss = g.lossAndGradient(at, pairs, grad);
            assertTrue(loss > 0, "loss at perturbed parameters must be positive");
            assertEquals(g.loss(at, pairs), loss, 0.0, "loss alone and with gradient agree bitwise");
            double[] theta = at.parameterValues();
            for (int i = 0; i < theta.length; i++) {
                double h = 1e-3 * theta[i];
                double d1 = central(g, at, pairs, theta, i, h);
                double d2 = central(g, at, pairs, theta, i, h / 2);
                double fd = (4 * d2 - d1) / 3;
                double rel = Math.abs(grad[i] - fd) / Math.abs(fd);
                assertTrue(rel < tol, at.parameterNames().get(i) + ": adjoint " + grad[i] + " vs FD " + fd
                    + " (rel " + rel + ") T=" + steps + " " + bc);
            }
        }
    }

    static double central(RolloutGradient g, Learnable at, List<RolloutGradient.Pair> pairs, double[] theta, int i,
                          double h) {
        double[] p = theta.clone();
        p[i] = theta[i] + h;
        double up = g.loss(at.withParameters(p), pairs);
        p[i] = theta[i] - h;
        double down = g.loss(at.withParameters(p), pairs);
        return (up - down) / (2 * h);
    }

    static double[] scaled(double[] v, double... factors) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] *= factors[i % factors.length];
        }
        return r;
    }

    static double[] voronoi(int q, long seed) {
        return GrainStates.voronoi(N, N, q, q, seed, true).values();
    }

    @ParameterizedTest
    @CsvSource({"5, PERIODIC", "30, PERIODIC", "5, NOFLUX", "30, NOFLUX"})
    void grainGrowthEveryParameter(int steps, Boundary bc) {
        Learnable truth = Learnables.of(GrainGrowth.uniform(3, 5.0, 0.1, 1.0, 1.0, false));
        Learnable at = truth.withParameters(scaled(truth.parameterValues(), 1.3, 0.8, 1.2, 0.7, 1.5, 0.6, 1.1, 1.4));
        check(truth, at, voronoi(3, 11), 0.5, bc, 0.05, steps, 1e-6);
    }

    @Test
    void grainGrowthWithActiveClampHasZeroGradientWhereClamped() {
        // Random values in [-0.05, 1.05]: the first steps push many cells past 0 and 1, so the clamp bites.
        SplittableRandom r = new SplittableRandom(5);
        double[] start = new double[3 * N * N];
        for (int i = 0; i < start.length; i++) {
            start[i] = -0.05 + 1.1 * r.nextDouble();
        }
        Learnable truth = Learnables.of(GrainGrowth.uniform(3, 5.0, 0.1, 1.0, 1.0, true));
        Learnable at = truth.withParameters(scaled(truth.parameterValues(), 1.2, 0.9, 1.1, 0.8));
        check(truth, at, start, 0.5, Boundary.PERIODIC, 0.05, 5, 1e-6);
    }

    @ParameterizedTest
    @CsvSource({"5, PERIODIC", "30, PERIODIC", "5, NOFLUX", "30, NOFLUX"})
    void cahnHilliardEveryParameter(int steps, Boundary bc) {
        Learnable truth = Learnables.of(CahnHilliard.pfhub1());
        Learnable at = truth.withParameters(scaled(truth.parameterValues(), 1.2, 0.7, 1.4));
        double[] start = CahnHilliard.pfhub1Initial(N, N, 1.0, 0.5, 0.1);
        check(truth, at, start, 1.0, bc, 2e-3, steps, 1e-6);
    }

    @Test
    void checkpointIntervalAndThreadsDoNotChangeTheBits() {
        Model truthModel = GrainGrowth.uniform(3, 5.0, 0.1, 1.0, 1.0, false);
        Learnable truth = Learnables.of(truthModel);
        Learnable at = truth.withParameters(scaled(truth.parameterValues(), 1.3, 0.8));
        double[] start = voronoi(3, 3);
        int steps = 12;
        StencilKernels k = Kernels.fromSystemProperty();
        double[] reference = null;
        double refLoss = 0;
        for (int every : new int[] {12, 1, 3, 5}) {
            for (int threads : new int[] {1, 2}) {
                try (RolloutGradient g = new RolloutGradient(3, N, N, 0.5, Boundary.PERIODIC, 0.05, steps, k, threads,
                    every, 0)) {
                    assertEquals(every, g.checkpointEvery());
                    assertEquals(threads, g.threads());
                    double[] target = new double[start.length];
                    g.rollout(truth, start, 0, target);
                    double[] grad = new double[at.parameterNames().size()];
                    double loss = g.lossAndGradient(at, List.of(new RolloutGradient.Pair(start, 0, target)), grad);
                    if (reference == null) {
                        reference = grad;
                        refLoss = loss;
                    } else {
                        assertEquals(refLoss, loss, 0.0);
                        assertArrayEquals(reference, grad, 0.0, "every=" + every + " threads=" + threads);
                    }
                }
            }
        }
    }

    @Test
    void gradientIsZeroAtTheTruth() {
        Learnable truth = Learnables.of(GrainGrowth.uniform(3, 5.0, 0.1, 1.0, 1.0, false));
        double[] start = voronoi(3, 4);
        StencilKernels k = Kernels.fromSystemProperty();
        try (RolloutGradient g = new RolloutGradient(3, N, N, 0.5, Boundary.PERIODIC, 0.05, 10, k, 1, 0, 0)) {
            double[] target = new double[start.length];
            g.rollout(truth, start, 0, target);
            double[] grad = new double[truth.parameterNames().size()];
            assertEquals(0.0, g.lossAndGradient(truth, List.of(new RolloutGradient.Pair(start, 0, target)), grad), 0.0);
            assertArrayEquals(new double[grad.length], grad, 0.0);
        }
    }
}
