package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * 3-D grids: a state constant along z evolves with the bits of the 2-D run, scalar and SIMD kernels and
 * any thread count give the same bits on truly 3-D states, and the conservation and energy checks of 2-D
 * hold in 3-D.
 */
class ThreeDimensionalTest {

    /** A model, a smooth-ish random 2-D state for it, and a stable dt. */
    private record Case(String name, Model model, double dt) {
        double[] state2d(int ny, int nx, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int m = model.fields();
            double[] s = new double[m * ny * nx];
            for (int i = 0; i < s.length; i++) {
                s[i] = switch (name) {
                    case "cahn-hilliard" -> 0.5 + 0.05 * (r.nextDouble() - 0.5);
                    case "nanovoid" -> i < ny * nx ? 0.02 + 0.2 * r.nextDouble()
                        : i < 2 * ny * nx ? 0.01 + 0.05 * r.nextDouble() : r.nextDouble();
                    default -> r.nextDouble();
                };
            }
            return s;
        }

        /** The 3-D state whose every slice is {@code s2}. */
        double[] stack(double[] s2, int nz, int ny, int nx) {
            int plane = ny * nx;
            double[] s3 = new double[model.fields() * nz * plane];
            for (int f = 0; f < model.fields(); f++) {
                for (int z = 0; z < nz; z++) {
                    System.arraycopy(s2, f * plane, s3, (f * nz + z) * plane, plane);
                }
            }
            return s3;
        }
    }

    private static Stream<Case> models() {
        return Stream.of(
            new Case("grain-growth", GrainGrowth.paper(4), 0.05),
            new Case("cahn-hilliard", new CahnHilliard(5.0, 2.0, 5.0, 0.3, 0.7), 1e-3),
            new Case("nanovoid", Nanovoid.standard(Nanovoid.Form.CONSERVATIVE), 0.01),
            new Case("nanovoid-literal", Nanovoid.standard(Nanovoid.Form.LITERAL), 0.01));
    }

    static Stream<Arguments> modelsAndBoundaries() {
        return models().flatMap(c -> Stream.of(Boundary.values()).map(b -> Arguments.of(c, b)));
    }

    private static StencilKernels simd() {
        Optional<StencilKernels> k = Kernels.simd();
        Assumptions.assumeTrue(k.isPresent(), () -> "no SIMD kernels: " + Kernels.vectorUnavailableReason());
        return k.get();
    }

    private static double[] run(Case c, Grid g, double[] init, StencilKernels k, int threads, int steps) {
        g.copyFrom(init);
        try (ExactEngine e = new ExactEngine(c.model(), g, c.dt(), k, threads, 0)) {
            e.step(steps);
        }
        double[] out = new double[(int) (g.fields() * g.cells())];
        g.copyTo(out);
        return out;
    }

