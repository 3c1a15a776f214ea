package org.lshsmile.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.lshsmile.core.api.ApiFixtures.DT;
import static org.lshsmile.core.api.ApiFixtures.MODEL;
import static org.lshsmile.core.api.ApiFixtures.N;
import static org.lshsmile.core.api.ApiFixtures.Q;
import static org.lshsmile.core.api.ApiFixtures.refused;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.engine.GuardedRun;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.learn.Learnable;
import org.lshsmile.core.learn.Learnables;
import org.lshsmile.core.learn.RolloutGradient;
import org.lshsmile.core.learn.RolloutGradient.LshForward;
import org.lshsmile.core.learn.RolloutGradient.Pair;
import org.lshsmile.core.learn.Trainer;
import org.lshsmile.core.learn.optim.Optimizers;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.lsh.LshSmileEngine.Mode;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * Public entry points check their arguments once, at the facade: a bad one is an
 * {@link IllegalArgumentException} whose one-line message names the argument and the value (and what is
 * allowed), and the refused call leaves the grid as it was.
 */
class ApiArgumentChecksTest {

    private static final StencilKernels SCALAR = Kernels.scalar();
    private static final double NAN = Double.NaN;

    @Test
    void gridConstructorAndAccessors() {
        refused(IllegalArgumentException.class, () -> new Grid(0, 8, 8, 1, Boundary.PERIODIC), "fields", "got 0");
        refused(IllegalArgumentException.class, () -> new Grid(1, 1, 8, 1, Boundary.PERIODIC), "grid sides", "1 x 8");
        refused(IllegalArgumentException.class, () -> new Grid(1, 8, 8, NAN, Boundary.PERIODIC), "dx", "NaN");
        refused(IllegalArgumentException.class, () -> new Grid(1, 8, 8, -1, Boundary.PERIODIC), "dx", "-1.0");
        refused(IllegalArgumentException.class, () -> new Grid(1, 8, 8, 1, null), "boundary must not be null");
        try (Grid g = ApiFixtures.grid(); Grid small = new Grid(Q, 8, 8, 0.5, Boundary.PERIODIC)) {
            double[] before = new double[Q * N * N];
            g.copyTo(before);
            refused(IllegalArgumentException.class, () -> g.copyTo(null), "out must not be null");
            refused(IllegalArgumentException.class, () -> g.copyFrom(null), "in must not be null");
            refused(IllegalArgumentException.class, () -> g.copyFrom(new double[3]), "array length 3 != 2048");
            refused(IllegalArgumentException.class, () -> g.copyStateTo(null), "dst must not be null");
            refused(IllegalArgumentException.class, () -> g.copyStateTo(small), "shape mismatch", "2 x 8 x 8");
            refused(IndexOutOfBoundsException.class, () -> g.set(Q, 0, 0, 1), "cell (2, 0, 0) outside grid");
            refused(IndexOutOfBoundsException.class, () -> g.get(0, -1, 0), "cell (0, -1, 0) outside grid");
            refused(IllegalArgumentException.class, () -> g.view(null, null), "a view buffer needs", "got null");
            double[] after = new double[before.length];
            g.copyTo(after);
            assertEquals(-1, Arrays.mismatch(before, after), "a refused call changed the grid");
        }
    }

