package org.lshsmile.core.lsh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.SplittableRandom;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.simd.Projections;

/**
 * A p-stable (Gaussian) LSH family of Datar et al.: {@code L} tables of {@code K} hash functions
 * {@code h_j(x) = floor((a_j . x + b_j) / r)} over vectors of dimension {@code d}, with
 * {@code a_j} standard Gaussian and {@code b_j} uniform in {@code [0, r)}. Two vectors at distance
 * {@code c} collide under one {@code h_j} with probability
 * {@code P(c) = 1 - 2 Phi(-r/c) - 2 / (sqrt(2 pi) r/c) (1 - exp(-(r/c)^2 / 2))}; the engine's
 * "AND of OR" needs all {@code K} hashes of one of the {@code L} tables to agree.
 *
 * <p><b>Memory</b>: one 64-byte aligned native segment, owned by a shared arena, holds the
 * {@code (L*K) x d} matrix, row {@code j} at double index {@code j * rowStride()} with the row
 * stride {@code d} rounded up to a multiple of 8 (rows start on cache lines; the padding is zero),
 * followed by the {@code L*K} offsets. Row {@code j = l * K + k} is hash {@code k} of table {@code l}.
 *
 * <p><b>Draws</b>: a {@link SplittableRandom} seeded with {@code seed} gives the matrix entries
 * row by row (Box-Muller on {@code StrictMath}, two Gaussians per pair of uniforms), then the
 * offsets {@code b_j = r * u_j}; the family is a pure function of its parameters on every JVM.
 *
 * <p><b>Codes</b>: {@link #codes} computes the {@code L*K} hash values of a batch of vectors as one
 * matrix product by the {@link Projections} kernels ({@code floor((a . x + b) * (1 / r))}, saturated
 * to {@code int}; scalar and SIMD kernels give the same bits). {@link #tableKey} folds the {@code K}
 * codes of one table into the {@code long} key of that table's {@link LongIntTable}.
 *
 * <p><b>Checks and threads</b>: arguments are checked once per call here, never in the kernels.
 * After {@link #close()} every method but {@code close()} and the parameter getters throws
 * {@link IllegalStateException}, and the segments handed out by {@link #matrix()} and
 * {@link #offsets()} are dead. The family is immutable, so any number of threads may call
 * {@link #codes} at once (the arena is shared for that reason).
 */
public final class LshFamily implements AutoCloseable {

    /** Rows are padded to a multiple of this many doubles (64 bytes, one cache line). */
    public static final int ROW_ALIGN = 8;

    private static final long ALIGN_BYTES = 64;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final int tables;
    private final int hashes;
    private final int dimension;
    private final double width;
    private final double invWidth;
    private final long seed;
    private final int rows;
    private final long rowStride;
    private final Projections projections;
    private final Arena arena;
    private final MemorySegment matrix;
    private final MemorySegment offsets;

    /**
     * A family computed by the projections named by the {@code lshsmile.kernels} system property
     * ({@code auto}, {@code scalar}, {@code simd} or {@code native}; see {@link KernelSets}).
     *
     * @see #LshFamily(int, int, int, double, long, Projections)
     */
    public LshFamily(int tables, int hashesPerTable, int dimension, double bucketWidth, long seed) {
        this(tables, hashesPerTable, dimension, bucketWidth, seed, KernelSets.projectionsFromSystemProperty());
    }

