package org.lshsmile.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lshsmile.core.api.ApiFixtures.DT;
import static org.lshsmile.core.api.ApiFixtures.MODEL;
import static org.lshsmile.core.api.ApiFixtures.refused;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.learn.RolloutGradient;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.lsh.LshSmileEngine.Mode;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;

/**
 * Requests that cannot fit are refused before anything is allocated, with a one-line
 * {@link IllegalStateException} naming the estimate, the limit and the fix; each refusal is timed (it must
 * be instant, far below what touching that much memory would take).
 */
class MemoryRefusalTest {

    /** A refusal takes microseconds; 2 s leaves room for a loaded CI machine and a cold JIT. */
    private static final long INSTANT_NANOS = 2_000_000_000L;

    @AfterEach
    void clearCap() {
        System.clearProperty(MemoryBudget.OFF_HEAP_PROPERTY);
    }

    private static IllegalStateException refusedFast(Executable call, String... phrases) {
        long t0 = System.nanoTime();
        IllegalStateException e = refused(IllegalStateException.class, call, phrases);
        long took = System.nanoTime() - t0;
        assertTrue(took < INSTANT_NANOS, "refusal took " + took / 1e6 + " ms");
        return e;
    }

    @Test
    void absurdGridIsRefusedNamingTheEstimateAndTheLimit() {
        long bytes = Grid.bytesFor(4096, Grid.MAX_SIDE, Grid.MAX_SIDE);
        assertTrue(bytes < 0 || bytes > MemoryBudget.offHeapLimit());
        IllegalStateException e = refusedFast(() -> new Grid(4096, Grid.MAX_SIDE, Grid.MAX_SIDE, 1.0,
            Boundary.PERIODIC), "a grid of 4096 x 1048576 x 1048576 needs about", "off-heap, more than the",
            "physical", "use a smaller size or fewer fields");
        System.out.println("MemoryRefusalTest: " + e.getMessage());
        // just above the limit, without overflow
        int side = (int) Math.min(Grid.MAX_SIDE, Math.sqrt(MemoryBudget.offHeapLimit() / 16.0) + 64);
        Assumptions.assumeTrue(Grid.bytesFor(1, side, side) > MemoryBudget.offHeapLimit(), "machine too large");
        refusedFast(() -> new Grid(1, side, side, 1.0, Boundary.PERIODIC), "needs about", "more than the");
    }

    @Test
    void theOffHeapCapPropertyLowersTheLimitAndIsNamed() {
        System.setProperty(MemoryBudget.OFF_HEAP_PROPERTY, "1m");
        assertEquals(1L << 20, MemoryBudget.offHeapLimit());
        refusedFast(() -> new Grid(1, 512, 512, 1.0, Boundary.PERIODIC), "a grid of 1 x 512 x 512 needs about 4.",
            "more than the 1.0 MiB", "-Dlshsmile.memory.offheap.max=1m");
        try (Grid small = new Grid(1, 64, 64, 1.0, Boundary.PERIODIC)) {
            assertTrue(small.bufferBytes() < (1 << 20));
        }
        System.setProperty(MemoryBudget.OFF_HEAP_PROPERTY, "lots");
        refused(IllegalArgumentException.class, MemoryBudget::offHeapLimit, "must be a byte count like 512m",
            "'lots'");
    }

