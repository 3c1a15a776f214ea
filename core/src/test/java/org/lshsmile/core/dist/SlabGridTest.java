package org.lshsmile.core.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;

/**
 * Slabs over ranks (threads standing in for MPI ranks) give bitwise the state of one process, for every
 * model (nanovoid with its random sources), 2-D and 3-D, both boundaries, 1 to 4 ranks, and the exact and
 * active (tau = 0) engines. The same check runs under mpirun in {@code DistributedMpiTest}.
 */
class SlabGridTest {

    record Case(String name, Model model, double dt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> models() {
        return List.of(
            new Case("grain-growth", GrainGrowth.paper(3), 0.05),
            new Case("cahn-hilliard", new CahnHilliard(5.0, 2.0, 5.0, 0.3, 0.7), 1e-3),
            new Case("nanovoid+sources", Nanovoid.standard(Nanovoid.Form.CONSERVATIVE)
                .with(Nanovoid.Sources.standard(7, true, true)), 0.01));
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (Case c : models()) {
            for (int nz : new int[] {1, 9}) {
                for (Boundary bc : Boundary.values()) {
                    a.add(Arguments.of(c, nz, bc));
                }
            }
        }
        return a.stream();
    }

    /** A random but model-sensible state, (field, z, y, x). */
    static double[] state(Case c, int nz, int ny, int nx, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int m = c.model().fields();
        int cells = nz * ny * nx;
        double[] s = new double[m * cells];
        for (int i = 0; i < s.length; i++) {
            int f = i / cells;
            s[i] = switch (c.name()) {
                case "cahn-hilliard" -> 0.5 + 0.05 * (r.nextDouble() - 0.5);
                case "nanovoid+sources" -> f == 0 ? 0.02 + 0.2 * r.nextDouble() : f == 1 ? 0.01 + 0.05 * r.nextDouble()
                    : r.nextDouble();
                default -> r.nextDouble();
            };
        }
        return s;
    }

    static double[] single(Case c, int nz, int ny, int nx, Boundary bc, double[] init, int steps,
                           Function<Grid, Engine> engine) {
        try (Grid g = new Grid(c.model().fields(), nz, ny, nx, 1.0, bc)) {
            g.copyFrom(init);
            try (Engine e = engine.apply(g)) {
                e.step(steps);
            }
            double[] out = new double[init.length];
            g.copyTo(out);
            return out;
        }
    }

    /** What one rank does, with its communicator. */
    @FunctionalInterface
    interface RankBody<T> {
        T run(Communicator comm) throws Exception;
    }

    /** Runs {@code body} on {@code ranks} threads standing in for ranks; their results in rank order. */
    static <T> List<T> onRanks(int ranks, RankBody<T> body) throws Exception {
        ThreadCommunicator.World world = new ThreadCommunicator.World(ranks);
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                Communicator comm = world.rank(r);
                futures.add(pool.submit(() -> body.run(comm)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code ranks} threads, each stepping its slab; returns rank 0's gathered state. */
    static double[] distributed(Case c, int nz, int ny, int nx, Boundary bc, double[] init, int steps, int ranks,
                                Function<Grid, Engine> engine) throws Exception {
        return onRanks(ranks, comm -> {
            try (SlabGrid sg = new SlabGrid(comm, c.model().fields(), nz, ny, nx, 1.0, bc)) {
                sg.scatter(init);
                try (Engine e = engine.apply(sg.local())) {
                    e.step(steps);
                }
                return sg.gather(0);
            }
        }).get(0);
    }

    static void assertSameBits(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                throw new AssertionError(what + ": element " + i + " differs: " + a[i] + " vs " + b[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0} nz={1} {2}")
    @MethodSource("cases")
    void slabsGiveTheBitsOfOneProcess(Case c, int nz, Boundary bc) throws Exception {
        int ny = nz == 1 ? 17 : 8;
        int nx = 13;
        double[] init = state(c, nz, ny, nx, 3);
        Function<Grid, Engine> exact = g -> new ExactEngine(c.model(), g, c.dt(), Kernels.fromSystemProperty(), 1, 0);
        double[] one = single(c, nz, ny, nx, bc, init, 12, exact);
        for (int ranks = 1; ranks <= 4; ranks++) {
            assertSameBits(one, distributed(c, nz, ny, nx, bc, init, 12, ranks, exact), ranks + " ranks");
        }
    }

    @Test
    void activeEngineWithTauZeroGivesTheBitsOfOneProcess() throws Exception {
        Case c = models().get(0);
        double[] init = state(c, 1, 24, 16, 5);
        Function<Grid, Engine> active = g -> new ActiveSetEngine(c.model(), g, c.dt(), Kernels.fromSystemProperty(), 1,
            0.0);
        double[] one = single(c, 1, 24, 16, Boundary.PERIODIC, init, 15, active);
        for (int ranks = 2; ranks <= 3; ranks++) {
            assertSameBits(one, distributed(c, 1, 24, 16, Boundary.PERIODIC, init, 15, ranks, active), ranks + " ranks");
        }
    }

    @Test
    void reductionsMatchOneProcessToRounding() throws Exception {
        Case c = models().get(1);
        double[] init = state(c, 6, 10, 12, 8);
        double[] totalsAndEnergy = new double[2];
        try (Grid g = new Grid(1, 6, 10, 12, 1.0, Boundary.PERIODIC)) {
            g.copyFrom(init);
            totalsAndEnergy[0] = org.lshsmile.core.diag.Diagnostics.fieldTotals(g)[0];
            totalsAndEnergy[1] = c.model().freeEnergy(g);
        }
        ThreadCommunicator.World world = new ThreadCommunicator.World(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<double[]>> fs = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                Communicator comm = world.rank(r);
                fs.add(pool.submit(() -> {
                    try (SlabGrid sg = new SlabGrid(comm, 1, 6, 10, 12, 1.0, Boundary.PERIODIC)) {
                        sg.scatter(init);
                        return new double[] {sg.totals()[0], sg.freeEnergy(c.model()), sg.anyNonFinite() ? 1 : 0};
                    }
                }));
            }
            for (Future<double[]> f : fs) {
                double[] v = f.get();
                assertEquals(totalsAndEnergy[0], v[0], 1e-12 * Math.abs(totalsAndEnergy[0]));
                assertEquals(totalsAndEnergy[1], v[1], 1e-12 * Math.abs(totalsAndEnergy[1]));
                assertEquals(0, v[2]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void slabsThinnerThanTheHaloAreRefusedWithTheFix() {
        var e = assertThrows(IllegalArgumentException.class, () -> Slab.of(7, 4, 0));
        assertTrue(e.getMessage().contains("at most 3 ranks"), e.getMessage());
        Slab s = Slab.of(10, 3, 2);
        assertEquals(6, s.start());
        assertEquals(4, s.count());
    }
}
