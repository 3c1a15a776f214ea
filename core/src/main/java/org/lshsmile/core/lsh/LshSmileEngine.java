package org.lshsmile.core.lsh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Neighbourhood;

/**
 * The LSH-SMILE engine (Sima &amp; Xue, Figure 4 as reconstructed in lsh-smile-notes.md): grid elements
 * whose own and neighbours' values are alike share one bucket and one update.
 *
 * <p>State: a {@link UnionFindDelete} forest holds which bucket each element is in (set id = bucket
 * id); per bucket, off-heap: its value (m doubles), its representative element and, in
 * {@link Mode#VERIFIED}, the value it had when it was last evaluated exactly ({@code ref}). An
 * element's value is its bucket's value. One {@link LongIntTable} per LSH table maps a table key of
 * the representative's feature vector (its 13-point neighbourhood, 13 m doubles) to a representative.
 *
 * <p>One step (Jacobi: every evaluation reads the state before the step):
 * <ol>
 *   <li>each bucket is evaluated once, at its representative ({@link Model#evalNew});</li>
 *   <li>a bucket is active when its value moved by more than {@code r0}: in {@code PAPER} mode in this
 *       step, in {@code VERIFIED} mode since it was last evaluated exactly (a per-step threshold
 *       never catches slow drift); every member of an active bucket is evaluated on its own from the
 *       old state and becomes a singleton bucket;</li>
 *   <li>MergeBuckets: the codes of every bucket are recomputed and buckets whose key collides in any
 *       table are merged ({@code PAPER}: on any collision; {@code VERIFIED}: only if the Euclidean
 *       distance of the two feature vectors is at most {@code r}); the larger bucket keeps its
 *       representative and value, and the absorbed members take that value.</li>
 * </ol>
 * The grid is written from the buckets at the end of every {@link #step(int)} call, so
 * {@link #grid()} always shows the current state.
 *
 * <p>This first version is single-threaded and recomputes every bucket's codes every step (the
 * paper's cost model); incremental codes are future work. Same seed, same bits.
 */
public final class LshSmileEngine implements Engine {

    /** Published behaviour, or verified merges with drift-based re-evaluation. */
    public enum Mode {
        /** As published: per-step threshold r0, merge on any code collision. */
        PAPER,
        /** Merges checked by the exact feature distance (<= r); re-evaluation on accumulated drift. */
        VERIFIED;