    /**
     * Draws a family.
     *
     * @param tables         {@code L >= 1}
     * @param hashesPerTable {@code K >= 1}
     * @param dimension      {@code d >= 1}
     * @param bucketWidth    {@code r}, finite and {@code > 0}
     * @param seed           seed of the draws
     * @param projections    the kernels that compute the codes
     * @throws IllegalArgumentException if a parameter is out of range or {@code L*K*d} is too large
     */
    public LshFamily(int tables, int hashesPerTable, int dimension, double bucketWidth, long seed,
                     Projections projections) {
        if (tables < 1 || hashesPerTable < 1 || dimension < 1) {
            throw new IllegalArgumentException("need L >= 1, K >= 1, d >= 1; got L=" + tables + ", K="
                + hashesPerTable + ", d=" + dimension);
        }
        if (!(bucketWidth > 0) || Double.isInfinite(bucketWidth)) {
            throw new IllegalArgumentException("bucket width must be finite and > 0, got " + bucketWidth);
        }
        long r = (long) tables * hashesPerTable;
        if (r > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("too many hash functions: L*K = " + r);
        }
        long stride = roundUp(dimension, ROW_ALIGN);
        long matrixDoubles;
        try {
            matrixDoubles = Math.multiplyExact(r, stride);
            Math.multiplyExact(matrixDoubles + roundUp(r, ROW_ALIGN), Double.BYTES);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("matrix of " + r + " x " + dimension + " doubles is too large", e);
        }
        this.tables = tables;
        this.hashes = hashesPerTable;
        this.dimension = dimension;
        this.width = bucketWidth;
        this.invWidth = 1.0 / bucketWidth;
        this.seed = seed;
        this.rows = (int) r;
        this.rowStride = stride;
        this.projections = Objects.requireNonNull(projections, "projections");
        this.arena = OffHeap.shared();
        MemorySegment all = arena.allocate((matrixDoubles + roundUp(r, ROW_ALIGN)) * Double.BYTES, ALIGN_BYTES);
        this.matrix = all.asSlice(0, matrixDoubles * Double.BYTES);
        this.offsets = all.asSlice(matrixDoubles * Double.BYTES, r * Double.BYTES);
        draw();
    }

    private static long roundUp(long v, int m) {
        return (v + m - 1) / m * m;
    }

    private void draw() {
        SplittableRandom rng = new SplittableRandom(seed);
        double spare = 0.0;
        boolean haveSpare = false;
        for (int j = 0; j < rows; j++) {
            long row = j * rowStride;
            for (int c = 0; c < dimension; c++) {
                double g;
                if (haveSpare) {
                    g = spare;
                    haveSpare = false;
                } else {
                    // 1 - u lies in (0, 1], so the log is finite; StrictMath makes the draws portable.
                    double u1 = 1.0 - rng.nextDouble();
                    double u2 = rng.nextDouble();
                    double rad = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
                    double ang = 2.0 * StrictMath.PI * u2;
                    g = rad * StrictMath.cos(ang);
                    spare = rad * StrictMath.sin(ang);
                    haveSpare = true;
                }
                matrix.setAtIndex(D, row + c, g);
            }
        }
        for (int j = 0; j < rows; j++) {
            double b = width * rng.nextDouble();
            // Rounding of r * u cannot reach r today, but the half-open interval is the contract.
            offsets.setAtIndex(D, j, b < width ? b : Math.nextDown(width));
        }
    }

    /** Number of tables {@code L}. */
    public int tables() {
        return tables;
    }

    /** Hash functions per table {@code K}. */
    public int hashesPerTable() {
        return hashes;
    }

    /** Dimension {@code d} of the hashed vectors. */
    public int dimension() {
        return dimension;
    }

    /** Bucket width {@code r}. */
    public double bucketWidth() {
        return width;
    }

    /** Seed of the draws. */
    public long seed() {
        return seed;
    }

    /** Number of hash functions {@code L*K}: the codes per vector. */
    public int rows() {
        return rows;
    }

    /** Row stride of {@link #matrix()} in doubles: {@code d} rounded up to a multiple of {@value #ROW_ALIGN}. */
    public long rowStride() {
        return rowStride;
    }

    /** The kernels that compute the codes. */
    public Projections projections() {
        return projections;
    }

