package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;

/**
 * Reverse-mode derivatives (adjoints) of one explicit step of each model, over off-heap planes laid
 * out as in {@link StencilKernels}.
 *
 * <p>For a step {@code x' = F(x, theta)} and the adjoint {@code lam} of some loss with respect to x',
 * a kernel writes {@code (dF/dx)^T lam}, the adjoint with respect to x, and adds
 * {@code lam . dF/dtheta} into per-row parameter partial sums. Kernels use the gather form: the
 * adjoint at cell j reads {@code lam} at j and its stencil neighbours, so {@code lam}'s halo must be
 * filled by the same boundary rule as the state's. That is exact for both boundary conditions: the
 * 5-point Laplacian with a periodic or mirror (edge-copy) halo is a symmetric matrix, and a
 * coefficient read at a ghost cell equals the one of the cell it copies.
 *
 * <p>The output flush of the forward kernels (magnitudes below {@link StencilKernels#FLUSH_BELOW} set to
 * 0) is treated as the identity: it only touches values whose derivatives are below double resolution.
 * Clamps are not handled here: a caller zeroes {@code lam} where a clamp was active before calling.
 *
 * <p>Per-row partial sums (not one running sum) make the gradient independent of how rows are split
 * among threads; the caller adds the rows in order.
 */
public interface AdjointKernels {

    /** Short name: {@code scalar} or {@code simd}. */
    String name();

    /** Parameter slots of {@link #grainGrowthAdjointRows}, per row: A, B, then L_1..L_q, then kappa_1..kappa_q. */
    static int grainGrowthParameters(int q) {
        return 2 + 2 * q;
    }

    /**
     * Adjoint of {@link StencilKernels#grainGrowthRows} (clamp excluded) for rows {@code [rowFrom, rowTo)}:
     * <pre>
     *   S = sum_r eta_r^2,   W = sum_r lam_r (L_r dt) eta_r
     *   out_q = lam_q (1 - L_q dt (3 B eta_q^2 - A + 2 (S - eta_q^2))) - 4 eta_q (W - lam_q L_q dt eta_q)
     *           + (L_q dt) kappa_q lap(lam_q)
     *   dA += lam_q L_q dt eta_q,   dB -= lam_q L_q dt eta_q^3,
     *   dL_q -= lam_q dt (bulk_q - kappa_q lap eta_q),   dkappa_q += lam_q L_q dt lap eta_q
     * </pre>
     *
     * @param eta     q planes of the state the step started from (halo filled)
     * @param lam     q planes of the adjoint of the step's result (halo filled)
     * @param out     q planes receiving the adjoint of the step's input (interior of the rows written)
     * @param scratch at least {@code 2 * rowStride} doubles, private to the calling thread
     * @param ldt     {@code L_i * dt}
     * @param dt      the time step (for the L_i derivatives)
     * @param rowGrad per-row partial sums, {@link #grainGrowthParameters(int)} doubles per row; row r
     *                adds into slot {@code (r - rowGradBase) * P + p}
     */
    void grainGrowthAdjointRows(MemorySegment eta, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                int q, long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom,
                                int nx, double[] ldt, double[] kappa, double a, double b, double invDx2, double dt,
                                double[] rowGrad, int rowGradBase);

    /** Parameter slots of {@link #cahnHilliardAdjointRows}, per row: M, kappa, rho. */
    int CAHN_HILLIARD_PARAMETERS = 3;

    /**
     * Adjoint of {@link StencilKernels#cahnHilliardRows} for rows {@code [rowFrom, rowTo)}, with
     * {@code g(c) = 2 rho (c - ca)(cb - c)(ca + cb - 2c)}:
     * <pre>
     *   lamMu = (M dt) lap(lam)                       (rows rowFrom-1 .. rowTo, a rolling buffer)
     *   out   = lam + g'(c) lamMu - kappa lap(lamMu)
     *   dM += lam dt lap(mu),   dkappa -= lamMu lap(c),   drho += lamMu g(c) / rho
     * </pre>
     * lamMu at a ghost node equals the ghost rule applied to lamMu, as mu does in the forward kernel, so a
     * halo of width 2 of {@code lam} and {@code c} is all it needs. dM needs mu: the forward kernel's mu rows
     * are recomputed in the same rolling fashion.
     *
     * @param scratch at least {@code 6 * rowStride} doubles, private to the calling thread
     * @param rowGrad per-row partial sums, {@link #CAHN_HILLIARD_PARAMETERS} doubles per row
     */
    void cahnHilliardAdjointRows(MemorySegment c, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                 long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double m, double dt,
                                 double kappa, double rho, double ca, double cb, double invDx2,
                                 double[] rowGrad, int rowGradBase);
}
