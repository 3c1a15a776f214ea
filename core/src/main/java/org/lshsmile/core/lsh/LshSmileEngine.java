package org.lshsmile.core.lsh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Neighbourhood;
import org.lshsmile.core.model.Neighbourhood3d;
import org.lshsmile.simd.Projections;

/**
 * The LSH-SMILE engine (Sima &amp; Xue, Figure 4 as reconstructed in lsh-smile-notes.md): grid elements
 * whose own and neighbours' values are alike share one bucket and one update.
 *
 * <h2>State (all off-heap)</h2>
 * <ul>
 *   <li>{@link BucketRecords}: one packed record per bucket (value, drift base, representative, member
 *       count, forest root, live-list position, flags, its L table keys) with a free list;</li>
 *   <li>a {@link UnionFindDelete} forest holding each bucket's members (near-constant find, O(1) union
 *       and delete), plus a flat element-to-record map kept in step with it (one load instead of a
 *       pointer-chasing find in the hot neighbourhood gathers; members are visited on every union
 *       anyway, to be re-written into the grid);</li>
 *   <li>one open-addressing {@link LongIntTable} per LSH table, mapping a key of the representative's
 *       codes to the record.</li>
 * </ul>
 * An element's feature vector is its neighbourhood of K points, itself and its first- and second-order
 * neighbours (the cells differing in one coordinate by 1 or 2, or in two by 1 each), each with m values:
 * K m doubles, read from the bucket values. K is 13 on a 2-D grid ({@link Neighbourhood}) and 25 on a 3-D
 * grid ({@link Neighbourhood3d}, the paper's 24 neighbours plus self). Every evaluation reads the
 * state before the step (Jacobi).
 *
 * <h2>{@link Mode#PAPER}: as published</h2>
 * One step: each bucket is evaluated once at its representative; a bucket whose value moved by more
 * than r0 in this step puts its members' neighbourhoods (the elements whose features it changes, its
 * members included) on ActiveL; each element of ActiveL leaves its bucket as a singleton with its
 * current value; MergeBuckets then recomputes the codes of every bucket and merges buckets whose keys
 * collide in any table, without further checks. The larger bucket keeps its representative and value.
 *
 * <h2>{@link Mode#VERIFIED} (default)</h2>
 * <ul>
 *   <li>every candidate merge is checked by the exact Euclidean distance of the two representatives'
 *       feature vectors (at most r);</li>
 *   <li>a bucket's neighbours are re-hashed when its value has drifted more than r0 since it was last
 *       hashed (a per-step threshold never catches slow drift): each such element is checked against
 *       its representative (distance at most r, else it leaves as a singleton with its current value
 *       and is re-hashed on its own), and a representative whose neighbourhood changed gets new codes;</li>
 *   <li>codes are computed only for buckets whose representative's neighbourhood changed, and the tables
 *       persist across steps (a bucket's old keys are removed when it gets new ones or is merged away);</li>
 *   <li>encoding first groups elements with bit-identical feature vectors (a sharp initial state has few
 *       distinct patterns), then hashes one representative per group;</li>
 *   <li>members absorbed by a merge take the survivor's value, so their neighbours are re-checked in the
 *       same step (up to {@value #SETTLE_ROUNDS} rounds; the rest wait for the next step).</li>
 * </ul>
 * The grid is brought up to date at the end of every {@link #step(int)} call, writing only the members
 * of buckets whose value changed and the elements that changed bucket.
 *
 * <p>Single-threaded, deterministic: the same seed and input give the same bits. Its hash tables live in
 * confined arenas, so the thread that creates the engine is the one that steps and closes it; another thread
 * gets an {@link IllegalStateException}.
 */
public final class LshSmileEngine implements Engine {