    private static void assertSameBits(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                throw new AssertionError(what + ": element " + i + " differs: " + a[i] + " vs " + b[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modelsAndBoundaries")
    void stateConstantAlongZEvolvesAsTheTwoDimensionalRun(Case c, Boundary bc) {
        int nz = 4;
        int ny = 13;
        int nx = 21;
        double[] s2 = c.state2d(ny, nx, 11);
        for (StencilKernels k : new StencilKernels[] {Kernels.scalar(), Kernels.simd().orElse(Kernels.scalar())}) {
            double[] two;
            try (Grid g = new Grid(c.model().fields(), ny, nx, 1.0, bc)) {
                two = run(c, g, s2, k, 1, 20);
            }
            double[] three;
            try (Grid g = new Grid(c.model().fields(), nz, ny, nx, 1.0, bc)) {
                three = run(c, g, c.stack(s2, nz, ny, nx), k, 2, 20);
            }
            assertSameBits(c.stack(two, nz, ny, nx), three, c.name() + " " + k.name());
            assertTrue(!java.util.Arrays.equals(s2, two), "the state must actually change");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modelsAndBoundaries")
    void scalarSimdAndThreadsAgreeBitwiseOnA3dState(Case c, Boundary bc) {
        StencilKernels simd = simd();
        int nz = 7;
        int ny = 11;
        int nx = 19; // odd: vector loops and scalar tails both run
        int m = c.model().fields();
        SplittableRandom r = new SplittableRandom(5);
        double[] init = new double[m * nz * ny * nx];
        double[] s2 = c.state2d(ny, nx, 3);
        for (int f = 0; f < m; f++) {
            for (int z = 0; z < nz; z++) {
                for (int i = 0; i < ny * nx; i++) {
                    double v = s2[f * ny * nx + i];
                    init[(f * nz + z) * ny * nx + i] = v * (0.9 + 0.2 * r.nextDouble());
                }
            }
        }
        try (Grid g = new Grid(m, nz, ny, nx, 1.0, bc)) {
            double[] scalar = run(c, g, init, Kernels.scalar(), 1, 15);
            double[] vector = run(c, g, init, simd, 1, 15);
            double[] threads = run(c, g, init, simd, 3, 15);
            assertSameBits(scalar, vector, "scalar vs simd");
            assertSameBits(scalar, threads, "1 vs 3 threads");
        }
    }

    @Test
    void cahnHilliardConservesMassAndLowersItsEnergyIn3d() {
        CahnHilliard ch = new CahnHilliard(5.0, 2.0, 5.0, 0.3, 0.7);
        Case c = new Case("cahn-hilliard", ch, 1e-3);
        int nz = 12;
        int ny = 16;
        int nx = 20;
        SplittableRandom r = new SplittableRandom(9);
        double[] init = new double[nz * ny * nx];
        for (int i = 0; i < init.length; i++) {
            init[i] = 0.5 + 0.1 * (r.nextDouble() - 0.5);
        }
        assertTrue(c.dt() < ch.stableDt(1.0, 3), "dt within the 3-D bound " + ch.stableDt(1.0, 3));
        for (Boundary bc : Boundary.values()) {
            try (Grid g = new Grid(1, nz, ny, nx, 1.0, bc);
                 ExactEngine e = new ExactEngine(ch, g, c.dt(), Kernels.fromSystemProperty(), 2, 0)) {
                g.copyFrom(init);
                double mass0 = org.lshsmile.core.diag.Diagnostics.fieldTotals(g)[0];
                double energy = ch.freeEnergy(g);
                for (int block = 0; block < 10; block++) {
                    e.step(50);
                    double en = ch.freeEnergy(g);
                    assertTrue(en <= energy, bc + ": energy rose from " + energy + " to " + en);
                    energy = en;
                }
                double mass = org.lshsmile.core.diag.Diagnostics.fieldTotals(g)[0];
                assertEquals(mass0, mass, 1e-12 * Math.abs(mass0), bc + ": mass");
            }
        }
    }

    @Test
    void grainGrowthLowersItsEnergyIn3d() {
        GrainGrowth gg = GrainGrowth.paper(3);
        Case c = new Case("grain-growth", gg, 0.05);
        try (Grid g = new Grid(3, 10, 12, 14, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(gg, g, c.dt(), Kernels.fromSystemProperty(), 1, 0)) {
            double[] s2 = c.state2d(12, 14, 2);
            SplittableRandom r = new SplittableRandom(4);
            double[] init = c.stack(s2, 10, 12, 14);
            for (int i = 0; i < init.length; i++) {
                init[i] *= 0.5 + r.nextDouble();
            }
            g.copyFrom(init);
            double energy = gg.freeEnergy(g);
            for (int block = 0; block < 5; block++) {
                e.step(20);
                double en = gg.freeEnergy(g);
                assertTrue(en < energy, "energy rose from " + energy + " to " + en);
                energy = en;
            }
        }
    }

    @Test
    void haloOf3dGridsWrapsAndMirrorsAlongZ() {
        for (Boundary bc : Boundary.values()) {
            try (Grid g = new Grid(1, 3, 4, 5, 1.0, bc)) {
                double[] v = new double[3 * 4 * 5];
                for (int i = 0; i < v.length; i++) {
                    v[i] = i;
                }
                g.copyFrom(v);
                var s = g.current();
                long below = g.index(0, 0, 1, 2) - g.sliceStride();
                long twoBelow = below - g.sliceStride();
                long above = g.index(0, 2, 1, 2) + g.sliceStride();
                double expectBelow = bc == Boundary.PERIODIC ? g.get(0, 2, 1, 2) : g.get(0, 0, 1, 2);
                double expectTwoBelow = bc == Boundary.PERIODIC ? g.get(0, 1, 1, 2) : g.get(0, 1, 1, 2);
                double expectAbove = bc == Boundary.PERIODIC ? g.get(0, 0, 1, 2) : g.get(0, 2, 1, 2);
                assertEquals(expectBelow, s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE, below), bc + " z=-1");
                assertEquals(expectTwoBelow, s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE, twoBelow),
                    bc + " z=-2");
                assertEquals(expectAbove, s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE, above), bc + " z=nz");
                // an edge ghost (z = -1, y = -1) holds the fully wrapped or mirrored value
                long corner = below - g.rowStride() * 2;
                double expectCorner = bc == Boundary.PERIODIC ? g.get(0, 2, 3, 2) : g.get(0, 0, 0, 2);
                assertEquals(expectCorner, s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE, corner), bc + " edge");
                double[] back = new double[v.length];
                g.copyTo(back);
                assertArrayEquals(v, back);
            }
        }
    }

    @Test
    void enginesAndKernelsWithout3dAreRefusedWithTheFixAndTheLshEngineIsNot() {
        GrainGrowth gg = GrainGrowth.paper(2);
        try (Grid g = new Grid(2, 4, 8, 8, 1.0, Boundary.PERIODIC)) {
            var active = assertThrows(IllegalArgumentException.class,
                () -> new ActiveSetEngine(gg, g, 0.05, Kernels.scalar(), 1, 0.0));
            assertTrue(active.getMessage().contains("exact engine"), active.getMessage());
            // the LSH engine runs 3-D grids with 25-point features (core's Lsh3dTest)
            try (LshSmileEngine lsh = new LshSmileEngine(gg, g, 0.05, LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 2, 2,
                1L)) {
                lsh.step(1);
                assertEquals(1, lsh.stepsDone());
            }
            Optional<StencilKernels> nat = KernelSets.nativeStencils();
            nat.ifPresent(k -> {
                var ex = assertThrows(IllegalArgumentException.class, () -> new ExactEngine(gg, g, 0.05, k, 1));
                assertTrue(ex.getMessage().contains("simd or scalar"), ex.getMessage());
            });
        }
    }

    @Test
    void threeDimensionalStableStepIsSmaller() {
        GrainGrowth gg = GrainGrowth.paper(2);
        CahnHilliard ch = CahnHilliard.pfhub1();
        assertEquals(gg.stableDt(1.0) * 2 / 3, gg.stableDt(1.0, 3), 1e-15);
        assertEquals(ch.stableDt(1.0) * 4 / 9, ch.stableDt(1.0, 3), 1e-15);
        assertEquals(ch.stableDt(1.0), ch.stableDt(1.0, 2));
        assertThrows(IllegalArgumentException.class, () -> gg.stableDt(1.0, 4));
        assertThrows(IllegalArgumentException.class, () -> ch.stableDt(1.0, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> CahnHilliard.pfhub1Initial3d(0, 8, 8, 1, 0.5, 0.01));
        assertTrue(e.getMessage().contains("nz"), e.getMessage());
        var g = assertThrows(IllegalArgumentException.class, () -> new Grid(1, 0, 8, 8, 1.0, Boundary.PERIODIC));
        assertTrue(g.getMessage().contains("nz"), g.getMessage());
    }
}
