package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * The gradient with LSH-SMILE as the forward model, against the exact gradient: verified mode, 3 grains on
 * 48^2 (dx = 0.5), T = 10, parameters off by 10-30%. Prints the relative error of every parameter (the
 * figures quoted in the README come from this output) and bounds the largest one.
 */
class LshGradientTest {

    @ParameterizedTest(name = "verified r={0}")
    @CsvSource({"1e-3, 5e-3", "1e-4, 5e-4"})
    void lshForwardGradientIsCloseToExact(double r, double bound) {
        int n = 48;
        int steps = 10;
        StencilKernels k = Kernels.fromSystemProperty();
        Learnable truth = Learnables.of(GrainGrowth.uniform(3, 5.0, 0.1, 1.0, 1.0, false));
        Learnable at = truth.withParameters(GradientCheckTest.scaled(truth.parameterValues(), 1.3, 0.8, 1.2, 0.9));
        double[] start = GrainStates.voronoi(n, n, 3, 3, 21, true).values();
        double[] target = new double[start.length];
        double[] exact = new double[at.parameterNames().size()];
        double[] approx = new double[exact.length];
        double exactLoss;
        double lshLoss;
        try (RolloutGradient g = new RolloutGradient(3, n, n, 0.5, Boundary.PERIODIC, 0.05, steps, k, 1, 0, 0)) {
            g.rollout(truth, start, 0, target);
            exactLoss = g.lossAndGradient(at, List.of(new RolloutGradient.Pair(start, 0, target)), exact);
        }
        RolloutGradient.LshForward lsh = new RolloutGradient.LshForward(LshSmileEngine.Mode.VERIFIED, r, r, 3, 10, 42);
        try (RolloutGradient g = new RolloutGradient(3, n, n, 0.5, Boundary.PERIODIC, 0.05, steps, k, 1, 0, 0, lsh)) {
            assertEquals(steps, g.checkpointEvery(), "LSH keeps every state");
            lshLoss = g.lossAndGradient(at, List.of(new RolloutGradient.Pair(start, 0, target)), approx);
        }
        double worst = 0;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "LSH r=%g loss %.6e exact %.6e;", r, lshLoss,
            exactLoss));
        for (int i = 0; i < exact.length; i++) {
            double rel = Math.abs(approx[i] - exact[i]) / Math.abs(exact[i]);
            worst = Math.max(worst, rel);
            sb.append(String.format(Locale.ROOT, " %s %.2e", at.parameterNames().get(i), rel));
        }
        System.out.println(sb);
        assertTrue(worst < bound, sb.toString());
    }
}
