package org.lshsmile.core.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.core.kernels.KernelSets;

/**
 * The LSH-SMILE engine distributed over slabs (threads standing in for MPI ranks): each rank hashes its own
 * slab with two ghost layers a side. With a vanishing bucket width it is the exact engine bit for bit on any
 * number of ranks (the ghosts carry exactly the neighbours' values into every feature vector and evaluation);
 * in verified mode its error against exact stays below r as on one process.
 */
class SlabLshEngineTest {

    record Result(double[] state, int buckets) {
    }

    /** Runs {@code ranks} threads, each stepping its slab with a {@link SlabLshEngine}; rank 0's gathered state. */
    static Result distributed(SlabGridTest.Case c, int nz, int ny, int nx, double dx, Boundary bc, double[] init,
                              int steps, int chunk, int ranks, double r, double r0) throws Exception {
        return SlabGridTest.onRanks(ranks, comm -> {
            try (SlabGrid sg = new SlabGrid(comm, c.model().fields(), nz, ny, nx, dx, bc)) {
                sg.scatter(init);
                int buckets;
                try (SlabLshEngine e = new SlabLshEngine(sg, c.model(), c.dt(), r, r0, 3, 10, 42,
                    KernelSets.projections("scalar"))) {
                    for (int done = 0; done < steps; done += chunk) {
                        e.step(Math.min(chunk, steps - done));
                    }
                    assertEquals(steps, e.stepsDone());
                    buckets = (int) comm.allreduceSum(new double[] {e.slabEngine().buckets()})[0];
                }
                return new Result(sg.gather(0), buckets);
            }
        }).get(0);
    }

