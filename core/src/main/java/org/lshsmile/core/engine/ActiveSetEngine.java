package org.lshsmile.core.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Neighbourhood;
import org.lshsmile.simd.StencilKernels;

/**
 * Narrow-band explicit Euler: recomputes only the cells whose radius-2 stencil saw a change above
 * {@code tau} in the previous step, and falls back to a dense sweep (an internal {@link ExactEngine})
 * when more than {@link #DENSE_FRACTION} of the cells would be active. It exploits that phase-field
 * updates concentrate at interfaces; it is the honest baseline for the LSH engine.
 *
 * <p>Semantics. After a step, a cell's change is, over its fields, whether any new value differs from
 * the old by more than {@code tau} ({@code !(|new - old| <= tau)}, so NaN counts as a change); with
 * {@code tau = 0} any change of the bits counts (signed zeros too). The cells to recompute in the next
 * step are the changed cells dilated by the 13-point stencil, wrapped for periodic boundaries and
 * clipped for no-flux ones (a mirrored ghost is never farther from a cell than the point it stands
 * for, so the clipped stencil covers every cell that reads it). Every other cell keeps its value. With
 * {@code tau = 0} the result is therefore bitwise that of {@link ExactEngine} with the scalar kernels: a
 * cell whose inputs did not change recomputes to the same bits.
 *
 * <p>Buffers. The grid's two buffers stay equal except on a "dirty" list of cells whose bits differ
 * between them (found by a scan after a dense step, or while writing a sparse step). A sparse step
 * writes the active cells into the next buffer and copies the dirty cells that are not active, so that
 * after the swap every skipped cell holds its current value. Each buffer's halo stays fresh for its own
 * interior (a dense step refreshes it; a buffer not written keeps it), so a sparse step refreshes the
 * halo only when it wrote a cell the halo copies (within {@link Grid#HALO} of the border).
 *
 * <p>Dense steps: the first one, any after {@link #setStepsDone} or {@link #invalidate} (the state may
 * have been replaced), those with more than {@link #DENSE_FRACTION} active cells, and all steps of a
 * nanovoid model with random sources (a source may fire at any cell whatever its neighbours did).
 * Sparse steps run on the caller's thread and dense steps use the row bands of {@link ExactEngine}, so
 * the result is bitwise the same for any thread count.
 */
public final class ActiveSetEngine implements Engine {

    /**
     * Largest fraction of active cells a sparse step handles, the issue's ~10%: above it a dense sweep
     * runs. Measured (Q = 3, one thread) a sparse step costs ~90-120 ns per active cell (gather, scalar
     * update, bookkeeping) against ~2.6 ns per cell for the SIMD dense sweep, so the break-even is nearer
     * 3%; between that and 10% this engine is slower than {@link ExactEngine} with SIMD kernels.
     */
    public static final double DENSE_FRACTION = 0.10;
    /** Default change threshold. */
    public static final double DEFAULT_TAU = 1e-10;

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final int SIZE = Neighbourhood.SIZE;

    private final Model model;
    private final Grid grid;
    private final double dt;
    private final double tau;
    private final ExactEngine dense;
    private final boolean alwaysDense;
    private final int ny;
    private final int nx;
    private final int fields;
    private final long cells;
    /** Most active cells a sparse step takes. */
    private final int limit;
    private final long planeStride;
    /** Double-index offset of each stencil point from its centre, so a gather is one add per point. */
    private final long[] offset = new long[SIZE];
    private final int[] sdy = new int[SIZE];
    private final int[] sdx = new int[SIZE];
    private final Arena arena;
    /** Per cell: the epoch of the step that last made it active (an int stamp, never cleared). */
    private final MemorySegment mark;
    /** Cells whose bits differ between the two buffers. */
    private final MemorySegment dirty;
    /** Cells that changed by more than tau in the last step. */
    private final MemorySegment trigger;
    /** Cells to recompute this step. */
    private final MemorySegment active;
    private final double[] nb;
    private final double[] out;
    private int nDirty;
    private int nTrigger;
    private int nActive;
    private int epoch;
    private boolean needDense = true;
    private long steps;
    private long denseSteps;
    private long sparseSteps;
    private long lastActive;
    private volatile boolean closed;
    /** The thread inside {@link #step(int)}, or null: {@link #close()} refuses meanwhile. */
    private volatile Thread stepping;