    /**
     * Read-only view of the {@code (L*K) x rowStride()} matrix (padding columns are 0).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public MemorySegment matrix() {
        ensureOpen();
        return matrix.asReadOnly();
    }

    /**
     * Read-only view of the {@code L*K} offsets, each in {@code [0, r)}.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public MemorySegment offsets() {
        ensureOpen();
        return offsets.asReadOnly();
    }

    /**
     * All {@code L*K} codes of {@code n} vectors: code {@code j} of vector {@code i} goes to int
     * index {@code i * rows() + j} of {@code out}, i.e. table {@code l}'s codes of vector {@code i}
     * start at {@code i * rows() + l * K}.
     *
     * @param vectors {@code n} vectors of {@code d} doubles, vector {@code i} at double index {@code i * stride}
     * @param n       number of vectors, {@code >= 0}
     * @param stride  distance between vectors in doubles, {@code >= d}
     * @param out     writable, at least {@code n * rows()} ints
     * @throws IllegalArgumentException if a size or a segment length does not fit
     * @throws IllegalStateException    after {@link #close()}
     */
    public void codes(MemorySegment vectors, int n, long stride, MemorySegment out) {
        ensureOpen();
        Objects.requireNonNull(vectors, "vectors");
        Objects.requireNonNull(out, "out");
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (stride < dimension) {
            throw new IllegalArgumentException("stride " + stride + " is below the dimension " + dimension);
        }
        if (n == 0) {
            return;
        }
        long need;
        try {
            need = Math.multiplyExact(Math.addExact(Math.multiplyExact(n - 1L, stride), dimension), Double.BYTES);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("n * stride overflows", e);
        }
        if (vectors.byteSize() < need) {
            throw new IllegalArgumentException("vectors segment holds " + vectors.byteSize() + " bytes, "
                + n + " vectors of stride " + stride + " need " + need);
        }
        long outNeed = (long) n * rows * Integer.BYTES;
        if (out.byteSize() < outNeed) {
            throw new IllegalArgumentException("out segment holds " + out.byteSize() + " bytes, " + n
                + " x " + rows + " codes need " + outNeed);
        }
        if (out.isReadOnly()) {
            throw new IllegalArgumentException("out segment is read-only");
        }
        projections.project(matrix, offsets, rows, dimension, rowStride, vectors, n, stride, invWidth, out);
    }

    /**
     * The key of table {@code table} for the codes at int index {@code offset} of {@code codes} (as
     * laid out by {@link #codes}: pass {@code i * rows()}), for that table's {@link LongIntTable}.
     *
     * <p>The {@code K} codes {@code c_0 .. c_{K-1}} at {@code offset + table * K} are packed two per
     * word, {@code w_p = (c_{2p} & 0xFFFFFFFF) | c_{2p+1} << 32} (the high half is 0 for an odd last
     * code), and folded as {@code h = mix(h ^ w_p)} from {@code h = (table + 1) * 0x9E3779B97F4A7C15},
     * where {@code mix} is the SplitMix64 finalizer (Stafford's variant 13). {@code mix} is a
     * bijection, so for {@code K <= 2} different code tuples always get different keys; for larger
     * {@code K} two different tuples share a key with probability about {@code 2^-64}. Every key bit
     * depends on every code bit, as linear probing wants.
     *
     * @throws IllegalArgumentException if {@code table} is not in {@code [0, L)} or the codes lie outside {@code codes}
     * @throws IllegalStateException    after {@link #close()}
     */
    public long tableKey(MemorySegment codes, long offset, int table) {
        ensureOpen();
        Objects.requireNonNull(codes, "codes");
        if (table < 0 || table >= tables) {
            throw new IllegalArgumentException("table " + table + " not in [0, " + tables + ")");
        }
        long base = offset + (long) table * hashes;
        if (offset < 0 || base > codes.byteSize() / Integer.BYTES - hashes) {
            throw new IllegalArgumentException("table " + table + " at int offset " + offset + " reads ints ["
                + base + ", " + (base + hashes) + "), the segment holds " + codes.byteSize() / Integer.BYTES);
        }
        long h = (table + 1L) * GOLDEN;
        int k = 0;
        for (; k + 1 < hashes; k += 2) {
            long w = (codes.getAtIndex(I, base + k) & 0xFFFFFFFFL) | ((long) codes.getAtIndex(I, base + k + 1) << 32);
            h = mix(h ^ w);
        }
        if (k < hashes) {
            h = mix(h ^ (codes.getAtIndex(I, base + k) & 0xFFFFFFFFL));
        }
        return h;
    }

    /** SplitMix64's finalizer: a bijection of 64-bit words with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void ensureOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("LSH family is closed");
        }
    }

    /** Frees the matrix and offsets; later calls are no-ops (synchronized so two closers cannot race). */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
