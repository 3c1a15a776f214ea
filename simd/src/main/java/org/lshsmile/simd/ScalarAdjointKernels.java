package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar adjoint kernels: the reference the SIMD ones are tested against (1e-12 relative). */
final class ScalarAdjointKernels implements AdjointKernels {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void grainGrowthAdjointRows(MemorySegment eta, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                       int q, long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom,
                                       int nx, double[] ldt, double[] kappa, double a, double b, double invDx2,
                                       double dt, double[] rowGrad, int rowGradBase) {
        final int colTo = colFrom + nx;
        final int p = AdjointKernels.grainGrowthParameters(q);
        for (int r = rowFrom; r < rowTo; r++) {
            long row = r * rowStride;
            for (int c = colFrom; c < colTo; c++) {
                double s = 0;
                double w = 0;
                for (int f = 0; f < q; f++) {
                    long i = f * planeStride + row + c;
                    double e = eta.getAtIndex(D, i);
                    s = Math.fma(e, e, s);
                    w = Math.fma(lam.getAtIndex(D, i) * ldt[f], e, w);
                }
                scratch.setAtIndex(D, c, 2.0 * s - a);
                scratch.setAtIndex(D, rowStride + c, -4.0 * w);
            }
            int g = (r - rowGradBase) * p;
            for (int f = 0; f < q; f++) {
                gradGrowthPlaneRow(eta, lam, out, scratch, rowStride, f * planeStride + row, colFrom, colTo, ldt[f],
                    kappa[f], a, b, invDx2, dt, rowGrad, g, f, q);
            }
        }
    }

    /**
     * Grain growth's adjoint for one plane's row, columns {@code [from, to)} ({@code base} = the plane's row
     * offset; scratch row 0 holds {@code T = 2 S - A} and row 1 {@code -4 W} of the row); adds this range's
     * parameter terms into rowGrad at {@code g} (A, B, L_f, kappa_f). The SIMD kernel runs its tail columns
     * through here.
     *
     * <p>The interface's formula regrouped to 19 operations per cell, most of them fused multiply-adds
     * ({@link Math#fma}, one rounding each, the same bits as the Vector API's {@code fma}; the forward
     * kernels avoid FMA to match the C kernels, the adjoint has no such twin):
     * <pre>
     *   d   = (3B - 2) eta^2 + T                       (the bulk term's derivative)
     *   out = lam - L dt lam d + eta 4 (L dt lam eta - W) + L dt kappa lap(lam)
     *   lam bulk = lam eta ((B - 2) eta^2 + T)
     * </pre>
     */
    static void gradGrowthPlaneRow(MemorySegment eta, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                   long rowStride, long base, int from, int to, double lq, double kq, double a,
                                   double b, double invDx2, double dt, double[] rowGrad, int g, int f, int q) {
        final double lk = lq * kq;
        final double b32 = 3.0 * b - 2.0;
        final double lq4 = 4.0 * lq;
        final double b2 = b - 2.0;
        double p1 = 0;
        double p3 = 0;
        double pBulk = 0;
        double dLap = 0;
        for (int c = from; c < to; c++) {
            long i = base + c;
            double e = eta.getAtIndex(D, i);
            double l = lam.getAtIndex(D, i);
            double lapL = Math.fma(-4.0, l, (lam.getAtIndex(D, i - 1) + lam.getAtIndex(D, i + 1))
                + (lam.getAtIndex(D, i - rowStride) + lam.getAtIndex(D, i + rowStride))) * invDx2;
            double sq = e * e;
            double t = scratch.getAtIndex(D, c);
            double d = Math.fma(b32, sq, t);
            double le = l * e;
            double o = Math.fma(-lq, l * d, l);
            o = Math.fma(e, Math.fma(lq4, le, scratch.getAtIndex(D, rowStride + c)), o);
            out.setAtIndex(D, i, Math.fma(lk, lapL, o));
            p1 += le;
            p3 = Math.fma(le, sq, p3);
            pBulk = Math.fma(le, Math.fma(b2, sq, t), pBulk);
            dLap = Math.fma(e, lapL, dLap);
        }
        rowGrad[g] += lq * p1;
        rowGrad[g + 1] -= lq * p3;
        // sum(lam lap(eta)) = sum(eta lap(lam)) over the grid (the Laplacian is symmetric for both boundary
        // conditions), so the kappa and L terms use lap(lam), which the adjoint needs anyway: one stencil per
        // cell instead of two. Per-row sums differ from sum(lam lap(eta)); only their total is the gradient.
        rowGrad[g + 2 + f] += (kq * dLap - pBulk) * dt;
        rowGrad[g + 2 + q + f] += dLap * lq;
    }

