package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.learn.optim.EarlyStop;
import org.lshsmile.core.learn.optim.Optimizers;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.Kernels;

/**
 * Parameter recovery on noise-free grain-growth data (the default preset's physics: dx = 0.5, dt = 0.05,
 * L = 5, A = B = 1, kappa = 0.1, Q = 3), from a start with every parameter off by a factor 0.5 to 2, and the
 * trainer's contract: fixed parameters stay, mini-batches, refusals.
 */
class TrainerTest {

    static final int N = 32;
    static final double DX = 0.5;
    static final double DT = 0.05;
    /** Start factors for A, B, L_1..L_3, kappa_1..kappa_3: each in [0.5, 2], the start stable at dt. */
    static final double[] FACTORS = {1.6, 0.5, 0.6, 1.2, 1.5, 1.8, 0.9, 0.5};

    static final Learnable TRUTH = Learnables.of(GrainGrowth.uniform(3, 5.0, 0.1, 1.0, 1.0, false));

    /** Pairs T apart from a 3-grain Voronoi state, starting every 10 steps over the first 40. */
    static List<RolloutGradient.Pair> pairs(int steps) {
        double[] x = GrainStates.voronoi(N, N, 3, 3, 7, true).values();
        List<RolloutGradient.Pair> out = new ArrayList<>();
        try (RolloutGradient ten = rg(10); RolloutGradient t = rg(steps)) {
            for (int s = 0; s <= 30; s += 10) {
                double[] target = new double[x.length];
                t.rollout(TRUTH, x, s, target);
                out.add(new RolloutGradient.Pair(x, s, target));
                double[] next = new double[x.length];
                ten.rollout(TRUTH, x, s, next);
                x = next;
            }
        }
        return out;
    }

    static RolloutGradient rg(int steps) {
        return new RolloutGradient(3, N, N, DX, Boundary.PERIODIC, DT, steps, Kernels.fromSystemProperty(), 2, 0, 0);
    }

    static Learnable start() {
        double[] t = TRUTH.parameterValues();
        for (int i = 0; i < t.length; i++) {
            t[i] *= FACTORS[i];
        }
        return TRUTH.withParameters(t);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 30})
    void lbfgsRecoversEveryGrainGrowthParameterWithinOnePercent(int steps) {
        List<RolloutGradient.Pair> pairs = pairs(steps);
        try (RolloutGradient g = rg(steps)) {
            Trainer.Result r = new Trainer(g).train(start(), pairs, new Trainer.Settings(Optimizers.create("lbfgs"),
                200, 0, true, null, new EarlyStop(0, 1000, 1e-28, 0), 1), null);
            double[] truth = TRUTH.parameterValues();
            double[] got = r.parameters();
            double worst = 0;
            for (int i = 0; i < truth.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] / truth[i] - 1));
            }
            System.out.printf("T=%d: %d epochs (%s), final loss %.3e, worst rel error %.2e, params %s%n", steps,
                r.epochs().size(), r.stopReason(), r.finalLoss(), worst, java.util.Arrays.toString(got));
            assertTrue(worst < 0.01, "worst relative error " + worst + " after " + r.epochs().size() + " epochs ("
                + r.stopReason() + ")");
            assertTrue(r.finalLoss() < 1e-3 * r.epochs().get(0).loss(), "loss fell by 1000x");
        }
    }

    @Test
    void fixedParametersStayAndTheOthersLearn() {
        List<RolloutGradient.Pair> pairs = pairs(10);
        boolean[] free = new boolean[8];
        free[2] = true; // L_1 only
        Learnable s = start();
        try (RolloutGradient g = rg(10)) {
            Trainer.Result r = new Trainer(g).train(s, pairs, new Trainer.Settings(Optimizers.create("lbfgs"), 5, 0,
                true, free, null, 1), null);
            double[] before = s.parameterValues();
            double[] after = r.parameters();
            for (int i = 0; i < 8; i++) {
                if (i != 2) {
                    assertEquals(before[i], after[i], 0.0, TRUTH.parameterNames().get(i) + " is fixed");
                }
            }
            assertTrue(after[2] != before[2], "L_1 moved");
            assertTrue(r.finalLoss() < r.epochs().get(0).loss(), "loss fell");
        }
    }

    @Test
    void adamOnMiniBatchesLowersTheLossAndReportsEveryEpoch() {
        List<RolloutGradient.Pair> pairs = pairs(10);
        List<Trainer.Epoch> seen = new ArrayList<>();
        try (RolloutGradient g = rg(10)) {
            Trainer.Result r = new Trainer(g).train(start(), pairs, new Trainer.Settings(
                Optimizers.create("adam", Optimizers.Options.builder().lr(0.02).build()), 30, 2, true, null, null, 3),
                seen::add);
            assertEquals(30, seen.size());
            assertEquals("epochs", r.stopReason());
            assertEquals(2, seen.get(0).evaluations(), "two batches of two pairs");
            assertTrue(r.finalLoss() < 0.2 * seen.get(0).loss(), "loss " + seen.get(0).loss() + " -> " + r.finalLoss());
        }
    }

    @Test
    void refusesUnstableStartBatchedLbfgsAndNothingFree() {
        List<RolloutGradient.Pair> pairs = pairs(10);
        try (RolloutGradient g = rg(10)) {
            Trainer t = new Trainer(g);
            double[] hot = TRUTH.parameterValues();
            hot[2] = 50; // L_1 = 50: dt far above the stable bound
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.train(
                TRUTH.withParameters(hot), pairs, new Trainer.Settings(Optimizers.create("lbfgs"), 1, 0, true, null,
                    null, 1), null));
            assertTrue(e.getMessage().contains("unstable"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new Trainer.Settings(Optimizers.create("lbfgs"), 1, 2,
                true, null, null, 1));
            assertThrows(IllegalArgumentException.class, () -> t.train(start(), pairs, new Trainer.Settings(
                Optimizers.create("lbfgs"), 1, 0, true, new boolean[8], null, 1), null));
        }
    }

    @Test
    void sgdThatOvershootsStopsWithTheFix() {
        List<RolloutGradient.Pair> pairs = pairs(10);
        try (RolloutGradient g = rg(10)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Trainer(g).train(start(),
                pairs, new Trainer.Settings(Optimizers.create("sgd", Optimizers.Options.builder().lr(1e6).build()),
                    5, 0, true, null, null, 1), null));
            assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
        }
    }
}
