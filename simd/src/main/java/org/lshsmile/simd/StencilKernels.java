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

    /**
     * One explicit-Euler step of Cahn-Hilliard (PFHub benchmark 1) for rows {@code [rowFrom, rowTo)}:
     * <pre>
     *   mu = 2 rho (c - ca)(cb - c)(ca + cb - 2c) - kappa lap(c)
     *   c' = c + (M dt) lap(mu)
     * </pre>
     * mu is computed on the fly for rows {@code rowFrom-1 .. rowTo} and columns {@code colFrom-1 .. colFrom+nx}
     * into a rolling buffer of three rows, so the halo of width 2 of c is all it needs: for periodic
     * and mirror boundaries alike, mu at a ghost node then equals the ghost rule applied to mu.
     *
     * @param muRows scratch of at least {@code 3 * rowStride} doubles, private to the calling thread
     * @param mdt    {@code M * dt}
     */
    void cahnHilliardRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                          int rowFrom, int rowTo, int colFrom, int nx, double mdt, double kappa, double rho,
                          double ca, double cb, double invDx2);
}
