package org.lshsmile.core.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.StencilKernels;

/**
 * Dense explicit Euler: every cell every step, row bands (slice bands on a 3-D grid) in parallel. Each
 * cell's new value depends only on the old state, so the result is bitwise identical for any thread count.
 *
 * <p>Threads are started per {@link #step(int)} call (the caller's thread takes band 0) and meet at a
 * spinning {@link StepBarrier} between steps; the barrier action (run by one thread) swaps the buffers
 * and refreshes the halo.
 *
 * <p>Where the model and kernels have a two-step pass ({@link Model#hasPairStep}: grain growth with the
 * SIMD or native kernels on a 2-D grid) and a state has {@link #PAIR_MIN_STATE_BYTES} or more, a call of
 * n steps makes n / 2 passes that each advance two steps, then one single step if n is odd: the same bits
 * as n single steps, with half the memory traffic and half the barriers. Why: a step of a grid larger than
 * the caches is bound by memory traffic.
 */
public final class ExactEngine implements Engine {

    /** Fewest rows a band gets: below that the barrier costs more than the band's work. */
    private static final int MIN_BAND_ROWS = 8;
    /**
     * Fewest element updates (cells x fields) a band gets per step, ~30-60 us of SIMD work: a step
     * barrier costs microseconds on idle cores and far more when another process holds one.
     */
    public static final long MIN_BAND_WORK = 1L << 16;

    /**
     * States smaller than this step one at a time unless asked otherwise: the gain of a two-step pass is memory
     * traffic, and while both buffers fit the last-level cache (32 MB on the development machine) there is
     * little to gain, while the ghost cells cost a few percent (GrainGrowthStepBenchmark: 128:3 7% slower,
     * 128:8 even; 512:8, 17 MB per state, 1.2x faster; bench/README.md).
     */
    public static final long PAIR_MIN_STATE_BYTES = 16L << 20;

    private final Model model;
    private final Grid grid;
    private final double dt;
    private final StencilKernels kernels;
    private final int threads;
    private final int[] bandStart;
    private final boolean slices;
    /** Two steps per pass ({@link Model#stepRowsPair}) whenever a call asks for two or more. */
    private final boolean pairs;
    private final Arena arena;
    private final MemorySegment[] scratch;
    private long steps;
    private volatile boolean closed;
    /** The thread inside {@link #step(int)}, or null: {@link #close()} refuses meanwhile. */
    private volatile Thread stepping;

