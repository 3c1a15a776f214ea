package org.lshsmile.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The checked facade over the native kernels: the only way other modules call {@code liblshsmile}.
 *
 * <p>Every method checks its arguments in Java before the downcall (the C loops carry no checks): the
 * segments are native, alive, accessible from the calling thread, 8-byte aligned, large enough for every element the kernel reads or writes, the
 * written ones writable, and the grid buffers and scratch pairwise disjoint (the C kernels declare them
 * {@code restrict}); rows and columns leave room for the stencil's halo; parameter arrays are long
 * enough. A violation throws {@link IllegalArgumentException} with one line naming it. The
 * layout contract is that of {@code lshsmile.h} (and of simd's {@code StencilKernels}): element
 * (field f, row r, column c) at double index {@code f * planeStride + r * rowStride + c}.
 *
 * <p>Parameter arrays ({@code ldt}, {@code kappa}, {@code p}) are copied into a confined arena per call:
 * a few hundred nanoseconds against the tens of microseconds of a row band. Instances are stateless
 * and thread-safe; obtain one from {@link NativeLibrary#load()}.
 */
public final class NativeKernels {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    /** Halo a 5-point stencil reads (grain growth). */
    private static final int HALO_1 = 1;
    /** Halo a Laplacian of a Laplacian reads (Cahn-Hilliard, nanovoid). */
    private static final int HALO_2 = 2;
    /** The two-step grain-growth pass needs rowStride to be a multiple of this many doubles. */
    public static final int PAIR_ROW_MULTIPLE = 8;
    /** Scratch rows of the Cahn-Hilliard kernel ({@code LSHSMILE_CH_SCRATCH_ROWS}). */
    public static final int CH_SCRATCH_ROWS = 3;
    /** Scratch rows of the nanovoid kernel ({@code LSHSMILE_NV_SCRATCH_ROWS}). */
    public static final int NV_SCRATCH_ROWS = 15;
    /** Length of the nanovoid parameter array ({@code LSHSMILE_NV_PARAM_COUNT}). */
    public static final int NV_PARAM_COUNT = 13;

    private final lshsmile_h h;
    private final String buildInfo;

    NativeKernels(lshsmile_h h) {
        this.h = h;
        this.buildInfo = h.lshsmile_build_info().reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** The raw bindings: no checks, for callers that have done them (tests, benchmarks of the bindings). */
    public lshsmile_h bindings() {
        return h;
    }

    /** The library's ABI version ({@link NativeLibrary#ABI_VERSION} for a library that loaded). */
    public int abiVersion() {
        return h.lshsmile_abi_version();
    }

    /** One line from the library: version, ABI, compiler, flags and ISA of the build. */
    public String buildInfo() {
        return buildInfo;
    }

    /** The library's natural logarithm: the bits of simd's {@code Log.log} for every input. */
    public double log(double x) {
        return h.lshsmile_log(x);
    }

    /**
     * One grain-growth step for rows {@code [rowFrom, rowTo)}; the semantics of simd's
     * {@code StencilKernels.grainGrowthRows}.
     *
     * @throws IllegalArgumentException if a segment, size or array does not fit (see the class comment)
     */
    public void grainGrowthRows(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                                long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                double[] ldt, double[] kappa, double a, double b, double invDx2, boolean clamp) {
        if (q < 1) {
            throw new IllegalArgumentException("q must be >= 1, got " + q);
        }
        checkArray("ldt", ldt, q);
        checkArray("kappa", kappa, q);
        checkGrid(cur, next, q, planeStride, rowStride, rowFrom, rowTo, colFrom, nx, HALO_1);
        checkScratch(sumSq, "sumSq", 1, rowStride, cur, next);
        if (rowFrom == rowTo) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            h.lshsmile_grain_growth_rows(cur, next, sumSq, q, planeStride, rowStride, rowFrom, rowTo, colFrom, nx,
                arena.allocateFrom(D, ldt), arena.allocateFrom(D, kappa), a, b, invDx2, clamp ? 1 : 0);
        }
    }

    /**
     * Two grain-growth steps in one pass for rows {@code [rowFrom, rowTo)}; the semantics of simd's
     * {@code StencilKernels.grainGrowthPairRows}: a halo of two, {@code rowStride} a multiple of 8, a scratch of
     * {@code 3q + 1} rows.
     *
     * @throws IllegalArgumentException if a segment, size or array does not fit (see the class comment)
     */
    public void grainGrowthPairRows(MemorySegment cur, MemorySegment next, MemorySegment scratch, int q,
                                    long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                    double[] ldt, double[] kappa, double a, double b, double invDx2,
                                    boolean clamp) {
        if (q < 1 || q > (Integer.MAX_VALUE - 1) / 3) {
            throw new IllegalArgumentException("q must be in [1, " + (Integer.MAX_VALUE - 1) / 3 + "], got " + q);
        }
        checkArray("ldt", ldt, q);
        checkArray("kappa", kappa, q);
        checkGrid(cur, next, q, planeStride, rowStride, rowFrom, rowTo, colFrom, nx, HALO_2);
        if (rowStride % PAIR_ROW_MULTIPLE != 0) {
            throw new IllegalArgumentException("rowStride " + rowStride + " must be a multiple of " + PAIR_ROW_MULTIPLE
                + " for the two-step pass (it reads whole vectors of each row)");
        }
        checkScratch(scratch, "scratch", 3 * q + 1, rowStride, cur, next);
        if (rowFrom == rowTo) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            h.lshsmile_grain_growth_pair_rows(cur, next, scratch, q, planeStride, rowStride, rowFrom, rowTo, colFrom,
                nx, arena.allocateFrom(D, ldt), arena.allocateFrom(D, kappa), a, b, invDx2, clamp ? 1 : 0);
        }
    }

    /**
     * One Cahn-Hilliard step for rows {@code [rowFrom, rowTo)}; the semantics of simd's
     * {@code StencilKernels.cahnHilliardRows}. {@code muRows}: at least {@value #CH_SCRATCH_ROWS} rows.
     *
     * @throws IllegalArgumentException if a segment or size does not fit (see the class comment)
     */
    public void cahnHilliardRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                                 int rowFrom, int rowTo, int colFrom, int nx, double mdt, double kappa, double rho,
                                 double ca, double cb, double invDx2) {
        checkGrid(cur, next, 1, 0, rowStride, rowFrom, rowTo, colFrom, nx, HALO_2);
        checkScratch(muRows, "muRows", CH_SCRATCH_ROWS, rowStride, cur, next);
        if (rowFrom == rowTo) {
            return;
        }
        h.lshsmile_cahn_hilliard_rows(cur, next, muRows, rowStride, rowFrom, rowTo, colFrom, nx, mdt, kappa, rho, ca,
            cb, invDx2);
    }

    /**
     * One nanovoid step for rows {@code [rowFrom, rowTo)} (planes c_v, c_i, eta); the semantics of simd's
     * {@code StencilKernels.nanovoidRows}. {@code scratch}: at least {@value #NV_SCRATCH_ROWS} rows;
     * {@code p}: at least {@value #NV_PARAM_COUNT} parameters in the order of {@code StencilKernels.Nanovoid}.
     *
     * @throws IllegalArgumentException if a segment, size or array does not fit (see the class comment)
     */
    public void nanovoidRows(MemorySegment cur, MemorySegment next, MemorySegment scratch, long planeStride,
                             long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double[] p,
                             boolean conservative, boolean voidMask, boolean clamp) {
        checkArray("p", p, NV_PARAM_COUNT);
        checkGrid(cur, next, 3, planeStride, rowStride, rowFrom, rowTo, colFrom, nx, HALO_2);
        checkScratch(scratch, "scratch", NV_SCRATCH_ROWS, rowStride, cur, next);
        if (rowFrom == rowTo) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            h.lshsmile_nanovoid_rows(cur, next, scratch, planeStride, rowStride, rowFrom, rowTo, colFrom, nx,
                arena.allocateFrom(D, p), conservative ? 1 : 0, voidMask ? 1 : 0, clamp ? 1 : 0);
        }
    }

    /**
     * Batched LSH projections, {@code outCodes[i * rows + j] = (int) floor((a_j . x_i + b[j]) * invR)}, in
     * the summation order of simd's {@code Projections}.
     *
     * @param a        {@code rows} rows of {@code d} doubles, row j at double index {@code j * ds}
     * @param b        {@code rows} offsets
     * @param x        {@code n} vectors, vector i at double index {@code i * dxs}
     * @param outCodes receives {@code n * rows} ints; must not overlap the inputs
     * @throws IllegalArgumentException if a segment or size does not fit
     */
    public void project(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n, long dxs,
                        double invR, MemorySegment outCodes) {
        if (rows < 1 || d < 1 || n < 0) {
            throw new IllegalArgumentException("need rows >= 1, d >= 1, n >= 0; got rows=" + rows + ", d=" + d
                + ", n=" + n);
        }
        if (ds < d || dxs < d) {
            throw new IllegalArgumentException("strides must be >= d=" + d + ", got ds=" + ds + ", dxs=" + dxs);
        }
        checkNative(a, "a", Double.BYTES);
        checkNative(b, "b", Double.BYTES);
        checkNative(x, "x", Double.BYTES);
        checkNative(outCodes, "outCodes", Integer.BYTES);
        checkDoubles(a, "a", span(rows, ds, d));
        checkDoubles(b, "b", rows);
        if (n == 0) {
            return;
        }
        checkDoubles(x, "x", span(n, dxs, d));
        long codeBytes = mul((long) n, rows, "n * rows") * Integer.BYTES;
        if (outCodes.byteSize() < codeBytes) {
            throw new IllegalArgumentException("outCodes holds " + outCodes.byteSize() + " bytes, " + n + " x "
                + rows + " codes need " + codeBytes);
        }
        checkWritable(outCodes, "outCodes");
        checkDisjoint(outCodes, "outCodes", a, "a");
        checkDisjoint(outCodes, "outCodes", b, "b");
        checkDisjoint(outCodes, "outCodes", x, "x");
        h.lshsmile_project(a, b, rows, d, ds, x, n, dxs, invR, outCodes);
    }

    /**
     * {@code max |x[i] - y[i]|} over the first {@code n} doubles; NaN if any difference is NaN, 0 when n is 0.
     *
     * @throws IllegalArgumentException if a segment is not native or holds fewer than n doubles
     */
    public double maxAbsDiff(MemorySegment x, MemorySegment y, long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        checkNative(x, "x", Double.BYTES);
        checkNative(y, "y", Double.BYTES);
        checkDoubles(x, "x", n);
        checkDoubles(y, "y", n);
        return h.lshsmile_max_abs_diff(x, y, n);
    }

    // ---------------------------------------------------------------- checks

    /**
     * The grid contract of the row kernels: {@code fields} planes, rows {@code rowFrom - halo .. rowTo + halo - 1}
     * and columns {@code colFrom - halo .. colFrom + nx + halo - 1} read, all inside the segments and
     * (with several fields) inside one plane.
     */
    private static void checkGrid(MemorySegment cur, MemorySegment next, int fields, long planeStride, long rowStride,
                                  int rowFrom, int rowTo, int colFrom, int nx, int halo) {
        checkNative(cur, "cur", Double.BYTES);
        checkNative(next, "next", Double.BYTES);
        checkWritable(next, "next");
        if (nx < 1) {
            throw new IllegalArgumentException("nx must be >= 1, got " + nx);
        }
        if (rowFrom < halo || rowTo < rowFrom) {
            throw new IllegalArgumentException("rows [" + rowFrom + ", " + rowTo + ") must satisfy " + halo
                + " <= rowFrom <= rowTo (the stencil reads " + halo + " halo row(s) above)");
        }
        if (colFrom < halo || rowStride < (long) colFrom + nx + halo) {
            throw new IllegalArgumentException("columns [" + colFrom + ", " + ((long) colFrom + nx) + ") with a halo of "
                + halo + " do not fit in a row of rowStride " + rowStride);
        }
        long rowsSpan = mul((long) rowTo + halo, rowStride, "rows * rowStride");
        if (fields > 1 && planeStride < rowsSpan) {
            throw new IllegalArgumentException("planeStride " + planeStride + " is below the " + rowsSpan
                + " doubles that rows 0 .. " + (rowTo + halo - 1) + " of one plane take");
        }
        long need = add(mul(fields - 1L, Math.max(planeStride, 0), "fields * planeStride"), rowsSpan);
        checkDoubles(cur, "cur", need);
        checkDoubles(next, "next", need);
        checkDisjoint(cur, "cur", next, "next");
    }

    private static void checkScratch(MemorySegment s, String name, int rows, long rowStride, MemorySegment cur,
                                     MemorySegment next) {
        checkNative(s, name, Double.BYTES);
        checkWritable(s, name);
        checkDoubles(s, name, mul(rows, rowStride, name + " rows * rowStride"));
        checkDisjoint(s, name, cur, "cur");
        checkDisjoint(s, name, next, "next");
    }

    private static void checkNative(MemorySegment s, String name, int align) {
        Objects.requireNonNull(s, name);
        if (!s.isNative()) {
            throw new IllegalArgumentException(name + " is a heap segment; the native kernels need native memory");
        }
        if (!s.scope().isAlive()) {
            throw new IllegalArgumentException(name + " is already freed (its arena is closed); the C code would read "
                + "freed memory");
        }
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(name + " belongs to a confined arena of another thread; allocate it "
                + "from a shared arena to use it on this thread");
        }
        if (s.address() % align != 0) {
            throw new IllegalArgumentException(name + " is not " + align + "-byte aligned (address " + s.address() + ")");
        }
    }

    private static void checkWritable(MemorySegment s, String name) {
        if (s.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only but the kernel writes it");
        }
    }

    private static void checkDoubles(MemorySegment s, String name, long doubles) {
        if (s.byteSize() / Double.BYTES < doubles) {
            throw new IllegalArgumentException(name + " holds " + s.byteSize() / Double.BYTES + " doubles, the call "
                + "needs " + doubles);
        }
    }

    private static void checkArray(String name, double[] values, int length) {
        Objects.requireNonNull(values, name);
        if (values.length < length) {
            throw new IllegalArgumentException(name + " has " + values.length + " values, the call needs " + length);
        }
    }

    private static void checkDisjoint(MemorySegment s, String name, MemorySegment other, String otherName) {
        if (s.asOverlappingSlice(other).isPresent()) {
            throw new IllegalArgumentException(name + " and " + otherName + " overlap; the kernel needs distinct memory");
        }
    }

    /** Doubles spanned by {@code count} vectors of length {@code d} at stride {@code stride}. */
    private static long span(long count, long stride, int d) {
        return add(mul(count - 1, stride, "count * stride"), d);
    }

    private static long add(long x, long y) {
        try {
            return Math.addExact(x, y);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("sizes overflow a long (" + x + " + " + y + ")", e);
        }
    }

    private static long mul(long x, long y, String what) {
        try {
            return Math.multiplyExact(x, y);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " overflows a long (" + x + " * " + y + ")", e);
        }
    }
}
