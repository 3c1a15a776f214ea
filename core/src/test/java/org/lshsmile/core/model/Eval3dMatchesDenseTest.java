package org.lshsmile.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * {@link Model#evalNew3d} on the {@link Neighbourhood3d} of every cell of a 3-D grid reproduces the dense
 * scalar {@link Model#stepSlices} bitwise, for every model, option and boundary condition; a state constant
 * along z evaluates with the bits of the 2-D {@link Model#evalNew}; and the 25-point neighbourhood is the
 * documented one.
 */
class Eval3dMatchesDenseTest {

    private static final int NZ = 6;
    private static final int NY = 7;
    private static final int NX = 9;
    private static final int STEPS = 3;
    /** Index of the first step: nonzero, so the random sources' step key is exercised. */
    private static final long FIRST_STEP = 5;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    /** One case: a model, its time step and grid spacing, and a 3-D initial state of (m, NZ, NY, NX) values. */
    record Case(String label, Model model, double dt, double dx, double[] init) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (int q : new int[] {1, 4}) {
            for (boolean clamp : new boolean[] {false, true}) {
                GrainGrowth m = GrainGrowth.paper(q).withClamp(clamp);
                out.add(new Case("grain-growth Q=" + q + " clamp=" + clamp, m, 0.9 * m.stableDt(1.0, 3), 1.0,
                    grainState(q, 17L * q)));
            }
        }
        GrainGrowth varied = new GrainGrowth(new double[] {5, 3, 1.5}, new double[] {0.1, 0.25, 0.4}, 1.2, 0.8, true);
        out.add(new Case("grain-growth Q=3 per-grain parameters, dx=0.7", varied, 0.8 * varied.stableDt(0.7, 3), 0.7,
            grainState(3, 5)));
        CahnHilliard ch = CahnHilliard.pfhub1();
        out.add(new Case("cahn-hilliard pfhub1", ch, 0.9 * ch.stableDt(1.0, 3), 1.0, cahnHilliardState()));
        CahnHilliard ch2 = CahnHilliard.pfhub1().with("kappa", 0.7);
        out.add(new Case("cahn-hilliard kappa=0.7, dx=0.8", ch2, 0.9 * ch2.stableDt(0.8, 3), 0.8, cahnHilliardState()));
        for (Nanovoid.Form form : Nanovoid.Form.values()) {
            for (int variant = 0; variant < 5; variant++) {
                Nanovoid m = Nanovoid.standard(form);
                String what;
                switch (variant) {
                    case 0 -> what = "no sources";
                    case 1 -> {
                        m = m.with(form, false, true);
                        what = "no mask, no sources";
                    }
                    case 2 -> {
                        m = m.with(Nanovoid.Sources.standard(42, true, true));
                        what = "standard sources";
                    }
                    case 3 -> {
                        m = m.with(new Nanovoid.Sources(7, true, 0.4, 0.3, 0.05, true, 0.02));
                        what = "dense sources";
                    }
                    default -> {
                        m = m.with(form, false, false).with(new Nanovoid.Sources(9, true, 0.4, 0.3, 0.05, false, 0));
                        what = "no mask, no clamp, cascades only";
                    }
                }
                out.add(new Case("nanovoid " + form + " " + what, m, 0.9 * m.stableDt(1.0, 3), 1.0, nanovoidState()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} periodic")
    @MethodSource("cases")
    void evalNew3dMatchesStepSlicesPeriodic(Case c) {
        check(c, Boundary.PERIODIC, 1);
    }

    @ParameterizedTest(name = "{0} noflux")
    @MethodSource("cases")
    void evalNew3dMatchesStepSlicesNoflux(Case c) {
        check(c, Boundary.NOFLUX, 1);
    }

    @ParameterizedTest(name = "{0} noflux, 2 bands of slices")
    @MethodSource("cases")
    void evalNew3dMatchesStepSlicesTwoBands(Case c) {
        check(c, Boundary.NOFLUX, 2);
    }

    /**
     * Steps the grid STEPS times with the scalar {@code stepSlices} over all slices (in {@code bands} bands),
     * and before each swap compares every interior cell of the next buffer with {@code evalNew3d} on the
     * cell's neighbourhood in the current one, both fully gathered and with the points past
     * {@code evalPoints3d()} poisoned.
     */
    private static void check(Case c, Boundary bc, int bands) {
        Model model = c.model();
        int m = model.fields();
        int n = Neighbourhood3d.SIZE;
        int points = model.evalPoints3d();
        assertTrue(points == Neighbourhood3d.DIRECT || points == Neighbourhood3d.SIZE, "evalPoints3d " + points);
        StencilKernels k = Kernels.scalar();
        try (Grid g = new Grid(m, NZ, NY, NX, c.dx(), bc); Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(Math.max(1, model.scratchDoubles(g)) * Double.BYTES, 64);
            g.copyFrom(c.init());
            double[] nb = new double[Neighbourhood3d.length(m)];
            double[] poisoned = new double[nb.length];
            double[] full = new double[m];
            double[] part = new double[m];
            int differFromNoSources = 0;
            double[] noSrc = new double[m];
            Model withoutSources = model instanceof Nanovoid nv && nv.sources().any()
                ? nv.with(Nanovoid.Sources.NONE) : null;
            for (int s = 0; s < STEPS; s++) {
                long step = FIRST_STEP + s;
                int z0 = g.sliceStart();
                int[] cuts = bands == 1 ? new int[] {z0, z0 + NZ} : new int[] {z0, z0 + NZ / 2, z0 + NZ};
                for (int b = 0; b + 1 < cuts.length; b++) {
                    model.stepSlices(k, g, c.dt(), step, cuts[b], cuts[b + 1], scratch);
                }
                for (int z = 0; z < NZ; z++) {
                    for (int y = 0; y < NY; y++) {
                        for (int x = 0; x < NX; x++) {
                            Neighbourhood3d.gather(g, z, y, x, nb);
                            long cell = ((long) z * NY + y) * NX + x;
                            model.evalNew3d(nb, c.dt(), c.dx(), step, cell, full);
                            System.arraycopy(nb, 0, poisoned, 0, nb.length);
                            for (int f = 0; f < m; f++) {
                                Arrays.fill(poisoned, f * n + points, (f + 1) * n, Double.NaN);
                            }
                            model.evalNew3d(poisoned, c.dt(), c.dx(), step, cell, part);
                            for (int f = 0; f < m; f++) {
                                double dense = g.next().getAtIndex(D, g.index(f, z, y, x));
                                String where = c + " " + bc + " step " + step + ": field " + f + " cell (" + z + ", "
                                    + y + ", " + x + ")";
                                assertSameBits(dense, full[f], where + ": dense vs evalNew3d");
                                assertSameBits(full[f], part[f], where + ": all 25 points vs the leading "
                                    + points);
                            }
                            if (withoutSources != null) {
                                withoutSources.evalNew3d(nb, c.dt(), c.dx(), step, cell, noSrc);
                                if (!Arrays.equals(full, noSrc)) {
                                    differFromNoSources++;
                                }
                            }
                        }
                    }
                }
                g.swap();
                g.refreshHalo();
            }
            double[] after = new double[m * NZ * NY * NX];
            g.copyTo(after);
            assertTrue(!Arrays.equals(c.init(), after), c + ": the state did not change, the test would be vacuous");
            if (withoutSources != null) {
                assertTrue(differFromNoSources > 0, c + ": the random sources never acted");
            }
        }
    }

    private static void assertSameBits(double expected, double actual, String what) {
        if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)) {
            throw new AssertionError(what + ": expected " + expected + " got " + actual);
        }
    }

    @Test
    void nanovoidStateReachesTheVoidMask() {
        double[] v = nanovoidState();
        int cells = NZ * NY * NX;
        int inside = 0;
        for (int i = 0; i < cells; i++) {
            if (1.0 - v[i] - v[cells + i] < StencilKernels.Nanovoid.EPS) {
                inside++;
            }
        }
        assertTrue(inside > 0 && inside < cells, "cells inside the void: " + inside);
    }

    /**
     * A state constant along z: at every cell of the 3-D grid, {@code evalNew3d} gives the bits of the 2-D
     * {@code evalNew} at the same (y, x) of the 2-D grid (the sources keyed by the 2-D cell index, as slice 0
     * of the volume is).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesAndBoundaries")
    void stateConstantAlongZEvaluatesAsTwoDimensional(Case c, Boundary bc) {
        Model model = c.model();
        int m = model.fields();
        int plane = NY * NX;
        double[] s2 = new double[m * plane];
        for (int f = 0; f < m; f++) {
            System.arraycopy(c.init(), (f * NZ + NZ / 2) * plane, s2, f * plane, plane);
        }
        double[] s3 = new double[m * NZ * plane];
        for (int f = 0; f < m; f++) {
            for (int z = 0; z < NZ; z++) {
                System.arraycopy(s2, f * plane, s3, (f * NZ + z) * plane, plane);
            }
        }
        try (Grid g2 = new Grid(m, NY, NX, c.dx(), bc); Grid g3 = new Grid(m, NZ, NY, NX, c.dx(), bc)) {
            g2.copyFrom(s2);
            g3.copyFrom(s3);
            double[] nb2 = new double[Neighbourhood.length(m)];
            double[] nb3 = new double[Neighbourhood3d.length(m)];
            double[] two = new double[m];
            double[] three = new double[m];
            int changed = 0;
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    Neighbourhood.gather(g2, y, x, nb2);
                    model.evalNew(nb2, c.dt(), c.dx(), FIRST_STEP, y, x, NX, two);
                    for (int f = 0; f < m; f++) {
                        if (two[f] != nb2[Neighbourhood.at(f, Neighbourhood.CENTER)]) {
                            changed++;
                        }
                    }
                    for (int z = 0; z < NZ; z++) {
                        Neighbourhood3d.gather(g3, z, y, x, nb3);
                        model.evalNew3d(nb3, c.dt(), c.dx(), FIRST_STEP, (long) y * NX + x, three);
                        for (int f = 0; f < m; f++) {
                            assertSameBits(two[f], three[f], c + " " + bc + " field " + f + " cell (" + z + ", " + y
                                + ", " + x + "): 2-D evalNew vs evalNew3d");
                        }
                    }
                }
            }
            assertTrue(changed > 0, c + ": nothing changed, the test would be vacuous");
        }
    }

    static Stream<Arguments> casesAndBoundaries() {
        return cases().flatMap(c -> Stream.of(Boundary.values())
            .map(b -> Arguments.of(c, b)));
    }

    // ---------------------------------------------------------------- Neighbourhood3d facts

    /** The documented offsets, in the documented order. */
    private static final int[][] OFFSETS = {
        {0, 0, 0}, {0, 0, -1}, {0, 0, 1}, {0, -1, 0}, {0, 1, 0}, {-1, 0, 0}, {1, 0, 0},
        {0, -1, -1}, {0, -1, 1}, {0, 1, -1}, {0, 1, 1},
        {-1, 0, -1}, {-1, 0, 1}, {1, 0, -1}, {1, 0, 1},
        {-1, -1, 0}, {-1, 1, 0}, {1, -1, 0}, {1, 1, 0},
        {0, 0, -2}, {0, 0, 2}, {0, -2, 0}, {0, 2, 0}, {-2, 0, 0}, {2, 0, 0},
    };

    @Test
    void constantsFollowTheDocumentedOrder() {
        int[] idx = {Neighbourhood3d.CENTER, Neighbourhood3d.W, Neighbourhood3d.E, Neighbourhood3d.N,
            Neighbourhood3d.S, Neighbourhood3d.F, Neighbourhood3d.B, Neighbourhood3d.NW, Neighbourhood3d.NE,
            Neighbourhood3d.SW, Neighbourhood3d.SE, Neighbourhood3d.FW, Neighbourhood3d.FE, Neighbourhood3d.BW,
            Neighbourhood3d.BE, Neighbourhood3d.FN, Neighbourhood3d.FS, Neighbourhood3d.BN, Neighbourhood3d.BS,
            Neighbourhood3d.WW, Neighbourhood3d.EE, Neighbourhood3d.NN, Neighbourhood3d.SS, Neighbourhood3d.FF,
            Neighbourhood3d.BB};
        assertEquals(25, Neighbourhood3d.SIZE);
        assertEquals(7, Neighbourhood3d.DIRECT);
        assertEquals(OFFSETS.length, idx.length);
        for (int k = 0; k < idx.length; k++) {
            assertEquals(k, idx[k]);
            assertEquals(OFFSETS[k][0], Neighbourhood3d.dz(k), "dz of point " + k);
            assertEquals(OFFSETS[k][1], Neighbourhood3d.dy(k), "dy of point " + k);
            assertEquals(OFFSETS[k][2], Neighbourhood3d.dx(k), "dx of point " + k);
        }
        assertEquals(2 * 25 + 7, Neighbourhood3d.at(2, Neighbourhood3d.NW));
        assertEquals(75, Neighbourhood3d.length(3));
    }

    @Test
    void offsetsAreExactlyTheFirstAndSecondOrderNeighbours() {
        Set<List<Integer>> points = new HashSet<>();
        for (int k = 0; k < Neighbourhood3d.SIZE; k++) {
            points.add(List.of(Neighbourhood3d.dz(k), Neighbourhood3d.dy(k), Neighbourhood3d.dx(k)));
        }
        assertEquals(Neighbourhood3d.SIZE, points.size(), "the 25 offsets must be distinct");
        int expected = 0;
        for (int dz = -3; dz <= 3; dz++) {
            for (int dy = -3; dy <= 3; dy++) {
                for (int dx = -3; dx <= 3; dx++) {
                    int[] a = {Math.abs(dz), Math.abs(dy), Math.abs(dx)};
                    int zeros = 0;
                    int ones = 0;
                    int twos = 0;
                    for (int v : a) {
                        zeros += v == 0 ? 1 : 0;
                        ones += v == 1 ? 1 : 0;
                        twos += v == 2 ? 1 : 0;
                    }
                    boolean member = zeros == 3 // the centre
                        || (zeros == 2 && (ones == 1 || twos == 1)) // one coordinate off by 1 or 2
                        || (zeros == 1 && ones == 2); // two coordinates off by 1 each
                    expected += member ? 1 : 0;
                    assertEquals(member, points.contains(List.of(dz, dy, dx)), "offset (" + dz + ", " + dy + ", "
                        + dx + ")");
                }
            }
        }
        assertEquals(25, expected);
    }

    @Test
    void pointsInTheSliceAreTheTwoDimensionalNeighbourhoodInOrder() {
        List<int[]> inSlice = new ArrayList<>();
        for (int k = 0; k < Neighbourhood3d.SIZE; k++) {
            if (Neighbourhood3d.dz(k) == 0) {
                inSlice.add(new int[] {Neighbourhood3d.dy(k), Neighbourhood3d.dx(k)});
            }
        }
        assertEquals(Neighbourhood.SIZE, inSlice.size());
        for (int k = 0; k < Neighbourhood.SIZE; k++) {
            assertEquals(Neighbourhood.dy(k), inSlice.get(k)[0], "dy of 2-D point " + k);
            assertEquals(Neighbourhood.dx(k), inSlice.get(k)[1], "dx of 2-D point " + k);
        }
    }

    @Test
    void indexRoundTripsAndRejectsOtherOffsets() {
        for (int k = 0; k < Neighbourhood3d.SIZE; k++) {
            assertEquals(k, Neighbourhood3d.index(Neighbourhood3d.dz(k), Neighbourhood3d.dy(k), Neighbourhood3d.dx(k)));
            assertEquals(k, Neighbourhood3d.index(OFFSETS[k][0], OFFSETS[k][1], OFFSETS[k][2]));
        }
        for (int[] bad : new int[][] {{1, 1, 1}, {-1, -1, -1}, {0, 2, 1}, {2, 1, 0}, {3, 0, 0}, {0, 0, -3},
            {0, 2, 2}}) {
            assertThrows(IllegalArgumentException.class, () -> Neighbourhood3d.index(bad[0], bad[1], bad[2]),
                Arrays.toString(bad));
        }
    }

    @Test
    void crossHoldsTheDirectNeighboursOfTheDirectPoints() {
        int[][] dirs = {{0, 0, -1}, {0, 0, 1}, {0, -1, 0}, {0, 1, 0}, {-1, 0, 0}, {1, 0, 0}};
        for (int p = 0; p < Neighbourhood3d.DIRECT; p++) {
            for (int d = 0; d < 6; d++) {
                int q = Neighbourhood3d.CROSS[p * 6 + d];
                assertEquals(OFFSETS[p][0] + dirs[d][0], Neighbourhood3d.dz(q), "point " + p + " direction " + d);
                assertEquals(OFFSETS[p][1] + dirs[d][1], Neighbourhood3d.dy(q), "point " + p + " direction " + d);
                assertEquals(OFFSETS[p][2] + dirs[d][2], Neighbourhood3d.dx(q), "point " + p + " direction " + d);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Boundary.class)
    void gatherReadsTheHaloAsTheBoundarySays(Boundary bc) {
        int m = 2;
        try (Grid g = new Grid(m, NZ, NY, NX, 1.0, bc)) {
            double[] init = new double[m * NZ * NY * NX];
            for (int f = 0; f < m; f++) {
                for (int z = 0; z < NZ; z++) {
                    for (int y = 0; y < NY; y++) {
                        for (int x = 0; x < NX; x++) {
                            init[((f * NZ + z) * NY + y) * NX + x] = value(f, z, y, x);
                        }
                    }
                }
            }
            g.copyFrom(init);
            double[] nb = new double[Neighbourhood3d.length(m)];
            for (int z = 0; z < NZ; z++) {
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        Neighbourhood3d.gather(g, z, y, x, nb);
                        for (int f = 0; f < m; f++) {
                            for (int k = 0; k < Neighbourhood3d.SIZE; k++) {
                                int zz = source(z + OFFSETS[k][0], NZ, bc);
                                int yy = source(y + OFFSETS[k][1], NY, bc);
                                int xx = source(x + OFFSETS[k][2], NX, bc);
                                assertEquals(value(f, zz, yy, xx), nb[Neighbourhood3d.at(f, k)],
                                    bc + " cell (" + z + ", " + y + ", " + x + ") field " + f + " point " + k);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void gatherRejectsHaloCellsAndShortArrays() {
        try (Grid g = new Grid(2, NZ, NY, NX, 1.0, Boundary.PERIODIC)) {
            double[] nb = new double[50];
            List<Executable> bad = List.of(() -> Neighbourhood3d.gather(g, -1, 0, 0, nb),
                () -> Neighbourhood3d.gather(g, NZ, 0, 0, nb), () -> Neighbourhood3d.gather(g, 0, -1, 0, nb),
                () -> Neighbourhood3d.gather(g, 0, NY, 0, nb), () -> Neighbourhood3d.gather(g, 0, 0, -1, nb),
                () -> Neighbourhood3d.gather(g, 2, 3, NX, nb));
            for (Executable e : bad) {
                assertThrows(IndexOutOfBoundsException.class, e);
            }
            assertThrows(IllegalArgumentException.class, () -> Neighbourhood3d.gather(g, 0, 0, 0, new double[49]));
            Neighbourhood3d.gather(g, NZ - 1, NY - 1, NX - 1, nb); // the last interior cell and 50 doubles are fine
        }
    }

    /** Distinct value per (field, cell), exactly representable. */
    private static double value(int f, int z, int y, int x) {
        return f * 1_000_000 + z * 10_000 + y * 100 + x;
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

    // ---------------------------------------------------------------- states

    /** A sphere for Q = 1; otherwise smoothed uniform noise per order parameter; plus a little noise. */
    private static double[] grainState(int q, long seed) {
        int cells = NZ * NY * NX;
        double[] v = new double[q * cells];
        if (q == 1) {
            for (int z = 0; z < NZ; z++) {
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        double dz = z - NZ / 2.0;
                        double dy = y - NY / 2.0;
                        double dx = x - NX / 2.0;
                        v[(z * NY + y) * NX + x] = dz * dz + dy * dy + dx * dx < 6 ? 1.0 : 0.0;
                    }
                }
            }
        } else {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble();
            }
        }
        smooth(v, q, 1);
        addNoise(v, seed, 0.05);
        return v;
    }

    private static double[] cahnHilliardState() {
        double[] v = CahnHilliard.pfhub1Initial3d(NZ, NY, NX, 1.0, 0.5, 0.01);
        addNoise(v, 3, 0.05);
        return v;
    }

    /** A spherical void (c_v = 1, c_i = 0, eta = 1 inside) in a matrix, plus noise. */
    private static double[] nanovoidState() {
        double[] v = Nanovoid.voids(NZ, NY, NX, new double[][] {{3.0, 4.0, 2.2}}, new double[] {1, 0, 1},
            new double[] {0.069, 0.122, 0.05});
        addNoise(v, 11, 0.02);
        // keep some cells exactly inside the void so the mask acts
        int cells = NZ * NY * NX;
        int centre = ((NZ / 2) * NY + 3) * NX + 4;
        v[centre] = 1.0;
        v[cells + centre] = 0.0;
        return v;
    }

    private static void smooth(double[] v, int fields, int passes) {
        int cells = NZ * NY * NX;
        double[] t = new double[cells];
        for (int p = 0; p < passes; p++) {
            for (int f = 0; f < fields; f++) {
                int o = f * cells;
                for (int z = 0; z < NZ; z++) {
                    for (int y = 0; y < NY; y++) {
                        for (int x = 0; x < NX; x++) {
                            double s = 0;
                            for (int dz = -1; dz <= 1; dz++) {
                                for (int dy = -1; dy <= 1; dy++) {
                                    for (int dx = -1; dx <= 1; dx++) {
                                        s += v[o + (Math.floorMod(z + dz, NZ) * NY + Math.floorMod(y + dy, NY)) * NX
                                            + Math.floorMod(x + dx, NX)];
                                    }
                                }
                            }
                            t[(z * NY + y) * NX + x] = s / 27;
                        }
                    }
                }
                System.arraycopy(t, 0, v, o, cells);
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
