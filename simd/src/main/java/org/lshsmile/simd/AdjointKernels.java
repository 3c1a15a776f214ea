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

    /**
     * Parameter slots of {@link #nanovoidAdjointRows}, per row: Ev, Ei, kT, kv, ki, ke, R_bulk, R_surf, Dv, Di, L,
     * that is {@code StencilKernels.Nanovoid.EV .. L}, each one less.
     */
    int NANOVOID_PARAMETERS = 11;

    /** Scratch of {@link #nanovoidAdjointRows}, in rows of {@code rowStride} doubles. */
    int NANOVOID_SCRATCH_ROWS = 25;

    /**
     * Adjoint of {@link StencilKernels#nanovoidRows} (clamp excluded) for rows {@code [rowFrom, rowTo)}; planes
     * 0, 1, 2 are c_v, c_i, eta. With {@code rest = 1 - c_v - c_i}, the masked logs
     * {@code ln u = log(max(u, EPS))} (derivative 0 below EPS), {@code nm = 0} in a masked void cell (f_s and
     * its derivatives are 0 there, so is their derivative) and 1 elsewhere,
     * {@code B = 2(eta-1) f_s + 2 eta f_v - ke lap eta} (so {@code eta' = eta - dt L B}) and
     * {@code R = R_bulk + R_surf eta^2}:
     * <pre>
     *   alpha_v = d(loss)/d(mu_v):  literal  dt (Dv/kT) lap(lam_v c_v)
     *                               conserv. dt (Dv/kT) / (2 dx^2) sum_faces (c_v + c_v,k)(lam_v,k - lam_v)
     *   out_v = lam_v + (mobility term) - dt (lam_v + lam_i) R c_i - dt L lam_eta dB/dc_v
     *           + alpha_v dmu_v/dc_v + alpha_i dmu_i/dc_v - kv lap(alpha_v)
     *   out_eta = lam_eta - dt L lam_eta (2 f_s + 2 f_v) + dt L ke lap(lam_eta)
     *             - dt (lam_v + lam_i) 2 R_surf eta c_v c_i + alpha_v dmu_v/deta + alpha_i dmu_i/deta
     * </pre>
     * where the mobility term is {@code dt (Dv/kT) lam_v lap(mu_v)} (literal) or
     * {@code dt (Dv/kT) / (2 dx^2) sum_faces (lam_v - lam_v,k)(mu_v,k - mu_v)} (conservative); c_i alike. The
     * operators with a periodic or mirror halo are symmetric, so the gather form reads lam, alpha and the
     * state at the neighbours; alpha at a ghost cell, computed from the halo, equals the ghost rule applied to
     * alpha, so a halo of width 2 of {@code lam} and {@code cur} is all it needs. mu and alpha are computed in
     * rolling three-row buffers as mu is in the forward kernel. Parameter derivatives: {@code lam . dF/dtheta}
     * per cell, e.g. {@code dL = -dt lam_eta B}, {@code dDv = dt lam_v div_v / Dv}, {@code dkT} collects the
     * logs of mu and f_s and {@code -div/kT} of both mobilities.
     *
     * <p>The random sources of the model (cascades, noise) do not depend on the parameters: they are
     * constants of the step, and this kernel leaves them out.
     *
     * @param cur          3 planes of the state the step started from (halo filled)
     * @param lam          3 planes of the adjoint of the step's result (halo filled)
     * @param out          3 planes receiving the adjoint of the step's input (interior of the rows written)
     * @param scratch      at least {@link #NANOVOID_SCRATCH_ROWS} {@code * rowStride} doubles, private to the
     *                     calling thread
     * @param p            parameters indexed by {@link StencilKernels.Nanovoid} (dt and 1/dx^2 included)
     * @param conservative the conservative form (else the literal one)
     * @param voidMask     whether f_s is masked to 0 where {@code rest < EPS}
     * @param rowGrad      per-row partial sums, {@link #NANOVOID_PARAMETERS} doubles per row
     */
    void nanovoidAdjointRows(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                             long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                             double[] p, boolean conservative, boolean voidMask, double[] rowGrad, int rowGradBase);
}
