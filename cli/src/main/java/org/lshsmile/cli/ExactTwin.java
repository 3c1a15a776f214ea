package org.lshsmile.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.StencilKernels;

/**
 * {@code simulate --compare-exact} and the demo's LSH section: an {@link ExactEngine} on its own grid,
 * started from the same initial state as the run it shadows and stepped in lockstep to each comparison,
 * where it measures the max and mean of |run - exact| over all cells and fields. It owns its grid and
 * engine (off-heap) and frees them in {@link #close()}.
 */
final class ExactTwin implements AutoCloseable {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final Grid grid;
    private final ExactEngine engine;
    private long stepNanos;
    private Error last;
    private double worstMax = 0;
    private long worstStep = -1;
    private int comparisons;

    /**
     * The difference at one step.
     *
     * @param step step compared at
     * @param max  max |run - exact| over all cells and fields (NaN if either is non-finite somewhere)
     * @param mean mean |run - exact| over all cells and fields
     */
    record Error(long step, double max, double mean) {
    }

    /**
     * A twin at step 0.
     *
     * @param state   the initial state in (field, y, x) C order
     * @param threads threads of the exact engine
     */
    ExactTwin(Model model, double[] state, int fields, int nz, int ny, int nx, double dx, Boundary bc, double dt,
              StencilKernels kernels, int threads) {
        Grid g = nz > 1 ? new Grid(fields, nz, ny, nx, dx, bc) : new Grid(fields, ny, nx, dx, bc);
        try {
            g.copyFrom(state);
            this.engine = new ExactEngine(model, g, dt, kernels, threads);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        this.grid = g;
    }

    /** Advances the twin to {@code step} (not below its own) and compares {@code run}'s state with it. */
    Error compareAt(long step, Grid run) {
        advanceTo(step);
        Error e = difference(run, grid, step);
        last = e;
        comparisons++;
        if (!(e.max() <= worstMax)) { // NaN counts as worst
            worstMax = e.max();
            worstStep = step;
        }
        return e;
    }

    /** Advances the twin to {@code step}. */
    void advanceTo(long step) {
        long left = step - engine.stepsDone();
        if (left < 0) {
            throw new IllegalStateException("exact twin is at step " + engine.stepsDone() + ", past " + step);
        }
        long t0 = System.nanoTime();
        while (left > 0) {
            int k = (int) Math.min(left, Integer.MAX_VALUE);
            engine.step(k);
            left -= k;
        }
        stepNanos += System.nanoTime() - t0;
    }

    /** The newest comparison, or null before the first. */
    Error last() {
        return last;
    }

    /** Largest max |error| of all comparisons so far (NaN if one was NaN). */
    double worstMax() {
        return worstMax;
    }

    /** Time the exact engine spent stepping, in seconds. */
    double stepSeconds() {
        return stepNanos * 1e-9;
    }

    /** run.json's {@code compare_exact} object. */
    Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("final_max_abs_error", last != null ? last.max() : Double.NaN);
        m.put("final_mean_abs_error", last != null ? last.mean() : Double.NaN);
        m.put("worst_max_abs_error", comparisons > 0 ? worstMax : Double.NaN);
        m.put("worst_step", worstStep);
        m.put("comparisons", comparisons);
        m.put("exact_threads", engine.threads());
        m.put("exact_kernels", engine.kernels().name());
        m.put("exact_step_seconds", stepSeconds());
        return m;
    }

    /** Max and mean |a - b| over the interiors of two grids of one shape. */
    static Error difference(Grid a, Grid b, long step) {
        if (a.fields() != b.fields() || a.nz() != b.nz() || a.ny() != b.ny() || a.nx() != b.nx()) {
            throw new IllegalArgumentException("shape mismatch: " + a.shape() + " vs " + b.shape());
        }
        MemorySegment x = a.current();
        MemorySegment y = b.current();
        double max = 0;
        double sum = 0;
        for (int f = 0; f < a.fields(); f++) {
            for (int z = 0; z < a.nz(); z++) {
                for (int r = 0; r < a.ny(); r++) {
                    long i = a.index(f, z, r, 0); // same layout in both grids: same shape
                    for (int c = 0; c < a.nx(); c++) {
                        double d = Math.abs(x.getAtIndex(D, i + c) - y.getAtIndex(D, i + c));
                        max = Math.max(max, d); // keeps a NaN
                        sum += d;
                    }
                }
            }
        }
        return new Error(step, max, sum / ((double) a.fields() * a.cells()));
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            grid.close();
        }
    }
}
