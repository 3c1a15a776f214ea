package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;

class ActiveSetEngineTest {

    /** A case: model, initial state (m, ny, nx), grid shape, dx and dt. */
    record Case(String name, Model model, double[] init, int ny, int nx, double dx, double dt) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Final state and the active engine's dense/sparse step counts. */
    record Outcome(double[] state, long dense, long sparse) {
    }

    private static double[] exact(Case c, Boundary bc, int steps) {
        try (Grid g = new Grid(c.model.fields(), c.ny, c.nx, c.dx, bc);
             ExactEngine e = new ExactEngine(c.model, g, c.dt, Kernels.scalar(), 1)) {
            g.copyFrom(c.init);
            e.step(steps);
            return state(g);
        }
    }

    private static Outcome active(Case c, Boundary bc, int steps, double tau, int threads) {
        try (Grid g = new Grid(c.model.fields(), c.ny, c.nx, c.dx, bc);
             ActiveSetEngine e = new ActiveSetEngine(c.model, g, c.dt, Kernels.scalar(), threads, tau, 0)) {
            g.copyFrom(c.init);
            // uneven chunks: the engine must not depend on how step(n) calls are split
            for (int done = 0; done < steps; ) {
                int k = Math.min(steps - done, 1 + done % 7);
                e.step(k);
                done += k;
            }
            assertEquals(steps, e.stepsDone());
            assertEquals(steps, e.denseSteps() + e.sparseSteps());
            return new Outcome(state(g), e.denseSteps(), e.sparseSteps());
        }
    }

    private static double[] state(Grid g) {
        double[] out = new double[(int) (g.fields() * g.cells())];
        g.copyTo(out);
        return out;
    }

