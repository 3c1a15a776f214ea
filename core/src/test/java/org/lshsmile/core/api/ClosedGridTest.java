package org.lshsmile.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lshsmile.core.api.ApiFixtures.DT;
import static org.lshsmile.core.api.ApiFixtures.MODEL;
import static org.lshsmile.core.api.ApiFixtures.N;
import static org.lshsmile.core.api.ApiFixtures.Q;
import static org.lshsmile.core.api.ApiFixtures.refused;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.learn.Learnables;
import org.lshsmile.core.learn.RolloutGradient;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.lsh.LshSmileEngine.Mode;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * Closed grids and closed engines: every use is an {@link IllegalStateException} naming what is closed, checked
 * in Java before any kernel runs, so the native kernels never see freed memory (a JVM crash otherwise).
 */
class ClosedGridTest {

    private static final String CLOSED = "grid " + Q + " x " + N + " x " + N + " is closed";

    @Test
    void everyAccessToAClosedGridIsRefused() {
        Grid g = ApiFixtures.grid();
        Grid other = ApiFixtures.grid();
        g.close();
        g.close(); // idempotent
        assertTrue(g.isClosed());
        double[] values = new double[Q * N * N];
        refused(IllegalStateException.class, () -> g.get(0, 1, 1), CLOSED);
        refused(IllegalStateException.class, () -> g.set(0, 1, 1, 0.5), CLOSED);
        refused(IllegalStateException.class, () -> g.copyTo(values), CLOSED);
        refused(IllegalStateException.class, () -> g.copyFrom(values), CLOSED);
        refused(IllegalStateException.class, () -> g.copyStateTo(other), CLOSED);
        refused(IllegalStateException.class, () -> other.copyStateTo(g), CLOSED);
        refused(IllegalStateException.class, g::swap, CLOSED);
        refused(IllegalStateException.class, g::refreshHalo, CLOSED);
        refused(IllegalStateException.class, g::current, CLOSED);
        refused(IllegalStateException.class, () -> g.acquire(this), CLOSED);
        try (Arena a = Arena.ofShared()) {
            refused(IllegalStateException.class, () -> g.view(a.allocate(g.bufferBytes(), 64),
                a.allocate(g.bufferBytes(), 64)), CLOSED);
        }
        // the shape stays readable: messages and reports name it
        assertEquals(Q + " x " + N + " x " + N, g.shape());
        other.copyTo(values); // the other grid is untouched
        other.close();
    }

