package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;
import org.lshsmile.simd.StencilKernels;

/**
 * Same seed and thread count, same bits, run after run, for every engine, kernel set and model; and the exact
 * and active (tau 0) engines give the same bits for 1 to 4 threads on grids where the default band rule
 * really splits the rows (each band at least {@link ExactEngine#MIN_BAND_WORK} element updates per step).
 *
 * <p>The suite's second execution ({@code -Dlshsmile.kernels=scalar}) repeats the per-set test for the scalar set
 * only, and the thread test with scalar kernels.
 *
 * <p>Agreement between kernel sets is tested elsewhere (ExactEngineTest, NanovoidEngineTest,
 * CahnHilliardEngineTest, NativeKernelsAgreementTest), and so is thread independence with a forced band
 * count on small grids (their {@code anyThreadCountGivesTheSameBits}, ActiveSetEngineTest's
 * {@code resultDoesNotDependOnThreads}); this class adds repeatability and the production band rule.
 */
class EngineDeterminismTest {

    /** A model with its grid shape, spacing, step and initial state. */
    record Case(String name, Model model, int ny, int nx, double dx, double dt, double[] init) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Grain growth Q = 4 (Voronoi, slightly noisy), nanovoid with seeded cascades and noise, Cahn-Hilliard. */
    static Case model(String which, int ny, int nx, long seed) {
        Preset p = Preset.DEFAULT;
        return switch (which) {
            case "grain-growth" -> {
                double[] v = GrainStates.voronoi(ny, nx, 4, 4, 7, true).values();
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = 0; i < v.length; i += 7) {
                    v[i] = 0.95 * v[i] + 0.05 * r.nextDouble(); // some cells off 0 and 1, most exact
                }
                yield new Case(which, p.grainGrowth(4, false), ny, nx, p.dx(), p.dt(), v);
            }
            case "nanovoid" -> new Case(which, Nanovoid.standard(Nanovoid.Form.CONSERVATIVE)
                .with(Nanovoid.Sources.standard(seed, true, true)), ny, nx, 1.0, 0.02,
                Nanovoid.initialState("v2", ny, nx));
            case "cahn-hilliard" -> new Case(which, CahnHilliard.pfhub1(), ny, nx, 1.0, 1e-3,
                CahnHilliard.pfhub1Initial(ny, nx, 1.0, 0.5, 0.05));
            default -> throw new IllegalArgumentException(which);
        };
    }

    static final String[] MODELS = {"grain-growth", "nanovoid", "cahn-hilliard"};
    static final String[] ENGINES = {"exact", "active tau=0", "active tau=1e-10", "lsh verified", "lsh paper"};
    static final String[] KERNEL_SETS = {"scalar", "simd", KernelSets.NATIVE};

    /** The stencil kernels and projections of a set, or a skip naming why the set is absent here. */
    record KernelSet(StencilKernels stencils, Projections projections) {
        static KernelSet named(String name) {
            switch (name) {
                case "scalar" -> {
                    return new KernelSet(Kernels.scalar(), ProjectionKernels.scalar());
                }
                case "simd" -> {
                    Optional<StencilKernels> s = Kernels.simd();
                    Assumptions.assumeTrue(s.isPresent(), () -> "no SIMD kernels: " + Kernels.vectorUnavailableReason());
                    Optional<Projections> p = ProjectionKernels.simd();
                    Assumptions.assumeTrue(p.isPresent(), () -> "no SIMD projections: "
                        + ProjectionKernels.vectorUnavailableReason());
                    return new KernelSet(s.get(), p.get());
                }
                default -> {
                    Optional<StencilKernels> s = KernelSets.nativeStencils();
                    Assumptions.assumeTrue(s.isPresent(), () -> "no native kernels: "
                        + KernelSets.nativeLibrary().description());
                    return new KernelSet(s.get(), KernelSets.nativeProjections().orElseThrow());
                }
            }
        }
    }

    static Engine engine(String which, Case c, Grid g, KernelSet k, int threads, long seed) {
        return switch (which) {
            case "exact" -> new ExactEngine(c.model(), g, c.dt(), k.stencils(), threads, 0);
            case "active tau=0" -> new ActiveSetEngine(c.model(), g, c.dt(), k.stencils(), threads, 0.0, 0);
            case "active tau=1e-10" -> new ActiveSetEngine(c.model(), g, c.dt(), k.stencils(), threads, 1e-10, 0);
            case "lsh verified" -> new LshSmileEngine(c.model(), g, c.dt(), LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3,
                3, 6, seed, k.projections());
            case "lsh paper" -> new LshSmileEngine(c.model(), g, c.dt(), LshSmileEngine.Mode.PAPER, 1e-3, 1e-3, 3, 6,
                seed, k.projections());
            default -> throw new IllegalArgumentException(which);
        };
    }

    /** Raw bits of every interior value after the run (NaN payloads and signed zeros included). */
    static long[] run(Case c, Boundary bc, String engine, KernelSet k, int threads, long seed, int steps) {
        try (Grid g = new Grid(c.model().fields(), c.ny(), c.nx(), c.dx(), bc)) {
            g.copyFrom(c.init());
            try (Engine e = engine(engine, c, g, k, threads, seed)) {
                for (int done = 0; done < steps; ) { // uneven step(n) calls, as a CLI run with snapshots makes
                    int n = Math.min(steps - done, 1 + done % 5);
                    e.step(n);
                    done += n;
                }
            }
            return bits(g);
        }
    }

    static long[] bits(Grid g) {
        double[] v = new double[(int) (g.fields() * g.cells())];
        g.copyTo(v);
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    static Stream<Arguments> everyEngineKernelSetAndModel() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String k : KERNEL_SETS) {
            for (String m : MODELS) {
                for (String e : ENGINES) {
                    b.add(Arguments.of(k, m, e));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyEngineKernelSetAndModel")
    void sameSeedAndThreadsGiveTheSameBitsRunAfterRun(String kernelSet, String modelName, String engine) {
        Assumptions.assumeTrue(kernelSet.equals("scalar") || !"scalar".equals(System.getProperty(Kernels.PROPERTY)),
            () -> "this execution forces -D" + Kernels.PROPERTY + "=scalar: the " + kernelSet
                + " set is tested in the default one");
        KernelSet k = KernelSet.named(kernelSet);
        boolean lsh = engine.startsWith("lsh");
        int ny = lsh ? 16 : 32; // the LSH engine on a noisy state: nearly every element its own bucket, every step
        int nx = lsh ? 19 : 36;
        Case c = model(modelName, ny, nx, 11);
        int threads = lsh ? 1 : 2;
        int steps = lsh ? 10 : 16;
        Boundary bc = modelName.equals("cahn-hilliard") ? Boundary.NOFLUX : Boundary.PERIODIC;
        long[] first = run(c, bc, engine, k, threads, 5, steps);
        assertArrayEquals(first, run(c, bc, engine, k, threads, 5, steps), kernelSet + " " + modelName + " " + engine
            + ": a second run differs from the first");
        long[] init = bits(c);
        assertFalse(Arrays.equals(init, first), "the state moved");
        if (modelName.equals("nanovoid")) {
            long[] otherSeed = run(model(modelName, ny, nx, 12), bc, engine, k, threads, 5, steps);
            assertFalse(Arrays.equals(first, otherSeed), "the sources' seed matters, so the repeat above means something");
        }
    }

    private static long[] bits(Case c) {
        long[] b = new long[c.init().length];
        for (int i = 0; i < b.length; i++) {
            b[i] = Double.doubleToRawLongBits(c.init()[i]);
        }
        return b;
    }

    /**
     * Shapes where 4 bands of the default rule each get at least 2^16 element updates per step: 4 x 256 x 256,
     * 3 x 296 x 296 and 1 x 512 x 512.
     */
    static Stream<Case> largeCases() {
        return Stream.of(model("grain-growth", 256, 256, 3), model("nanovoid", 296, 296, 3),
            model("cahn-hilliard", 512, 512, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeCases")
    void exactAndActiveTauZeroGiveTheSameBitsForOneToFourThreads(Case c) {
        StencilKernels k = KernelSets.stencilsFromSystemProperty();
        int steps = 4;
        long[] one = null;
        for (int t = 1; t <= 4; t++) {
            try (Grid g = new Grid(c.model().fields(), c.ny(), c.nx(), c.dx(), Boundary.PERIODIC)) {
                g.copyFrom(c.init());
                try (ExactEngine e = new ExactEngine(c.model(), g, c.dt(), k, t)) {
                    assertEquals(t, e.threads(), "the default band rule splits " + c + " into " + t + " bands");
                    e.step(steps);
                }
                long[] exact = bits(g);
                if (one == null) {
                    one = exact;
                } else {
                    assertArrayEquals(one, exact, c + ": exact, " + t + " threads vs 1");
                }
                g.copyFrom(c.init());
                try (ActiveSetEngine a = new ActiveSetEngine(c.model(), g, c.dt(), k, t, 0.0)) {
                    assertEquals(t, a.threads(), "the active engine's dense steps use " + t + " bands");
                    a.step(steps);
                }
                assertArrayEquals(one, bits(g), c + ": active tau=0, " + t + " threads vs exact, 1 thread");
            }
        }
        assertFalse(Arrays.equals(one, bits(c)), "the state moved");
    }
}
