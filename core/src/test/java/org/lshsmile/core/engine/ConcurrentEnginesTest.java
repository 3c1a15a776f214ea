package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.simd.StencilKernels;

/**
 * Independent engines share no mutable state: four of them (different models, seeds and engines, one of
 * them with two band threads of its own) run at once on four platform threads give bitwise the results
 * each gives alone, and leave no arena open.
 */
class ConcurrentEnginesTest {

    private static final StencilKernels K = KernelSets.stencilsFromSystemProperty();
    private static final int STEPS = 60;

    /** One independent job: builds its grid and engine, runs, closes, returns the raw bits. */
    record Job(String name, Supplier<long[]> run) {
    }

    private static Job job(String name, EngineDeterminismTest.Case c, Boundary bc, EngineFactory f) {
        return new Job(name, () -> {
            try (Grid g = new Grid(c.model().fields(), c.ny(), c.nx(), c.dx(), bc)) {
                g.copyFrom(c.init());
                try (Engine e = f.create(c, g)) {
                    for (int s = 0; s < STEPS; s += 4) {
                        e.step(4); // small chunks, so the four jobs interleave step by step
                    }
                }
                return EngineDeterminismTest.bits(g);
            }
        });
    }

    interface EngineFactory {
        Engine create(EngineDeterminismTest.Case c, Grid g);
    }

    private static List<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        jobs.add(job("exact grain growth, 2 threads", EngineDeterminismTest.model("grain-growth", 64, 60, 1),
            Boundary.PERIODIC, (c, g) -> new ExactEngine(c.model(), g, c.dt(), K, 2, 0)));
        jobs.add(job("active tau=0 nanovoid, sources seed 21", EngineDeterminismTest.model("nanovoid", 48, 52, 21),
            Boundary.NOFLUX, (c, g) -> new ActiveSetEngine(c.model(), g, c.dt(), K, 1, 0.0, 0)));
        jobs.add(job("lsh verified cahn-hilliard, seed 5", EngineDeterminismTest.model("cahn-hilliard", 40, 44, 5),
            Boundary.NOFLUX, (c, g) -> new LshSmileEngine(c.model(), g, c.dt(), LshSmileEngine.Mode.VERIFIED, 1e-4,
                1e-4, 3, 6, 5)));
        jobs.add(job("lsh paper nanovoid, sources seed 22, seed 9", EngineDeterminismTest.model("nanovoid", 40, 40, 22),
            Boundary.PERIODIC, (c, g) -> new LshSmileEngine(c.model(), g, c.dt(), LshSmileEngine.Mode.PAPER, 1e-3,
                1e-3, 3, 6, 9)));
        return jobs;
    }

    @Test
    @Timeout(120)
    void fourEnginesAtOnceGiveTheSameBitsAsEachAlone() throws InterruptedException {
        long arenas = OffHeap.liveArenas();
        long bytes = OffHeap.liveBytes();
        List<Job> jobs = jobs();
        List<long[]> alone = new ArrayList<>();
        for (Job j : jobs) {
            alone.add(j.run().get());
        }
        for (int round = 0; round < 2; round++) {
            AtomicReferenceArray<Object> together = new AtomicReferenceArray<>(jobs.size());
            CountDownLatch start = new CountDownLatch(1);
            Thread[] threads = new Thread[jobs.size()];
            for (int i = 0; i < threads.length; i++) {
                int k = i;
                threads[i] = Thread.ofPlatform().name("concurrent-engine-" + i).start(() -> {
                    try {
                        start.await();
                        together.set(k, jobs.get(k).run().get());
                    } catch (Throwable t) {
                        together.set(k, t);
                    }
                });
            }
            start.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(100));
            }
            for (int i = 0; i < jobs.size(); i++) {
                Object got = together.get(i);
                if (got instanceof Throwable t) {
                    throw new AssertionError(jobs.get(i).name() + " failed when run with the others: " + t, t);
                }
                assertArrayEquals(alone.get(i), (long[]) got, jobs.get(i).name() + ", round " + round
                    + ": bits differ from the run alone");
            }
        }
        assertEquals(arenas, OffHeap.liveArenas(), OffHeap::describeLive);
        assertEquals(bytes, OffHeap.liveBytes(), OffHeap::describeLive);
    }
}