    @Test
    void enginesRefuseAClosedGridAtConstruction() {
        Grid g = ApiFixtures.grid();
        g.close();
        refused(IllegalStateException.class, () -> new ExactEngine(MODEL, g, DT, Kernels.scalar(), 1), CLOSED);
        refused(IllegalStateException.class, () -> new ActiveSetEngine(MODEL, g, DT, Kernels.scalar(), 1), CLOSED);
        refused(IllegalStateException.class, () -> new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 3, 4,
            1L, KernelSets.projections("scalar")), CLOSED);
    }

    /** Every kernel set, the native one included when the library loads: the grid is checked before the kernel. */
    @Test
    void steppingAnEngineWhoseGridWasClosedIsRefusedWithEveryKernelSet() {
        List<StencilKernels> sets = ApiFixtures.allKernels();
        for (StencilKernels k : sets) {
            for (int kind = 0; kind < 2; kind++) {
                Grid g = ApiFixtures.grid();
                Engine e = kind == 0 ? new ExactEngine(MODEL, g, DT, k, 2, 0) : new ActiveSetEngine(MODEL, g, DT, k, 2);
                e.step(2);
                g.close();
                refused(IllegalStateException.class, () -> e.step(1), CLOSED);
                refused(IllegalStateException.class, () -> e.step(0), CLOSED);
                assertEquals(2, e.stepsDone(), k.name() + ": a refused step is not counted");
                e.close();
            }
        }
        Grid g = ApiFixtures.grid();
        LshSmileEngine lsh = new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 3, 4, 1L,
            KernelSets.projections("scalar"));
        lsh.step(1);
        g.close();
        refused(IllegalStateException.class, () -> lsh.step(1), CLOSED);
        refused(IllegalStateException.class, lsh::checkInvariants, CLOSED);
        refused(IllegalStateException.class, () -> lsh.setStepsDone(7), CLOSED);
        lsh.close();
    }

    @Test
    void theNativeKernelsNeverSeeAClosedGrid() {
        var nat = KernelSets.nativeStencils();
        Assumptions.assumeTrue(nat.isPresent(), "native library absent: " + KernelSets.nativeLibrary().description());
        Grid g = ApiFixtures.grid();
        try (ExactEngine e = new ExactEngine(MODEL, g, DT, nat.get(), 1)) {
            e.step(1);
            g.close();
            for (int i = 0; i < 3; i++) {
                refused(IllegalStateException.class, () -> e.step(1), CLOSED);
            }
        }
        // a view whose buffers the caller freed: refused in Java, not passed to C
        Grid shape = ApiFixtures.grid();
        Arena a = Arena.ofShared();
        Grid view = shape.view(a.allocate(shape.bufferBytes(), 64), a.allocate(shape.bufferBytes(), 64));
        shape.copyStateTo(view);
        try (ExactEngine e = new ExactEngine(MODEL, view, DT, nat.get(), 1)) {
            e.step(1);
            a.close();
            assertTrue(view.isClosed(), "a view over freed buffers counts as closed");
            refused(IllegalStateException.class, () -> e.step(1), "the buffers under the view grid", "were freed");
        }
        shape.close();
    }

    @Test
    void closedEnginesRefuseToStepAndCloseTwiceQuietly() {
        try (Grid g = ApiFixtures.grid()) {
            ExactEngine exact = new ExactEngine(MODEL, g, DT, Kernels.scalar(), 1);
            exact.close();
            exact.close(); // Closeable contract: a second close does nothing
            refused(IllegalStateException.class, () -> exact.step(1), "exact engine is closed");
            ActiveSetEngine active = new ActiveSetEngine(MODEL, g, DT, Kernels.scalar(), 1);
            active.close();
            active.close();
            refused(IllegalStateException.class, () -> active.step(1), "active-set engine is closed");
            LshSmileEngine lsh = new LshSmileEngine(MODEL, g, DT, Mode.PAPER, 1e-3, 1e-3, 3, 4, 1L,
                KernelSets.projections("scalar"));
            lsh.close();
            lsh.close();
            refused(IllegalStateException.class, () -> lsh.step(1), "lsh-smile engine is closed");
            refused(IllegalStateException.class, () -> lsh.bucketIds(new int[N * N]), "lsh-smile engine is closed");
            refused(IllegalStateException.class, lsh::checkInvariants, "lsh-smile engine is closed");
            assertFalse(g.isClosed(), "closing engines leaves the caller's grid open");
            assertTrue(Double.isFinite(g.get(0, 3, 3)));
        }
    }

    @Test
    void aClosedRolloutGradientIsRefused() {
        RolloutGradient rg = new RolloutGradient(Q, 16, 16, 0.5, Boundary.PERIODIC, DT, 2, Kernels.scalar(), 1, 0, 0);
        rg.close();
        rg.close();
        double[] s = new double[Q * 16 * 16];
        refused(IllegalStateException.class, () -> rg.rollout(Learnables.of(MODEL), s, 0, new double[s.length]),
            "rollout gradient is closed");
        refused(IllegalStateException.class, () -> rg.loss(Learnables.of(MODEL),
            List.of(new RolloutGradient.Pair(s, 0, s))), "rollout gradient is closed");
    }

    @Test
    void aViewCountsAsClosedOnceItsBuffersAreFreed() {
        try (Grid g = ApiFixtures.grid()) {
            Arena a = Arena.ofShared();
            MemorySegment s0 = a.allocate(g.bufferBytes(), 64);
            MemorySegment s1 = a.allocate(g.bufferBytes(), 64);
            Grid view = g.view(s0, s1);
            g.copyStateTo(view);
            assertEquals(g.get(1, 5, 6), view.get(1, 5, 6));
            a.close();
            assertTrue(view.isClosed());
            refused(IllegalStateException.class, () -> view.get(1, 5, 6), "were freed");
            refused(IllegalStateException.class, () -> g.copyStateTo(view), "were freed");
            refused(IllegalStateException.class, () -> new ExactEngine(MODEL, view, DT, Kernels.scalar(), 1),
                "were freed");
        }
    }
}
