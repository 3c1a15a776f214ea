package org.lshsmile.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.simd.Kernels;

/**
 * {@link Model#evalNew} on the {@link Neighbourhood} of every cell reproduces the dense scalar step
 * bitwise, for every model, option and boundary condition; and {@link Neighbourhood#gather} reads the
 * halo as the boundary condition says.
 */
class EvalMatchesDenseTest {

    private static final int NY = 19;
    private static final int NX = 23;
    private static final int STEPS = 6;

    /** One case: a model, its time step and grid spacing, and an initial state of (m, NY, NX) values. */
    record Case(String label, Model model, double dt, double dx, double[] init) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (int q : new int[] {1, 3, 8}) {
            for (boolean clamp : new boolean[] {false, true}) {
                GrainGrowth m = GrainGrowth.paper(q).withClamp(clamp);
                out.add(new Case("grain-growth Q=" + q + " clamp=" + clamp, m, 0.9 * m.stableDt(1.0), 1.0,
                    grainState(q, 17L * q)));
            }
        }
        GrainGrowth varied = new GrainGrowth(new double[] {5, 3, 1.5}, new double[] {0.1, 0.25, 0.4}, 1.2, 0.8, true);
        out.add(new Case("grain-growth Q=3 per-grain parameters, dx=0.7", varied, 0.8 * varied.stableDt(0.7), 0.7,
            grainState(3, 5)));
        CahnHilliard ch = CahnHilliard.pfhub1();
        out.add(new Case("cahn-hilliard pfhub1", ch, 0.9 * ch.stableDt(1.0), 1.0, cahnHilliardState()));
        for (Nanovoid.Form form : Nanovoid.Form.values()) {
            for (int variant = 0; variant < 4; variant++) {
                Nanovoid m = Nanovoid.standard(form);
                String what;
                switch (variant) {
                    case 0 -> what = "no sources";
                    case 1 -> {
                        m = m.with(Nanovoid.Sources.standard(42, true, true));
                        what = "standard sources";
                    }
                    case 2 -> {
                        m = m.with(new Nanovoid.Sources(7, true, 0.4, 0.3, 0.05, true, 0.02));
                        what = "dense sources";
                    }
                    default -> {
                        m = m.with(form, false, false).with(new Nanovoid.Sources(9, true, 0.4, 0.3, 0.05, false, 0));
                        what = "no mask, no clamp, cascades only";
                    }
                }
                out.add(new Case("nanovoid " + form + " " + what, m, 0.1, 1.0, nanovoidState()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} periodic")
    @MethodSource("cases")
    void evalMatchesDensePeriodic(Case c) {
        check(c, Boundary.PERIODIC, 1);
    }

    @ParameterizedTest(name = "{0} noflux")
    @MethodSource("cases")
    void evalMatchesDenseNoflux(Case c) {
        check(c, Boundary.NOFLUX, 1);
    }

    @ParameterizedTest(name = "{0} noflux, 2 bands")
    @MethodSource("cases")
    void evalMatchesDenseTwoBands(Case c) {
        check(c, Boundary.NOFLUX, 2);
    }

    private static void check(Case c, Boundary bc, int threads) {
        Model model = c.model();
        int m = model.fields();
        try (Grid dense = new Grid(m, NY, NX, c.dx(), bc); Grid ref = new Grid(m, NY, NX, c.dx(), bc);
             ExactEngine engine = new ExactEngine(model, dense, c.dt(), Kernels.scalar(), threads, 0)) {
            dense.copyFrom(c.init());
            ref.copyFrom(c.init());
            engine.setStepsDone(3);
            double[] nb = new double[Neighbourhood.length(m)];
            double[] nv = new double[m];
            double[] a = new double[m * NY * NX];
            double[] b = new double[m * NY * NX];
            for (int s = 0; s < STEPS; s++) {
                long step = engine.stepsDone();
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        Neighbourhood.gather(ref, y, x, nb);
                        // the points past evalPoints() must not be read: poison them
                        for (int f = 0; f < m; f++) {
                            for (int k = model.evalPoints(); k < Neighbourhood.SIZE; k++) {
                                nb[f * Neighbourhood.SIZE + k] = Double.NaN;
                            }
                        }
                        model.evalNew(nb, c.dt(), c.dx(), step, y, x, NX, nv);
                        for (int f = 0; f < m; f++) {
                            ref.next().setAtIndex(ValueLayout.JAVA_DOUBLE, ref.index(f, y, x), nv[f]);
                        }
                    }
                }
                ref.swap();
                ref.refreshHalo();
                engine.step(1);
                dense.copyTo(a);
                ref.copyTo(b);
                for (int i = 0; i < a.length; i++) {
                    if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                        int f = i / (NY * NX);
                        int y = i % (NY * NX) / NX;
                        int x = i % NX;
                        throw new AssertionError(c + " " + bc + " step " + step + ": field " + f + " cell (" + y
                            + ", " + x + "): dense " + a[i] + " evalNew " + b[i]);
                    }
                }
            }
            assertTrue(changed(c.init(), a), c + ": the state did not change, the test would be vacuous");
        }
    }