    private static void assertBitwise(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                assertEquals(want[i], got[i], 0.0, what + ": element " + i);
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]),
                    what + ": bits of element " + i);
            }
        }
    }

    /** The state shifted by (sy, sx) with wrap-around: puts a feature on the edges and corners. */
    private static double[] roll(double[] v, int m, int ny, int nx, int sy, int sx) {
        double[] r = new double[v.length];
        for (int f = 0; f < m; f++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    r[(f * ny + (y + sy) % ny) * nx + (x + sx) % nx] = v[(f * ny + y) * nx + x];
                }
            }
        }
        return r;
    }

    /** Uniform c = 0.5 with a small bump around (0, 0): the active set grows from a corner across the wrap. */
    private static double[] cornerBump(int ny, int nx) {
        double[] v = new double[ny * nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int dy = Math.min(y, ny - y);
                int dx = Math.min(x, nx - x);
                v[y * nx + x] = 0.5 + (dy * dy + dx * dx <= 9 ? 0.05 : 0.0);
            }
        }
        return v;
    }

    /** Q = 2: grain 1 everywhere but a disc of grain 2 around (0, 0), which shrinks across the wrap. */
    private static double[] cornerGrain(int ny, int nx) {
        double[] v = new double[2 * ny * nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int dy = Math.min(y, ny - y);
                int dx = Math.min(x, nx - x);
                boolean inside = dy * dy + dx * dx <= 16;
                v[y * nx + x] = inside ? 0 : 1;
                v[ny * nx + y * nx + x] = inside ? 1 : 0;
            }
        }
        return v;
    }

    static Stream<Case> cases() {
        Stream.Builder<Case> b = Stream.builder();
        for (Preset p : Preset.all()) {
            for (int q : new int[] {2, 3}) {
                double[] v = GrainStates.voronoi(40, 56, q, q, 5, true).values();
                b.add(new Case("grain-growth " + p.name() + " Q=" + q, p.grainGrowth(q, false), v, 40, 56, p.dx(),
                    p.dt()));
            }
        }
        b.add(new Case("grain-growth default corner grain", Preset.DEFAULT.grainGrowth(2, false), cornerGrain(40, 56),
            40, 56, 0.5, 0.05));
        b.add(new Case("grain-growth paper corner grain", Preset.PAPER.grainGrowth(2, false), cornerGrain(40, 56),
            40, 56, 1.0, 0.05));
        b.add(new Case("grain-growth paper clamped", Preset.PAPER.grainGrowth(3, true),
            GrainStates.voronoi(40, 56, 3, 3, 9, true).values(), 40, 56, 1.0, 0.05));
        b.add(new Case("cahn-hilliard pfhub", CahnHilliard.pfhub1(), CahnHilliard.pfhub1Initial(40, 56, 1.0, 0.5, 0.05),
            40, 56, 1.0, 1e-3));
        b.add(new Case("cahn-hilliard corner bump", CahnHilliard.pfhub1(), cornerBump(40, 56), 40, 56, 1.0, 1e-3));
        for (Nanovoid.Form form : Nanovoid.Form.values()) {
            Nanovoid m = Nanovoid.standard(form);
            String f = form.name().toLowerCase(Locale.ROOT);
            b.add(new Case("nanovoid " + f + " v2", m, Nanovoid.initialState("v2", 48, 48), 48, 48, 1.0, 0.02));
            b.add(new Case("nanovoid " + f + " v0 at a corner", m,
                roll(Nanovoid.initialState("v0", 48, 48), 3, 48, 48, 24, 24), 48, 48, 1.0, 0.02));
            b.add(new Case("nanovoid " + f + " cascades+noise", m.with(Nanovoid.Sources.standard(11, true, true)),
                Nanovoid.initialState("v2", 48, 48), 48, 48, 1.0, 0.02));
            b.add(new Case("nanovoid " + f + " cascades", m.with(Nanovoid.Sources.standard(12, true, false)),
                Nanovoid.initialState("v0", 48, 48), 48, 48, 1.0, 0.02));
        }
        return b.build();
    }

    static Stream<Arguments> casesAndBoundaries() {
        return cases().flatMap(c -> Stream.of(Arguments.of(c, Boundary.PERIODIC), Arguments.of(c, Boundary.NOFLUX)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesAndBoundaries")
    void tauZeroIsBitwiseExact(Case c, Boundary bc) {
        int steps = 210;
        Outcome a = active(c, bc, steps, 0.0, 1);
        assertBitwise(exact(c, bc, steps), a.state(), c + " " + bc);
        if (c.name().contains("cascades")) {
            assertEquals(0, a.sparse(), "random sources: every step dense");
        }
        if (c.name().contains("corner bump") || c.name().contains("corner grain")) {
            assertTrue(a.sparse() > 0, () -> "the sparse path ran: " + a);
        }
    }

    /** 128^2, Q = 3, paper preset, 180 steps, tau = 1e-10: the error the band approximation makes, and the band. */
    @Test
    void defaultTauIsCloseAndTheBandIsNarrow() {
        int n = 128;
        int q = 3;
        Model m = Preset.PAPER.grainGrowth(q, false);
        double[] init = GrainStates.voronoi(n, n, q, q, 1, true).values();
        Case c = new Case("paper 128", m, init, n, n, 1.0, 0.05);
        double[] want = exact(c, Boundary.PERIODIC, 180);
        long[] activeLast = new long[20];
        double[] got;
        long dense;
        long sparse;
        try (Grid g = new Grid(q, n, n, 1.0, Boundary.PERIODIC);
             ActiveSetEngine e = new ActiveSetEngine(m, g, 0.05, Kernels.scalar(), 1)) {
            g.copyFrom(init);
            assertEquals(ActiveSetEngine.DEFAULT_TAU, e.tau());
            e.step(160);
            for (int i = 0; i < activeLast.length; i++) {
                e.step(1);
                activeLast[i] = e.activeCellsLastStep();
            }
            got = state(g);
            dense = e.denseSteps();
            sparse = e.sparseSteps();
        }
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs(want[i] - got[i]));
        }
        double mean = 0;
        long max = 0;
        for (long a : activeLast) {
            mean += a / (double) activeLast.length;
            max = Math.max(max, a);
        }
        double fraction = max / (double) (n * n);
        System.out.printf(Locale.ROOT, "[active] paper 128^2 Q=3 180 steps tau=1e-10: max|err| = %.3g, dense %d,"
            + " sparse %d, active cells in steps 161-180: mean %.0f, max %d (%.2f%% of cells)%n", err, dense, sparse,
            mean, max, 100 * fraction);
        assertTrue(err <= 1e-6, "max |error| " + err);
        assertTrue(fraction < 0.05, "steady-state band " + fraction + " of the cells");
        assertTrue(sparse >= 20, "the last 20 steps (at least) are sparse: " + sparse);
        assertTrue(dense >= 1, "the first step is dense");
    }

    @Test
    void resultDoesNotDependOnThreads() {
        Case c = new Case("paper 96", Preset.PAPER.grainGrowth(3, false),
            GrainStates.voronoi(96, 80, 6, 3, 3, false).values(), 96, 80, 1.0, 0.05);
        for (Boundary bc : Boundary.values()) {
            Outcome one = active(c, bc, 150, ActiveSetEngine.DEFAULT_TAU, 1);
            assertTrue(one.sparse() > 0 && one.dense() > 0, () -> "both paths ran: " + one);
            for (int t : new int[] {2, 3, 5}) {
                Outcome o = active(c, bc, 150, ActiveSetEngine.DEFAULT_TAU, t);
                assertBitwise(one.state(), o.state(), t + " threads " + bc);
                assertEquals(one.sparse(), o.sparse());
            }
        }
    }

    /** Restoring an earlier state and its step count (what GuardedRun's replay does) replays bitwise. */
    @Test
    void setStepsDoneAfterRestoringReplaysBitwise() {
        Model m = Preset.PAPER.grainGrowth(3, false);
        try (Grid g = new Grid(3, 64, 64, 1.0, Boundary.PERIODIC);
             Grid saved = new Grid(3, 64, 64, 1.0, Boundary.PERIODIC);
             ActiveSetEngine e = new ActiveSetEngine(m, g, 0.05, Kernels.scalar(), 1)) {
            g.copyFrom(GrainStates.voronoi(64, 64, 3, 3, 2, true).values());
            e.step(100);
            g.copyStateTo(saved);
            e.step(30);
            double[] first = state(g);
            saved.copyStateTo(g);
            e.setStepsDone(100);
            long denseBefore = e.denseSteps();
            e.step(30);
            assertBitwise(first, state(g), "replay");
            assertTrue(e.denseSteps() > denseBefore, "the step after setStepsDone is dense");
            assertEquals(130, e.stepsDone());
        }
    }

    @Test
    void guardedRunWorksWithTheActiveEngine() {
        Model m = Preset.PAPER.grainGrowth(2, false);
        Case c = new Case("guarded", m, GrainStates.voronoi(48, 48, 2, 2, 4, true).values(), 48, 48, 1.0, 0.05);
        double[] want = exact(c, Boundary.NOFLUX, 120);
        try (Grid g = new Grid(2, 48, 48, 1.0, Boundary.NOFLUX);
             ActiveSetEngine e = new ActiveSetEngine(m, g, 0.05, Kernels.scalar(), 2, 0.0);
             GuardedRun run = new GuardedRun(e, 16)) {
            g.copyFrom(c.init());
            run.advance(120);
            assertBitwise(want, state(g), "guarded");
        }
    }

    @Test
    void refusesBadTauAndClosesCleanly() {
        Model m = Preset.PAPER.grainGrowth(2, false);
        try (Grid g = new Grid(2, 16, 16, 1.0, Boundary.PERIODIC)) {
            Function<Double, ActiveSetEngine> make = t -> new ActiveSetEngine(m, g, 0.05, Kernels.scalar(), 1, t);
            for (double bad : new double[] {-1e-12, Double.NaN, Double.POSITIVE_INFINITY}) {
                assertThrows(IllegalArgumentException.class, () -> make.apply(bad), "tau " + bad);
            }
            ActiveSetEngine e = make.apply(0.0);
            assertTrue(e.segmentsAlive());
            e.step(3);
            assertTrue(e.description().startsWith("active (tau = 0.0"), e.description());
            e.close();
            assertFalse(e.segmentsAlive(), "cell lists freed");
            e.close();
            assertThrows(IllegalStateException.class, () -> e.step(1));
            assertFalse(g.isClosed(), "the grid belongs to the caller");
        }
    }
}