    /**
     * An engine that uses up to {@code threads} threads, fewer where a band would get less than
     * {@link #MIN_BAND_WORK} element updates per step, and two-step passes where the model and kernels have
     * them and a state has at least {@link #PAIR_MIN_STATE_BYTES}.
     *
     * @param threads number of threads (1 runs on the caller's thread)
     * @throws IllegalArgumentException for a field-count mismatch, dt not positive and finite, or threads < 1
     * @throws IllegalStateException    when the grid is closed, or in use by an engine on another thread
     */
    public ExactEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads) {
        this(model, grid, dt, kernels, threads, MIN_BAND_WORK);
    }

    /**
     * As {@link #ExactEngine(Model, Grid, double, StencilKernels, int)}, with the band size bound given.
     *
     * @param threads     number of threads (1 runs on the caller's thread)
     * @param minBandWork fewest element updates (cells x fields) per band and step; 0 uses exactly
     *                    {@code threads} bands wherever each gets at least 8 rows (tests use that)
     * @throws IllegalArgumentException for a field-count mismatch, dt not positive and finite, threads < 1
     *                                  or a negative minBandWork
     * @throws IllegalStateException    when the grid is closed, or in use by an engine on another thread
     */
    public ExactEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads, long minBandWork) {
        this(model, grid, dt, kernels, threads, minBandWork,
            grid != null && grid.bufferBytes() >= PAIR_MIN_STATE_BYTES);
    }

    /**
     * @param threads     number of threads (1 runs on the caller's thread)
     * @param minBandWork fewest element updates (cells x fields) per band and step; 0 uses exactly
     *                    {@code threads} bands wherever each gets at least 8 rows (tests use that)
     * @param pairSteps   advance two steps per pass over memory where the model and kernels can
     *                    ({@link Model#hasPairStep}; the same bits); false steps one at a time (benchmarks
     *                    compare the two)
     * @throws IllegalArgumentException for a field-count mismatch, dt not positive and finite, threads < 1
     *                                  or a negative minBandWork
     * @throws IllegalStateException    when the grid is closed, or in use by an engine on another thread
     */
    public ExactEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads, long minBandWork,
                       boolean pairSteps) {
        if (model == null || grid == null || kernels == null) {
            throw new IllegalArgumentException("model, grid and kernels must not be null");
        }
        if (grid.fields() != model.fields()) {
            throw new IllegalArgumentException("grid has " + grid.fields() + " fields but model " + model.name()
                + " needs " + model.fields());
        }
        if (!(dt > 0) || !Double.isFinite(dt)) {
            throw new IllegalArgumentException("dt must be a positive finite number, got " + dt);
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in [1, 1024], got " + threads);
        }
        grid.ensureOpen();
        this.model = model;
        this.grid = grid;
        this.dt = dt;
        this.kernels = kernels;
        if (minBandWork < 0) {
            throw new IllegalArgumentException("minBandWork must be >= 0, got " + minBandWork);
        }
        this.slices = grid.is3d();
        if (slices && !kernels.has3d()) {
            throw new IllegalArgumentException(kernels.name() + " kernels have no 3-D step; use simd or scalar "
                + "kernels for the " + grid.shape() + " grid");
        }
        long work = grid.cells() * grid.fields();
        long byWork = minBandWork == 0 ? threads : work / minBandWork;
        // 3-D bands are whole slices: the kernels roll mu through slices, so a band recomputes only two of them
        int units = slices ? grid.nz() : grid.ny();
        int start = slices ? grid.sliceStart() : grid.rowStart();
        int bands = (int) Math.max(1, Math.min(Math.min(threads, slices ? units : units / MIN_BAND_ROWS), byWork));
        if (bands > 1 && !grid.accessibleFromAnyThread()) {
            throw new IllegalArgumentException("the grid's buffers belong to a confined arena, which the " + bands
                + " band threads cannot use; use threads = 1 or allocate the buffers from Arena.ofShared()");
        }
        this.threads = bands;
        this.bandStart = new int[bands + 1];
        for (int i = 0; i <= bands; i++) {
            bandStart[i] = start + (int) ((long) units * i / bands);
        }
        this.pairs = pairSteps && !slices && model.hasPairStep(kernels, grid);
        long doubles = Math.max(1, Math.max(model.scratchDoubles(grid), pairs ? model.pairScratchDoubles(grid) : 0));
        MemoryBudget.check(MemoryBudget.times(MemoryBudget.times(doubles, Double.BYTES), bands),
            "the exact engine's scratch rows (" + bands + " bands)", "use fewer threads or a smaller grid");
        this.arena = OffHeap.shared();
        this.scratch = new MemorySegment[bands];
        for (int i = 0; i < bands; i++) {
            scratch[i] = arena.allocate(doubles * Double.BYTES, 64);
        }
        try {
            grid.acquire(this);
            try {
                grid.refreshHalo();
            } finally {
                grid.release(this);
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when n is negative
     * @throws IllegalStateException    when this engine or its grid is closed, or another engine is using the grid
     *                                  on another thread
     */
    @Override
    public void step(int n) {
        if (closed) {
            throw new IllegalStateException("exact engine is closed; create a new engine");
        }
        if (n < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + n);
        }
        grid.ensureOpen(); // before any kernel: a native kernel must never see freed memory
        if (n == 0) {
            return;
        }
        grid.acquire(this);
        stepping = Thread.currentThread();
        try {
            stepHeld(n);
        } finally {
            stepping = null;
            grid.release(this);
        }
    }

    private void stepHeld(int n) {
        if (threads == 1) {
            int s = 0;
            for (; pairs && s + 2 <= n; s += 2) {
                stepBandPair(0, steps);
                grid.swap();
                grid.refreshHalo();
                steps += 2;
            }
            for (; s < n; s++) {
                stepBand(0, steps);
                grid.swap();
                grid.refreshHalo();
                steps++;
            }
            return;
        }
        runParallel(n);
        steps += n;
    }

    private void runParallel(int n) {
        StepBarrier barrier = new StepBarrier(threads, () -> {
            grid.swap();
            grid.refreshHalo();
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] workers = new Thread[threads - 1];
        for (int t = 1; t < threads; t++) {
            int band = t;
            workers[t - 1] = Thread.ofPlatform().daemon().name("lshsmile-exact-" + t)
                .start(() -> runBand(band, steps, n, barrier, failure));
        }
        runBand(0, steps, n, barrier, failure);
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stepping", e);
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("a worker failed: " + f, f);
        }
    }

    private void runBand(int band, long first, int n, StepBarrier barrier, AtomicReference<Throwable> failure) {
        try {
            int s = 0;
            for (; pairs && s + 2 <= n; s += 2) {
                stepBandPair(band, first + s);
                barrier.await();
            }
            for (; s < n; s++) {
                stepBand(band, first + s);
                barrier.await();
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            barrier.breakBarrier();
        }
    }

    private void stepBand(int band, long step) {
        if (slices) {
            model.stepSlices(kernels, grid, dt, step, bandStart[band], bandStart[band + 1], scratch[band]);
        } else {
            model.stepRows(kernels, grid, dt, step, bandStart[band], bandStart[band + 1], scratch[band]);
        }
    }

    private void stepBandPair(int band, long step) {
        model.stepRowsPair(kernels, grid, dt, step, bandStart[band], bandStart[band + 1], scratch[band]);
    }

    @Override
    public void setStepsDone(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + n);
        }
        steps = n;
    }

    @Override
    public long stepsDone() {
        return steps;
    }

    @Override
    public double dt() {
        return dt;
    }

    @Override
    public Grid grid() {
        return grid;
    }

    @Override
    public Model model() {
        return model;
    }

    /** The kernels in use. */
    public StencilKernels kernels() {
        return kernels;
    }

    /** Whether calls of two or more steps advance two steps per pass over memory ({@link Model#stepRowsPair}). */
    public boolean pairSteps() {
        return pairs;
    }

    /** Threads actually used (bands): at most the requested count, fewer on small grids. */
    public int threads() {
        return threads;
    }

    @Override
    public String description() {
        return "exact, " + kernels.name() + " (" + kernels.description() + "), " + threads + " thread"
            + (threads == 1 ? "" : "s") + (pairs ? ", two steps per pass" : "");
    }

    /**
     * Frees the engine's scratch memory (not the grid). Idempotent: a second call does nothing.
     *
     * @throws IllegalStateException when another thread is inside {@link #step(int)} of this engine
     */
    @Override
    public void close() {
        Thread t = stepping;
        if (t != null && t != Thread.currentThread()) {
            throw new IllegalStateException("exact engine is stepping on thread " + t.getName()
                + "; close it after step returns");
        }
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
