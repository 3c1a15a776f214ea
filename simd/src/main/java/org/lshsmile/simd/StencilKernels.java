package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;

/**
 * Dense stencil kernels over off-heap planes of doubles.
 *
 * <p>Layout contract shared by every kernel: a field plane is {@code planeStride} doubles, a row is
 * {@code rowStride} doubles, element (field f, row r, column c) lives at double index
 * {@code f * planeStride + r * rowStride + c}. Rows and columns are given in padded coordinates (the
 * caller's halo is already filled). Implementations do no argument checks: the caller (core's engine)
 * validates once, so the hot loops stay free of branches.
 *
 * <p>The SIMD kernels also read whole vectors around the columns they need (for aligned loads whose west
 * and east neighbours come from permutes): up to 16 doubles left of {@code colFrom} and 8 right of
 * {@code colFrom + nx}, wrapping into the previous or next row. Core's {@code Grid} layout (interior at
 * column 8 of 64-byte aligned rows, a halo of two rows) has them; values read there only feed results that
 * are never used. A layout without them fails with an out-of-bounds exception at the first or last row
 * of the segment, not with wrong values.
 *
 * <p>Every implementation computes bit-for-bit the same result as {@link ScalarKernels}: the
 * operation order is identical and no fused multiply-add is used, because bitwise agreement between
 * the scalar and SIMD paths makes every test tolerance 0 ulp and thread/kernel choice invisible.
 */
public interface StencilKernels {

    /** Values with a smaller magnitude are flushed to 0: subnormals cost 2-20x per operation on x86. */
    double FLUSH_BELOW = 1e-150;

    /** Short name: {@code scalar}, {@code simd} or {@code native}. */
    String name();

    /** One line describing the implementation, e.g. vector width and lanes. */
    String description();

    /**
     * One explicit-Euler (Jacobi) step of Fan-Chen grain growth for rows {@code [rowFrom, rowTo)}:
     * <pre>
     *   S = sum_r eta_r^2
     *   eta_q' = eta_q - (L_q dt) * ( eta_q * ((B eta_q^2 - A) + 2 (S - eta_q^2)) - kappa_q * lap(eta_q) )
     * </pre>
     * with the 5-point Laplacian {@code ((w + e) + (n + s) - 4 c) * invDx2}; then the flush to zero and,
     * if {@code clamp}, a clamp to [0, 1].
     *
     * @param cur      q planes of the current state (halo filled)
     * @param next     q planes receiving the new state (only the interior of the rows is written)
     * @param sumSq    scratch of at least {@code rowStride} doubles, private to the calling thread
     * @param q        number of order parameters
     * @param ldt      {@code L_i * dt}, length q
     * @param kappa    {@code kappa_i}, length q
     */
    void grainGrowthRows(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                         long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                         double[] ldt, double[] kappa, double a, double b, double invDx2, boolean clamp);

    /** {@link #grainGrowthPairRows} needs {@code rowStride} to be a multiple of this many doubles. */
    int PAIR_ROW_MULTIPLE = 8;

    /** Whether this kernel set has {@link #grainGrowthPairRows}. */
    default boolean hasGrainGrowthPairs() {
        return false;
    }

    /**
     * Two grain-growth steps in one pass over the rows {@code [rowFrom, rowTo)}: the same bits as
     * {@link #grainGrowthRows} over every interior row, a halo refresh, then {@link #grainGrowthRows} over
     * {@code [rowFrom, rowTo)} again, but the intermediate state never goes to memory of the grid.
     *
     * <p>The first step is computed for rows {@code rowFrom-1 .. rowTo} and columns {@code colFrom-1 ..
     * colFrom+nx}, the interior of the band and a ring of ghost cells, into a rolling buffer of three rows per
     * field; the second step reads those rows and writes {@code next}. The halo of width 2 is what makes that
     * exact: a ghost cell's first-step value is computed from the same inputs as the interior cell whose
     * image it is (periodic), or from the same inputs with west and east (north and south) swapped (mirror),
     * and IEEE addition commutes, so it equals what a halo refresh of the intermediate state would put there.
     * Why: a step of a large grid is bound by memory traffic, and this reads and writes each value once per
     * two steps.
     *
     * @param cur     q planes of the current state (halo filled, corners included)
     * @param next    q planes receiving the state two steps on (only the interior of the rows is written)
     * @param scratch at least {@code (3q + 1) * rowStride} doubles, private to the calling thread
     * @throws UnsupportedOperationException if {@link #hasGrainGrowthPairs()} is false
     */
    default void grainGrowthPairRows(MemorySegment cur, MemorySegment next, MemorySegment scratch, int q,
                                     long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                     double[] ldt, double[] kappa, double a, double b, double invDx2,
                                     boolean clamp) {
        throw new UnsupportedOperationException(name() + " kernels have no two-step grain-growth pass");
    }