    /**
     * An engine whose dense steps use up to {@code threads} threads.
     *
     * @param tau change threshold, finite and {@code >= 0}; 0 means any change of the bits
     * @throws IllegalArgumentException for a bad tau, or what {@link ExactEngine} refuses
     * @throws IllegalStateException    when the grid is closed or in use on another thread, or the cell lists
     *                                  would not fit in memory
     */
    public ActiveSetEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads, double tau) {
        this(model, grid, dt, kernels, threads, tau, ExactEngine.MIN_BAND_WORK);
    }

    /** As above, with the dense engine's {@code minBandWork} (tests use 0 to get exactly {@code threads} bands). */
    ActiveSetEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads, double tau,
                    long minBandWork) {
        if (grid != null && grid.is3d()) {
            throw new IllegalArgumentException("the active-set engine is 2-D only; use the exact engine for the "
                + grid.shape() + " grid");
        }
        if (!(tau >= 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("tau must be a finite number >= 0, got " + tau);
        }
        this.dense = new ExactEngine(model, grid, dt, kernels, threads, minBandWork);
        this.model = model;
        this.grid = grid;
        this.dt = dt;
        this.tau = tau;
        this.alwaysDense = model instanceof Nanovoid nv && (nv.sources().cascades() || nv.sources().noise());
        this.ny = grid.ny();
        this.nx = grid.nx();
        this.fields = grid.fields();
        this.cells = grid.cells();
        this.limit = (int) Math.min(Integer.MAX_VALUE - 8, (long) (cells * DENSE_FRACTION));
        this.planeStride = grid.planeStride();
        for (int k = 0; k < SIZE; k++) {
            sdy[k] = Neighbourhood.dy(k);
            sdx[k] = Neighbourhood.dx(k);
            offset[k] = sdy[k] * grid.rowStride() + sdx[k];
        }
        this.nb = new double[Neighbourhood.length(fields)];
        this.out = new double[fields];
        if (cells > Integer.MAX_VALUE) {
            dense.close();
            throw new IllegalArgumentException("the active-set engine takes at most 2^31 - 1 cells, got " + cells);
        }
        long listInts = Math.max(1, limit);
        Arena a = OffHeap.shared();
        try {
            MemoryBudget.check((2 * cells + 2 * listInts) * Integer.BYTES, "the active-set engine's cell lists for "
                + cells + " cells", "use a smaller grid or the exact engine");
            this.mark = a.allocate(cells * Integer.BYTES, 64); // zeroed: epochs start at 1
            this.dirty = a.allocate(cells * Integer.BYTES, 64);
            this.trigger = a.allocate(listInts * Integer.BYTES, 64);
            this.active = a.allocate(listInts * Integer.BYTES, 64);
        } catch (RuntimeException | Error e) {
            a.close();
            dense.close();
            throw e;
        }
        this.arena = a;
    }

    /** An engine with {@link #DEFAULT_TAU}. */
    public ActiveSetEngine(Model model, Grid grid, double dt, StencilKernels kernels, int threads) {
        this(model, grid, dt, kernels, threads, DEFAULT_TAU);
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
            throw new IllegalStateException("active-set engine is closed; create a new engine");
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
        for (int s = 0; s < n; s++) {
            if (needDense || alwaysDense || !buildActive()) {
                denseStep();
            } else {
                sparseStep();
            }
            steps++;
        }
    }

    private void denseStep() {
        dense.setStepsDone(steps);
        dense.step(1);
        denseSteps++;
        lastActive = cells;
        if (alwaysDense) {
            needDense = true; // no scan: every step is dense anyway
        } else {
            scan();
        }
    }

    /**
     * Compares the buffers after a dense step: fills the dirty and trigger lists. Stops early once the
     * trigger list overflows, as the next step is then dense and needs neither list.
     */
    private void scan() {
        MemorySegment cur = grid.current();
        MemorySegment old = grid.next();
        int dCount = 0;
        int tCount = 0;
        int c = 0;
        for (int y = 0; y < ny; y++) {
            long row = grid.index(0, y, 0);
            for (int x = 0; x < nx; x++, c++) {
                boolean differs = false;
                boolean changed = false;
                for (int f = 0; f < fields; f++) {
                    long i = row + x + f * planeStride;
                    double v = cur.getAtIndex(D, i);
                    double o = old.getAtIndex(D, i);
                    if (Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(o)) {
                        differs = true;
                        changed |= tau == 0 || !(Math.abs(v - o) <= tau);
                    }
                }
                if (differs) {
                    dirty.setAtIndex(I, dCount++, c);
                    if (changed) {
                        if (tCount == limit) {
                            needDense = true;
                            return;
                        }
                        trigger.setAtIndex(I, tCount++, c);
                    }
                }
            }
        }
        nDirty = dCount;
        nTrigger = tCount;
        needDense = false;
    }

    /** Dilates the trigger list by the stencil into the active list; false if it would exceed the limit. */
    private boolean buildActive() {
        if (++epoch == 0) {
            mark.fill((byte) 0); // the stamp wrapped (after 2^32 steps): forget every old mark
            epoch = 1;
        }
        boolean periodic = grid.boundary() == Boundary.PERIODIC;
        int count = 0;
        for (int t = 0; t < nTrigger; t++) {
            int c = trigger.getAtIndex(I, t);
            int y = c / nx;
            int x = c - y * nx;
            for (int k = 0; k < SIZE; k++) {
                int yy = y + sdy[k];
                int xx = x + sdx[k];
                if (periodic) {
                    yy = yy < 0 ? yy + ny : yy >= ny ? yy - ny : yy;
                    xx = xx < 0 ? xx + nx : xx >= nx ? xx - nx : xx;
                } else if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) {
                    continue;
                }
                int a = yy * nx + xx;
                if (mark.getAtIndex(I, a) != epoch) {
                    mark.setAtIndex(I, a, epoch);
                    if (count == limit) {
                        return false;
                    }
                    active.setAtIndex(I, count++, a);
                }
            }
        }
        nActive = count;
        return true;
    }

    private void sparseStep() {
        MemorySegment cur = grid.current();
        MemorySegment nxt = grid.next();
        boolean edge = false;
        for (int d = 0; d < nDirty; d++) {
            int c = dirty.getAtIndex(I, d);
            if (mark.getAtIndex(I, c) != epoch) {
                int y = c / nx;
                int x = c - y * nx;
                edge |= onEdge(y, x);
                long i = grid.index(0, y, x);
                for (int f = 0; f < fields; f++) {
                    long j = i + f * planeStride;
                    nxt.setAtIndex(D, j, cur.getAtIndex(D, j));
                }
            }
        }
        double dx = grid.dx();
        int dCount = 0;
        int tCount = 0;
        for (int a = 0; a < nActive; a++) {
            int c = active.getAtIndex(I, a);
            int y = c / nx;
            int x = c - y * nx;
            edge |= onEdge(y, x);
            long i = grid.index(0, y, x);
            for (int f = 0; f < fields; f++) {
                long base = i + f * planeStride;
                int nbBase = f * SIZE;
                for (int k = 0; k < SIZE; k++) {
                    nb[nbBase + k] = cur.getAtIndex(D, base + offset[k]);
                }
            }
            model.evalNew(nb, dt, dx, steps, y, x, nx, out);
            boolean differs = false;
            boolean changed = false;
            for (int f = 0; f < fields; f++) {
                double v = out[f];
                double o = nb[f * SIZE];
                nxt.setAtIndex(D, i + f * planeStride, v);
                if (Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(o)) {
                    differs = true;
                    changed |= tau == 0 || !(Math.abs(v - o) <= tau);
                }
            }
            if (differs) {
                dirty.setAtIndex(I, dCount++, c);
                if (changed) {
                    trigger.setAtIndex(I, tCount++, c);
                }
            }
        }
        nDirty = dCount;
        nTrigger = tCount;
        grid.swap();
        if (edge) {
            grid.refreshHalo(); // skipped otherwise: at a few hundred active cells it costs as much as the step
        }
        sparseSteps++;
        lastActive = nActive;
    }

    /** Whether the halo reads cell (y, x): it lies within {@link Grid#HALO} of the border. */
    private boolean onEdge(int y, int x) {
        return y < Grid.HALO || x < Grid.HALO || y >= ny - Grid.HALO || x >= nx - Grid.HALO;
    }

    /**
     * Makes the next step dense. Call after writing the grid's state other than through this engine
     * ({@link #setStepsDone} does it too, for {@link GuardedRun}'s replay).
     */
    public void invalidate() {
        needDense = true;
    }

    /** {@inheritDoc} Also makes the next step dense: the state may have been restored. */
    @Override
    public void setStepsDone(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + n);
        }
        steps = n;
        needDense = true;
    }

    @Override
    public long stepsDone() {
        return steps;
    }

    /** Cells computed in the last step: all of them for a dense step, 0 before the first. */
    public long activeCellsLastStep() {
        return lastActive;
    }

    /** Dense steps done by this engine. */
    public long denseSteps() {
        return denseSteps;
    }

    /** Sparse (active-set) steps done by this engine. */
    public long sparseSteps() {
        return sparseSteps;
    }

    /** The change threshold. */
    public double tau() {
        return tau;
    }

    /** Threads the dense steps use (sparse steps run on the caller's thread). */
    public int threads() {
        return dense.threads();
    }

    /** The kernels of the dense steps. */
    public StencilKernels kernels() {
        return dense.kernels();
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

    @Override
    public String description() {
        StencilKernels k = dense.kernels();
        int t = dense.threads();
        return String.format(Locale.ROOT, "active (tau = %s, dense above %d%% active), %s (%s), %d thread%s",
            Double.toString(tau), Math.round(DENSE_FRACTION * 100), k.name(), k.description(), t, t == 1 ? "" : "s");
    }

    /** Whether the cell lists are still allocated (false after {@link #close()}). */
    boolean segmentsAlive() {
        return arena.scope().isAlive();
    }

    /**
     * Frees the cell lists and the dense engine's scratch (not the grid). Idempotent: a second call does nothing.
     *
     * @throws IllegalStateException when another thread is inside {@link #step(int)} of this engine
     */
    @Override
    public void close() {
        Thread t = stepping;
        if (t != null && t != Thread.currentThread()) {
            throw new IllegalStateException("active-set engine is stepping on thread " + t.getName()
                + "; close it after step returns");
        }
        if (!closed) {
            closed = true;
            dense.close();
            arena.close();
        }
    }
}