        /** Parses {@code paper} or {@code verified}. */
        public static Mode parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "paper" -> PAPER;
                case "verified" -> VERIFIED;
                default -> throw new IllegalArgumentException("unknown LSH mode '" + s + "': use verified or paper");
            };
        }
    }

    /**
     * Counters and phase times of one step (step 0 is the encoding).
     *
     * @param step           steps done after this one (0 for the encoding)
     * @param buckets        live buckets after the step
     * @param activeBuckets  buckets whose value moved by more than r0 (PAPER: this step; VERIFIED: since
     *                       their neighbours were last re-hashed)
     * @param activeElements elements taken out of their bucket and re-hashed on their own
     * @param evals          model evaluations ({@link Model#evalNew} calls)
     * @param merges         bucket merges
     * @param rejectedMerges colliding pairs whose feature distance exceeded r (VERIFIED only)
     * @param rehashed       feature vectors whose codes were (re)computed
     * @param evalNanos      time evaluating buckets and active elements
     * @param rehashNanos    time finding and splitting off elements whose neighbourhood changed
     * @param mergeNanos     time computing codes and merging colliding buckets
     */
    public record StepStats(long step, int buckets, int activeBuckets, int activeElements, long evals, int merges,
                            int rejectedMerges, long rehashed, long evalNanos, long rehashNanos, long mergeNanos) {

        /** Total time of the step in nanoseconds. */
        public long totalNanos() {
            return evalNanos + rehashNanos + mergeNanos;
        }
    }

    /** Receives the statistics of every step, on the stepping thread. */
    @FunctionalInterface
    public interface StepListener {
        /** Called after every step (and once after the encoding, with step 0). */
        void afterStep(StepStats stats);
    }

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    /** Buckets whose codes are computed per batch: bounds the feature-vector scratch. */
    private static final int BATCH = 4096;

    private final Model model;
    private final Grid grid;
    private final double dt;
    private final Mode mode;
    private final double r;
    private final double r0;
    private final int m;
    private final int n;
    private final int ny;
    private final int nx;
    private final int dim;
    private final boolean periodic;
    private final Arena arena;
    private UnionFindDelete forest;
    private final LshFamily family;
    private final LongIntTable[] tables;
    private final MemorySegment value;
    private final MemorySegment newValue;
    private final MemorySegment ref;
    private final MemorySegment elemNew;
    private final MemorySegment rep;
    private final MemorySegment live;
    private final MemorySegment livePos;
    private final MemorySegment activeList;
    private final MemorySegment features;
    private final MemorySegment codes;
    private final MemorySegment liveCopy;
    private final MemorySegment touched;
    private final MemorySegment touchedList;
    private int touchedCount;
    private final double[] nb;
    private final double[] nb2;
    private final double[] out;
    private int liveCount;
    private long steps;
    private StepStats last = new StepStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private StepListener listener;
    private boolean checkInvariants;
    private boolean closed;

    /**
     * Encodes the grid's current state (EncodeInitState: one singleton bucket per element, then
     * MergeBuckets).
     *
     * @param r    bucket width of the p-stable hashes and, in VERIFIED mode, the merge radius (> 0)
     * @param r0   re-evaluation threshold (>= 0)
     * @param k    hashes per table (AND), >= 1
     * @param l    tables (OR), >= 1
     * @param seed seed of the LSH family
     */
    public LshSmileEngine(Model model, Grid grid, double dt, Mode mode, double r, double r0, int k, int l,
                          long seed) {
        if (model == null || grid == null || mode == null) {
            throw new IllegalArgumentException("model, grid and mode must not be null");
        }
        if (grid.fields() != model.fields()) {
            throw new IllegalArgumentException("grid has " + grid.fields() + " fields but model " + model.name()
                + " needs " + model.fields());
        }
        if (!(dt > 0) || !Double.isFinite(dt) || !(r > 0) || !Double.isFinite(r) || !(r0 >= 0)
            || !Double.isFinite(r0)) {
            throw new IllegalArgumentException("need dt > 0, r > 0 and r0 >= 0, all finite; got dt=" + dt + " r=" + r
                + " r0=" + r0);
        }
        if (k < 1 || k > 64 || l < 1 || l > 256) {
            throw new IllegalArgumentException("need 1 <= K <= 64 and 1 <= L <= 256, got K=" + k + " L=" + l);
        }
        this.model = model;
        this.grid = grid;
        this.dt = dt;
        this.mode = mode;
        this.r = r;
        this.r0 = r0;
        this.m = model.fields();
        this.ny = grid.ny();
        this.nx = grid.nx();
        long cells = grid.cells();
        if (cells > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("grid of " + cells + " cells is too large for the LSH engine");
        }
        this.n = (int) cells;
        this.dim = Neighbourhood.SIZE * m;
        this.periodic = grid.boundary() == Boundary.PERIODIC;
        this.arena = Arena.ofShared();
        this.forest = new UnionFindDelete(n);
        this.family = new LshFamily(l, k, dim, r, seed);
        this.tables = new LongIntTable[l];
        for (int t = 0; t < l; t++) {
            // sized for a typical bucket count, not for n: every step clears them, at a cost of their capacity
            tables[t] = new LongIntTable(Math.min(n, 1 << 12), LongIntTable.DEFAULT_LOAD_FACTOR, false);
        }
        long nm = (long) n * m;
        this.value = arena.allocate(nm * Double.BYTES, 64);
        this.newValue = arena.allocate(nm * Double.BYTES, 64);
        this.ref = arena.allocate(nm * Double.BYTES, 64);
        this.elemNew = arena.allocate(nm * Double.BYTES, 64);
        this.liveCopy = arena.allocate((long) n * Integer.BYTES, 64);
        this.touched = arena.allocate(n, 64);
        this.touchedList = arena.allocate((long) n * Integer.BYTES, 64);
        this.rep = arena.allocate((long) n * Integer.BYTES, 64);
        this.live = arena.allocate((long) n * Integer.BYTES, 64);
        this.livePos = arena.allocate((long) n * Integer.BYTES, 64);
        this.activeList = arena.allocate((long) n * Integer.BYTES, 64);
        this.features = arena.allocate((long) BATCH * family.rowStride() * Double.BYTES, 64);
        this.codes = arena.allocate((long) BATCH * family.rows() * Integer.BYTES, 64);
        this.nb = new double[dim];
        this.nb2 = new double[dim];
        this.out = new double[m];
        encode();
    }

    private void encode() {
        MemorySegment g = grid.current();
        for (int e = 0; e < n; e++) {
            int y = e / nx;
            int x = e % nx;
            for (int f = 0; f < m; f++) {
                double v = g.getAtIndex(D, grid.index(f, y, x));
                value.setAtIndex(D, (long) e * m + f, v);
                ref.setAtIndex(D, (long) e * m + f, v);
            }
            rep.setAtIndex(I, e, e);
            live.setAtIndex(I, e, e);
            livePos.setAtIndex(I, e, e);
        }
        liveCount = n;
        long t0 = System.nanoTime();
        int[] merges = mergeBuckets();
        last = new StepStats(steps, liveCount, 0, 0, 0, merges[0], merges[1], n, 0, 0, System.nanoTime() - t0);
        materialize();
    }

    // ---- neighbourhoods -------------------------------------------------------------------------------

    private int wrap(int i, int size) {
        if (periodic) {
            return Math.floorMod(i, size);
        }
        int j = i < 0 ? -i - 1 : i >= size ? 2 * size - 1 - i : i;
        return Math.max(0, Math.min(size - 1, j));
    }

    /** The 13-point neighbourhood of element e in the bucket state: out[f*13 + k]. */
    private void gather(int e, double[] dst) {
        int y = e / nx;
        int x = e % nx;
        for (int k = 0; k < Neighbourhood.SIZE; k++) {
            int ne = wrap(y + Neighbourhood.dy(k), ny) * nx + wrap(x + Neighbourhood.dx(k), nx);
            long b = (long) forest.find(ne) * m;
            for (int f = 0; f < m; f++) {
                dst[f * Neighbourhood.SIZE + k] = value.getAtIndex(D, b + f);
            }
        }
    }

    // ---- one step ---------------------------------------------------------------------------------------

    @Override
    public void step(int count) {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        if (count < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + count);
        }
        grid.current(); // fails fast on a closed grid
        for (int s = 0; s < count; s++) {
            oneStep();
            if (checkInvariants) {
                checkInvariants();
            }
            if (listener != null) {
                listener.afterStep(last);
            }
        }
        materialize();
    }

    private void oneStep() {
        double dx = grid.dx();
        long evals = 0;
        long t0 = System.nanoTime();
        int evicted = mode == Mode.VERIFIED ? evictStrayMembers() : 0;
        long t1 = System.nanoTime();
        // 1. one evaluation per bucket, at its representative, from the old state
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            int re = rep.getAtIndex(I, b);
            gather(re, nb);
            model.evalNew(nb, dt, dx, steps, re / nx, re % nx, nx, out);
            evals++;
            for (int f = 0; f < m; f++) {
                newValue.setAtIndex(D, (long) b * m + f, out[f]);
            }
        }
        // 2. active buckets: their members are evaluated on their own, still from the old state
        int actives = 0;
        int activeElements = 0;
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            MemorySegment base = mode == Mode.PAPER ? value : ref;
            double moved = 0;
            for (int f = 0; f < m; f++) {
                long j = (long) b * m + f;
                moved = Math.max(moved, Math.abs(newValue.getAtIndex(D, j) - base.getAtIndex(D, j)));
            }
            if (moved > r0 || Double.isNaN(moved)) {
                activeList.setAtIndex(I, actives++, b);
            }
        }
        for (int a = 0; a < actives; a++) {
            int b = activeList.getAtIndex(I, a);
            int[] counter = {0};
            forest.members(b, e -> {
                gather(e, nb);
                model.evalNew(nb, dt, dx, steps, e / nx, e % nx, nx, out);
                for (int f = 0; f < m; f++) {
                    elemNew.setAtIndex(D, (long) e * m + f, out[f]);
                }
                counter[0]++;
            });
            evals += counter[0];
            activeElements += counter[0];
        }
        // 3. commit: quiet buckets take their new value; active ones split into exact singletons
        for (int a = 0; a < actives; a++) {
            removeLive(activeList.getAtIndex(I, a));
        }
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            boolean changed = false;
            for (int f = 0; f < m; f++) {
                long j = (long) b * m + f;
                double v = newValue.getAtIndex(D, j);
                changed |= Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(value.getAtIndex(D, j));
                value.setAtIndex(D, j, v);
            }
            if (changed) {
                touchNeighbourhoodOf(b);
            }
        }
        for (int a = 0; a < actives; a++) {
            int b = activeList.getAtIndex(I, a);
            int size = forest.size(b);
            int[] members = new int[size];
            int[] idx = {0};
            forest.members(b, e -> members[idx[0]++] = e);
            for (int e : members) {
                forest.delete(e);
            }
            for (int e : members) {
                int s = forest.makeSet(e);
                MemorySegment.copy(elemNew, (long) e * m * Double.BYTES, value, (long) s * m * Double.BYTES,
                    (long) m * Double.BYTES);
                MemorySegment.copy(elemNew, (long) e * m * Double.BYTES, ref, (long) s * m * Double.BYTES,
                    (long) m * Double.BYTES);
                rep.setAtIndex(I, s, e);
                addLive(s);
                touchAround(e);
            }
        }
        // 4. MergeBuckets on the new state
        long t2 = System.nanoTime();
        int rehashed = liveCount;
        int[] merged = mergeBuckets();
        steps++;
        last = new StepStats(steps, liveCount, actives, activeElements + evicted, evals, merged[0], merged[1],
            rehashed, t2 - t1, t1 - t0, System.nanoTime() - t2);
    }

    /** Marks the 13-point neighbourhood of every member of bucket b: their feature vectors changed. */
    private void touchNeighbourhoodOf(int b) {
        if (mode != Mode.VERIFIED) {
            return;
        }
        forest.members(b, this::touchAround);
    }

    private void touchAround(int e) {
        if (mode != Mode.VERIFIED) {
            return;
        }
        int y = e / nx;
        int x = e % nx;
        for (int k = 0; k < Neighbourhood.SIZE; k++) {
            int ne = wrap(y - Neighbourhood.dy(k), ny) * nx + wrap(x - Neighbourhood.dx(k), nx);
            if (touched.get(ValueLayout.JAVA_BYTE, ne) == 0) {
                touched.set(ValueLayout.JAVA_BYTE, ne, (byte) 1);
                touchedList.setAtIndex(I, touchedCount++, ne);
            }
        }
    }

    /**
     * VERIFIED mode: an element whose neighbourhood changed since the last step stays in its bucket only
     * while its feature vector is within r of its representative's; otherwise it becomes a singleton
     * (with its current value) and is evaluated on its own from now on. Returns the number evicted.
     */
    private int evictStrayMembers() {
        int evicted = 0;
        int count = touchedCount;
        touchedCount = 0;
        for (int i = 0; i < count; i++) {
            int e = touchedList.getAtIndex(I, i);
            touched.set(ValueLayout.JAVA_BYTE, e, (byte) 0);
            int b = forest.find(e);
            int re = rep.getAtIndex(I, b);
            if (re == e || within(e, re)) {
                continue;
            }
            forest.delete(e);
            int s = forest.makeSet(e);
            MemorySegment.copy(value, (long) b * m * Double.BYTES, value, (long) s * m * Double.BYTES,
                (long) m * Double.BYTES);
            MemorySegment.copy(value, (long) b * m * Double.BYTES, ref, (long) s * m * Double.BYTES,
                (long) m * Double.BYTES);
            rep.setAtIndex(I, s, e);
            addLive(s);
            evicted++;
        }
        return evicted;
    }

    private void addLive(int b) {
        live.setAtIndex(I, liveCount, b);
        livePos.setAtIndex(I, b, liveCount);
        liveCount++;
    }

    private void removeLive(int b) {
        int p = livePos.getAtIndex(I, b);
        int lastId = live.getAtIndex(I, liveCount - 1);
        live.setAtIndex(I, p, lastId);
        livePos.setAtIndex(I, lastId, p);
        livePos.setAtIndex(I, b, -1);
        liveCount--;
    }

    /** Recomputes every bucket's codes and merges colliding buckets; returns {merges, rejected}. */
    private int[] mergeBuckets() {
        for (LongIntTable t : tables) {
            t.clear();
        }
        int merges = 0;
        int rejected = 0;
        int rows = family.rows();
        long stride = family.rowStride();
        // iterate over a snapshot of the live ids: merging removes ids from the live list
        int total = liveCount;
        MemorySegment ids = liveCopy;
        MemorySegment.copy(live, 0, ids, 0, (long) total * Integer.BYTES);
        for (int from = 0; from < total; from += BATCH) {
            int count = Math.min(BATCH, total - from);
            for (int i = 0; i < count; i++) {
                int b = ids.getAtIndex(I, from + i);
                gather(rep.getAtIndex(I, b), nb);
                MemorySegment.copy(nb, 0, features, D, (long) i * stride * Double.BYTES, dim);
            }
            family.codes(features, count, stride, codes);
            for (int i = 0; i < count; i++) {
                int b = ids.getAtIndex(I, from + i);
                for (int t = 0; t < tables.length; t++) {
                    if (livePos.getAtIndex(I, b) < 0) {
                        break; // b was absorbed by an earlier bucket in this pass
                    }
                    long key = family.tableKey(codes, (long) i * rows, t);
                    int slot = tables[t].indexOf(key);
                    if (slot < 0) {
                        tables[t].insertAt(slot, key, rep.getAtIndex(I, b));
                        continue;
                    }
                    int o = forest.find(tables[t].valueAt(slot));
                    if (o == b) {
                        continue;
                    }
                    if (mode == Mode.VERIFIED && !within(rep.getAtIndex(I, b), rep.getAtIndex(I, o))) {
                        rejected++;
                        continue;
                    }
                    int keep = forest.size(b) >= forest.size(o) ? b : o;
                    touchNeighbourhoodOf(keep == b ? o : b); // the absorbed members take the survivor's value
                    int s = forest.unionSets(b, o);
                    if (s != keep) {
                        MemorySegment.copy(value, (long) keep * m * Double.BYTES, value, (long) s * m * Double.BYTES,
                            (long) m * Double.BYTES);
                        MemorySegment.copy(ref, (long) keep * m * Double.BYTES, ref, (long) s * m * Double.BYTES,
                            (long) m * Double.BYTES);
                        rep.setAtIndex(I, s, rep.getAtIndex(I, keep));
                    }
                    removeLive(s == b ? o : b);
                    merges++;
                    if (s != b) {
                        break; // b's id is gone: its remaining tables are the survivor's business
                    }
                }
            }
        }
        return new int[] {merges, rejected};
    }

    /** Euclidean distance of two elements' feature vectors is at most r. */
    private boolean within(int a, int b) {
        gather(a, nb);
        gather(b, nb2);
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            double d = nb[i] - nb2[i];
            sum += d * d;
        }
        return sum <= r * r;
    }

    /** Writes every element's bucket value into the grid's current buffer and refreshes the halo. */
    private void materialize() {
        MemorySegment g = grid.current();
        for (int e = 0; e < n; e++) {
            long b = (long) forest.find(e) * m;
            int y = e / nx;
            int x = e % nx;
            for (int f = 0; f < m; f++) {
                g.setAtIndex(D, grid.index(f, y, x), value.getAtIndex(D, b + f));
            }
        }
        grid.refreshHalo();
    }

    /**
     * Checks (i) every element is in exactly one live bucket and each bucket's representative is its
     * member, and, in PAPER mode, (iii) no two buckets share a key in any table (VERIFIED mode allows
     * colliding buckets whose features are farther apart than r). Throws IllegalStateException.
     */
    public void checkInvariants() {
        forest.checkInvariants();
        long members = 0;
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            if (livePos.getAtIndex(I, b) != i) {
                throw new IllegalStateException("live list position of bucket " + b + " is stale");
            }
            if (forest.find(rep.getAtIndex(I, b)) != b) {
                throw new IllegalStateException("representative of bucket " + b + " is not its member");
            }
            members += forest.size(b);
        }
        if (members != n || forest.setCount() != liveCount) {
            throw new IllegalStateException("buckets hold " + members + " elements in " + forest.setCount()
                + " sets, expected " + n + " in " + liveCount);
        }
        if (mode == Mode.PAPER) {
            int rows = family.rows();
            for (LongIntTable t : tables) {
                t.clear();
            }
            for (int from = 0; from < liveCount; from += BATCH) {
                int count = Math.min(BATCH, liveCount - from);
                for (int i = 0; i < count; i++) {
                    gather(rep.getAtIndex(I, live.getAtIndex(I, from + i)), nb);
                    MemorySegment.copy(nb, 0, features, D, (long) i * family.rowStride() * Double.BYTES, dim);
                }
                family.codes(features, count, family.rowStride(), codes);
                for (int i = 0; i < count; i++) {
                    int b = live.getAtIndex(I, from + i);
                    for (int t = 0; t < tables.length; t++) {
                        int prev = tables[t].putIfAbsent(family.tableKey(codes, (long) i * rows, t), b);
                        if (prev != LongIntTable.NO_VALUE && prev != b) {
                            throw new IllegalStateException("buckets " + prev + " and " + b + " collide in table " + t);
                        }
                    }
                }
            }
        }
    }

    /** Counters of the last step (or of the encoding, before the first step). */
    public StepStats lastStep() {
        return last;
    }

    /**
     * Sets the listener told about every step from now on (null for none). The encoding has already
     * happened in the constructor; its statistics are {@link #lastStep()} until the first step.
     */
    public void setStepListener(StepListener listener) {
        this.listener = listener;
    }

    /**
     * Writes each element's bucket id (row-major, {@code ny*nx} entries) into {@code out}: elements with
     * the same id share a bucket. Ids are small non-negative ints, not dense.
     */
    public void bucketIds(int[] out) {
        if (out.length != n) {
            throw new IllegalArgumentException("need an array of " + n + " elements, got " + out.length);
        }
        for (int e = 0; e < n; e++) {
            out[e] = forest.find(e);
        }
    }

    /** Number of live buckets. */
    public int buckets() {
        return liveCount;
    }

    @Override
    public long stepsDone() {
        return steps;
    }

    /**
     * Sets the step counter. A change of the counter means the grid was set from outside (a resume, or a
     * replay from a backup): the buckets are then encoded again from the grid's current state.
     */
    @Override
    public void setStepsDone(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + count);
        }
        if (count != steps) {
            steps = count;
            forest.close();
            forest = new UnionFindDelete(n);
            touchedCount = 0;
            touched.fill((byte) 0);
            encode();
        }
    }

    /** Checks {@link #checkInvariants()} after every step when on (slow; for debugging). */
    public void setCheckInvariants(boolean on) {
        checkInvariants = on;
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
        return String.format(Locale.ROOT, "lsh-smile %s, r=%g r0=%g K=%d L=%d, %d buckets for %d elements, 1 thread",
            mode.name().toLowerCase(Locale.ROOT), r, r0, family.hashesPerTable(), family.tables(), liveCount, n);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (LongIntTable t : tables) {
                t.close();
            }
            family.close();
            forest.close();
            arena.close();
        }
    }
}