    /** Published behaviour, or verified merges with drift-based re-hashing. */
    public enum Mode {
        /** As published: per-step threshold r0, ActiveL re-hash, merge on any code collision, all codes every step. */
        PAPER,
        /** Merges checked by the exact feature distance (<= r); re-hash on accumulated drift; incremental codes. */
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
     * @param activeBuckets  buckets whose drift exceeded r0 (PAPER: this step; VERIFIED: since last hashed)
     * @param activeElements elements taken out of their bucket to be re-hashed on their own
     * @param evals          model evaluations ({@link Model#evalNew} calls)
     * @param merges         bucket merges
     * @param rejectedMerges colliding pairs whose feature distance exceeded r (VERIFIED only)
     * @param rehashed       feature vectors whose codes were computed
     * @param evalNanos      time evaluating buckets and committing their values
     * @param rehashNanos    time checking and splitting off elements whose neighbourhood changed
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
        /** Called after every step. */
        void afterStep(StepStats stats);
    }

    /** Rounds of check-then-merge per step in VERIFIED mode before leftovers wait for the next step. */
    public static final int SETTLE_ROUNDS = 3;

    /** Most MergeBuckets passes per step in PAPER mode. */
    public static final int PAPER_MERGE_ROUNDS = 16;

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    /** Buckets whose codes are computed per batch: bounds the feature-vector scratch. */
    private static final int BATCH = 1024;

    private final Model model;
    /** Neighbourhood points the model's evaluation reads (5 or 13 in 2-D, 7 or 25 in 3-D): the eval gathers only those. */
    private final int evalPoints;
    private final Grid grid;
    private final double dt;
    private final Mode mode;
    private final double r;
    private final double r0;
    private final int m;
    private final int n;
    private final int ny;
    private final int nz;
    /** A 3-D grid: 25-point neighbourhoods and z coordinates; otherwise 13 points and z = 0. */
    private final boolean threeD;
    /** Points of the feature vector: 13 (2-D) or 25 (3-D). */
    private final int points;
    private final int nx;
    private final int dim;
    private final boolean periodic;
    private final int[] ndz;
    private final int[] ndy;
    private final int[] ndx;
    private final int[] noff;
    /** Global index of the grid's first cell ({@link Grid#cellOffset()}): keys the models' random sources. */
    private final long cellOffset;
    /** Elements below this and from {@link #ghostsFrom} on are ghosts. */
    private final int ghostsBelow;
    private final int ghostsFrom;
    /** grid index offset of feature i = f*K + q from the index of (0, z, y, x). */
    private final long[] gridOffset;
    private final Arena arena;
    private UnionFindDelete forest;
    private BucketRecords rec;
    private final LshFamily family;
    private final int kPerTable;
    private final double invR;
    private final int[] changedIdx;
    private final double[] changedDelta;
    private long incrementalCodes;
    private final LongIntTable[] tables;
    /** element -> record. */
    private final MemorySegment recOf;
    /** live record ids; a record's position is in its record. */
    private final MemorySegment live;
    private int liveCount;
    /** new values by live position (m doubles each). */
    private final MemorySegment newVal;
    /** elements waiting to be checked (VERIFIED) or re-hashed (PAPER), with membership flags. */
    private MemorySegment queue;
    /** The queue's own arena: it grows (doubles) when a check pass queues an element again. */
    private Arena queueArena;
    private final MemorySegment queued;
    private int queueCount;
    /** records whose codes must be recomputed, with FLAG_RECODE. */
    private final MemorySegment recode;
    private int recodeCount;
    /** records whose value changed since the grid was written (FLAG_DIRTY) and elements that changed bucket. */
    private final MemorySegment dirtyRecs;
    private int dirtyRecCount;
    private final MemorySegment dirtyElems;
    private final MemorySegment elemDirty;
    private int dirtyElemCount;
    private final MemorySegment features;
    private final MemorySegment codes;
    private final int[] batchRecs = new int[BATCH];
    /** cached representative features, valid for one stamp. */
    private MemorySegment featCache;
    private Arena featArena;
    private int featSlots;
    private int stamp;
    private final double[] nb;
    private final double[] nb2;
    private final double[] scratchFeat;
    private final double[] out;
    private long steps;
    private StepStats last;
    private StepListener listener;
    private boolean checkInvariants;
    private long paperCodeViolations;
    private volatile boolean closed;
    /** The thread inside {@link #step(int)}, or null: {@link #close()} refuses meanwhile. */
    private volatile Thread stepping;
    /** The constructing thread: the code tables live in confined arenas, so only it may use the engine. */
    private final Thread owner = Thread.currentThread();
    // counters of the current step
    private long evals;
    private int merges;
    private int rejected;
    private long rehashed;
    private int activeElements;

    /**
     * Encodes the grid's current state (EncodeInitState, then MergeBuckets).
     *
     * @param r    bucket width of the p-stable hashes and, in VERIFIED mode, the merge radius (> 0)
     * @param r0   re-hash threshold (>= 0)
     * @param k    hashes per table (AND), >= 1
     * @param l    tables (OR), >= 1
     * @param seed seed of the LSH family
     * @throws IllegalArgumentException for a null argument, a field-count mismatch, dt, r or r0 out of range,
     *                                  K outside [1, 64], L outside [1, 256], or a grid above 2^29 cells
     * @throws IllegalStateException    when the grid is closed or in use by an engine on another thread, or the
     *                                  engine's memory ({@link #bytesFor}) would not fit
     */
    public LshSmileEngine(Model model, Grid grid, double dt, Mode mode, double r, double r0, int k, int l,
                          long seed) {
        this(model, grid, dt, mode, r, r0, k, l, seed, KernelSets.projectionsFromSystemProperty());
    }

    /**
     * Encodes the grid's current state, computing the hash projections with {@code projections} (scalar,
     * SIMD or native: the same bits).
     *
     * @param projections dot-product kernels of the hash family, e.g. {@code KernelSets.projections("native")}
     * @throws IllegalArgumentException as {@link #LshSmileEngine(Model, Grid, double, Mode, double, double, int, int, long)}
     * @throws IllegalStateException    as {@link #LshSmileEngine(Model, Grid, double, Mode, double, double, int, int, long)}
     * @see #LshSmileEngine(Model, Grid, double, Mode, double, double, int, int, long)
     */
    public LshSmileEngine(Model model, Grid grid, double dt, Mode mode, double r, double r0, int k, int l,
                          long seed, Projections projections) {
        this(model, grid, dt, mode, r, r0, k, l, seed, projections, 0, 0);
    }

    /**
     * Encodes the grid's current state, with the first {@code ghostsBefore} and the last {@code ghostsAfter}
     * elements (in the grid's cell order) as <em>ghosts</em>: copies of cells another engine owns (a
     * distributed run's neighbouring slabs). A ghost sits in a bucket of its own that is never evaluated and
     * never merged; it changes only through {@link #overwrite}, and it appears in its neighbours' feature
     * vectors and evaluations like any element. Why: a ghost's own neighbourhood reaches past the grid, so an
     * update computed from it would be wrong, and a bucket it represented would pass that error on.
     *
     * @throws IllegalArgumentException as {@link #LshSmileEngine(Model, Grid, double, Mode, double, double, int, int, long)},
     *                                  or for ghost counts that are negative, overlap or leave no element,
     *                                  or ghosts in PAPER mode
     * @throws IllegalStateException    as {@link #LshSmileEngine(Model, Grid, double, Mode, double, double, int, int, long)}
     */
    public LshSmileEngine(Model model, Grid grid, double dt, Mode mode, double r, double r0, int k, int l,
                          long seed, Projections projections, int ghostsBefore, int ghostsAfter) {
        if (model == null || grid == null || mode == null || projections == null) {
            throw new IllegalArgumentException("model, grid, mode and projections must not be null");
        }
        if (grid.fields() != model.fields()) {
            throw new IllegalArgumentException("grid has " + grid.fields() + " fields but model " + model.name()
                + " needs " + model.fields());
        }
        if (!(dt > 0) || !Double.isFinite(dt)) {
            throw new IllegalArgumentException("dt must be a positive finite number, got " + dt);
        }
        if (!(r > 0) || !Double.isFinite(r)) {
            throw new IllegalArgumentException("r (bucket width) must be a positive finite number, got " + r);
        }
        if (!(r0 >= 0) || !Double.isFinite(r0)) {
            throw new IllegalArgumentException("r0 (re-hash threshold) must be a finite number >= 0, got " + r0);
        }
        if (k < 1 || k > 64 || l < 1 || l > 256) {
            throw new IllegalArgumentException("need 1 <= K <= 64 and 1 <= L <= 256, got K=" + k + " L=" + l);
        }
        long cells = grid.cells();
        if (ghostsBefore < 0 || ghostsAfter < 0 || (long) ghostsBefore + ghostsAfter >= cells) {
            throw new IllegalArgumentException("ghost elements " + ghostsBefore + " before and " + ghostsAfter
                + " after must be >= 0 and leave elements of the " + cells + " to step");
        }
        if ((ghostsBefore > 0 || ghostsAfter > 0) && mode != Mode.VERIFIED) {
            throw new IllegalArgumentException("ghost elements need the verified mode");
        }
        if (cells > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("grid of " + cells + " cells is too large for the LSH engine (at most "
                + Integer.MAX_VALUE / 4 + "); use a smaller grid or the exact engine");
        }
        grid.ensureOpen();
        MemoryBudget.check(bytesFor(cells, model.fields(), k, l, grid.is3d()), "the LSH engine for " + cells + " cells x "
            + model.fields() + " fields (K=" + k + ", L=" + l + ")", "use a smaller grid or the exact engine");
        this.model = model;
        this.threeD = grid.is3d();
        this.points = threeD ? Neighbourhood3d.SIZE : Neighbourhood.SIZE;
        this.evalPoints = threeD ? model.evalPoints3d() : model.evalPoints();
        this.grid = grid;
        this.dt = dt;
        this.mode = mode;
        this.r = r;
        this.r0 = r0;
        this.m = model.fields();
        this.ny = grid.ny();
        this.nx = grid.nx();
        this.nz = grid.nz();
        this.n = (int) cells;
        this.dim = points * m;
        this.periodic = grid.boundary() == Boundary.PERIODIC;
        this.kPerTable = k;
        this.invR = 1.0 / r;
        this.changedIdx = new int[dim];
        this.changedDelta = new double[dim];
        this.ndz = new int[points];
        this.ndy = new int[points];
        this.ndx = new int[points];
        this.noff = new int[points];
        for (int q = 0; q < points; q++) {
            ndz[q] = threeD ? Neighbourhood3d.dz(q) : 0;
            ndy[q] = threeD ? Neighbourhood3d.dy(q) : Neighbourhood.dy(q);
            ndx[q] = threeD ? Neighbourhood3d.dx(q) : Neighbourhood.dx(q);
            noff[q] = (ndz[q] * ny + ndy[q]) * nx + ndx[q];
        }
        this.cellOffset = grid.cellOffset();
        this.ghostsBelow = ghostsBefore;
        this.ghostsFrom = (int) cells - ghostsAfter;
        this.gridOffset = new long[dim];
        for (int f = 0; f < m; f++) {
            for (int q = 0; q < points; q++) {
                gridOffset[f * points + q] = f * grid.planeStride() + ndz[q] * (threeD ? grid.sliceStride() : 0)
                    + ndy[q] * grid.rowStride() + ndx[q];
            }
        }
        this.arena = OffHeap.shared();
        boolean ok = false;
        try {
            this.forest = new UnionFindDelete(n);
            this.rec = newRecords(l);
            this.family = new LshFamily(l, k, dim, r, seed, projections);
            this.tables = new LongIntTable[l];
            for (int t = 0; t < l; t++) {
                tables[t] = new LongIntTable(1 << 12, LongIntTable.DEFAULT_LOAD_FACTOR, false);
            }
            this.recOf = arena.allocate((long) n * Integer.BYTES, 64);
            this.live = arena.allocate((long) n * Integer.BYTES, 64);
            this.newVal = arena.allocate((long) n * m * Double.BYTES, 64);
            this.queueArena = OffHeap.shared();
            this.queue = queueArena.allocate((long) n * Integer.BYTES, 64);
            this.queued = arena.allocate(n, 64);
            this.recode = arena.allocate((long) n * Integer.BYTES, 64);
            this.dirtyRecs = arena.allocate((long) n * Integer.BYTES, 64);
            this.dirtyElems = arena.allocate((long) n * Integer.BYTES, 64);
            this.elemDirty = arena.allocate(n, 64);
            this.features = arena.allocate((long) BATCH * family.rowStride() * Double.BYTES, 64);
            this.codes = arena.allocate((long) BATCH * family.rows() * Integer.BYTES, 64);
            this.featSlots = 256;
            this.featArena = OffHeap.shared();
            this.featCache = featArena.allocate((long) featSlots * dim * Double.BYTES, 64);
            this.nb = new double[dim];
            this.nb2 = new double[dim];
            this.scratchFeat = new double[dim];
            this.out = new double[m];
            grid.acquire(this);
            try {
                encode();
            } finally {
                grid.release(this);
            }
            ok = true;
        } finally {
            if (!ok) {
                closeResources();
            }
        }
    }

    /**
     * Off-heap bytes an engine over {@code cells} elements of {@code fields} fields takes at least (the forest,
     * the per-element lists, the batch buffers and the hash family; bucket records grow with the buckets),
     * what the constructor asks {@link MemoryBudget} for. Negative when the estimate overflows.
     */
    public static long bytesFor(long cells, int fields, int k, int l) {
        return bytesFor(cells, fields, k, l, false);
    }

    /**
     * {@link #bytesFor(long, int, int, int)} for a 2-D ({@code threeD} false, 13-point features) or 3-D grid
     * (25-point features).
     */
    public static long bytesFor(long cells, int fields, int k, int l, boolean threeD) {
        long dim = (long) (threeD ? Neighbourhood3d.SIZE : Neighbourhood.SIZE) * fields;
        long rowStride = (dim + 7) / 8 * 8;
        long perCell = UnionFindDelete.BYTES_PER_ELEMENT + 6L * Integer.BYTES + 2 + (long) fields * Double.BYTES;
        long fixed = (long) BATCH * rowStride * Double.BYTES + (long) BATCH * k * l * Integer.BYTES
            + 256L * dim * Double.BYTES + (long) k * l * (rowStride + 1) * Double.BYTES;
        return MemoryBudget.plus(MemoryBudget.times(cells, perCell), fixed);
    }

    /** VERIFIED records keep the representative's features and raw projections for incremental codes. */
    private BucketRecords newRecords(int l) {
        boolean keep = mode == Mode.VERIFIED;
        return new BucketRecords(m, l, keep ? dim : 0, keep ? l * kPerTable : 0, 1 << 12);
    }

    // ---- encoding -------------------------------------------------------------------------------------

    /** EncodeInitState: bit-identical feature vectors share a bucket at once; then MergeBuckets. */
    private void encode() {
        long t0 = System.nanoTime();
        resetCounters();
        liveCount = 0;
        queueCount = 0;
        recodeCount = 0;
        dirtyRecCount = 0;
        dirtyElemCount = 0;
        queued.fill((byte) 0);
        elemDirty.fill((byte) 0);
        MemorySegment g = grid.current();
        grid.refreshHalo();
        // the exact pattern -> record table (VERIFIED only: distance 0 is within any r; the paper hashes
        // every element on its own)
        LongIntTable patterns = mode == Mode.VERIFIED
            ? new LongIntTable(1 << 12, LongIntTable.DEFAULT_LOAD_FACTOR, false) : null;
        try {
            double[] cur = nb;
            int prevRec = -1;
            // eqLeft[((z+2)*(ny+4) + y+2)*w + x+2] (no z term in 2-D) says cell (z, y, x) equals (z, y, x-1)
            // in every field, halo included; then the pattern of (z, y, x) equals that of (z, y, x-1) iff
            // eqLeft holds at all K points: K byte loads instead of gathering and comparing 2 K m doubles
            // (grain interiors are long runs)
            int w = nx + 4;
            byte[] eqLeft = patterns == null ? null : sameAsLeft(g, w);
            for (int e = 0; e < n; e++) {
                int x = e % nx;
                int t = e / nx;
                int y = threeD ? t % ny : t;
                int z = threeD ? t / ny : 0;
                if (patterns == null) {
                    gatherGrid(g, z, y, x, cur);
                    newRecord(e, e, cur);
                    continue;
                }
                if (isGhost(e)) {
                    gatherGrid(g, z, y, x, cur);
                    rec.addFlag(newRecord(e, e, cur), BucketRecords.FLAG_GHOST);
                    prevRec = -1; // nothing joins a ghost's bucket
                    continue;
                }
                int b;
                if (prevRec >= 0 && x > 0 && sameAsLeftPattern(eqLeft, w, z, y, x)) {
                    b = prevRec;
                } else {
                    gatherGrid(g, z, y, x, cur);
                    long h = patternHash(cur);
                    int slot = patterns.indexOf(h);
                    if (slot < 0) {
                        b = newRecord(e, e, cur);
                        patterns.insertAt(slot, h, b);
                        if (isConstantPattern(cur)) {
                            rec.addFlag(b, BucketRecords.FLAG_REP_DEEP);
                        }
                    } else {
                        b = patterns.valueAt(slot);
                        int re = rec.rep(b);
                        gatherGridAt(g, re, scratchFeat);
                        if (!sameBits(cur, scratchFeat)) {
                            b = newRecord(e, e, cur); // a 64-bit hash collision: keep apart
                        }
                    }
                }
                if (rec.rep(b) != e) {
                    int s = forest.unionSets(rec.root(b), e); // e is still the singleton with set id e
                    rec.setRoot(b, s);
                    rec.setCount(b, rec.count(b) + 1);
                    recOf.setAtIndex(I, e, b);
                }
                prevRec = b;
            }
        } finally {
            if (patterns != null) {
                patterns.close();
            }
        }
        if (mode == Mode.VERIFIED) {
            for (int i = 0; i < liveCount; i++) {
                markRecode(live.getAtIndex(I, i));
            }
            mergePass(true);
            settle();
        } else {
            paperMergeBuckets();
        }
        last = new StepStats(steps, liveCount, 0, activeElements, 0, merges, rejected, rehashed, 0, 0,
            System.nanoTime() - t0);
        materialize();
    }

    /**
     * Cell (z, y, x) equals (z, y, x - 1) bitwise in every field, for z in [-2, nz+2) (only 0 in 2-D),
     * y in [-2, ny+2), x in [-1, nx+2).
     */
    private byte[] sameAsLeft(MemorySegment g, int w) {
        int zPad = threeD ? 2 : 0;
        byte[] eq = new byte[(nz + 2 * zPad) * (ny + 4) * w];
        long rowStride = grid.rowStride();
        for (int z = -zPad; z < nz + zPad; z++) {
            for (int y = -2; y < ny + 2; y++) {
                long row = grid.index(0, threeD ? z : 0, 0, 0) + y * rowStride;
                int eqRow = ((z + zPad) * (ny + 4) + y + 2) * w + 2;
                for (int x = -1; x < nx + 2; x++) {
                    boolean same = true;
                    for (int f = 0; f < m && same; f++) {
                        long i = row + f * grid.planeStride() + x;
                        same = Double.doubleToRawLongBits(g.getAtIndex(D, i)) == Double.doubleToRawLongBits(g.getAtIndex(D, i - 1));
                    }
                    eq[eqRow + x] = (byte) (same ? 1 : 0);
                }
            }
        }
        return eq;
    }

    private boolean sameAsLeftPattern(byte[] eq, int w, int z, int y, int x) {
        int zPad = threeD ? 2 : 0;
        for (int q = 0; q < points; q++) {
            if (eq[((z + ndz[q] + zPad) * (ny + 4) + y + ndy[q] + 2) * w + x + ndx[q] + 2] == 0) {
                return false;
            }
        }
        return true;
    }

    /** A new live singleton-or-group record with representative e and the center values of nbhd. */
    private int newRecord(int e, int root, double[] nbhd) {
        int b = rec.allocate();
        for (int f = 0; f < m; f++) {
            double v = nbhd[f * points];
            rec.setValue(b, f, v);
            rec.setHashed(b, f, v);
        }
        rec.setRep(b, e);
        rec.setRoot(b, root);
        rec.setCount(b, 1);
        rec.addFlag(b, BucketRecords.FLAG_CODES_STALE);
        recOf.setAtIndex(I, e, b);
        addLive(b);
        return b;
    }

    /** 64-bit hash of the raw bits: two independent multiply-xor chains (short dependency chains), mixed once. */
    private static long patternHash(double[] v) {
        long h0 = 0x9E3779B97F4A7C15L;
        long h1 = 0xC2B2AE3D27D4EB4FL;
        int i = 0;
        for (; i + 1 < v.length; i += 2) {
            h0 = (h0 ^ Double.doubleToRawLongBits(v[i])) * 0xFF51AFD7ED558CCDL;
            h1 = (h1 ^ Double.doubleToRawLongBits(v[i + 1])) * 0xC4CEB9FE1A85EC53L;
        }
        if (i < v.length) {
            h0 = (h0 ^ Double.doubleToRawLongBits(v[i])) * 0xFF51AFD7ED558CCDL;
        }
        return LshFamily.mix(h0 ^ Long.rotateLeft(h1, 31));
    }

    /** Every field has one value over the K points. */
    private boolean isConstantPattern(double[] feat) {
        for (int f = 0; f < feat.length; f += points) {
            long c = Double.doubleToRawLongBits(feat[f]);
            for (int q = 1; q < points; q++) {
                if (Double.doubleToRawLongBits(feat[f + q]) != c) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameBits(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    // ---- neighbourhoods -------------------------------------------------------------------------------

    private int wrap(int i, int size) {
        if (periodic) {
            return Math.floorMod(i, size);
        }
        int j = i < 0 ? -i - 1 : i >= size ? 2 * size - 1 - i : i;
        return Math.max(0, Math.min(size - 1, j));
    }

    private boolean isGhost(int e) {
        return e < ghostsBelow || e >= ghostsFrom;
    }

    /** Whether every point of the neighbourhood of (z, y, x) is an interior element: then neighbours are e + noff[q]. */
    private boolean inner(int z, int y, int x) {
        return y >= 2 && y < ny - 2 && x >= 2 && x < nx - 2 && (!threeD || (z >= 2 && z < nz - 2));
    }

    /**
     * Element at offset q of element e = (z, y, x); the offsets are symmetric, so this also lists who sees
     * e. Outside the interior the boundary condition maps the offset back into the grid.
     */
    private int neighbour(int e, int z, int y, int x, int q) {
        if (inner(z, y, x)) {
            return e + noff[q];
        }
        return (wrap(z + ndz[q], nz) * ny + wrap(y + ndy[q], ny)) * nx + wrap(x + ndx[q], nx);
    }

    /** The feature vector of element e in the bucket state: dst[f*K + q]. */
    private void gather(int e, double[] dst) {
        gather(e, dst, points);
    }

    /** The first {@code count} points of element e's neighbourhood in the bucket state (dst[f*K + q], q < count). */
    private void gather(int e, double[] dst, int count) {
        int x = e % nx;
        int t = e / nx;
        int y = threeD ? t % ny : t;
        int z = threeD ? t / ny : 0;
        boolean inner = inner(z, y, x);
        for (int q = 0; q < count; q++) {
            int ne = inner ? e + noff[q] : (wrap(z + ndz[q], nz) * ny + wrap(y + ndy[q], ny)) * nx + wrap(x + ndx[q], nx);
            int b = recOf.getAtIndex(I, ne);
            for (int f = 0; f < m; f++) {
                dst[f * points + q] = rec.value(b, f);
            }
        }
    }

    /** The feature vector of (z, y, x) read from the grid (halo refreshed): one base index plus fixed offsets. */
    private void gatherGrid(MemorySegment g, int z, int y, int x, double[] dst) {
        long base = threeD ? grid.index(0, z, y, x) : grid.index(0, y, x);
        for (int i = 0; i < dim; i++) {
            dst[i] = g.getAtIndex(D, base + gridOffset[i]);
        }
    }

    /** {@link #gatherGrid} of element e. */
    private void gatherGridAt(MemorySegment g, int e, double[] dst) {
        int x = e % nx;
        int t = e / nx;
        gatherGrid(g, threeD ? t / ny : 0, threeD ? t % ny : t, x, dst);
    }

    // ---- one step ---------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when count is negative
     * @throws IllegalStateException    when this engine or its grid is closed, or another engine is using the grid
     *                                  on another thread
     */
    @Override
    public void step(int count) {
        ensureOpen();
        if (count < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + count);
        }
        grid.ensureOpen(); // before any kernel: a native kernel must never see freed memory
        if (count == 0) {
            return;
        }
        grid.acquire(this);
        stepping = Thread.currentThread();
        try {
            stepHeld(count);
        } finally {
            stepping = null;
            grid.release(this);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("lsh-smile engine is closed; create a new engine");
        }
        ensureOwner();
    }

    private void ensureOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("lsh-smile engine was created on thread " + owner.getName() + " and is used "
                + "on thread " + Thread.currentThread().getName() + "; its hash tables are confined: create, step and "
                + "close it on one thread");
        }
    }

    /**
     * Advances {@code count} steps like {@link #step(int)} without bringing the grid up to date:
     * {@link #writeGrid()}, or the next {@link #step(int)}, does (meanwhile the grid holds a mix of older
     * states: the engine writes part of it early when its list of changes fills up). Why: writing the grid
     * costs a pass over every element whose bucket moved, which a caller that reads a few elements per step
     * ({@link #read}) does not need every step.
     *
     * @throws IllegalArgumentException as {@link #step(int)}
     * @throws IllegalStateException    as {@link #step(int)}
     */
    public void advance(int count) {
        ensureOpen();
        if (count < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + count);
        }
        grid.ensureOpen();
        if (count == 0) {
            return;
        }
        grid.acquire(this);
        stepping = Thread.currentThread();
        try {
            advanceHeld(count);
        } finally {
            stepping = null;
            grid.release(this);
        }
    }

    /**
     * Writes the buckets' values of the elements that changed since the grid was last written into the grid's
     * current buffer, and refreshes its halo.
     *
     * @throws IllegalStateException as {@link #step(int)}
     */
    public void writeGrid() {
        ensureOpen();
        grid.ensureOpen();
        grid.acquire(this);
        try {
            materialize();
        } finally {
            grid.release(this);
        }
    }

    /**
     * The current values of elements {@code [from, from + count)} (in the grid's cell order), read from
     * their buckets, into {@code out[f * count + i]} for element {@code from + i}.
     *
     * @throws IllegalArgumentException for a range outside the grid or an array of the wrong length
     * @throws IllegalStateException    when the engine is closed or used from another thread
     */
    public void read(int from, int count, double[] out) {
        ensureOpen();
        if (out == null || from < 0 || count < 0 || from > n - count || out.length != (long) count * m) {
            throw new IllegalArgumentException("read of elements [" + from + ", " + from + " + " + count + ") into "
                + (out == null ? "null" : out.length + " values") + ": need a range within the " + n
                + " elements and " + m + " values per element");
        }
        for (int i = 0; i < count; i++) {
            int b = recOf.getAtIndex(I, from + i);
            for (int f = 0; f < m; f++) {
                out[f * count + i] = rec.value(b, f);
            }
        }
    }

    private void stepHeld(int count) {
        advanceHeld(count);
        materialize();
    }

    private void advanceHeld(int count) {
        for (int s = 0; s < count; s++) {
            oneStep();
            if (checkInvariants) {
                paperCodeViolations = checkInvariants();
            }
            if (listener != null) {
                listener.afterStep(last);
            }
        }
    }

    private void resetCounters() {
        evals = 0;
        merges = 0;
        rejected = 0;
        rehashed = 0;
        activeElements = 0;
    }

    private void oneStep() {
        resetCounters();
        long t0 = System.nanoTime();
        double dx = grid.dx();
        // 1. one evaluation per bucket, at its representative, from the old state
        int ghostBuckets = 0;
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            if (rec.hasFlag(b, BucketRecords.FLAG_GHOST)) {
                for (int f = 0; f < m; f++) {
                    newVal.setAtIndex(D, (long) i * m + f, rec.value(b, f)); // unchanged until overwritten
                }
                ghostBuckets++;
                continue;
            }
            int re = rec.rep(b);
            gather(re, nb, evalPoints);
            // random sources are keyed by the global cell: the grid's first cell is cellOffset (0 unless the
            // grid is a slab of a distributed one), and re is (z * ny + y) * nx + x within the grid
            long cell = cellOffset + re;
            if (threeD) {
                model.evalNew3d(nb, dt, dx, steps, cell, out);
            } else {
                model.evalNew(nb, dt, dx, steps, (int) Math.floorDiv(cell, nx), re % nx, nx, out);
            }
            MemorySegment.copy(out, 0, newVal, D, (long) i * m * Double.BYTES, m);
        }
        evals = liveCount - ghostBuckets;
        // 2. commit; a bucket that drifted more than r0 puts the elements that see its members on the queue
        int actives = 0;
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            boolean changed = false;
            double drift = 0;
            for (int f = 0; f < m; f++) {
                double v = newVal.getAtIndex(D, (long) i * m + f);
                double old = rec.value(b, f);
                changed |= Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(old);
                double base = mode == Mode.PAPER ? old : rec.hashed(b, f);
                drift = Math.max(drift, Math.abs(v - base));
                rec.setValue(b, f, v);
            }
            if (changed) {
                markDirty(b);
            }
            if (drift > r0 || Double.isNaN(drift)) {
                actives++;
                rec.markHashed(b);
                queueNeighbourhoodOfMembers(b);
            }
        }
        long t1 = System.nanoTime();
        long rehashNs;
        long mergeNs;
        stamp++;
        if (mode == Mode.PAPER) {
            splitQueued();
            long t2 = System.nanoTime();
            paperMergeBuckets();
            rehashNs = t2 - t1;
            mergeNs = System.nanoTime() - t2;
        } else {
            long[] split = settle();
            rehashNs = split[0];
            mergeNs = split[1];
        }
        steps++;
        last = new StepStats(steps, liveCount, actives, activeElements, evals, merges, rejected, rehashed, t1 - t0,
            rehashNs, mergeNs);
    }