    private static boolean changed(double[] before, double[] after) {
        for (int i = 0; i < before.length; i++) {
            if (before[i] != after[i]) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(Boundary.class)
    void gatherReadsTheHaloAsTheBoundarySays(Boundary bc) {
        int m = 2;
        try (Grid g = new Grid(m, NY, NX, 1.0, bc)) {
            double[] init = new double[m * NY * NX];
            for (int f = 0; f < m; f++) {
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        init[(f * NY + y) * NX + x] = value(f, y, x);
                    }
                }
            }
            g.copyFrom(init);
            double[] nb = new double[Neighbourhood.length(m)];
            int[][] offsets = {{0, 0}, {0, -1}, {0, 1}, {-1, 0}, {1, 0}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1},
                {0, -2}, {0, 2}, {-2, 0}, {2, 0}};
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    Neighbourhood.gather(g, y, x, nb);
                    for (int f = 0; f < m; f++) {
                        for (int k = 0; k < Neighbourhood.SIZE; k++) {
                            int yy = source(y + offsets[k][0], NY, bc);
                            int xx = source(x + offsets[k][1], NX, bc);
                            assertEquals(value(f, yy, xx), nb[Neighbourhood.at(f, k)],
                                bc + " cell (" + y + ", " + x + ") field " + f + " point " + k);
                        }
                    }
                }
            }
        }
    }

    @Test
    void stencilConstantsFollowTheDocumentedOrder() {
        int[] idx = {Neighbourhood.CENTER, Neighbourhood.W, Neighbourhood.E, Neighbourhood.N, Neighbourhood.S,
            Neighbourhood.NW, Neighbourhood.NE, Neighbourhood.SW, Neighbourhood.SE, Neighbourhood.WW,
            Neighbourhood.EE, Neighbourhood.NN, Neighbourhood.SS};
        int[][] offsets = {{0, 0}, {0, -1}, {0, 1}, {-1, 0}, {1, 0}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1},
            {0, -2}, {0, 2}, {-2, 0}, {2, 0}};
        assertEquals(13, Neighbourhood.SIZE);
        for (int k = 0; k < idx.length; k++) {
            assertEquals(k, idx[k]);
            assertEquals(offsets[k][0], Neighbourhood.dy(k), "dy of point " + k);
            assertEquals(offsets[k][1], Neighbourhood.dx(k), "dx of point " + k);
        }
        assertEquals(2 * 13 + 5, Neighbourhood.at(2, Neighbourhood.NW));
        assertEquals(39, Neighbourhood.length(3));
    }

    @Test
    void gatherRejectsHaloCellsAndShortArrays() {
        try (Grid g = new Grid(2, NY, NX, 1.0, Boundary.PERIODIC)) {
            double[] nb = new double[26];
            List<Executable> bad = List.of(() -> Neighbourhood.gather(g, -1, 0, nb),
                () -> Neighbourhood.gather(g, 0, NX, nb), () -> Neighbourhood.gather(g, NY, 3, nb));
            for (Executable e : bad) {
                assertThrows(IndexOutOfBoundsException.class, e);
            }
            assertThrows(IllegalArgumentException.class, () -> Neighbourhood.gather(g, 0, 0, new double[25]));
        }
    }

    /** Distinct value per (field, cell), exactly representable. */
    private static double value(int f, int y, int x) {
        return f * 10000 + y * 100 + x;
    }

    /** Interior index a padded coordinate reads, computed independently of the halo code. */
    private static int source(int i, int n, Boundary bc) {
        if (bc == Boundary.PERIODIC) {
            return Math.floorMod(i, n);
        }
        if (i < 0) {
            return -i - 1;
        }
        if (i >= n) {
            return 2 * n - 1 - i;
        }
        return i;
    }

    /** Voronoi grains, one per order parameter (a disc for Q = 1), smoothed by a few box filters, plus uniform noise. */
    private static double[] grainState(int q, long seed) {
        double[] v;
        if (q == 1) {
            v = new double[NY * NX];
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    double dy = y - NY / 2.0;
                    double dx = x - NX / 2.0;
                    v[y * NX + x] = dy * dy + dx * dx < 36 ? 1.0 : 0.0;
                }
            }
        } else {
            v = GrainStates.voronoi(NY, NX, q, q, seed, true).values();
        }
        smooth(v, q, 2);
        addNoise(v, seed, 0.05);
        return v;
    }

    private static double[] cahnHilliardState() {
        double[] v = CahnHilliard.pfhub1Initial(NY, NX, 1.0, 0.5, 0.01);
        addNoise(v, 3, 0.05);
        return v;
    }

    private static double[] nanovoidState() {
        double[] v = Nanovoid.initialState("v2", NY, NX);
        addNoise(v, 11, 0.02);
        return v;
    }

    private static void smooth(double[] v, int fields, int passes) {
        double[] t = new double[NY * NX];
        for (int p = 0; p < passes; p++) {
            for (int f = 0; f < fields; f++) {
                int o = f * NY * NX;
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        double s = 0;
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                s += v[o + Math.floorMod(y + dy, NY) * NX + Math.floorMod(x + dx, NX)];
                            }
                        }
                        t[y * NX + x] = s / 9;
                    }
                }
                System.arraycopy(t, 0, v, o, t.length);
            }
        }
    }

    private static void addNoise(double[] v, long seed, double amplitude) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] += amplitude * (2 * r.nextDouble() - 1);
        }
    }
}
