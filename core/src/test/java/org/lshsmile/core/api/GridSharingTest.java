package org.lshsmile.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.lshsmile.core.api.ApiFixtures.DT;
import static org.lshsmile.core.api.ApiFixtures.MODEL;
import static org.lshsmile.core.api.ApiFixtures.N;
import static org.lshsmile.core.api.ApiFixtures.Q;
import static org.lshsmile.core.api.ApiFixtures.refused;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.lsh.LshSmileEngine.Mode;
import org.lshsmile.simd.Kernels;

/**
 * One grid, one engine at a time: an engine holds its grid while it steps (or encodes it in a constructor);
 * another engine on another thread is refused meanwhile with an {@link IllegalStateException} that names the
 * holder and the fix, and so are closing the grid and closing the stepping engine. Engines on one grid by
 * turns stay legal (the CLI and the benchmarks do that).
 */
class GridSharingTest {

    private static final String IN_USE = "is in use by ";

    /**
     * An LSH engine blocked inside a step (its listener waits) on its own thread holds the grid: other engines,
     * closing the grid and closing or stepping the LSH engine from this thread are all refused.
     */
    @Test
    void aSteppingEngineHoldsItsGridAgainstOtherThreads() throws Exception {
        try (Grid g = ApiFixtures.grid();
             ExactEngine exact = new ExactEngine(MODEL, g, DT, Kernels.scalar(), 1)) {
            CountDownLatch inStep = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<LshSmileEngine> lshRef = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread stepper = Thread.ofPlatform().name("stepper").start(() -> {
                try (LshSmileEngine lsh = new LshSmileEngine(MODEL, g, DT, Mode.VERIFIED, 1e-3, 1e-3, 3, 4, 1L,
                    KernelSets.projections("scalar"))) {
                    lshRef.set(lsh);
                    lsh.setStepListener(s -> {
                        inStep.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    lsh.step(1);
                    lsh.setStepListener(null);
                    lsh.step(1); // the same engine steps on after the others were refused
                } catch (Throwable t) {
                    failure.set(t);
                    inStep.countDown();
                }
            });
            assertTrue(inStep.await(10, TimeUnit.SECONDS));
            LshSmileEngine lsh = lshRef.get();
            try {
                assertNull(failure.get(), () -> "the LSH step failed: " + failure.get());
                assertSame(lsh, g.user());
                refused(IllegalStateException.class, () -> exact.step(1), "grid " + Q + " x " + N + " x " + N
                    + " " + IN_USE + "LshSmileEngine@", "on thread stepper", "Grid.copyStateTo");
                refused(IllegalStateException.class, () -> new ExactEngine(MODEL, g, DT, Kernels.scalar(), 1),
                    IN_USE + "LshSmileEngine@");
                refused(IllegalStateException.class, () -> new ActiveSetEngine(MODEL, g, DT, Kernels.scalar(), 1),
                    IN_USE + "LshSmileEngine@");
                refused(IllegalStateException.class, g::close, IN_USE, "close it after that step returns");
                refused(IllegalStateException.class, lsh::close, "lsh-smile engine is stepping on thread stepper");
                refused(IllegalStateException.class, () -> lsh.step(1), "created on thread stepper",
                    "create, step and close it on one thread");
                assertEquals(0, exact.stepsDone(), "the refused step did nothing");
            } finally {
                release.countDown();
                stepper.join(10_000);
            }
            assertNull(failure.get(), () -> "the holder failed: " + failure.get());
            assertEquals(2, lsh.stepsDone());
            assertNull(g.user(), "released after the step");
            // by turns: the exact engine steps the same grid now
            exact.step(2);
            assertEquals(2, exact.stepsDone());
        }
    }

    /** A grid held by one thread refuses every engine on another, with each engine kind. */
    @Test
    void heldGridRefusesEveryEngineKind() throws Exception {
        try (Grid g = ApiFixtures.grid();
             ExactEngine exact = new ExactEngine(MODEL, g, DT, Kernels.scalar(), 2, 0);
             ActiveSetEngine active = new ActiveSetEngine(MODEL, g, DT, Kernels.scalar(), 1)) {
            Object holder = "holder";
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().name("holder-thread").start(() -> {
                g.acquire(holder);
                held.countDown();
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    g.release(holder);
                }
            });
            assertTrue(held.await(10, TimeUnit.SECONDS));
            try {
                refused(IllegalStateException.class, () -> exact.step(1), IN_USE + "holder on thread holder-thread");
                refused(IllegalStateException.class, () -> active.step(1), IN_USE + "holder on thread holder-thread");
                refused(IllegalStateException.class, () -> g.release(holder), "which does not hold it");
            } finally {
                done.countDown();
                t.join(10_000);
            }
            exact.step(1);
            active.step(1);
            assertEquals(1, exact.stepsDone());
            assertEquals(1, active.stepsDone());
        }
    }

    /**
     * Two threads step two engines on one grid as fast as they can: each step either runs or is refused with
     * the in-use message, never anything else, and the grid is free at the end. A step that ran holds the grid
     * for its whole length, so steps never interleave: the state matches sequential runs' step count.
     */
    @Test
    void concurrentStepsFromTwoThreadsAreRefusedNotRaced() throws Exception {
        int rounds = 300;
        try (Grid g = ApiFixtures.grid();
             ExactEngine a = new ExactEngine(MODEL, g, DT, Kernels.scalar(), 1);
             ExactEngine b = new ExactEngine(MODEL, g, DT, Kernels.scalar(), 1)) {
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicInteger refusals = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Runnable[] bodies = new Runnable[2];
            ExactEngine[] engines = {a, b};
            for (int i = 0; i < 2; i++) {
                ExactEngine e = engines[i];
                bodies[i] = () -> {
                    try {
                        start.await();
                        for (int r = 0; r < rounds; r++) {
                            try {
                                e.step(1);
                            } catch (IllegalStateException ex) {
                                if (!ex.getMessage().contains(IN_USE)) {
                                    throw ex;
                                }
                                refusals.incrementAndGet();
                            }
                        }
                    } catch (Throwable t) {
                        unexpected.compareAndSet(null, t);
                    }
                };
            }
            Thread t0 = Thread.ofPlatform().start(bodies[0]);
            Thread t1 = Thread.ofPlatform().start(bodies[1]);
            t0.join(60_000);
            t1.join(60_000);
            if (unexpected.get() != null) {
                fail("a step failed with something other than the in-use refusal", unexpected.get());
            }
            assertEquals(2L * rounds, a.stepsDone() + b.stepsDone() + refusals.get(),
                "every attempt either stepped or was refused");
            assertNull(g.user());
            System.out.println("GridSharingTest: " + refusals.get() + " of " + 2 * rounds
                + " concurrent step attempts refused");
        }
    }

    @Test
    void nestedUseOnOneThreadIsAllowed() {
        try (Grid g = ApiFixtures.grid()) {
            g.acquire("outer");
            g.acquire("inner");
            assertEquals("outer", g.user());
            g.release("inner");
            assertEquals("outer", g.user());
            g.release("outer");
            assertNull(g.user());
            refused(IllegalStateException.class, () -> g.release("outer"), "which does not hold it");
            refused(IllegalArgumentException.class, () -> g.acquire(null), "user must not be null");
        }
    }

    @Test
    void viewsOverForeignOrFreedSegmentsAreRefusedUpFront() throws Exception {
        try (Grid g = ApiFixtures.grid(); Arena shared = Arena.ofShared()) {
            long bytes = g.bufferBytes();
            MemorySegment ok = shared.allocate(bytes, 64);
            MemorySegment[] foreign = new MemorySegment[1];
            Thread owner = Thread.ofPlatform().start(() -> foreign[0] = Arena.ofConfined().allocate(bytes, 64));
            owner.join();
            refused(IllegalArgumentException.class, () -> g.view(foreign[0], ok), "view buffer current",
                "confined arena of another thread", "Arena.ofShared()");
            try (Arena mine = Arena.ofConfined()) {
                // this thread's confined buffers: a view for single-threaded engines only
                Grid local = g.view(ok, mine.allocate(bytes, 64));
                g.copyStateTo(local);
                assertTrue(!local.accessibleFromAnyThread());
                refused(IllegalArgumentException.class, () -> new ExactEngine(MODEL, local, DT, Kernels.scalar(), 2, 0),
                    "confined arena", "2 band threads cannot use", "use threads = 1");
                try (ExactEngine one = new ExactEngine(MODEL, local, DT, Kernels.scalar(), 1)) {
                    one.step(1);
                }
            }
            Arena gone = Arena.ofShared();
            MemorySegment freed = gone.allocate(bytes, 64);
            gone.close();
            refused(IllegalArgumentException.class, () -> g.view(freed, ok), "already freed");
            refused(IllegalArgumentException.class, () -> g.view(MemorySegment.ofArray(new double[(int) (bytes / 8)]),
                ok), "heap segment");
            refused(IllegalArgumentException.class, () -> g.view(ok.asReadOnly(), shared.allocate(bytes, 64)),
                "read-only");
            MemorySegment big = shared.allocate(2 * bytes, 64);
            refused(IllegalArgumentException.class, () -> g.view(big.asSlice(0, bytes), big.asSlice(8, bytes)),
                "overlapping");
            Grid view = g.view(ok, Arena.global().allocate(bytes, 64));
            g.copyStateTo(view);
            try (ExactEngine e = new ExactEngine(MODEL, view, DT, Kernels.scalar(), 2, 0)) {
                e.step(1); // two band threads use the shared and global buffers
            }
            assertTrue(Double.isFinite(view.get(0, 0, 0)));
        }
    }
}