    /** VERIFIED: check queued elements, then merge re-coded buckets; repeat while merges queue more. */
    private long[] settle() {
        long check = 0;
        long merge = 0;
        for (int round = 0; round < SETTLE_ROUNDS && (queueCount > 0 || recodeCount > 0); round++) {
            long a = System.nanoTime();
            stamp++;
            checkQueued();
            long b = System.nanoTime();
            mergePass(false);
            merge += System.nanoTime() - b;
            check += b - a;
        }
        return new long[] {check, merge};
    }

    /** Appends e to the queue, doubling it when full (a check pass can list an element more than once). */
    private void append(int e) {
        if (queueCount == queue.byteSize() / Integer.BYTES) {
            Arena a = OffHeap.shared();
            MemorySegment bigger = a.allocate(queue.byteSize() * 2, 64);
            MemorySegment.copy(queue, 0, bigger, 0, queue.byteSize());
            queueArena.close();
            queueArena = a;
            queue = bigger;
        }
        queue.setAtIndex(I, queueCount++, e);
    }

    private void queueElement(int e) {
        // queued: 0 not queued, 1 waiting, 2 checked in the current pass of checkQueued (then it may be queued
        // again, when its bucket's representative changes later in the pass)
        if (queued.get(B, e) != 1) {
            queued.set(B, e, (byte) 1);
            append(e);
        }
    }

