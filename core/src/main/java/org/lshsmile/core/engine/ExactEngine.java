package org.lshsmile.core.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.StencilKernels;

/**
 * Dense explicit Euler: every cell every step, row bands in parallel. Each cell's new value depends
 * only on the old state, so the result is bitwise identical for any thread count.
 *
 * <p>Threads are started per {@link #step(int)} call (the caller's thread takes band 0) and meet at a
 * spinning {@link StepBarrier} between steps; the barrier action (run by one thread) swaps the buffers
 * and refreshes the halo.
 */
public final class ExactEngine implements Engine {

    /** Fewest rows a band gets: below that the barrier costs more than the band's work. */
    private static final int MIN_BAND_ROWS = 8;
    /**
     * Fewest element updates (cells x fields) a band gets per step, ~30-60 us of SIMD work: a step
     * barrier costs microseconds on idle cores and far more when another process holds one.
     */
    public static final long MIN_BAND_WORK = 1L << 16;

    private final Model model;
    private final Grid grid;
    private final double dt;
    private final StencilKernels kernels;
    private final int threads;
    private final int[] bandStart;
    private final Arena arena;
    private final MemorySegment[] scratch;
    private long steps;
    private boolean closed;

    /**
     * An engine that uses up to {@code threads} threads, fewer where a band would get less than
     * {@link #MIN_BAND_WORK} element updates per step.
     *
     * @param threads number of threads (1 runs on the caller's thread)
     * @throws IllegalArgumentException for a field-count mismatch, dt not positive and finite, or threads < 1
     */
    public ExactEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads) {
        this(model, grid, dt, kernels, threads, MIN_BAND_WORK);
    }

    /**
     * @param threads     number of threads (1 runs on the caller's thread)
     * @param minBandWork fewest element updates (cells x fields) per band and step; 0 uses exactly
     *                    {@code threads} bands wherever each gets at least 8 rows (tests use that)
     * @throws IllegalArgumentException for a field-count mismatch, dt not positive and finite, threads < 1
     *                                  or a negative minBandWork
     */
    public ExactEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads, long minBandWork) {
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
        this.model = model;
        this.grid = grid;
        this.dt = dt;
        this.kernels = kernels;
        if (minBandWork < 0) {
            throw new IllegalArgumentException("minBandWork must be >= 0, got " + minBandWork);
        }
        long work = grid.cells() * grid.fields();
        long byWork = minBandWork == 0 ? threads : work / minBandWork;
        int bands = (int) Math.max(1, Math.min(Math.min(threads, grid.ny() / MIN_BAND_ROWS), byWork));
        this.threads = bands;
        this.bandStart = new int[bands + 1];
        for (int i = 0; i <= bands; i++) {
            bandStart[i] = grid.rowStart() + (int) ((long) grid.ny() * i / bands);
        }
        this.arena = OffHeap.shared();
        this.scratch = new MemorySegment[bands];
        long doubles = Math.max(1, model.scratchDoubles(grid));
        for (int i = 0; i < bands; i++) {
            scratch[i] = arena.allocate(doubles * Double.BYTES, 64);
        }
        grid.refreshHalo();
    }

    @Override
    public void step(int n) {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        if (n < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + n);
        }
        if (n == 0) {
            return;
        }
        grid.current(); // fails fast if the grid was closed
        if (threads == 1) {
            for (int s = 0; s < n; s++) {
                model.stepRows(kernels, grid, dt, steps, bandStart[0], bandStart[1], scratch[0]);
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
            for (int s = 0; s < n; s++) {
                model.stepRows(kernels, grid, dt, first + s, bandStart[band], bandStart[band + 1], scratch[band]);
                barrier.await();
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            barrier.breakBarrier();
        }
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

    /** Threads actually used (bands): at most the requested count, fewer on small grids. */
    public int threads() {
        return threads;
    }

    @Override
    public String description() {
        return "exact, " + kernels.name() + " (" + kernels.description() + "), " + threads + " thread"
            + (threads == 1 ? "" : "s");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
