package org.lshsmile.core.lsh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;

class LshSmileEngineTest {

    private static final int[] buckets = new int[1];
    private static final long[] codeViolations = new long[1];

    /** {max |error|, mean |error|} of an LSH run against the exact engine from the same state. */
    private static double[] errorAfter(Model model, double[] init, int ny, int nx, double dx, double dt, Boundary bc,
                                       LshSmileEngine.Mode mode, double r, double r0, int k, int l, int steps,
                                       boolean check) {
        try (Grid exact = new Grid(model.fields(), ny, nx, dx, bc); Grid approx = new Grid(model.fields(), ny, nx, dx, bc);
             ExactEngine e = new ExactEngine(model, exact, dt, Kernels.scalar(), 1)) {
            exact.copyFrom(init);
            approx.copyFrom(init);
            codeViolations[0] = 0;
            try (LshSmileEngine lsh = new LshSmileEngine(model, approx, dt, mode, r, r0, k, l, 42)) {
                if (check) {
                    codeViolations[0] = Math.max(codeViolations[0], lsh.checkInvariants());
                }
                for (int s = 0; s < steps; s++) {
                    e.step(1);
                    lsh.step(1);
                    if (check) {
                        codeViolations[0] = Math.max(codeViolations[0], lsh.checkInvariants());
                    }
                }
                buckets[0] = lsh.buckets();
            }
            double[] a = new double[init.length];
            double[] b = new double[init.length];
            exact.copyTo(a);
            approx.copyTo(b);
            double max = 0;
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b[i]);
                max = Math.max(max, d);
                sum += d;
            }
            return new double[] {max, sum / a.length};
        }
    }

    @Test
    void paperModeReachesThePapersErrorLevelOnThreeGrains() {
        Preset p = Preset.PAPER;
        double[] init = GrainStates.voronoi(128, 128, 3, 3, 1, true).values();
        double[] err = errorAfter(p.grainGrowth(3, false), init, 128, 128, p.dx(), p.dt(), Boundary.PERIODIC,
            LshSmileEngine.Mode.PAPER, 0.01, 0.01, 3, 10, 180, false);
        System.out.printf("paper mode r=r0=0.01 K=3 L=10, 128^2 Q=3, 180 steps: max %.3g mean %.3g, %d buckets%n",
            err[0], err[1], buckets[0]);
        // the paper's "1e-5" level is a mean; the max is what verification is for
        assertTrue(err[1] <= 1e-4, "mean |error| " + err[1]);
        assertTrue(err[0] > err[1] * 10, "the max is well above the mean: " + err[0]);
        assertTrue(buckets[0] < 128 * 128 / 20, "buckets share updates: " + buckets[0]);
    }

    @Test
    void verifiedModeKeepsTheMaxErrorBelowROnThreeGrains() {
        Preset p = Preset.PAPER;
        double[] init = GrainStates.voronoi(128, 128, 3, 3, 1, true).values();
        for (double r : new double[] {1e-3, 1e-4}) {
            double[] err = errorAfter(p.grainGrowth(3, false), init, 128, 128, p.dx(), p.dt(), Boundary.PERIODIC,
                LshSmileEngine.Mode.VERIFIED, r, r, 3, 10, 180, false);
            System.out.printf("verified r=r0=%g, 128^2 Q=3, 180 steps: max %.3g mean %.3g, %d buckets%n", r, err[0],
                err[1], buckets[0]);
            assertTrue(err[0] <= r, "max |error| " + err[0] + " > r = " + r);
            assertTrue(buckets[0] < 128 * 128 / 10, "buckets share updates: " + buckets[0]);
        }
    }

    @Test
    void verifiedModeKeepsTheMaxErrorBelowROnAPolycrystal() {
        Preset p = Preset.PAPER;
        double[] init = GrainStates.voronoi(256, 256, 64, 8, 5, true).values();
        for (double r : new double[] {1e-3, 1e-4}) {
            double[] err = errorAfter(p.grainGrowth(8, false), init, 256, 256, p.dx(), p.dt(), Boundary.PERIODIC,
                LshSmileEngine.Mode.VERIFIED, r, r, 3, 10, 180, false);
            System.out.printf("verified r=r0=%g, 256^2 Q=8 64 grains, 180 steps: max %.3g mean %.3g, %d buckets%n", r,
                err[0], err[1], buckets[0]);
            assertTrue(err[0] <= r, "max |error| " + err[0] + " > r = " + r);
            assertTrue(buckets[0] < 256 * 256 / 2, "buckets share updates: " + buckets[0]);
        }
    }

    @Test
    void invariantsHoldFor500StepsForEveryModel() {
        GrainGrowth gg = Preset.DEFAULT.grainGrowth(3, false);
        int n = 40 * 36;
        errorAfter(gg, GrainStates.voronoi(40, 36, 3, 3, 2, true).values(), 40, 36, 0.5, 0.05, Boundary.PERIODIC,
            LshSmileEngine.Mode.PAPER, 0.01, 0.01, 3, 10, 500, true);
        System.out.printf("paper mode, grain growth 40x36: at most %d of %d elements' codes missed their"
            + " representative's (invariant (ii) is not maintained by the published algorithm)%n", codeViolations[0], n);
        // (i) and (iii) were checked (thrown) every step; (ii) is only counted in paper mode: see checkInvariants
        errorAfter(gg, GrainStates.voronoi(40, 36, 3, 3, 2, false).values(), 40, 36, 0.5, 0.05, Boundary.NOFLUX,
            LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 3, 10, 500, true);
        double[] ch = errorAfter(CahnHilliard.pfhub1(), CahnHilliard.pfhub1Initial(32, 30, 1.0, 0.5, 0.01), 32, 30, 1.0,
            1e-3, Boundary.NOFLUX, LshSmileEngine.Mode.VERIFIED, 1e-4, 1e-4, 3, 10, 500, true);
        assertTrue(ch[0] <= 1e-3, "Cahn-Hilliard max |error| " + ch[0]);
        double[] nv = errorAfter(Nanovoid.standard(Nanovoid.Form.LITERAL), Nanovoid.initialState("v0", 32, 32), 32, 32,
            1.0, 0.02, Boundary.PERIODIC, LshSmileEngine.Mode.VERIFIED, 1e-4, 1e-4, 3, 10, 500, true);
        assertTrue(nv[0] <= 1e-3, "nanovoid max |error| " + nv[0]);
        errorAfter(Nanovoid.standard(Nanovoid.Form.CONSERVATIVE), Nanovoid.initialState("v1", 32, 32), 32, 32,
            1.0, 0.02, Boundary.NOFLUX, LshSmileEngine.Mode.PAPER, 1e-3, 1e-3, 3, 10, 500, true);
    }

    /**
     * Re-encoding through setStepsDone over an encoding's buckets (as the learner does for each pair): the
     * code tables were once left holding the old records' ids, which crashed with an out-of-bounds access
     * once the state had diffuse boundaries. The re-encoded run stays as close to exact as a fresh one (it
     * is not bitwise the fresh run: the step counter differs).
     */
    @ParameterizedTest
    @EnumSource(LshSmileEngine.Mode.class)
    void reEncodingOverOldBucketsRunsAsCloseToExactAsAFreshEngine(LshSmileEngine.Mode mode) {
        Preset p = Preset.DEFAULT;
        int n = 128;
        double[] init = GrainStates.voronoi(n, n, 3, 3, 42, true).values();
        double[] exact = new double[init.length];
        double[] fresh = new double[init.length];
        double[] again = new double[init.length];
        try (Grid g = new Grid(3, n, n, p.dx(), Boundary.PERIODIC)) {
            g.copyFrom(init);
            try (ExactEngine e = new ExactEngine(p.grainGrowth(3, false), g, p.dt(), Kernels.scalar(), 1)) {
                e.step(100); // diffuse boundaries: many more buckets than the sharp start
                g.copyTo(init);
                e.step(10);
                g.copyTo(exact);
            }
            g.copyFrom(init);
            try (LshSmileEngine lsh = new LshSmileEngine(p.grainGrowth(3, false), g, p.dt(), mode, 1e-3, 1e-3, 3, 10,
                42)) {
                lsh.step(10);
                g.copyTo(fresh);
            }
            g.copyFrom(init);
            try (LshSmileEngine lsh = new LshSmileEngine(p.grainGrowth(3, false), g, p.dt(), mode, 1e-3, 1e-3, 3, 10,
                42)) {
                lsh.setStepsDone(500); // the same state encoded again over the first encoding's buckets
                lsh.step(10);
                g.copyTo(again);
            }
        }
        double dFresh = 0;
        double dAgain = 0;
        for (int i = 0; i < exact.length; i++) {
            dFresh = Math.max(dFresh, Math.abs(fresh[i] - exact[i]));
            dAgain = Math.max(dAgain, Math.abs(again[i] - exact[i]));
        }
        // verified mode bounds each merge, so a second encoding lands as close; paper mode's unverified merges
        // depend on the encoding's order of collisions (here 7.4e-4 fresh, 1.6e-3 re-encoded)
        double bound = mode == LshSmileEngine.Mode.VERIFIED ? 2 * dFresh + 1e-6 : 10 * dFresh;
        assertTrue(dAgain <= bound, mode + ": re-encoded max |error| " + dAgain + ", fresh " + dFresh);
    }

    @Test
    void statisticsAndBucketIdsDescribeTheBuckets() {
        Preset p = Preset.DEFAULT;
        double[] init = GrainStates.voronoi(48, 40, 4, 4, 3, true).values();
        try (Grid g = new Grid(4, 48, 40, p.dx(), Boundary.PERIODIC);
             LshSmileEngine lsh = new LshSmileEngine(p.grainGrowth(4, false), g, p.dt(), LshSmileEngine.Mode.VERIFIED,
                 1e-3, 1e-3, 3, 10, 7)) {
            g.copyFrom(init);
            lsh.setStepsDone(1); // the grid was set after construction: encode again
            LshSmileEngine.StepStats enc = lsh.lastStep();
            assertEquals(lsh.buckets(), enc.buckets());
            assertTrue(enc.rehashed() > 0 && enc.rehashed() < 48 * 40, "encoding hashes distinct patterns only: "
                + enc.rehashed());
            java.util.List<LshSmileEngine.StepStats> seen = new java.util.ArrayList<>();
            int[] bucketsBefore = new int[1];
            lsh.setStepListener(s -> seen.add(s));
            bucketsBefore[0] = lsh.buckets();
            lsh.step(5);
            assertEquals(5, seen.size());
            assertEquals(2, seen.get(0).step());
            assertEquals(6, seen.get(4).step());
            assertEquals(bucketsBefore[0], seen.get(0).evals(), "one evaluation per bucket");
            int[] ids = new int[48 * 40];
            lsh.bucketIds(ids);
            assertEquals(lsh.buckets(), java.util.Arrays.stream(ids).distinct().count());
            // elements of one bucket have one value
            double[] state = new double[init.length];
            g.copyTo(state);
            java.util.Map<Integer, Integer> first = new java.util.HashMap<>();
            for (int e = 0; e < ids.length; e++) {
                first.putIfAbsent(ids[e], e);
                int rep = first.get(ids[e]);
                for (int f = 0; f < 4; f++) {
                    assertEquals(state[f * ids.length + rep], state[f * ids.length + e], "element " + e + " field " + f);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> lsh.bucketIds(new int[3]));
        }
    }

    @Test
    void incrementalCodesMatchFreshProjections() {
        Preset p = Preset.DEFAULT;
        double[] init = GrainStates.voronoi(64, 64, 4, 4, 3, true).values();
        try (Grid g = new Grid(4, 64, 64, p.dx(), Boundary.PERIODIC)) {
            g.copyFrom(init);
            try (LshSmileEngine lsh = new LshSmileEngine(p.grainGrowth(4, false), g, p.dt(), LshSmileEngine.Mode.VERIFIED,
                1e-3, 1e-3, 3, 10, 11)) {
                lsh.step(120);
                assertTrue(lsh.incrementalCodings() > 0, "some codes were updated incrementally");
                // projections are O(1); the updates add a few roundings each
                assertTrue(lsh.maxProjectionDrift() < 1e-12, "drift " + lsh.maxProjectionDrift());
            }
        }
    }

    @Test
    void manyStepsInOneCallLeaveTheSameGridAsOneStepPerCallOrAdvanceThenWriteGrid() {
        Preset p = Preset.DEFAULT;
        double[] init = GrainStates.voronoi(64, 64, 8, 8, 4, true).values();
        for (LshSmileEngine.Mode mode : LshSmileEngine.Mode.values()) {
            double[][] outs = new double[3][init.length];
            double[] read = new double[init.length];
            for (int run = 0; run < 3; run++) {
                try (Grid g = new Grid(8, 64, 64, p.dx(), Boundary.PERIODIC)) {
                    g.copyFrom(init);
                    try (LshSmileEngine lsh = new LshSmileEngine(p.grainGrowth(8, false), g, p.dt(), mode, 1e-3, 1e-3, 3,
                        10, 5)) {
                        if (run == 0) {
                            lsh.step(40);
                        } else if (run == 1) {
                            for (int s = 0; s < 40; s++) {
                                lsh.step(1);
                            }
                        } else {
                            // the grid is up to date only after writeGrid; read sees the buckets before that
                            lsh.advance(40);
                            lsh.read(0, 64 * 64, read);
                            lsh.writeGrid();
                        }
                    }
                    g.copyTo(outs[run]);
                }
            }
            for (int i = 0; i < init.length; i++) {
                assertEquals(Double.doubleToRawLongBits(outs[1][i]), Double.doubleToRawLongBits(outs[0][i]),
                    mode + ": element " + i + " of the grid after step(40) is stale");
                assertEquals(Double.doubleToRawLongBits(outs[0][i]), Double.doubleToRawLongBits(outs[2][i]),
                    mode + ": element " + i + ": advance(40) then writeGrid is not step(40)");
                assertEquals(Double.doubleToRawLongBits(outs[0][i]), Double.doubleToRawLongBits(read[i]),
                    mode + ": element " + i + ": read after advance(40)");
            }
        }
    }

    @Test
    void sameSeedSameBits() {
        Preset p = Preset.DEFAULT;
        double[] init = GrainStates.voronoi(48, 48, 4, 4, 3, true).values();
        double[][] outs = new double[2][init.length];
        for (int run = 0; run < 2; run++) {
            try (Grid g = new Grid(4, 48, 48, p.dx(), Boundary.PERIODIC);
                 LshSmileEngine lsh = new LshSmileEngine(p.grainGrowth(4, false), g, p.dt(),
                     LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 3, 10, 7)) {
                g.copyFrom(init);
                lsh.step(50);
                g.copyTo(outs[run]);
            }
        }
        for (int i = 0; i < init.length; i++) {
            assertEquals(Double.doubleToRawLongBits(outs[0][i]), Double.doubleToRawLongBits(outs[1][i]), "element " + i);
        }
    }

    @Test
    void closeFreesEveryOffHeapSegment() {
        Preset p = Preset.PAPER;
        GrainGrowth model = p.grainGrowth(3, false);
        double[] init = GrainStates.voronoi(48, 40, 3, 3, 5, true).values();
        for (LshSmileEngine.Mode mode : LshSmileEngine.Mode.values()) {
            try (Grid g = new Grid(3, 48, 40, p.dx(), Boundary.PERIODIC)) {
                g.copyFrom(init);
                LshSmileEngine lsh = new LshSmileEngine(model, g, p.dt(), mode, 1e-3, 1e-3, 3, 10, 42);
                lsh.step(30); // records, tables and the feature cache have grown and been replaced by now
                List<MemorySegment> segments = lsh.segments();
                assertEquals(2 + 3 + 13 + 10 + 1, segments.size(), "engine, records, forest, tables, family");
                for (MemorySegment s : segments) {
                    assertTrue(s.scope().isAlive(), mode + ": alive before close");
                }
                lsh.close();
                for (MemorySegment s : segments) {
                    assertFalse(s.scope().isAlive(), mode + ": a segment outlived close()");
                }
                assertThrows(IllegalStateException.class, () -> lsh.step(1));
                lsh.close(); // twice is harmless
                assertTrue(g.current().scope().isAlive(), "the grid is the caller's, not the engine's");
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        Preset p = Preset.DEFAULT;
        try (Grid g = new Grid(3, 8, 8, p.dx(), Boundary.PERIODIC)) {
            assertThrows(IllegalArgumentException.class, () -> new LshSmileEngine(p.grainGrowth(3, false), g, p.dt(),
                LshSmileEngine.Mode.PAPER, 0, 0.01, 3, 10, 1));
            assertThrows(IllegalArgumentException.class, () -> new LshSmileEngine(p.grainGrowth(3, false), g, p.dt(),
                LshSmileEngine.Mode.PAPER, 0.01, -1, 3, 10, 1));
            assertThrows(IllegalArgumentException.class, () -> new LshSmileEngine(p.grainGrowth(2, false), g, p.dt(),
                LshSmileEngine.Mode.PAPER, 0.01, 0.01, 3, 10, 1));
            assertThrows(IllegalArgumentException.class, () -> LshSmileEngine.Mode.parse("fast"));
        }
    }
}