    /** Queues every element whose feature vector contains a member of b (the members themselves included). */
    private void queueNeighbourhoodOfMembers(int b) {
        int root = rec.root(b);
        int v = root;
        do {
            queueAround(forest.elementAt(v));
            v = forest.nextNode(v);
        } while (v != root);
    }

    private void queueAround(int e) {
        int x = e % nx;
        int t = e / nx;
        int y = threeD ? t % ny : t;
        int z = threeD ? t / ny : 0;
        for (int q = 0; q < points; q++) {
            queueElement(neighbour(e, z, y, x, q));
        }
    }

    /** PAPER: every queued element (ActiveL) leaves its bucket as a singleton with its current value. */
    private void splitQueued() {
        int count = queueCount;
        queueCount = 0;
        for (int i = 0; i < count; i++) {
            int e = queue.getAtIndex(I, i);
            queued.set(B, e, (byte) 0);
            int b = recOf.getAtIndex(I, e);
            if (rec.count(b) > 1) {
                splitOff(e, b);
            }
        }
    }

    /** Takes e out of bucket b into a new singleton bucket with b's value; returns the new record. */
    private int splitOff(int e, int b) {
        forest.delete(e);
        rec.setCount(b, rec.count(b) - 1);
        if (rec.rep(b) == e) {
            rec.setRep(b, forest.anyMember(rec.root(b)));
            rec.addFlag(b, BucketRecords.FLAG_CODES_STALE);
            markRecode(b);
        }
        if (rec.hasFlag(b, BucketRecords.FLAG_DIRTY)) {
            markElementDirty(e); // b's new value is not in the grid yet, and e leaves b's member walk
        }
        int s = rec.allocate();
        rec.copyValue(b, s, false);
        rec.markHashed(s);
        rec.setRep(s, e);
        rec.setRoot(s, forest.makeSet(e));
        rec.setCount(s, 1);
        rec.addFlag(s, BucketRecords.FLAG_CODES_STALE);
        recOf.setAtIndex(I, e, s);
        addLive(s);
        markRecode(s);
        activeElements++;
        return s;
    }