    /** The LSH engine needs several times the grid's bytes: with a cap between the two, only the engine is refused. */
    @Test
    void lshEngineTablesAreRefusedBeforeAllocating() {
        try (Grid g = ApiFixtures.grid()) {
            long engine = LshSmileEngine.bytesFor(g.cells(), g.fields(), 3, 4);
            long grid = Grid.bytesFor(g.fields(), g.ny(), g.nx());
            assertTrue(engine > grid, engine + " vs " + grid);
            System.setProperty(MemoryBudget.OFF_HEAP_PROPERTY, Long.toString((grid + engine) / 2));
            refusedFast(() -> new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 3, 4, 1L,
                KernelSets.projections("scalar")), "the LSH engine for 1024 cells x 2 fields (K=3, L=4) needs about",
                "use a smaller grid or the exact engine");
            assertEquals(null, g.user(), "a refused engine does not keep the grid");
            System.clearProperty(MemoryBudget.OFF_HEAP_PROPERTY);
            try (LshSmileEngine ok = new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 3, 4, 1L,
                KernelSets.projections("scalar"))) {
                ok.step(1);
            }
        }
        assertTrue(LshSmileEngine.bytesFor(Integer.MAX_VALUE / 4, 4096, 64, 256) > MemoryBudget.offHeapLimit()
            || LshSmileEngine.bytesFor(Integer.MAX_VALUE / 4, 4096, 64, 256) < 0);
    }

    /** T = 10^6 stored states of a 64 x 64 grid: tens of GiB, refused at construction. */
    @Test
    void rolloutStateStoreForTStepsIsRefused() {
        long store = RolloutGradient.storeBytesFor(2, 64, 64, 1_000_000, 1_000_000);
        Assumptions.assumeTrue(store > MemoryBudget.offHeapLimit(), "machine holds " + store + " bytes");
        refusedFast(() -> new RolloutGradient(2, 64, 64, 0.5, Boundary.PERIODIC, DT, 1_000_000, Kernels.scalar(), 1,
            1_000_000, 0), "a rollout gradient keeping 1000001 states of 2 x 64 x 64 (T=1000000) needs about",
            "checkpoint interval near sqrt(T)");
        refusedFast(() -> new RolloutGradient(2, 64, 64, 0.5, Boundary.PERIODIC, DT, 1_000_000, Kernels.scalar(), 1, 0,
            0, new RolloutGradient.LshForward(Mode.VERIFIED, 1e-3, 1e-3, 3, 4, 1)), "(T=1000000) needs about",
            "or the exact forward");
        // with checkpointing the same T fits: ceil(T / k) + k states
        long sqrt = RolloutGradient.storeBytesFor(2, 64, 64, 1_000_000, 1000);
        assertTrue(sqrt < store / 100, sqrt + " vs " + store);
        // deterministic on any machine: a cap below 1000 states
        System.setProperty(MemoryBudget.OFF_HEAP_PROPERTY, "16m");
        refusedFast(() -> new RolloutGradient(2, 64, 64, 0.5, Boundary.PERIODIC, DT, 1000, Kernels.scalar(), 1, 1000,
            0), "keeping 1001 states", "more than the 16.0 MiB");
        try (RolloutGradient ok = new RolloutGradient(2, 64, 64, 0.5, Boundary.PERIODIC, DT, 1000, Kernels.scalar(), 1,
            32, 0)) {
            assertEquals(RolloutGradient.storeBytesFor(2, 64, 64, 1000, 32), ok.storeBytes());
        }
    }

    @Test
    void initialStatesAboveTheHeapAreRefused() {
        // 3 x 2^20 x 700: more than a Java array; 1 x 40000 x 40000: 12 GiB above the tests' 2 GiB heap
        refused(IllegalArgumentException.class, () -> Nanovoid.voids(1 << 20, 700, new double[0][], new double[3],
            new double[3]), "more than a Java array holds");
        Assumptions.assumeTrue(MemoryBudget.heapLimit() < 40_000L * 40_000 * 8, "heap too large for this check");
        refusedFast(() -> CahnHilliard.pfhub1Initial(40_000, 40_000, 1.0, 0.5, 0.01), "the pfhub-1 initial state of 1"
            + " x 40000 x 40000 needs about 11.9 GiB of heap", "raise -Xmx");
        refusedFast(() -> GrainStates.voronoi(30_000, 30_000, 10, 2, 1, true), "the voronoi initial state",
            "of heap");
        refusedFast(() -> MemoryBudget.checkHeap(Long.MAX_VALUE, "a test array", "ask for less"),
            "a test array needs about 8.0 EiB of heap", "ask for less, or raise -Xmx");
        refusedFast(() -> MemoryBudget.check(-1, "an overflowed estimate", "fix it"), "more than 8 EiB");
    }
}