    @Override
    public void cahnHilliardAdjointRows(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                        long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double m,
                                        double dt, double kappa, double rho, double ca, double cb, double invDx2,
                                        double[] rowGrad, int rowGradBase) {
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            chMuRow(cur, lam, scratch, rowStride, r, colFrom - 1, colFrom + nx + 1, m, kappa, rho, ca, cb, invDx2);
            if (r >= rowFrom + 1) {
                chAdjointRow(cur, lam, out, scratch, rowStride, r - 1, colFrom, colFrom + nx, dt, kappa, rho, ca, cb,
                    invDx2, rowGrad, (r - 1 - rowGradBase) * CAHN_HILLIARD_PARAMETERS);
            }
        }
    }

    /**
     * Cahn-Hilliard's mu (slot {@code 3 + r mod 3}) and lamMu (slot {@code r mod 3}) of row r, columns
     * {@code [from, to)}. The SIMD kernel runs its tail columns through here.
     */
    static void chMuRow(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long rowStride, int r, int from,
                        int to, double m, double kappa, double rho, double ca, double cb, double invDx2) {
        final double twoRho = 2.0 * rho;
        final double sum = ca + cb;
        final long muBase = 3 * rowStride;
        final long row = r * rowStride;
        final long slot = Math.floorMod(r, 3) * rowStride;
        for (int c = from; c < to; c++) {
            long i = row + c;
            double ctr = cur.getAtIndex(D, i);
            double lapC = lap(cur, i, rowStride, invDx2);
            double df = ((twoRho * (ctr - ca)) * (cb - ctr)) * (sum - 2.0 * ctr);
            scratch.setAtIndex(D, muBase + slot + c, df - kappa * lapC);
            scratch.setAtIndex(D, slot + c, m * lap(lam, i, rowStride, invDx2));
        }
    }

    private static double lap(MemorySegment s, long i, long rowStride, double inv) {
        return (((s.getAtIndex(D, i - 1) + s.getAtIndex(D, i + 1))
            + (s.getAtIndex(D, i - rowStride) + s.getAtIndex(D, i + rowStride))) - 4.0 * s.getAtIndex(D, i)) * inv;
    }

    /**
     * out of row r, columns {@code [from, to)}, and their dM, dkappa, drho added into rowGrad at {@code g};
     * lamMu rows are slots (r mod 3), mu rows 3 + (r mod 3). The SIMD kernel runs its tail columns through here.
     */
    static void chAdjointRow(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                             long rowStride, int r, int from, int to, double dt, double kappa, double rho, double ca,
                             double cb, double inv, double[] rowGrad, int g) {
        final double twoRho = 2.0 * rho;
        final double sum = ca + cb;
        long row = r * rowStride;
        long up = Math.floorMod(r - 1, 3) * rowStride;
        long mid = Math.floorMod(r, 3) * rowStride;
        long down = Math.floorMod(r + 1, 3) * rowStride;
        long mu = 3 * rowStride;
        double dM = 0;
        double dK = 0;
        double dR = 0;
        for (int c = from; c < to; c++) {
            double lm = scratch.getAtIndex(D, mid + c);
            double lapLm = (((scratch.getAtIndex(D, mid + c - 1) + scratch.getAtIndex(D, mid + c + 1))
                + (scratch.getAtIndex(D, up + c) + scratch.getAtIndex(D, down + c))) - 4.0 * lm) * inv;
            double muC = scratch.getAtIndex(D, mu + mid + c);
            double lapMu = (((scratch.getAtIndex(D, mu + mid + c - 1) + scratch.getAtIndex(D, mu + mid + c + 1))
                + (scratch.getAtIndex(D, mu + up + c) + scratch.getAtIndex(D, mu + down + c))) - 4.0 * muC) * inv;
            long i = row + c;
            double x = cur.getAtIndex(D, i);
            double u = x - ca;
            double v = cb - x;
            double w = sum - 2.0 * x;
            double dg = twoRho * ((v * w - u * w) - 2.0 * (u * v));
            double l = lam.getAtIndex(D, i);
            out.setAtIndex(D, i, (l + dg * lm) - kappa * lapLm);
            dM += l * lapMu;
            dK -= lm * lap(cur, i, rowStride, inv);
            dR += lm * ((2.0 * u) * v) * w;
        }
        rowGrad[g] += dM * dt;
        rowGrad[g + 1] += dK;
        rowGrad[g + 2] += dR;
    }

    /*
     * Nanovoid adjoint. Scratch rows: mu_v 0-2, mu_i 3-5 and the logarithms 6-14, rolling by row mod 3 and
     * filled by the forward kernel's own row passes (the same bits); alpha_v, alpha_i rolling after them; four
     * more rows the SIMD kernel uses.
     */

    /** First scratch row of the rolling alpha_v rows. */
    static final int NV_AL_V = 15;
    /** First scratch row of the rolling alpha_i rows. */
    static final int NV_AL_I = 18;
    /** rowGrad slots (each the StencilKernels.Nanovoid index less one). */
    static final int NV_EV = 0;
    static final int NV_EI = 1;
    static final int NV_KT = 2;
    static final int NV_KV = 3;
    static final int NV_KI = 4;
    static final int NV_KE = 5;
    static final int NV_RB = 6;
    static final int NV_RS = 7;
    static final int NV_DV = 8;
    static final int NV_DI = 9;
    static final int NV_L = 10;

    @Override
    public void nanovoidAdjointRows(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                    long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                    double[] p, boolean conservative, boolean voidMask, double[] rowGrad,
                                    int rowGradBase) {
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            ScalarKernels.nanovoidLogRow(cur, scratch, planeStride, rowStride, r, colFrom - 1, colFrom + nx);
            ScalarKernels.nanovoidMuRow(cur, scratch, planeStride, rowStride, r, colFrom - 1, colFrom, nx, p, voidMask);
            nvAlphaRow(cur, lam, scratch, planeStride, rowStride, r, colFrom - 1, colFrom + nx + 1, p, conservative);
            if (r >= rowFrom + 1) {
                nvAdjointRow(cur, lam, out, scratch, planeStride, rowStride, r - 1, colFrom, colFrom + nx, p,
                    conservative, voidMask, rowGrad, (r - 1 - rowGradBase) * NANOVOID_PARAMETERS);
            }
        }
    }

    /**
     * alpha_v and alpha_i of row r, columns {@code [from, to)}, into their rolling slots. The SIMD kernel runs
     * its tail columns through here.
     */
    static void nvAlphaRow(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long ps, long rs, int r,
                           int from, int to, double[] p, boolean conservative) {
        final double kt = p[StencilKernels.Nanovoid.KT];
        final double dt = p[StencilKernels.Nanovoid.DT];
        final double inv = p[StencilKernels.Nanovoid.INV_DX2];
        final double av = dt * p[StencilKernels.Nanovoid.DV] / kt;
        final double ai = dt * p[StencilKernels.Nanovoid.DI] / kt;
        final long row = r * rs;
        final long slot = Math.floorMod(r, 3) * rs;
        for (int c = from; c < to; c++) {
            long iv = row + c;
            scratch.setAtIndex(D, NV_AL_V * rs + slot + c, alpha(cur, lam, iv, rs, av, inv, conservative));
            scratch.setAtIndex(D, NV_AL_I * rs + slot + c, alpha(cur, lam, ps + iv, rs, ai, inv, conservative));
        }
    }

    /** The adjoint of mu at index i: the transpose of the mobility operator applied to lam (a = dt D / kT). */
    private static double alpha(MemorySegment cur, MemorySegment lam, long i, long rs, double a, double inv,
                                boolean conservative) {
        if (!conservative) {
            double l = lam.getAtIndex(D, i) * cur.getAtIndex(D, i);
            double w = lam.getAtIndex(D, i - 1) * cur.getAtIndex(D, i - 1);
            double e = lam.getAtIndex(D, i + 1) * cur.getAtIndex(D, i + 1);
            double n = lam.getAtIndex(D, i - rs) * cur.getAtIndex(D, i - rs);
            double s = lam.getAtIndex(D, i + rs) * cur.getAtIndex(D, i + rs);
            return a * ((((w + e) + (n + s)) - 4.0 * l) * inv);
        }
        double c = cur.getAtIndex(D, i);
        double l = lam.getAtIndex(D, i);
        double sum = (c + cur.getAtIndex(D, i - 1)) * (lam.getAtIndex(D, i - 1) - l)
            + (c + cur.getAtIndex(D, i + 1)) * (lam.getAtIndex(D, i + 1) - l)
            + (c + cur.getAtIndex(D, i - rs)) * (lam.getAtIndex(D, i - rs) - l)
            + (c + cur.getAtIndex(D, i + rs)) * (lam.getAtIndex(D, i + rs) - l);
        return a * sum * (0.5 * inv);
    }

    /** Laplacian of a rolling scratch quantity at column c, rows up, mid, down (slot offsets). */
    private static double lapRows(MemorySegment s, long base, long up, long mid, long down, int c, double inv) {
        return (((s.getAtIndex(D, base + mid + c - 1) + s.getAtIndex(D, base + mid + c + 1))
            + (s.getAtIndex(D, base + up + c) + s.getAtIndex(D, base + down + c)))
            - 4.0 * s.getAtIndex(D, base + mid + c)) * inv;
    }

    /**
     * Divergence term {@code m c lap mu} or {@code div(m c grad mu)} divided by m (so the caller scales it),
     * and its adjoint with respect to the local mobility c: {@code [div/m, d(lam div)/dc / m]}.
     */
    private static void mobilityTerms(MemorySegment cur, MemorySegment lam, MemorySegment s, long i, long rs,
                                      long base, long up, long mid, long down, int c, double inv,
                                      boolean conservative, double[] res) {
        double muC = s.getAtIndex(D, base + mid + c);
        double muW = s.getAtIndex(D, base + mid + c - 1);
        double muE = s.getAtIndex(D, base + mid + c + 1);
        double muN = s.getAtIndex(D, base + up + c);
        double muS = s.getAtIndex(D, base + down + c);
        double x = cur.getAtIndex(D, i);
        double l = lam.getAtIndex(D, i);
        if (!conservative) {
            double lapMu = (((muW + muE) + (muN + muS)) - 4.0 * muC) * inv;
            res[0] = x * lapMu;
            res[1] = l * lapMu;
            return;
        }
        double xw = cur.getAtIndex(D, i - 1);
        double xe = cur.getAtIndex(D, i + 1);
        double xn = cur.getAtIndex(D, i - rs);
        double xs = cur.getAtIndex(D, i + rs);
        res[0] = (((x + xe) * (muE - muC) - (xw + x) * (muC - muW))
            + ((x + xs) * (muS - muC) - (xn + x) * (muC - muN))) * (0.5 * inv);
        res[1] = ((l - lam.getAtIndex(D, i - 1)) * (muW - muC) + (l - lam.getAtIndex(D, i + 1)) * (muE - muC)
            + (l - lam.getAtIndex(D, i - rs)) * (muN - muC) + (l - lam.getAtIndex(D, i + rs)) * (muS - muC))
            * (0.5 * inv);
    }

    /**
     * out and parameter sums of row u, columns {@code [from, to)}, the sums added into rowGrad at {@code g}; mu,
     * logs and alpha of rows u-1, u, u+1 are in the scratch. The SIMD kernel runs its tail columns through here.
     */
    static void nvAdjointRow(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch, long ps,
                             long rs, int u, int from, int to, double[] p, boolean conservative, boolean mask,
                             double[] rowGrad, int g) {
        final double eps = StencilKernels.Nanovoid.EPS;
        final double dt = p[StencilKernels.Nanovoid.DT];
        final double inv = p[StencilKernels.Nanovoid.INV_DX2];
        final double ev = p[StencilKernels.Nanovoid.EV];
        final double ei = p[StencilKernels.Nanovoid.EI];
        final double kt = p[StencilKernels.Nanovoid.KT];
        final double kv = p[StencilKernels.Nanovoid.KV];
        final double ki = p[StencilKernels.Nanovoid.KI];
        final double ke = p[StencilKernels.Nanovoid.KE];
        final double rb = p[StencilKernels.Nanovoid.R_BULK];
        final double rsurf = p[StencilKernels.Nanovoid.R_SURF];
        final double mv = p[StencilKernels.Nanovoid.DV] / kt;
        final double mi = p[StencilKernels.Nanovoid.DI] / kt;
        final double mob = p[StencilKernels.Nanovoid.L];
        final long row = u * rs;
        final long up = Math.floorMod(u - 1, 3) * rs;
        final long mid = Math.floorMod(u, 3) * rs;
        final long down = Math.floorMod(u + 1, 3) * rs;
        final long logs = ScalarKernels.LOG_V * rs + mid;
        final long logsI = ScalarKernels.LOG_I * rs + mid;
        final long logsR = ScalarKernels.LOG_R * rs + mid;
        final double[] tv = new double[2];
        final double[] ti = new double[2];
        double[] sum = new double[NANOVOID_PARAMETERS];
        for (int c = from; c < to; c++) {
            long iv = row + c;
            long ii = ps + iv;
            long ie = ps + ii;
            double cv = cur.getAtIndex(D, iv);
            double ci = cur.getAtIndex(D, ii);
            double eta = cur.getAtIndex(D, ie);
            double lv = lam.getAtIndex(D, iv);
            double li = lam.getAtIndex(D, ii);
            double le = lam.getAtIndex(D, ie);
            double rest = (1.0 - cv) - ci;
            double logV = scratch.getAtIndex(D, logs + c);
            double logI = scratch.getAtIndex(D, logsI + c);
            double logR = scratch.getAtIndex(D, logsR + c);
            // derivatives of the masked logs: 0 where the floor holds
            double pv = cv > eps ? 1.0 / cv : 0.0;
            double pi = ci > eps ? 1.0 / ci : 0.0;
            double pr = rest > eps ? 1.0 / rest : 0.0;
            double nm = mask && rest < eps ? 0.0 : 1.0;
            double dfv = nm * (ev + kt * (logV - logR));
            double dfi = nm * (ei + kt * (logI - logR));
            double ddfvV = nm * kt * (pv + pr);
            double ddfR = nm * kt * pr;
            double ddfiI = nm * kt * (pi + pr);
            double entropy = (cv * logV + ci * logI) + rest * logR;
            double fs = nm * ((ev * cv + ei * ci) + kt * entropy);
            double dfsV = nm * (ev + kt * ((logV + cv * pv) - (logR + rest * pr)));
            double dfsI = nm * (ei + kt * ((logI + ci * pi) - (logR + rest * pr)));
            double fv = (cv - 1.0) * (cv - 1.0) + ci * ci;
            double h = (eta - 1.0) * (eta - 1.0);
            double j = eta * eta;
            double dh = 2.0 * (eta - 1.0);
            double dj = 2.0 * eta;
            double lapV = lap(cur, iv, rs, inv);
            double lapI = lap(cur, ii, rs, inv);
            double lapE = lap(cur, ie, rs, inv);
            double bracket = (dh * fs + dj * fv) - ke * lapE;
            double ld = dt * mob * le;
            double lr = dt * (lv + li);
            double rate = rb + rsurf * j;

            double alV = scratch.getAtIndex(D, NV_AL_V * rs + mid + c);
            double alI = scratch.getAtIndex(D, NV_AL_I * rs + mid + c);
            double lapAlV = lapRows(scratch, NV_AL_V * rs, up, mid, down, c, inv);
            double lapAlI = lapRows(scratch, NV_AL_I * rs, up, mid, down, c, inv);
            mobilityTerms(cur, lam, scratch, iv, rs, 0, up, mid, down, c, inv, conservative, tv);
            mobilityTerms(cur, lam, scratch, ii, rs, 3 * rs, up, mid, down, c, inv, conservative, ti);

            double oV = lv + dt * mv * tv[1] - lr * rate * ci
                + alV * (h * ddfvV + 2.0 * j) + alI * (h * ddfR) - kv * lapAlV
                - ld * (dh * dfsV + dj * (2.0 * (cv - 1.0)));
            double oI = li + dt * mi * ti[1] - lr * rate * cv
                + alV * (h * ddfR) + alI * (h * ddfiI + 2.0 * j) - ki * lapAlI
                - ld * (dh * dfsI + dj * (2.0 * ci));
            double oE = le - ld * (2.0 * fs + 2.0 * fv) + dt * mob * ke * lap(lam, ie, rs, inv)
                - lr * (2.0 * rsurf * eta) * cv * ci
                + alV * (dh * dfv + dj * (2.0 * (cv - 1.0))) + alI * (dh * dfi + dj * (2.0 * ci));
            out.setAtIndex(D, iv, oV);
            out.setAtIndex(D, ii, oI);
            out.setAtIndex(D, ie, oE);

            sum[NV_EV] += nm * (alV * h - ld * dh * cv);
            sum[NV_EI] += nm * (alI * h - ld * dh * ci);
            sum[NV_KT] += nm * ((alV * h * (logV - logR) + alI * h * (logI - logR)) - ld * dh * entropy)
                - dt * (lv * mv * tv[0] + li * mi * ti[0]) / kt;
            sum[NV_KV] -= alV * lapV;
            sum[NV_KI] -= alI * lapI;
            sum[NV_KE] += ld * lapE;
            sum[NV_RB] -= lr * cv * ci;
            sum[NV_RS] -= lr * j * cv * ci;
            sum[NV_DV] += dt * lv * tv[0] / kt;
            sum[NV_DI] += dt * li * ti[0] / kt;
            sum[NV_L] -= dt * le * bracket;
        }
        for (int k = 0; k < NANOVOID_PARAMETERS; k++) {
            rowGrad[g + k] += sum[k];
        }
    }
}