    /**
     * VERIFIED: each queued element stays in its bucket while its features are within r of the
     * representative's, else it leaves as a singleton; a queued representative gets new codes, and the
     * rest of its bucket is checked too (its reference point moved).
     */
    private void checkQueued() {
        for (int i = 0; i < queueCount; i++) { // the queue may grow while we walk it
            int e = queue.getAtIndex(I, i);
            if (queued.get(B, e) != 1) {
                continue; // a second entry of an element already checked since it was last queued
            }
            int b = recOf.getAtIndex(I, e);
            if (rec.rep(b) != e && queued.get(B, rec.rep(b)) == 1) {
                // the representative is waiting: its features changed and it may hand the bucket on, so check e
                // after it (checked now, e would match the changed features of a reference about to be replaced)
                append(e);
                continue;
            }
            queued.set(B, e, (byte) 2);
            if (rec.rep(b) == e) {
                if (rec.count(b) > 1) {
                    // the reference point itself moved: hand the bucket to an untouched member deep inside it
                    // (the next boundary to pass will not touch it soon), then check every member against it,
                    // the old representative included
                    boolean wasDeep = rec.hasFlag(b, BucketRecords.FLAG_REP_DEEP);
                    // only a bucket that had a deep representative looks far for another (a thin bucket along a
                    // boundary has none, and the walk would cost more than the check it saves)
                    int c = untouchedMember(b, wasDeep ? REP_SEARCH : 1);
                    boolean deep = c >= 0 && allNeighboursIn(c, b);
                    if (c >= 0) {
                        rec.setRep(b, c);
                        rec.setCacheStamp(b, -1);
                        rec.addFlag(b, BucketRecords.FLAG_CODES_STALE);
                        if (deep) {
                            rec.addFlag(b, BucketRecords.FLAG_REP_DEEP);
                        } else {
                            rec.clearFlag(b, BucketRecords.FLAG_REP_DEEP);
                        }
                    }
                    // from one constant-pattern representative to another the reference point is the same
                    // (the bucket's value, everywhere, to within the drift r0 that re-hashes): members checked
                    // against the old one need no new check; otherwise every member is checked again
                    boolean sameReference = wasDeep && deep;
                    if (!sameReference && !rec.hasFlag(b, BucketRecords.FLAG_VERIFY_ALL)) {
                        rec.addFlag(b, BucketRecords.FLAG_VERIFY_ALL);
                        int root = rec.root(b);
                        int v = root;
                        do {
                            queueElement(forest.elementAt(v));
                            v = forest.nextNode(v);
                        } while (v != root);
                    }
                }
                markRecode(b);
                if (rec.rep(b) == e) {
                    continue;
                }
            }
            gather(e, nb);
            if (!withinRep(b, nb)) {
                splitOff(e, b);
            }
        }
        for (int i = 0; i < queueCount; i++) {
            int e = queue.getAtIndex(I, i);
            queued.set(B, e, (byte) 0);
            int b = recOf.getAtIndex(I, e);
            rec.clearFlag(b, BucketRecords.FLAG_VERIFY_ALL);
        }
        queueCount = 0;
    }

    /** Members looked at when a bucket looks for a new representative: a walk far cheaper than the check of all members that follows. */
    private static final int REP_SEARCH = 4096;

    /**
     * A member of b other than its representative that is not queued (its features have not moved since
     * it was last checked), preferably one whose 13 neighbours are all in b (its features are the
     * bucket's own pattern, away from the next boundary) among the first {@code deepSearch} members
     * looked at, and never looking beyond {@value #REP_SEARCH}; -1 if every member looked at is queued.
     */
    private int untouchedMember(int b, int deepSearch) {
        int root = rec.root(b);
        int re = rec.rep(b);
        int v = root;
        int untouched = -1;
        for (int tries = 0; tries < REP_SEARCH; tries++) {
            int x = forest.elementAt(v);
            if (x != re && queued.get(B, x) == 0) {
                if (untouched < 0) {
                    untouched = x;
                }
                if (tries >= deepSearch) {
                    return untouched;
                }
                if (allNeighboursIn(x, b)) {
                    return x;
                }
            }
            v = forest.nextNode(v);
            if (v == root) {
                break;
            }
        }
        return untouched;
    }

    private boolean allNeighboursIn(int e, int b) {
        int x = e % nx;
        int t = e / nx;
        int y = threeD ? t % ny : t;
        int z = threeD ? t / ny : 0;
        for (int q = 1; q < points; q++) {
            if (recOf.getAtIndex(I, neighbour(e, z, y, x, q)) != b) {
                return false;
            }
        }
        return true;
    }

    /** Feature distance of {@code feat} to bucket b's representative's features (cached per stamp) is <= r. */
    private boolean withinRep(int b, double[] feat) {
        int slot;
        if (rec.cacheStamp(b) == stamp) {
            slot = rec.cacheSlot(b);
        } else {
            slot = nextCacheSlot();
            gather(rec.rep(b), nb2);
            MemorySegment.copy(nb2, 0, featCache, D, (long) slot * dim * Double.BYTES, dim);
            rec.setCache(b, slot, stamp);
        }
        long base = (long) slot * dim;
        double sum = 0;
        for (int j = 0; j < dim; j++) {
            double d = feat[j] - featCache.getAtIndex(D, base + j);
            sum += d * d;
        }
        return sum <= r * r;
    }

    private int cacheStampUsed = -1;
    private int cacheNext;

    private int nextCacheSlot() {
        if (cacheStampUsed != stamp) {
            cacheStampUsed = stamp;
            cacheNext = 0;
        }
        if (cacheNext == featSlots) {
            int bigger = featSlots * 2;
            Arena a = OffHeap.shared();
            MemorySegment s = a.allocate((long) bigger * dim * Double.BYTES, 64);
            MemorySegment.copy(featCache, 0, s, 0, (long) featSlots * dim * Double.BYTES);
            featArena.close();
            featArena = a;
            featCache = s;
            featSlots = bigger;
        }
        return cacheNext++;
    }