    /**
     * One explicit-Euler step of Cahn-Hilliard (PFHub benchmark 1) for rows {@code [rowFrom, rowTo)}:
     * <pre>
     *   mu = 2 rho (c - ca)(cb - c)(ca + cb - 2c) - kappa lap(c)
     *   c' = c + (M dt) lap(mu)
     * </pre>
     * mu is computed on the fly for rows {@code rowFrom-1 .. rowTo} and columns {@code colFrom-1 .. colFrom+nx}
     * into a rolling buffer of three rows, so the halo of width 2 of c is all it needs: for periodic
     * and mirror boundaries alike, mu at a ghost node then equals the ghost rule applied to mu. A kernel may
     * use more rows of the buffer when it has them (the SIMD one computes mu for blocks of rows); the bits do
     * not depend on the buffer's size.
     *
     * @param muRows scratch of at least {@code 3 * rowStride} doubles, private to the calling thread
     * @param mdt    {@code M * dt}
     */
    void cahnHilliardRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                          int rowFrom, int rowTo, int colFrom, int nx, double mdt, double kappa, double rho,
                          double ca, double cb, double invDx2);

    /** Indices into the parameter array of {@link #nanovoidRows}. */
    final class Nanovoid {
        /** Time step. */
        public static final int DT = 0;
        /** Vacancy formation energy Ev. */
        public static final int EV = 1;
        /** Interstitial formation energy Ei. */
        public static final int EI = 2;
        /** kT. */
        public static final int KT = 3;
        /** Gradient coefficient of c_v. */
        public static final int KV = 4;
        /** Gradient coefficient of c_i. */
        public static final int KI = 5;
        /** Gradient coefficient of eta. */
        public static final int KE = 6;
        /** Bulk recombination rate. */
        public static final int R_BULK = 7;
        /** Surface recombination rate (times eta^2). */
        public static final int R_SURF = 8;
        /** Vacancy diffusivity (mobility D c / kT). */
        public static final int DV = 9;
        /** Interstitial diffusivity. */
        public static final int DI = 10;
        /** Allen-Cahn mobility of eta. */
        public static final int L = 11;
        /** 1 / dx^2. */
        public static final int INV_DX2 = 12;
        /** Length of the array. */
        public static final int COUNT = 13;
        /** Floor of the masked logarithm, and the void-interior threshold on 1 - c_v - c_i. */
        public static final double EPS = 1e-6;

        private Nanovoid() {
        }
    }

    /**
     * One explicit-Euler step of the nanovoid model (physics.md 2.3) for rows {@code [rowFrom, rowTo)};
     * planes 0, 1, 2 are c_v, c_i, eta. With {@code rest = 1 - c_v - c_i}, {@code ln u = log(max(u, EPS))}:
     * <pre>
     *   df_s/dc_v = Ev + kT (ln c_v - ln rest),  df_s/dc_i = Ei + kT (ln c_i - ln rest)   (0 where rest < EPS, if voidMask)
     *   mu_v = h df_s/dc_v + j 2 (c_v - 1) - kv lap c_v,   mu_i = h df_s/dc_i + j 2 c_i - ki lap c_i,  h = (eta-1)^2, j = eta^2
     *   literal:      c_v' = c_v + dt ( (Dv/kT) c_v lap mu_v - R )
     *   conservative: c_v' = c_v + dt ( div((Dv/kT) c_v grad mu_v) - R ),  face mobility = mean of the two cells
     *   R = (R_bulk + R_surf eta^2) c_v c_i
     *   eta' = eta + dt ( -L ( 2 (eta-1) f_s + 2 eta f_v - ke lap eta ) ),  f_v = (c_v-1)^2 + c_i^2
     * </pre>
     * then the flush to zero and, if {@code clamp}, a clamp of all three fields to [0, 1]. mu is computed
     * into rolling three-row buffers as in {@link #cahnHilliardRows}. The three logarithms of a row are
     * computed once, by one scalar pass both kernel sets share, with the project's own logarithm (the
     * Vector API's may differ in the last bit from run to run), so this kernel too gives the same bits
     * in its scalar and SIMD forms, on every run.
     *
     * @param muRows scratch of at least {@code 15 * rowStride} doubles (mu_v, mu_i and three logarithms,
     *               three rows each), private to the calling thread
     * @param p      parameters indexed by {@link Nanovoid}
     */
    void nanovoidRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long planeStride, long rowStride,
                      int rowFrom, int rowTo, int colFrom, int nx, double[] p, boolean conservative,
                      boolean voidMask, boolean clamp);

    /**
     * Whether this kernel set has the 3-D kernels ({@link #grainGrowthSlices}, {@link #cahnHilliardSlices},
     * {@link #nanovoidSlices}); the C kernels do not.
     */
    default boolean has3d() {
        return false;
    }

    /**
     * 3-D grain growth for padded slices {@code [zFrom, zTo)}, padded rows {@code [rowFrom, rowTo)} of each:
     * {@link #grainGrowthRows} with the seven-point Laplacian
     * {@code ((((w + e) + (n + s)) - 4 c) + ((f + b) - 2 c)) * invDx2}, so a state constant along z takes
     * the 2-D bits. Element (f, slice z, row r, column c) is at {@code f * planeStride + z * sliceStride
     * + r * rowStride + c}.
     *
     * @throws UnsupportedOperationException if {@link #has3d()} is false
     */
    default void grainGrowthSlices(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                                   long planeStride, long sliceStride, long rowStride, int zFrom, int zTo,
                                   int rowFrom, int rowTo, int colFrom, int nx, double[] ldt, double[] kappa,
                                   double a, double b, double invDx2, boolean clamp) {
        throw new UnsupportedOperationException(name() + " kernels have no 3-D step; use --kernels simd or scalar");
    }

    /**
     * 3-D Cahn-Hilliard for slices {@code [zFrom, zTo)}: {@link #cahnHilliardRows} with seven-point
     * Laplacians; mu of slices {@code zFrom-1 .. zTo} rolls through three slices of scratch.
     *
     * @param muSlices scratch of at least {@code 3 * sliceStride} doubles, private to the calling thread
     * @throws UnsupportedOperationException if {@link #has3d()} is false
     */
    default void cahnHilliardSlices(MemorySegment cur, MemorySegment next, MemorySegment muSlices, long sliceStride,
                                    long rowStride, int zFrom, int zTo, int rowFrom, int rowTo, int colFrom, int nx,
                                    double mdt, double kappa, double rho, double ca, double cb, double invDx2) {
        throw new UnsupportedOperationException(name() + " kernels have no 3-D step; use --kernels simd or scalar");
    }

    /**
     * 3-D nanovoid for slices {@code [zFrom, zTo)}: {@link #nanovoidRows} with seven-point Laplacians and,
     * in the conservative form, six faces.
     *
     * @param muSlices scratch of at least {@code 15 * sliceStride} doubles, private to the calling thread
     * @throws UnsupportedOperationException if {@link #has3d()} is false
     */
    default void nanovoidSlices(MemorySegment cur, MemorySegment next, MemorySegment muSlices, long planeStride,
                                long sliceStride, long rowStride, int zFrom, int zTo, int rowFrom, int rowTo,
                                int colFrom, int nx, double[] p, boolean conservative, boolean voidMask,
                                boolean clamp) {
        throw new UnsupportedOperationException(name() + " kernels have no 3-D step; use --kernels simd or scalar");
    }
}