    @Test
    void exactAndActiveSetEngines() {
        try (Grid g = ApiFixtures.grid(); Grid one = new Grid(1, N, N, 0.5, Boundary.PERIODIC)) {
            refused(IllegalArgumentException.class, () -> new ExactEngine(null, g, DT, SCALAR, 1), "must not be null");
            refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, null, DT, SCALAR, 1), "must not be null");
            refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, g, DT, null, 1), "must not be null");
            refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, one, DT, SCALAR, 1),
                "grid has 1 fields but model grain-growth", "needs 2");
            for (double dt : new double[] {0, -0.1, NAN, Double.POSITIVE_INFINITY}) {
                refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, g, dt, SCALAR, 1), "dt must be",
                    "got " + dt);
                refused(IllegalArgumentException.class, () -> new ActiveSetEngine(MODEL, g, dt, SCALAR, 1), "dt must be",
                    "got " + dt);
            }
            refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, g, DT, SCALAR, 0), "threads must be in",
                "got 0");
            refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, g, DT, SCALAR, 2000), "got 2000");
            refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, g, DT, SCALAR, 1, -1),
                "minBandWork must be >= 0, got -1");
            for (double tau : new double[] {-1e-9, NAN, Double.POSITIVE_INFINITY}) {
                refused(IllegalArgumentException.class, () -> new ActiveSetEngine(MODEL, g, DT, SCALAR, 1, tau),
                    "tau must be a finite number >= 0, got " + tau);
            }
            refused(IllegalArgumentException.class, () -> new GuardedRun(null, 4), "engine must not be null");
            try (ExactEngine e = new ExactEngine(MODEL, g, DT, SCALAR, 1);
                 ActiveSetEngine a = new ActiveSetEngine(MODEL, g, DT, SCALAR, 1);
                 GuardedRun run = new GuardedRun(e, 2)) {
                refused(IllegalArgumentException.class, () -> new GuardedRun(e, 0), "check interval must be >= 1, got 0");
                refused(IllegalArgumentException.class, () -> run.advance(-2), "steps must be >= 0, got -2");
                refused(IllegalArgumentException.class, () -> e.step(-1), "steps must be >= 0, got -1");
                refused(IllegalArgumentException.class, () -> a.step(-3), "steps must be >= 0, got -3");
                refused(IllegalArgumentException.class, () -> e.setStepsDone(-1), "step count must be >= 0, got -1");
                refused(IllegalArgumentException.class, () -> a.setStepsDone(-1), "got -1");
                assertEquals(0, e.stepsDone());
                assertNull(g.user(), "a refused step leaves the grid free");
            }
        }
    }

    @Test
    void lshEngine() {
        var proj = KernelSets.projections("scalar");
        try (Grid g = ApiFixtures.grid()) {
            refused(IllegalArgumentException.class, () -> new LshSmileEngine(MODEL, g, DT, null, 1e-3, 1e-3, 3, 4, 1L,
                proj), "must not be null");
            refused(IllegalArgumentException.class, () -> new LshSmileEngine(MODEL, g, NAN, Mode.VERIFIED, 1e-3, 1e-3,
                3, 4, 1L, proj), "dt must be a positive finite number, got NaN");
            refused(IllegalArgumentException.class, () -> new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 0, 1e-3, 3, 4,
                1L, proj), "r (bucket width) must be a positive finite number, got 0.0");
            refused(IllegalArgumentException.class, () -> new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, -1, 3,
                4, 1L, proj), "r0 (re-hash threshold) must be a finite number >= 0, got -1.0");
            refused(IllegalArgumentException.class, () -> new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 0,
                4, 1L, proj), "1 <= K <= 64", "K=0");
            refused(IllegalArgumentException.class, () -> new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 3,
                300, 1L, proj), "1 <= L <= 256", "L=300");
            refused(IllegalArgumentException.class, () -> KernelSets.projections("gpu"), "gpu");
            assertNull(g.user());
            try (LshSmileEngine e = new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 3, 4, 1L, proj)) {
                refused(IllegalArgumentException.class, () -> e.step(-1), "steps must be >= 0, got -1");
                refused(IllegalArgumentException.class, () -> e.setStepsDone(-5), "step count must be >= 0, got -5");
                refused(IllegalArgumentException.class, () -> e.bucketIds(null), "out must not be null");
                refused(IllegalArgumentException.class, () -> e.bucketIds(new int[5]), "need an array of 1024",
                    "got 5");
            }
        }
    }

    @Test
    void rolloutGradientAndTrainer() {
        Boundary p = Boundary.PERIODIC;
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, NAN, 2, SCALAR, 1, 0, 0),
            "dt must be a positive finite number, got NaN");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 0, SCALAR, 1, 0, 0),
            "T (steps per rollout) must be in [1, 1000000], got 0");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, SCALAR, 0, 0, 0),
            "threads must be in [1, 1024], got 0");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, SCALAR, 1, 3, 0),
            "checkpoint interval must be in [0, T=2], got 3");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, null, 1, 0, 0),
            "kernels must not be null");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, SCALAR, 1, 0, -1),
            "minBandWork must be >= 0, got -1");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(0, 16, 16, 0.5, p, DT, 2, SCALAR, 1, 0, 0),
            "grid shape", "got 0 x 16 x 16");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, SCALAR, 1, 0, 0,
            new LshForward(Mode.VERIFIED, NAN, 0, 3, 4, 1)), "LSH forward r must be a positive finite number, got NaN");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, SCALAR, 1, 0, 0,
            new LshForward(null, 1e-3, 0, 3, 4, 1)), "LSH forward mode must not be null");
        refused(IllegalArgumentException.class, () -> new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, SCALAR, 1, 0, 0,
            new LshForward(Mode.PAPER, 1e-3, 0, 99, 4, 1)), "K=99");
        Learnable at = Learnables.of(MODEL);
        double[] s = new double[Q * 16 * 16];
        try (RolloutGradient rg = new RolloutGradient(Q, 16, 16, 0.5, p, DT, 2, SCALAR, 1, 0, 0)) {
            refused(IllegalArgumentException.class, () -> rg.rollout(null, s, 0, new double[s.length]),
                "the learnable model must not be null");
            refused(IllegalArgumentException.class, () -> rg.rollout(Learnables.of(CahnHilliard.pfhub1()), s, 0,
                new double[s.length]), "model cahn-hilliard has 1 fields, this rollout gradient needs 2");
            refused(IllegalArgumentException.class, () -> rg.rollout(at, s, -1, new double[s.length]),
                "startStep must be >= 0, got -1");
            refused(IllegalArgumentException.class, () -> rg.rollout(at, new double[7], 0, new double[s.length]),
                "start needs 512 values (2 x 16 x 16), got 7");
            refused(IllegalArgumentException.class, () -> rg.loss(at, Arrays.asList(new Pair(s, 0, s), null)),
                "pair 1 is null");
            refused(IllegalArgumentException.class, () -> rg.loss(at, List.of(new Pair(s, -2, s))),
                "pair 0 startStep must be >= 0, got -2");
            refused(IllegalArgumentException.class, () -> rg.loss(at, List.of()), "need at least one pair");
            refused(IllegalArgumentException.class, () -> rg.lossAndGradient(at, List.of(new Pair(s, 0, s)),
                new double[1]), "gradient array needs");
            refused(IllegalArgumentException.class, () -> new Trainer(null), "gradient must not be null");
            Trainer t = new Trainer(rg);
            refused(IllegalArgumentException.class, () -> new Trainer.Settings(null, 1, 0, false, null, null, 1),
                "optimizer must not be null");
            refused(IllegalArgumentException.class, () -> new Trainer.Settings(Optimizers.create("sgd"), 0, 0, false,
                null, null, 1), "epochs must be at least 1, got 0");
            refused(IllegalArgumentException.class, () -> new Trainer.Settings(Optimizers.create("sgd"), 1, -1, false,
                null, null, 1), "batch size must be >= 0", "got -1");
            Trainer.Settings ok = new Trainer.Settings(Optimizers.create("sgd"), 1, 0, false, null, null, 1);
            refused(IllegalArgumentException.class, () -> t.train(null, List.of(new Pair(s, 0, s)), ok, null),
                "start and settings must not be null");
            refused(IllegalArgumentException.class, () -> t.train(at, List.of(), ok, null), "no pairs to learn from");
            refused(IllegalArgumentException.class, () -> t.train(at, List.of(new Pair(s, 0, s)),
                new Trainer.Settings(Optimizers.create("sgd"), 1, 0, false, new boolean[1], null, 1), null),
                "free mask has 1 entries");
        }
        refused(IllegalArgumentException.class, () -> Learnables.of(null), "model null has no adjoint");
    }

    @Test
    void modelsAndPresets() {
        refused(IllegalArgumentException.class, () -> GrainGrowth.uniform(2, -5, 0.1, 1, 1, false), "L_1", "-5.0");
        refused(IllegalArgumentException.class, () -> GrainGrowth.uniform(2, 5, NAN, 1, 1, false), "kappa_1", "NaN");
        refused(IllegalArgumentException.class, () -> GrainGrowth.uniform(0, 5, 0.1, 1, 1, false),
            "order parameters must be in [1, 4096], got 0");
        refused(IllegalArgumentException.class, () -> new CahnHilliard(1, 1, 1, 0.7, 0.3), "need finite ca < cb",
            "ca=0.7 cb=0.3");
        refused(IllegalArgumentException.class, () -> new CahnHilliard(-1, 1, 1, 0.3, 0.7), "M", "-1.0");
        refused(IllegalArgumentException.class, () -> Nanovoid.initialState(null, 16, 16), "'null'");
        refused(IllegalArgumentException.class, () -> Nanovoid.voids(16, 16, null, new double[3], new double[3]),
            "voids need");
        refused(IllegalArgumentException.class, () -> new Preset("x", 0.5, NAN, 5, 0.1, 1, 1),
            "preset dt must be a positive finite number, got NaN");
        refused(IllegalArgumentException.class, () -> new Preset("x", -0.5, 0.05, 5, 0.1, 1, 1),
            "preset dx must be a positive finite number, got -0.5");
        refused(IllegalArgumentException.class, () -> new Preset("x", 0.5, 0.05, 5, -0.1, 1, 1),
            "preset kappa must be a positive finite number, got -0.1");
        refused(IllegalArgumentException.class, () -> new Preset(" ", 0.5, 0.05, 5, 0.1, 1, 1), "name must not be blank");
        double stable = GrainGrowth.uniform(1, 5, 0.1, 1, 1, false).stableDt(0.5);
        refused(IllegalArgumentException.class, () -> new Preset("fast", 0.5, 0.5, 5, 0.1, 1, 1),
            "preset fast: dt 0.5 is not below the stable step " + stable, "use a smaller dt");
        refused(IllegalArgumentException.class, () -> Preset.byName(null), "unknown preset 'null'");
        refused(IllegalArgumentException.class, () -> Preset.byName("huge"), "unknown preset 'huge'");
        assertEquals(Preset.DEFAULT, Preset.byName("default"));
    }
}