    private void markRecode(int b) {
        if (!rec.hasFlag(b, BucketRecords.FLAG_RECODE)) {
            rec.addFlag(b, BucketRecords.FLAG_RECODE);
            recode.setAtIndex(I, recodeCount++, b);
        }
    }

    private void markDirty(int b) {
        if (!rec.hasFlag(b, BucketRecords.FLAG_DIRTY)) {
            if (dirtyRecCount == n) {
                // record ids are recycled, so over many steps one call can list more than n: write out now
                materialize();
            }
            rec.addFlag(b, BucketRecords.FLAG_DIRTY);
            dirtyRecs.setAtIndex(I, dirtyRecCount++, b);
        }
    }

    private void markElementDirty(int e) {
        if (elemDirty.get(B, e) == 0) {
            elemDirty.set(B, e, (byte) 1);
            dirtyElems.setAtIndex(I, dirtyElemCount++, e);
        }
    }

    private void addLive(int b) {
        live.setAtIndex(I, liveCount, b);
        rec.setLivePos(b, liveCount);
        liveCount++;
    }

    private void removeLive(int b) {
        int p = rec.livePos(b);
        int lastId = live.getAtIndex(I, liveCount - 1);
        live.setAtIndex(I, p, lastId);
        rec.setLivePos(lastId, p);
        rec.setLivePos(b, -1);
        liveCount--;
    }

    // ---- MergeBuckets ------------------------------------------------------------------------------------

    /**
     * Computes the codes of every record on the recode list and merges it with the buckets its keys
     * collide with ({@code paperTables}: the tables were cleared and no merge is checked; otherwise the
     * record's old keys are removed first and every merge is verified).
     */
    private void mergePass(boolean paperTables) {
        boolean verify = mode == Mode.VERIFIED;
        int rows = family.rows();
        long strideBytes = family.rowStride() * Double.BYTES;
        int done = 0;
        while (done < recodeCount) { // merges can append to the list (PAPER never does)
            int count = 0;
            while (count < BATCH && done < recodeCount) {
                int b = recode.getAtIndex(I, done++);
                if (rec.isFree(b)) {
                    continue;
                }
                if (rec.hasFlag(b, BucketRecords.FLAG_GHOST)) {
                    rec.clearFlag(b, BucketRecords.FLAG_RECODE); // in no table: never merged
                    continue;
                }
                rec.clearFlag(b, BucketRecords.FLAG_RECODE);
                batchRecs[count] = b;
                gather(rec.rep(b), nb);
                MemorySegment.copy(nb, 0, features, D, count * strideBytes, dim);
                count++;
            }
            if (verify) {
                codesIncrementally(count);
            } else {
                family.codes(features, count, family.rowStride(), codes);
            }
            rehashed += count;
            for (int i = 0; i < count; i++) {
                int b = batchRecs[i];
                if (rec.isFree(b)) {
                    continue; // merged away earlier in this batch
                }
                if (!paperTables) {
                    unlinkKeys(b);
                }
                for (int t = 0; t < tables.length; t++) {
                    rec.setKey(b, t, family.tableKey(codes, (long) i * rows, t));
                }
                for (int t = 0; t < tables.length; t++) {
                    long key = rec.key(b, t);
                    int slot = tables[t].indexOf(key);
                    if (slot < 0) {
                        tables[t].insertAt(slot, key, b);
                        continue;
                    }
                    int o = tables[t].valueAt(slot);
                    while (rec.isFree(o)) {
                        o = rec.cacheSlot(o); // PAPER: merged away earlier in this pass
                    }
                    if (o == b) {
                        continue;
                    }
                    if (verify && !within(rec.rep(b), rec.rep(o))) {
                        rejected++;
                        continue;
                    }
                    int keep = rec.count(b) >= rec.count(o) ? b : o;
                    int gone = keep == b ? o : b;
                    absorb(keep, gone);
                    if (gone == b) {
                        break; // b's remaining tables are the survivor's business
                    }
                }
            }
        }
        recodeCount = 0;
    }

    /**
     * PAPER MergeBuckets: codes of every bucket, merge on any collision. A merge changes the values the
     * absorbed members show their neighbours, so the printed single pass can leave buckets whose new
     * codes collide; the pass is repeated (at most {@value #PAPER_MERGE_ROUNDS} times) until one merges
     * nothing, which is what invariant (iii) asks.
     */
    private void paperMergeBuckets() {
        for (int round = 0; round < PAPER_MERGE_ROUNDS; round++) {
            for (LongIntTable t : tables) {
                t.clear();
            }
            for (int i = 0; i < liveCount; i++) {
                markRecode(live.getAtIndex(I, i));
            }
            int before = merges;
            mergePass(true);
            if (merges == before) {
                return;
            }
        }
    }

    /**
     * VERIFIED: the codes of the batch's records into {@link #codes}. A record whose stored features are
     * its representative's (not {@link BucketRecords#FLAG_CODES_STALE}) and differ from the new ones in
     * at most a third of the components gets its raw projections a.v + b updated by the changed columns
     * only (a.v is linear: a.(v + d) = a.v + a.d); the rest are projected afresh. Either way the new
     * features and projections are stored for next time. The floor of the updated projection may differ
     * from a fresh one's in the last bit at a bucket edge; codes only propose merges, which are verified.
     */
    private void codesIncrementally(int count) {
        int rows = family.rows();
        long stride = family.rowStride();
        MemorySegment a = family.matrix();
        MemorySegment off = family.offsets();
        Projections proj = family.projections();
        for (int i = 0; i < count; i++) {
            int b = batchRecs[i];
            long vi = i * stride;
            int changed = 0;
            boolean fresh = rec.hasFlag(b, BucketRecords.FLAG_CODES_STALE);
            if (!fresh) {
                for (int c = 0; c < dim; c++) {
                    double v = features.getAtIndex(D, vi + c);
                    double d = v - rec.feature(b, c);
                    if (d != 0) { // NaN too
                        if (changed == dim / 3) {
                            fresh = true;
                            break;
                        }
                        changedIdx[changed] = c;
                        changedDelta[changed] = d;
                        changed++;
                    }
                }
            }
            for (int j = 0; j < rows; j++) {
                double pj;
                if (fresh) {
                    pj = proj.dot(a, j * stride, features, vi, dim) + off.getAtIndex(D, j);
                } else {
                    pj = rec.projection(b, j);
                    for (int c = 0; c < changed; c++) {
                        pj += a.getAtIndex(D, j * stride + changedIdx[c]) * changedDelta[c];
                    }
                }
                rec.setProjection(b, j, pj);
                codes.setAtIndex(I, (long) i * rows + j, (int) Math.floor(pj * invR));
            }
            if (!fresh) {
                incrementalCodes++;
            }
            for (int c = 0; c < dim; c++) {
                rec.setFeature(b, c, features.getAtIndex(D, vi + c));
            }
            rec.clearFlag(b, BucketRecords.FLAG_CODES_STALE);
        }
    }

    /** VERIFIED: codings done by the incremental update so far (the rest were fresh projections). */
    public long incrementalCodings() {
        return incrementalCodes;
    }

