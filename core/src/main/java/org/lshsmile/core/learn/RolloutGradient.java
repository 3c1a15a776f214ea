package org.lshsmile.core.learn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.AdjointKernels;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * Loss and exact gradient of T explicit steps: for each pair (state_t, state_{t+T}), the loss is the mean
 * over all elements of {@code (rollout_T(state_t) - state_{t+T})^2}, summed over the pairs; the gradient
 * with respect to the model's parameters comes from the reverse-mode adjoint of the T steps.
 *
 * <p>Memory: the forward pass keeps every k-th state (checkpoints) and, in backward order, recomputes each
 * segment of k states from its checkpoint before running the adjoint through it, so it holds
 * {@code ceil(T / k) + k} states instead of T (k = T keeps every state and recomputes nothing).
 *
 * <p>Rows run in bands on up to {@code threads} threads, as in the exact engine; parameter derivatives
 * are summed per row and the rows added in order, so the gradient has the same bits for any thread count.
 *
 * <p>With an {@link LshForward} the rollouts run on the LSH-SMILE engine instead (one thread): the states
 * along each rollout are then LSH-SMILE's (in verified mode within r of exact per step), and the adjoint
 * recursion applies the exact per-cell Jacobian at those states. What is approximated is exactly that: the
 * trajectory, not the derivative formula; the bucket assignment itself is not differentiated (it is
 * piecewise constant, its derivative zero almost everywhere), and members of a bucket get the derivative
 * of their own update, which equals the shared one to first order in r. Every LSH state is kept (an LSH
 * rerun from a checkpoint would find other buckets), so T states must fit in memory.
 *
 * <p>Owns its grids, its state store and its threads: {@link #close()} frees them. Not thread-safe.
 */
public final class RolloutGradient implements AutoCloseable {

    /** States the forward pass may keep before it switches to checkpointing, in bytes (auto mode). */
    public static final long STORE_ALL_BUDGET = 512L << 20;

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final int MIN_BAND_ROWS = 8;

    /**
     * One training example: a state, the absolute step it was taken at (seeds random sources), and the
     * observed state T steps later; arrays in (field, y, x) C order.
     */
    public record Pair(double[] start, long startStep, double[] target) {
    }

    /** Run the forward rollouts on the LSH-SMILE engine with these settings (see {@link LshSmileEngine}). */
    public record LshForward(LshSmileEngine.Mode mode, double r, double r0, int k, int l, long seed) {
    }

    private final int fields;
    private final int ny;
    private final int nx;
    private final double dt;
    private final int steps;
    private final int every;
    private final StencilKernels kernels;
    private final AdjointKernels adjoint;
    private final Grid x;
    private final Grid lam;
    private final Arena arena;
    private final MemorySegment[] checkpoints;
    private final MemorySegment[] segment;
    private final long stateBytes;
    private final int[] bandStart;
    private final ExecutorService pool;
    private final LshForward lsh;
    /** Exact forward with every state kept: steps read slot k and write slot k + 1 in place, no copies. */
    private final boolean direct;
    private final Grid[] views;
    private MemorySegment[] scratch;
    private long scratchDoubles = -1;
    private boolean closed;

    /**
     * @param steps           T, the steps of every rollout
     * @param kernels         forward kernels (the adjoint kernels follow: SIMD with SIMD, else scalar)
     * @param threads         threads for the row bands (fewer where a band would get under 8 rows or
     *                        {@code minBandWork} element updates)
     * @param checkpointEvery k, states between checkpoints, 1..T; 0 picks T when T states fit in
     *                        {@link #STORE_ALL_BUDGET}, else ceil(sqrt(T))
     * @param minBandWork     fewest element updates per band (0: exactly {@code threads} bands, for tests)
     * @throws IllegalArgumentException for sizes, dt, T, threads or k out of range
     * @throws IllegalStateException    when the states to keep ({@link #storeBytesFor}) would not fit in memory
     */
    public RolloutGradient(int fields, int ny, int nx, double dx, Boundary boundary, double dt, int steps,
                           StencilKernels kernels, int threads, int checkpointEvery, long minBandWork) {
        this(fields, ny, nx, dx, boundary, dt, steps, kernels, threads, checkpointEvery, minBandWork, null);
    }

    /**
     * As {@link #RolloutGradient(int, int, int, double, Boundary, double, int, StencilKernels, int, int, long)},
     * with the forward rollouts on LSH-SMILE when {@code lsh} is not null (every state kept: k = T).
     *
     * @throws IllegalArgumentException as the other constructor, or for LSH settings out of range
     * @throws IllegalStateException    when the states to keep ({@link #storeBytesFor}) would not fit in memory
     */
    public RolloutGradient(int fields, int ny, int nx, double dx, Boundary boundary, double dt, int steps,
                           StencilKernels kernels, int threads, int checkpointEvery, long minBandWork,
                           LshForward lsh) {
        if (!(dt > 0) || !Double.isFinite(dt)) {
            throw new IllegalArgumentException("dt must be a positive finite number, got " + dt);
        }
        if (steps < 1 || steps > 1_000_000) {
            throw new IllegalArgumentException("T (steps per rollout) must be in [1, 1000000], got " + steps);
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in [1, 1024], got " + threads);
        }
        if (checkpointEvery < 0 || checkpointEvery > steps) {
            throw new IllegalArgumentException("checkpoint interval must be in [0, T=" + steps + "], got "
                + checkpointEvery);
        }
        if (kernels == null) {
            throw new IllegalArgumentException("kernels must not be null");
        }
        if (minBandWork < 0) {
            throw new IllegalArgumentException("minBandWork must be >= 0, got " + minBandWork);
        }
        if (lsh != null) {
            checkLsh(lsh);
        }
        if (fields < 1 || ny < Grid.HALO || nx < Grid.HALO || fields > 4096 || ny > Grid.MAX_SIDE
            || nx > Grid.MAX_SIDE) {
            throw new IllegalArgumentException("grid shape must be fields in [1, 4096] and sides in [" + Grid.HALO
                + ", " + Grid.MAX_SIDE + "], got " + fields + " x " + ny + " x " + nx);
        }
        int keepEvery = lsh != null ? steps : checkpointEvery;
        long store = storeBytesFor(fields, ny, nx, steps, keepEvery);
        MemoryBudget.check(store, "a rollout gradient keeping " + statesKept(steps, keepEvery, Grid.bytesFor(fields,
            ny, nx) / 2) + " states of " + fields + " x " + ny + " x " + nx + " (T=" + steps + ")",
            "use fewer steps T, a smaller grid" + (lsh != null ? " or the exact forward" : " or a checkpoint interval"
                + " near sqrt(T)"));
        this.fields = fields;
        this.ny = ny;
        this.nx = nx;
        this.dt = dt;
        this.steps = steps;
        this.kernels = kernels;
        this.adjoint = Kernels.adjointFor(kernels);
        this.lsh = lsh;
        Grid gx = new Grid(fields, ny, nx, dx, boundary);
        Grid gl = null;
        Arena a = null;
        try {
            gl = new Grid(fields, ny, nx, dx, boundary);
            this.stateBytes = gx.planeStride() * fields * Double.BYTES;
            int k = lsh != null ? steps : checkpointEvery;
            if (k == 0) {
                k = stateBytes * steps <= STORE_ALL_BUDGET ? steps : (int) Math.ceil(Math.sqrt(steps));
            }
            this.every = k;
            int nCheckpoints = (steps + k - 1) / k;
            a = OffHeap.shared();
            this.checkpoints = new MemorySegment[nCheckpoints > 1 ? nCheckpoints : 0];
            for (int i = 0; i < checkpoints.length; i++) {
                checkpoints[i] = a.allocate(stateBytes, 64);
            }
            this.direct = lsh == null && k == steps;
            this.segment = new MemorySegment[direct ? steps + 1 : k];
            for (int i = 0; i < segment.length; i++) {
                segment[i] = a.allocate(stateBytes, 64);
            }
            this.views = new Grid[direct ? steps : 0];
            for (int i = 0; i < views.length; i++) {
                views[i] = gx.view(segment[i], segment[i + 1]);
            }
        } catch (RuntimeException | Error e) {
            gx.close();
            if (gl != null) {
                gl.close();
            }
            if (a != null) {
                a.close();
            }
            throw e;
        }
        this.x = gx;
        this.lam = gl;
        this.arena = a;
        long work = (long) ny * nx * fields;
        long byWork = minBandWork <= 0 ? threads : Math.max(1, work / minBandWork);
        int bands = (int) Math.max(1, Math.min(Math.min(threads, ny / MIN_BAND_ROWS), byWork));
        this.bandStart = new int[bands + 1];
        for (int i = 0; i <= bands; i++) {
            bandStart[i] = x.rowStart() + (int) ((long) ny * i / bands);
        }
        this.pool = bands > 1 ? Executors.newFixedThreadPool(bands - 1, r -> {
            Thread t = new Thread(r, "lshsmile-adjoint");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Off-heap bytes a rollout gradient of this shape keeps for states: checkpoints, one segment (or all T + 1
     * states when k = T) and the two working grids; what the constructor asks {@link MemoryBudget} for.
     *
     * @param checkpointEvery k as in the constructor (0: the automatic choice; T with an LSH forward)
     * @return the estimate, negative when it overflows
     */
    public static long storeBytesFor(int fields, int ny, int nx, int steps, int checkpointEvery) {
        long stateBytes = Grid.bytesFor(fields, ny, nx) / 2;
        return MemoryBudget.times(statesKept(steps, checkpointEvery, stateBytes) + 4L, stateBytes);
    }

    private static long statesKept(int steps, int checkpointEvery, long stateBytes) {
        int k = checkpointEvery;
        if (k == 0) {
            k = stateBytes * steps <= STORE_ALL_BUDGET ? steps : (int) Math.ceil(Math.sqrt(steps));
        }
        long nCheckpoints = (steps + k - 1) / k;
        return (nCheckpoints > 1 ? nCheckpoints : 0) + (k == steps ? steps + 1L : k);
    }

    private static void checkLsh(LshForward lsh) {
        if (lsh.mode() == null) {
            throw new IllegalArgumentException("LSH forward mode must not be null");
        }
        if (!(lsh.r() > 0) || !Double.isFinite(lsh.r())) {
            throw new IllegalArgumentException("LSH forward r must be a positive finite number, got " + lsh.r());
        }
        if (!(lsh.r0() >= 0) || !Double.isFinite(lsh.r0())) {
            throw new IllegalArgumentException("LSH forward r0 must be a finite number >= 0, got " + lsh.r0());
        }
        if (lsh.k() < 1 || lsh.k() > 64 || lsh.l() < 1 || lsh.l() > 256) {
            throw new IllegalArgumentException("LSH forward needs 1 <= K <= 64 and 1 <= L <= 256, got K=" + lsh.k()
                + " L=" + lsh.l());
        }
    }

    /** States between checkpoints (T when every state is kept). */
    public int checkpointEvery() {
        return every;
    }

    /** Off-heap bytes held for states: checkpoints plus one segment, plus the two working grids. */
    public long storeBytes() {
        return (checkpoints.length + segment.length + 4L) * stateBytes;
    }

    /** Row bands in use (threads). */
    public int threads() {
        return bandStart.length - 1;
    }

    /** The adjoint kernels in use. */
    public AdjointKernels adjointKernels() {
        return adjoint;
    }

    /** T. */
    public int steps() {
        return steps;
    }

    /** The time step of every rollout. */
    public double dt() {
        return dt;
    }

    /** The grid spacing. */
    public double dx() {
        return x.dx();
    }

    /** The loss alone: one forward rollout per pair. */
    public double loss(Learnable at, List<Pair> pairs) {
        ensureOpen();
        checkPairs(at, pairs);
        double total = 0;
        for (Pair p : pairs) {
            rolloutInPlace(at.model(), p.start(), p.startStep(), false);
            total += pairLoss(x.current(), p.target(), false);
        }
        return total;
    }

    /** Rolls x forward T steps from {@code start}; keeps the states for the adjoint when asked. */
    private void rolloutInPlace(Model model, double[] start, long t0, boolean keep) {
        x.copyFrom(start);
        int nCk = (steps + every - 1) / every;
        int lastStart = (nCk - 1) * every;
        LshSmileEngine engine = lsh == null ? null : new LshSmileEngine(model, x, dt, lsh.mode(), lsh.r(), lsh.r0(),
            lsh.k(), lsh.l(), lsh.seed(), KernelSets.projections(kernels.name()));
        try {
            if (engine != null) {
                engine.setStepsDone(t0);
            }
            for (int k = 0; k < steps; k++) {
                if (keep && checkpoints.length > 0 && k % every == 0) {
                    save(checkpoints[k / every]);
                }
                if (keep && k >= lastStart) {
                    save(segment[k - lastStart]);
                }
                if (engine != null) {
                    engine.step(1);
                } else {
                    forwardStep(model, x, t0 + k, true);
                }
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
        }
    }

    /** Rolls {@code start} forward T steps from absolute step {@code startStep} into {@code out}. */
    public void rollout(Learnable at, double[] start, long startStep, double[] out) {
        ensureOpen();
        checkModel(at);
        if (startStep < 0) {
            throw new IllegalArgumentException("startStep must be >= 0, got " + startStep);
        }
        checkLength(start, "start");
        checkLength(out, "out");
        rolloutInPlace(at.model(), start, startStep, false);
        x.copyTo(out);
    }

    /**
     * Loss and its gradient with respect to {@code at}'s parameters (written into {@code gradient}, in the
     * order of {@link Learnable#parameterNames()}).
     *
     * @return the loss; NaN or infinite when a rollout blew up (the gradient is then meaningless)
     */
    public double lossAndGradient(Learnable at, List<Pair> pairs, double[] gradient) {
        ensureOpen();
        checkPairs(at, pairs);
        int np = at.parameterNames().size();
        if (gradient == null || gradient.length != np) {
            throw new IllegalArgumentException("gradient array needs " + np + " entries");
        }
        Model model = at.model();
        Model unclamped = at.unclamped();
        ensureScratch(Math.max(model.scratchDoubles(x), at.adjointScratchDoubles(x)));
        double[] rowGrad = new double[ny * np];
        double total = 0;
        int nCk = (steps + every - 1) / every;
        for (Pair p : pairs) {
            long t0 = p.startStep();
            if (direct) {
                x.copyFrom(p.start());
                save(segment[0]);
                for (int k = 0; k < steps; k++) {
                    forwardStep(model, views[k], t0 + k, false);
                }
                total += pairLoss(segment[steps], p.target(), true);
                for (int k = steps - 1; k >= 0; k--) {
                    adjointStep(at, unclamped, views[k], t0 + k, rowGrad);
                }
                continue;
            }
            rolloutInPlace(model, p.start(), t0, true);
            total += pairLoss(x.current(), p.target(), true);
            for (int j = nCk - 1; j >= 0; j--) {
                int s = j * every;
                int e = Math.min(s + every, steps);
                if (j != nCk - 1) {
                    load(checkpoints[j]);
                    save(segment[0]);
                    for (int k = s; k < e - 1; k++) {
                        forwardStep(model, x, t0 + k, true);
                        save(segment[k + 1 - s]);
                    }
                }
                for (int k = e - 1; k >= s; k--) {
                    load(segment[k - s]);
                    adjointStep(at, unclamped, x, t0 + k, rowGrad);
                }
            }
        }
        java.util.Arrays.fill(gradient, 0.0);
        for (int r = 0; r < ny; r++) {
            for (int i = 0; i < np; i++) {
                gradient[i] += rowGrad[r * np + i];
            }
        }
        return total;
    }

    /** One step of {@code g} (its halo refreshed first, so a stored state keeps a fresh halo for the adjoint). */
    private void forwardStep(Model model, Grid g, long step, boolean swap) {
        ensureScratch(model.scratchDoubles(g));
        g.refreshHalo();
        bands(b -> model.stepRows(kernels, g, dt, step, bandStart[b], bandStart[b + 1], scratch[b]));
        if (swap) {
            g.swap();
        }
    }

    /** The adjoint of the step from {@code state.current()} (halo fresh); may overwrite {@code state.next()}. */
    private void adjointStep(Learnable at, Model unclamped, Grid state, long step, double[] rowGrad) {
        if (unclamped != null) {
            bands(b -> unclamped.stepRows(kernels, state, dt, step, bandStart[b], bandStart[b + 1], scratch[b]));
            maskClamped(state.next());
        }
        int base = x.rowStart();
        bands(b -> at.adjointRows(adjoint, state, lam.current(), lam.next(), dt, step, bandStart[b],
            bandStart[b + 1], scratch[b], rowGrad, base));
        lam.swap();
        lam.refreshHalo();
    }

    /** lam := 0 where the unclamped step {@code v} left [0, 1], i.e. where the clamp was active. */
    private void maskClamped(MemorySegment v) {
        MemorySegment l = lam.current();
        for (int f = 0; f < fields; f++) {
            for (int y = 0; y < ny; y++) {
                long i0 = x.index(f, y, 0);
                for (long i = i0; i < i0 + nx; i++) {
                    double u = v.getAtIndex(D, i);
                    if (!(u >= 0.0 && u <= 1.0)) {
                        l.setAtIndex(D, i, 0.0);
                    }
                }
            }
        }
        lam.refreshHalo();
    }

    /** Mean squared difference of a state's interior from target; seeds lam with its derivative when asked. */
    private double pairLoss(MemorySegment c, double[] target, boolean seedAdjoint) {
        MemorySegment l = lam.current();
        double n = (double) fields * ny * nx;
        double sum = 0;
        int k = 0;
        for (int f = 0; f < fields; f++) {
            for (int y = 0; y < ny; y++) {
                long i0 = x.index(f, y, 0);
                for (int xx = 0; xx < nx; xx++) {
                    double d = c.getAtIndex(D, i0 + xx) - target[k++];
                    sum += d * d;
                    if (seedAdjoint) {
                        l.setAtIndex(D, i0 + xx, 2.0 * d / n);
                    }
                }
            }
        }
        if (seedAdjoint) {
            lam.refreshHalo();
        }
        return sum / n;
    }

    private void save(MemorySegment dst) {
        MemorySegment.copy(x.current(), 0, dst, 0, stateBytes);
    }

    private void load(MemorySegment src) {
        MemorySegment.copy(src, 0, x.current(), 0, stateBytes);
        x.refreshHalo();
    }

    private void ensureScratch(long doubles) {
        if (doubles <= scratchDoubles) {
            return;
        }
        int bands = bandStart.length - 1;
        scratch = new MemorySegment[bands];
        for (int b = 0; b < bands; b++) {
            scratch[b] = arena.allocate(Math.max(1, doubles) * Double.BYTES, 64);
        }
        scratchDoubles = doubles;
    }

    private void bands(IntConsumer band) {
        int n = bandStart.length - 1;
        if (n == 1) {
            band.accept(0);
            return;
        }
        List<Future<?>> pending = new ArrayList<>(n - 1);
        for (int b = 1; b < n; b++) {
            int bb = b;
            pending.add(pool.submit(() -> band.accept(bb)));
        }
        band.accept(0);
        try {
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a step", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    private void checkModel(Learnable at) {
        if (at == null) {
            throw new IllegalArgumentException("the learnable model must not be null");
        }
        if (at.model().fields() != fields) {
            throw new IllegalArgumentException("model " + at.model().name() + " has " + at.model().fields()
                + " fields, this rollout gradient needs " + fields);
        }
    }

    private void checkPairs(Learnable at, List<Pair> pairs) {
        checkModel(at);
        if (pairs == null || pairs.isEmpty()) {
            throw new IllegalArgumentException("need at least one pair");
        }
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            if (p == null) {
                throw new IllegalArgumentException("pair " + i + " is null");
            }
            if (p.startStep() < 0) {
                throw new IllegalArgumentException("pair " + i + " startStep must be >= 0, got " + p.startStep());
            }
            checkLength(p.start(), "pair start");
            checkLength(p.target(), "pair target");
        }
    }

    private void checkLength(double[] a, String what) {
        long n = (long) fields * ny * nx;
        if (a == null || a.length != n) {
            throw new IllegalArgumentException(what + " needs " + n + " values (" + fields + " x " + ny + " x " + nx
                + "), got " + (a == null ? "null" : a.length));
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("rollout gradient is closed");
        }
    }

    /** Frees the grids, the state store and the threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
        for (Grid v : views) {
            v.close();
        }
        x.close();
        lam.close();
        arena.close();
    }
}