    static double[] exact(SlabGridTest.Case c, int nz, int ny, int nx, double dx, Boundary bc, double[] init,
                          int steps) {
        try (Grid g = new Grid(c.model().fields(), nz, ny, nx, dx, bc);
             ExactEngine e = new ExactEngine(c.model(), g, c.dt(), Kernels.scalar(), 1)) {
            g.copyFrom(init);
            e.step(steps);
            double[] out = new double[init.length];
            g.copyTo(out);
            return out;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        List<SlabGridTest.Case> models = List.of(
            new SlabGridTest.Case("grain-growth", GrainGrowth.paper(3), 0.05),
            new SlabGridTest.Case("cahn-hilliard", new CahnHilliard(5.0, 2.0, 5.0, 0.3, 0.7), 1e-3),
            new SlabGridTest.Case("nanovoid", Nanovoid.standard(Nanovoid.Form.CONSERVATIVE), 0.01));
        for (SlabGridTest.Case c : models) {
            for (int nz : new int[] {1, 9}) {
                for (Boundary bc : Boundary.values()) {
                    a.add(Arguments.of(c, nz, bc));
                }
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} nz={1} {2}")
    @MethodSource("cases")
    void aVanishingBucketWidthIsTheExactEngineOnAnyNumberOfRanks(SlabGridTest.Case c, int nz, Boundary bc)
        throws Exception {
        // r = 1e-300 merges only identical feature vectors and r0 = 0 re-checks every neighbour of every change:
        // each shared update is every member's own, so a ghost layer that is stale, shifted or mirrored wrongly
        // shows as a differing bit
        int ny = nz == 1 ? 17 : 8;
        int nx = 11;
        double[] init = SlabGridTest.state(c, nz, ny, nx, 3);
        double[] one = exact(c, nz, ny, nx, 1.0, bc, init, 8);
        for (int ranks = 1; ranks <= 4; ranks++) {
            Result d = distributed(c, nz, ny, nx, 1.0, bc, init, 8, 3, ranks, 1e-300, 0);
            SlabGridTest.assertSameBits(one, d.state(), ranks + " ranks");
        }
    }

    @Test
    void verifiedModeKeepsTheErrorBelowROnSlabsOfThreeGrains() throws Exception {
        Preset p = Preset.PAPER;
        SlabGridTest.Case c = new SlabGridTest.Case("grain-growth", p.grainGrowth(3, false), p.dt());
        int n = 96;
        double[] init = GrainStates.voronoi(n, n, 3, 3, 1, true).values();
        double[] exact = exact(c, 1, n, n, p.dx(), Boundary.PERIODIC, init, 60);
        for (int ranks : new int[] {1, 2, 3}) {
            for (double r : new double[] {1e-3, 1e-4}) {
                Result d = distributed(c, 1, n, n, p.dx(), Boundary.PERIODIC, init, 60, 20, ranks, r, r);
                double max = 0;
                for (int i = 0; i < exact.length; i++) {
                    max = Math.max(max, Math.abs(exact[i] - d.state()[i]));
                }
                System.out.printf("distributed lsh verified r=r0=%g, %d ranks, 96^2 Q=3, 60 steps: max |error| %.3g,"
                    + " %d buckets over all ranks%n", r, ranks, max, d.buckets());
                assertTrue(max <= r, ranks + " ranks, r " + r + ": max |error| " + max);
                int ghosts = ranks * 4 * n; // two layers a side on every rank, each ghost in a bucket of its own
                assertTrue(d.buckets() - ghosts < n * n / 8, "buckets share updates on every rank: "
                    + (d.buckets() - ghosts) + " besides the ghosts");
            }
        }
    }

    @Test
    void sameRanksSameBits() throws Exception {
        Preset p = Preset.PAPER;
        SlabGridTest.Case c = new SlabGridTest.Case("grain-growth", p.grainGrowth(3, false), p.dt());
        double[] init = GrainStates.voronoi(8, 20, 18, 3, 3, 2, false).values();
        Result a = distributed(c, 8, 20, 18, p.dx(), Boundary.NOFLUX, init, 12, 5, 3, 1e-3, 1e-3);
        Result b = distributed(c, 8, 20, 18, p.dx(), Boundary.NOFLUX, init, 12, 5, 3, 1e-3, 1e-3);
        SlabGridTest.assertSameBits(a.state(), b.state(), "two runs on 3 ranks");
    }

    @Test
    void slabEnginesReleaseEveryArenaWhenClosed() throws Exception {
        // each rank's engine owns an extended grid, its LSH tables and (when a pass lists an element twice) a
        // grown queue: after 40 create-step-close cycles on 3 ranks, live arenas and bytes are back where they were
        SlabGridTest.Case c = new SlabGridTest.Case("grain-growth", GrainGrowth.paper(3), 0.05);
        double[] init = GrainStates.voronoi(30, 20, 3, 3, 9, true).values();
        long arenas = org.lshsmile.core.grid.OffHeap.liveArenas();
        long bytes = org.lshsmile.core.grid.OffHeap.liveBytes();
        for (int cycle = 0; cycle < 40; cycle++) {
            distributed(c, 1, 30, 20, 1.0, Boundary.PERIODIC, init, 6, 3, 3, 1e-3, 1e-3);
        }
        assertEquals(arenas, org.lshsmile.core.grid.OffHeap.liveArenas(), org.lshsmile.core.grid.OffHeap.describeLive());
        assertEquals(bytes, org.lshsmile.core.grid.OffHeap.liveBytes(), org.lshsmile.core.grid.OffHeap.describeLive());
    }

    @Test
    void overwriteIsRefusedOutsideTheGridAndInPaperMode() {
        GrainGrowth gg = GrainGrowth.paper(2);
        try (Grid g = new Grid(2, 8, 8, 1.0, Boundary.PERIODIC)) {
            try (LshSmileEngine lsh = new LshSmileEngine(gg, g, 0.05, LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 2, 2,
                1L)) {
                assertThrows(IllegalArgumentException.class, () -> lsh.overwrite(60, 8, new double[16]));
                assertThrows(IllegalArgumentException.class, () -> lsh.overwrite(0, 8, new double[8]));
                double[] v = new double[16];
                v[3] = 0.25; // element 3, field 0
                lsh.overwrite(0, 8, v);
                double[] back = new double[16];
                lsh.read(0, 8, back);
                assertEquals(0.25, back[3]);
                lsh.writeGrid();
                assertEquals(0.25, g.get(0, 0, 3));
                assertEquals(0.0, g.get(1, 0, 3));
            }
            try (LshSmileEngine paper = new LshSmileEngine(gg, g, 0.05, LshSmileEngine.Mode.PAPER, 1e-3, 1e-3, 2, 2,
                1L)) {
                assertThrows(IllegalStateException.class, () -> paper.overwrite(0, 1, new double[2]));
            }
        }
    }
}