    /**
     * VERIFIED, for tests: the largest difference between a live bucket's stored raw projection and a
     * fresh projection of its stored features, i.e. the rounding the incremental updates accumulated.
     */
    double maxProjectionDrift() {
        int rows = family.rows();
        long stride = family.rowStride();
        double worst = 0;
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            if (rec.hasFlag(b, BucketRecords.FLAG_CODES_STALE)) {
                continue;
            }
            for (int c = 0; c < dim; c++) {
                features.setAtIndex(D, c, rec.feature(b, c));
            }
            for (int j = 0; j < rows; j++) {
                double fresh = family.projections().dot(family.matrix(), j * stride, features, 0, dim)
                    + family.offsets().getAtIndex(D, j);
                worst = Math.max(worst, Math.abs(fresh - rec.projection(b, j)));
            }
        }
        return worst;
    }

    /** Removes b's stored keys from the tables where they still point at b. */
    private void unlinkKeys(int b) {
        for (int t = 0; t < tables.length; t++) {
            long key = rec.key(b, t);
            int slot = tables[t].indexOf(key);
            if (slot >= 0 && tables[t].valueAt(slot) == b) {
                tables[t].remove(key);
            }
        }
    }

    /** Merges bucket gone into keep: gone's members take keep's value; gone's record is freed. */
    private void absorb(int keep, int gone) {
        boolean sameValue = true;
        for (int f = 0; f < m; f++) {
            sameValue &= Double.doubleToRawLongBits(rec.value(keep, f)) == Double.doubleToRawLongBits(rec.value(gone, f));
        }
        // members of a bucket whose new value is not in the grid yet must be written too
        boolean write = !sameValue || rec.hasFlag(gone, BucketRecords.FLAG_DIRTY);
        int root = rec.root(gone);
        int v = root;
        do {
            int e = forest.elementAt(v);
            recOf.setAtIndex(I, e, keep);
            if (write) {
                markElementDirty(e);
            }
            if (!sameValue) {
                if (mode == Mode.VERIFIED) {
                    queueAround(e); // the features of everyone who sees e changed by up to r
                }
            }
            v = forest.nextNode(v);
        } while (v != root);
        int s = forest.unionSets(rec.root(keep), root);
        rec.setRoot(keep, s);
        rec.setCount(keep, rec.count(keep) + rec.count(gone));
        if (mode == Mode.VERIFIED) {
            unlinkKeys(gone); // tables persist: no entry may outlive its record
        }
        removeLive(gone);
        rec.free(gone);
        if (mode == Mode.PAPER) {
            // the tables live for this pass only and no record is allocated during it: entries that point at
            // gone are followed to the union instead of being rewritten
            rec.setCache(gone, keep, -2);
        }
        merges++;
    }

    /** Euclidean distance of two elements' feature vectors is at most r. */
    private boolean within(int a, int b) {
        return distanceSquared(a, b) <= r * r;
    }

    private double distanceSquared(int a, int b) {
        gather(a, nb);
        gather(b, nb2);
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            double d = nb[i] - nb2[i];
            sum += d * d;
        }
        return sum;
    }

    /** Writes changed buckets' members and moved elements into the grid's current buffer; refreshes the halo. */
    private void materialize() {
        MemorySegment g = grid.current();
        long dirtyMembers = dirtyElemCount;
        for (int i = 0; i < dirtyRecCount; i++) {
            int b = dirtyRecs.getAtIndex(I, i);
            if (!rec.isFree(b)) {
                dirtyMembers += rec.count(b);
            }
        }
        if (dirtyMembers > n / SWEEP_FRACTION) {
            sweepDirty(g);
            return;
        }
        for (int i = 0; i < dirtyRecCount; i++) {
            int b = dirtyRecs.getAtIndex(I, i);
            if (rec.isFree(b)) {
                continue; // its members were written through the element list when it was absorbed
            }
            rec.clearFlag(b, BucketRecords.FLAG_DIRTY);
            int root = rec.root(b);
            int v = root;
            do {
                writeElement(g, forest.elementAt(v), b);
                v = forest.nextNode(v);
            } while (v != root);
        }
        dirtyRecCount = 0;
        for (int i = 0; i < dirtyElemCount; i++) {
            int e = dirtyElems.getAtIndex(I, i);
            elemDirty.set(B, e, (byte) 0);
            writeElement(g, e, recOf.getAtIndex(I, e));
        }
        dirtyElemCount = 0;
        grid.refreshHalo();
    }

    /**
     * Above n / this many elements to write, {@link #materialize} sweeps every element in grid order instead
     * of walking the dirty buckets' member lists: a big bucket whose value moves a little every step (a grain
     * interior relaxing its tails as a homogeneous state) has members all over the grid, and the walk's
     * scattered writes cost ~5x the sweep's sequential ones per element.
     */
    private static final int SWEEP_FRACTION = 8;

    /** materialize() as one pass over the elements in row order: writes those of dirty buckets and dirty elements. */
    private void sweepDirty(MemorySegment g) {
        long planeStride = grid.planeStride();
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                int e0 = (z * ny + y) * nx;
                long row = threeD ? grid.index(0, z, y, 0) : grid.index(0, y, 0);
                for (int x = 0; x < nx; x++) {
                    int e = e0 + x;
                    int b = recOf.getAtIndex(I, e);
                    if (rec.hasFlag(b, BucketRecords.FLAG_DIRTY) || elemDirty.get(B, e) != 0) {
                        for (int f = 0; f < m; f++) {
                            g.setAtIndex(D, row + f * planeStride + x, rec.value(b, f));
                        }
                    }
                }
            }
        }
        for (int i = 0; i < dirtyRecCount; i++) {
            int b = dirtyRecs.getAtIndex(I, i);
            if (!rec.isFree(b)) {
                rec.clearFlag(b, BucketRecords.FLAG_DIRTY);
            }
        }
        dirtyRecCount = 0;
        for (int i = 0; i < dirtyElemCount; i++) {
            elemDirty.set(B, dirtyElems.getAtIndex(I, i), (byte) 0);
        }
        dirtyElemCount = 0;
        grid.refreshHalo();
    }

    private void writeElement(MemorySegment g, int e, int b) {
        int x = e % nx;
        int t = e / nx;
        long centre = threeD ? grid.index(0, t / ny, t % ny, x) : grid.index(0, t, x);
        for (int f = 0; f < m; f++) {
            g.setAtIndex(D, centre + f * grid.planeStride(), rec.value(b, f));
        }
    }

    // ---- invariants --------------------------------------------------------------------------------------

    /**
     * Checks the invariants after a step and throws {@link IllegalStateException} naming the first
     * violation:
     * <ol>
     *   <li>(i) every element is in exactly one live bucket: the forest is sound, the element-to-bucket map
     *       agrees with it, member counts add up to n, and each representative is a member;</li>
     *   <li>(ii) PAPER: counted, not thrown: the number of elements whose code (computed now) collides
     *       in no table with their representative's is returned. The paper argues (ii) from a small r0,
     *       but an element whose neighbours each moved by less than r0 is never re-hashed and can cross a
     *       bucket boundary, so the published algorithm does not maintain it; VERIFIED: every element's feature vector is within
     *       {@code r + 4 sqrt(K m) r0} of its representative's (within r when last checked, and each
     *       of the 2 x K m values has drifted by less than 2 r0 since, else it would have been
     *       re-checked); elements still queued for a check are exempt;</li>
     *   <li>(iii) PAPER: no two buckets' keys collide in any table (recomputed now); VERIFIED: a stored
     *       key shared by two buckets belongs to a merge that was refused, i.e. their representatives are
     *       now farther apart than {@code r - 4 sqrt(K m) r0}, and no table entry points at a free
     *       record.</li>
     * </ol>
     *
     * @return PAPER: elements violating (ii); VERIFIED: 0
     */
    public long checkInvariants() {
        ensureOpen();
        grid.ensureOpen();
        forest.checkInvariants();
        long members = 0;
        for (int i = 0; i < liveCount; i++) {
            int b = live.getAtIndex(I, i);
            if (rec.isFree(b) || rec.livePos(b) != i) {
                throw new IllegalStateException("live list entry " + i + " (bucket " + b + ") is stale");
            }
            if (forest.find(rec.rep(b)) != rec.root(b) || recOf.getAtIndex(I, rec.rep(b)) != b) {
                throw new IllegalStateException("representative of bucket " + b + " is not its member");
            }
            if (forest.size(rec.root(b)) != rec.count(b)) {
                throw new IllegalStateException("bucket " + b + " counts " + rec.count(b) + " members, the forest "
                    + forest.size(rec.root(b)));
            }
            members += rec.count(b);
        }
        if (members != n || forest.setCount() != liveCount || rec.inUse() != liveCount) {
            throw new IllegalStateException("buckets hold " + members + " elements in " + forest.setCount()
                + " sets and " + rec.inUse() + " records, expected " + n + " in " + liveCount);
        }
        for (int e = 0; e < n; e++) {
            int b = recOf.getAtIndex(I, e);
            if (rec.isFree(b) || forest.find(e) != rec.root(b)) {
                throw new IllegalStateException("element " + e + " maps to bucket " + b + " but is not its member");
            }
        }
        double slack = 4 * Math.sqrt(dim) * r0;
        if (mode == Mode.PAPER) {
            return checkPaperCodes();
        } else {
            for (int e = 0; e < n; e++) {
                int b = recOf.getAtIndex(I, e);
                if (queued.get(B, e) == 1 || rec.rep(b) == e) {
                    continue;
                }
                double d = Math.sqrt(distanceSquared(e, rec.rep(b)));
                if (d > r + slack) {
                    throw new IllegalStateException("invariant (ii): element " + e + " is " + d
                        + " from its representative " + rec.rep(b) + ", more than r + 4 sqrt(K m) r0 = " + (r + slack));
                }
            }
            for (int i = 0; i < liveCount; i++) {
                int b = live.getAtIndex(I, i);
                for (int t = 0; t < tables.length; t++) {
                    int o = tables[t].get(rec.key(b, t), LongIntTable.NO_VALUE);
                    if (o == LongIntTable.NO_VALUE || o == b) {
                        continue;
                    }
                    if (rec.isFree(o)) {
                        throw new IllegalStateException("table " + t + " points at freed bucket " + o);
                    }
                    double d = Math.sqrt(distanceSquared(rec.rep(b), rec.rep(o)));
                    if (d <= r - slack) {
                        throw new IllegalStateException("invariant (iii): buckets " + b + " and " + o
                            + " share a key in table " + t + " at distance " + d + " <= r");
                    }
                }
            }
            return 0;
        }
    }

    /** PAPER mode (iii), thrown, and (ii), counted, with every code recomputed from the current state. */
    private long checkPaperCodes() {
        int rows = family.rows();
        int l = tables.length;
        long strideBytes = family.rowStride() * Double.BYTES;
        // (iii): the live buckets' keys are pairwise distinct in every table
        try (LongIntTable seen = new LongIntTable(Math.max(16, liveCount), LongIntTable.DEFAULT_LOAD_FACTOR, false)) {
            for (int t = 0; t < l; t++) {
                seen.clear();
                for (int i = 0; i < liveCount; i++) {
                    int b = live.getAtIndex(I, i);
                    gather(rec.rep(b), nb);
                    MemorySegment.copy(nb, 0, features, D, 0, dim);
                    family.codes(features, 1, family.rowStride(), codes);
                    int prev = seen.putIfAbsent(family.tableKey(codes, 0, t), b);
                    if (prev != LongIntTable.NO_VALUE && prev != b) {
                        throw new IllegalStateException("invariant (iii): buckets " + prev + " and " + b
                            + " collide in table " + t);
                    }
                }
            }
        }
        // (ii): each element's code collides with its representative's in some table
        long[] repKeys = new long[l];
        long violations = 0;
        for (int e = 0; e < n; e++) {
            int b = recOf.getAtIndex(I, e);
            int re = rec.rep(b);
            if (re == e) {
                continue;
            }
            gather(re, nb);
            gather(e, nb2);
            MemorySegment.copy(nb, 0, features, D, 0, dim);
            MemorySegment.copy(nb2, 0, features, D, strideBytes, dim);
            family.codes(features, 2, family.rowStride(), codes);
            boolean collide = false;
            for (int t = 0; t < l && !collide; t++) {
                repKeys[t] = family.tableKey(codes, 0, t);
                collide = repKeys[t] == family.tableKey(codes, rows, t);
            }
            if (!collide) {
                violations++;
            }
        }
        return violations;
    }

    // ---- accessors ---------------------------------------------------------------------------------------

    /** Counters of the last step (or of the encoding, before the first step). */
    public StepStats lastStep() {
        return last;
    }

    /** Sets the listener told about every step from now on (null for none). */
    public void setStepListener(StepListener listener) {
        this.listener = listener;
    }

    /**
     * Writes each element's bucket id (row-major, {@code ny*nx} entries) into {@code out}: elements with
     * the same id share a bucket. Ids are small non-negative ints, not dense.
     */
    public void bucketIds(int[] out) {
        ensureOpen();
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (out.length != n) {
            throw new IllegalArgumentException("need an array of " + n + " elements, got " + out.length);
        }
        for (int e = 0; e < n; e++) {
            out[e] = recOf.getAtIndex(I, e);
        }
    }

    /**
     * PAPER mode under {@link #setCheckInvariants}: elements whose code did not collide with their
     * representative's after the last step (see {@link #checkInvariants()}); 0 otherwise.
     */
    public long lastCodeViolations() {
        return paperCodeViolations;
    }

    /** Number of live buckets. */
    public int buckets() {
        return liveCount;
    }

    /** The mode. */
    public Mode mode() {
        return mode;
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
            ensureOpen();
            grid.ensureOpen();
            grid.acquire(this);
            try {
                reencode(count);
            } finally {
                grid.release(this);
            }
        }
    }

    private void reencode(long count) {
        steps = count;
        forest.close();
        forest = new UnionFindDelete(n);
        rec.close();
        rec = newRecords(tables.length);
        for (LongIntTable t : tables) {
            t.clear(); // their buckets were the old records': stale keys would point past the new ones
        }
        encode();
    }

    /**
     * Sets elements {@code [from, from + count)} (in the grid's cell order) to new values between steps, as an
     * outside source changes them: a distributed run's ghost layers, received from the neighbouring ranks. Each
     * element whose value differs (bitwise) from its bucket's leaves the bucket as a singleton with the new value
     * (a singleton takes it in place). Once an element's value has drifted more than r0 since it was last
     * hashed (at once when it left a bucket) it gets new codes and every element whose feature vector contains
     * it is checked against its representative (distance at most r, else it leaves too) and merges are tried,
     * as after an evaluation, all before the next evaluation. The grid is brought up to date by the next {@link #step(int)} or {@link #writeGrid()}.
     * VERIFIED mode only: the published algorithm has no such check.
     *
     * @param values field-major, {@code values[f * count + i]} for element {@code from + i}
     * @throws IllegalArgumentException for a range outside the grid or a values array of the wrong length
     * @throws IllegalStateException    in PAPER mode, or as {@link #step(int)}
     */
    public void overwrite(int from, int count, double[] values) {
        ensureOpen();
        if (mode != Mode.VERIFIED) {
            throw new IllegalStateException("overwrite needs the verified mode (the paper's mode has no re-check)");
        }
        if (values == null || from < 0 || count < 0 || from > n - count || values.length != (long) count * m) {
            throw new IllegalArgumentException("overwrite of elements [" + from + ", " + from + " + " + count + ") with "
                + (values == null ? "null" : values.length + " values") + ": need a range within the " + n
                + " elements and " + m + " values per element");
        }
        grid.ensureOpen();
        grid.acquire(this);
        try {
            int changed = 0;
            for (int i = 0; i < count; i++) {
                int e = from + i;
                int b = recOf.getAtIndex(I, e);
                boolean same = true;
                for (int f = 0; f < m && same; f++) {
                    same = Double.doubleToRawLongBits(values[f * count + i]) == Double.doubleToRawLongBits(rec.value(b, f));
                }
                if (same) {
                    continue;
                }
                boolean split = rec.count(b) > 1;
                int s1 = split ? splitOff(e, b) : b;
                double drift = 0;
                for (int f = 0; f < m; f++) {
                    double v = values[f * count + i];
                    drift = Math.max(drift, Math.abs(v - rec.hashed(s1, f)));
                    rec.setValue(s1, f, v);
                }
                markDirty(s1);
                // as a bucket's own update: the elements that see e are checked once its value has drifted more
                // than r0 since it was last hashed (a ghost in a relaxing grain moves a little every step)
                if (split || drift > r0 || Double.isNaN(drift)) {
                    rec.markHashed(s1);
                    rec.setCacheStamp(s1, -1);
                    rec.addFlag(s1, BucketRecords.FLAG_CODES_STALE);
                    rec.clearFlag(s1, BucketRecords.FLAG_REP_DEEP);
                    markRecode(s1);
                    queueAround(e);
                    changed++;
                }
            }
            if (changed > 0) {
                stamp++;
                settle();
            }
        } finally {
            grid.release(this);
        }
    }

    /** Checks {@link #checkInvariants()} after every step when on (slow; for debugging and tests). */
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

    /**
     * Frees the engine's off-heap memory (not the grid). Idempotent: a second call does nothing.
     *
     * @throws IllegalStateException when another thread is inside {@link #step(int)} of this engine, or the
     *                               calling thread is not the one that created the engine
     */
    @Override
    public void close() {
        Thread t = stepping;
        if (t != null && t != Thread.currentThread()) {
            throw new IllegalStateException("lsh-smile engine is stepping on thread " + t.getName()
                + "; close it after step returns");
        }
        if (!closed) {
            ensureOwner();
            closed = true;
            closeResources();
        }
    }

    /** The projection kernels of the hash family: {@code scalar}, {@code simd} or {@code native}. */
    public String projectionsName() {
        return family.projections().name();
    }

    /**
     * Every off-heap segment the engine holds now (its own, the records', the forest's, the tables', the
     * hash family's), for tests that check {@link #close()} frees them all.
     */
    List<MemorySegment> segments() {
        List<MemorySegment> all = new ArrayList<>(List.of(recOf, featCache));
        all.addAll(List.of(rec.segments()));
        all.addAll(List.of(forest.segments()));
        for (LongIntTable t : tables) {
            all.add(t.segment());
        }
        all.add(family.matrix());
        return all;
    }

    private void closeResources() {
        if (tables != null) {
            for (LongIntTable t : tables) {
                if (t != null) {
                    t.close();
                }
            }
        }
        if (family != null) {
            family.close();
        }
        if (forest != null) {
            forest.close();
        }
        if (rec != null) {
            rec.close();
        }
        if (featArena != null && featArena.scope().isAlive()) {
            featArena.close();
        }
        if (queueArena != null && queueArena.scope().isAlive()) {
            queueArena.close();
        }
        arena.close();
    }
}
