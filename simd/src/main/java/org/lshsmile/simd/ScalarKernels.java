package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of every kernel: the reference operation order the SIMD kernels follow. */
final class ScalarKernels implements StencilKernels {

    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "scalar Java";
    }

    @Override
    public void grainGrowthRows(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                                long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                double[] ldt, double[] kappa, double a, double b, double invDx2, boolean clamp) {
        int colTo = colFrom + nx;
        for (int r = rowFrom; r < rowTo; r++) {
            long row = r * rowStride;
            sumOfSquares(cur, sumSq, q, planeStride, row, colFrom, colTo);
            for (int f = 0; f < q; f++) {
                long base = f * planeStride + row;
                double lq = ldt[f];
                double kq = kappa[f];
                for (int c = colFrom; c < colTo; c++) {
                    long i = base + c;
                    double ctr = cur.getAtIndex(D, i);
                    double w = cur.getAtIndex(D, i - 1);
                    double e = cur.getAtIndex(D, i + 1);
                    double n = cur.getAtIndex(D, i - rowStride);
                    double s = cur.getAtIndex(D, i + rowStride);
                    double lap = (((w + e) + (n + s)) - 4.0 * ctr) * invDx2;
                    double v = grainGrowthValue(ctr, lap, sumSq.getAtIndex(D, c), lq, kq, a, b, clamp);
                    next.setAtIndex(D, i, v);
                }
            }
        }
    }

    /** sum_f eta_f^2 of the row at {@code row}, columns [from, to), into {@code sumSq} (shared by the 2-D and 3-D kernels). */
    static void sumOfSquares(MemorySegment cur, MemorySegment sumSq, int q, long planeStride, long row, int from,
                             int to) {
        for (int c = from; c < to; c++) {
            double e0 = cur.getAtIndex(D, row + c);
            double s = e0 * e0;
            for (int f = 1; f < q; f++) {
                double e = cur.getAtIndex(D, f * planeStride + row + c);
                s = s + e * e;
            }
            sumSq.setAtIndex(D, c, s);
        }
    }

    /** The new value of one order parameter from its value, Laplacian and the cell's sum of squares: flushed, clamped. */
    static double grainGrowthValue(double ctr, double lap, double sumSq, double lq, double kq, double a, double b,
                                   boolean clamp) {
        double sq = ctr * ctr;
        double other = sumSq - sq;
        double bulk = ctr * ((b * sq - a) + 2.0 * other);
        double v = ctr - lq * (bulk - kq * lap);
        v = Math.abs(v) < FLUSH_BELOW ? 0.0 : v;
        if (clamp) {
            v = Math.min(Math.max(v, 0.0), 1.0);
        }
        return v;
    }

    @Override
    public void cahnHilliardRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                                 int rowFrom, int rowTo, int colFrom, int nx, double mdt, double kappa, double rho,
                                 double ca, double cb, double invDx2) {
        double twoRho = 2.0 * rho;
        double sum = ca + cb;
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            long row = r * rowStride;
            long mu = Math.floorMod(r, 3) * rowStride;
            for (int c = colFrom - 1; c <= colFrom + nx; c++) {
                long i = row + c;
                double ctr = cur.getAtIndex(D, i);
                double lap = (((cur.getAtIndex(D, i - 1) + cur.getAtIndex(D, i + 1))
                    + (cur.getAtIndex(D, i - rowStride) + cur.getAtIndex(D, i + rowStride))) - 4.0 * ctr) * invDx2;
                double df = ((twoRho * (ctr - ca)) * (cb - ctr)) * (sum - 2.0 * ctr);
                muRows.setAtIndex(D, mu + c, df - kappa * lap);
            }
            if (r >= rowFrom + 1) {
                chUpdateRow(cur, next, muRows, rowStride, r - 1, colFrom, colFrom, nx, mdt, invDx2);
            }
        }
    }

    /** c' = c + mdt * lap(mu) for row {@code r}, columns {@code [from, colFrom + nx)}; mu rows are slots r mod 3. */
    static void chUpdateRow(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride, int r,
                            int from, int colFrom, int nx, double mdt, double invDx2) {
        long row = r * rowStride;
        long up = Math.floorMod(r - 1, 3) * rowStride;
        long mid = Math.floorMod(r, 3) * rowStride;
        long down = Math.floorMod(r + 1, 3) * rowStride;
        for (int c = from; c < colFrom + nx; c++) {
            double m = muRows.getAtIndex(D, mid + c);
            double lap = (((muRows.getAtIndex(D, mid + c - 1) + muRows.getAtIndex(D, mid + c + 1))
                + (muRows.getAtIndex(D, up + c) + muRows.getAtIndex(D, down + c))) - 4.0 * m) * invDx2;
            double v = cur.getAtIndex(D, row + c) + mdt * lap;
            next.setAtIndex(D, row + c, Math.abs(v) < FLUSH_BELOW ? 0.0 : v);
        }
    }

    @Override
    public void nanovoidRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long planeStride,
                             long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double[] p,
                             boolean conservative, boolean voidMask, boolean clamp) {
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            nanovoidLogRow(cur, muRows, planeStride, rowStride, r, colFrom - 1, colFrom + nx);
            nanovoidMuRow(cur, muRows, planeStride, rowStride, r, colFrom - 1, colFrom, nx, p, voidMask);
            if (r >= rowFrom + 1) {
                nanovoidUpdateRow(cur, next, muRows, planeStride, rowStride, r - 1, colFrom, colFrom, nx, p,
                    conservative, voidMask, clamp);
            }
        }
    }

    /** Scratch row of ln c_v for row r is {@code LOG_V + r mod 3}; then ln c_i, ln(1 - c_v - c_i). */
    static final int LOG_V = 6;
    /** First scratch row of ln c_i. */
    static final int LOG_I = 9;
    /** First scratch row of ln(1 - c_v - c_i). */
    static final int LOG_R = 12;

    /**
     * The masked logarithms of row r, columns [from, to], into their rolling scratch rows. One scalar
     * pass shared by both kernel sets: each log is computed once per cell (mu and f_s both use it), and
     * the same code gives the same bits whichever kernels run.
     */
    static void nanovoidLogRow(MemorySegment cur, MemorySegment scratch, long planeStride, long rowStride, int r,
                               int from, int to) {
        final double eps = Nanovoid.EPS;
        final long row = r * rowStride;
        final long slot = Math.floorMod(r, 3) * rowStride;
        final long lv = LOG_V * rowStride + slot;
        final long li = LOG_I * rowStride + slot;
        final long lr = LOG_R * rowStride + slot;
        for (int c = from; c <= to; c++) {
            double cv = cur.getAtIndex(D, row + c);
            double ci = cur.getAtIndex(D, planeStride + row + c);
            double rest = (1.0 - cv) - ci;
            scratch.setAtIndex(D, lv + c, Log.log(Math.max(cv, eps)));
            scratch.setAtIndex(D, li + c, Log.log(Math.max(ci, eps)));
            scratch.setAtIndex(D, lr + c, Log.log(Math.max(rest, eps)));
        }
    }

    /** mu_v and mu_i of row r, columns [from, colFrom + nx], into slots (r mod 3) and 3 + (r mod 3). */
    static void nanovoidMuRow(MemorySegment cur, MemorySegment muRows, long planeStride, long rowStride, int r,
                              int from, int colFrom, int nx, double[] p, boolean voidMask) {
        final double ev = p[Nanovoid.EV];
        final double ei = p[Nanovoid.EI];
        final double kt = p[Nanovoid.KT];
        final double kv = p[Nanovoid.KV];
        final double ki = p[Nanovoid.KI];
        final double inv = p[Nanovoid.INV_DX2];
        final double eps = Nanovoid.EPS;
        final long row = r * rowStride;
        final long slotV = Math.floorMod(r, 3) * rowStride;
        final long slotI = (3 + Math.floorMod(r, 3)) * rowStride;
        final long logV = LOG_V * rowStride + slotV;
        final long logI = LOG_I * rowStride + slotV;
        final long logR = LOG_R * rowStride + slotV;
        for (int c = from; c <= colFrom + nx; c++) {
            long iv = row + c;
            long ii = planeStride + iv;
            long ie = 2 * planeStride + iv;
            double cv = cur.getAtIndex(D, iv);
            double ci = cur.getAtIndex(D, ii);
            double eta = cur.getAtIndex(D, ie);
            double lapV = (((cur.getAtIndex(D, iv - 1) + cur.getAtIndex(D, iv + 1))
                + (cur.getAtIndex(D, iv - rowStride) + cur.getAtIndex(D, iv + rowStride))) - 4.0 * cv) * inv;
            double lapI = (((cur.getAtIndex(D, ii - 1) + cur.getAtIndex(D, ii + 1))
                + (cur.getAtIndex(D, ii - rowStride) + cur.getAtIndex(D, ii + rowStride))) - 4.0 * ci) * inv;
            double em1 = eta - 1.0;
            double h = em1 * em1;
            double j = eta * eta;
            double rest = (1.0 - cv) - ci;
            double lr = muRows.getAtIndex(D, logR + c);
            double dfv = ev + kt * (muRows.getAtIndex(D, logV + c) - lr);
            double dfi = ei + kt * (muRows.getAtIndex(D, logI + c) - lr);
            if (voidMask && rest < eps) {
                dfv = 0.0;
                dfi = 0.0;
            }
            muRows.setAtIndex(D, slotV + c, (h * dfv + j * (2.0 * (cv - 1.0))) - kv * lapV);
            muRows.setAtIndex(D, slotI + c, (h * dfi + j * (2.0 * ci)) - ki * lapI);
        }
    }

    /**
     * {@code M c lap(mu)} (literal) or {@code div(M c grad mu)} with face mobilities (conservative) at
     * concentration index {@code i}, mu at {@code mid} with row neighbours at {@code up} and {@code down}.
     */
    static double divergence(MemorySegment cur, MemorySegment mu, long i, long rowStride, long mid, long up,
                             long down, double m, double c, double inv, boolean conservative) {
        double muC = mu.getAtIndex(D, mid);
        double muW = mu.getAtIndex(D, mid - 1);
        double muE = mu.getAtIndex(D, mid + 1);
        double muN = mu.getAtIndex(D, up);
        double muS = mu.getAtIndex(D, down);
        if (!conservative) {
            return (m * c) * ((((muW + muE) + (muN + muS)) - 4.0 * muC) * inv);
        }
        double mc = m * c;
        double mw = m * cur.getAtIndex(D, i - 1);
        double me = m * cur.getAtIndex(D, i + 1);
        double mn = m * cur.getAtIndex(D, i - rowStride);
        double ms = m * cur.getAtIndex(D, i + rowStride);
        return ((((mc + me) * (muE - muC)) - ((mw + mc) * (muC - muW)))
            + (((mc + ms) * (muS - muC)) - ((mn + mc) * (muC - muN)))) * (0.5 * inv);
    }

    /** The update of row u, columns [from, colFrom + nx), from mu rows u-1, u, u+1. */
    static void nanovoidUpdateRow(MemorySegment cur, MemorySegment next, MemorySegment muRows, long planeStride,
                                  long rowStride, int u, int from, int colFrom, int nx, double[] p,
                                  boolean conservative, boolean voidMask, boolean clamp) {
        final double kt = p[Nanovoid.KT];
        final double mv = p[Nanovoid.DV] / kt;
        final double mi = p[Nanovoid.DI] / kt;
        final double inv = p[Nanovoid.INV_DX2];
        final long row = u * rowStride;
        final long vUp = Math.floorMod(u - 1, 3) * rowStride;
        final long vMid = Math.floorMod(u, 3) * rowStride;
        final long vDown = Math.floorMod(u + 1, 3) * rowStride;
        final long iUp = vUp + 3 * rowStride;
        final long iMid = vMid + 3 * rowStride;
        final long iDown = vDown + 3 * rowStride;
        for (int c = from; c < colFrom + nx; c++) {
            long iv = row + c;
            long ii = planeStride + iv;
            long ie = 2 * planeStride + iv;
            double cv = cur.getAtIndex(D, iv);
            double ci = cur.getAtIndex(D, ii);
            double eta = cur.getAtIndex(D, ie);
            double divV = divergence(cur, muRows, iv, rowStride, vMid + c, vUp + c, vDown + c, mv, cv, inv,
                conservative);
            double divI = divergence(cur, muRows, ii, rowStride, iMid + c, iUp + c, iDown + c, mi, ci, inv,
                conservative);
            double lapE = (((cur.getAtIndex(D, ie - 1) + cur.getAtIndex(D, ie + 1))
                + (cur.getAtIndex(D, ie - rowStride) + cur.getAtIndex(D, ie + rowStride))) - 4.0 * eta) * inv;
            nanovoidStore(next, iv, ii, ie, cv, ci, eta, divV, divI, lapE,
                muRows.getAtIndex(D, LOG_V * rowStride + vMid + c), muRows.getAtIndex(D, LOG_I * rowStride + vMid + c),
                muRows.getAtIndex(D, LOG_R * rowStride + vMid + c), p, voidMask, clamp);
        }
    }

    /**
     * The end of a nanovoid update, shared by the 2-D and 3-D scalar kernels: recombination, f_s (from the
     * cell's three logarithms), the Allen-Cahn term, the flush and the clamp; stores the three new values.
     */
    static void nanovoidStore(MemorySegment next, long iv, long ii, long ie, double cv, double ci, double eta,
                              double divV, double divI, double lapE, double logV, double logI, double logR, double[] p,
                              boolean voidMask, boolean clamp) {
        final double dt = p[Nanovoid.DT];
        final double kt = p[Nanovoid.KT];
        final double rb = p[Nanovoid.R_BULK];
        final double rs = p[Nanovoid.R_SURF];
        final double mob = p[Nanovoid.L];
        double rec = ((rb + rs * (eta * eta)) * cv) * ci;
        double rest = (1.0 - cv) - ci;
        double fs = (p[Nanovoid.EV] * cv + p[Nanovoid.EI] * ci) + kt * ((cv * logV + ci * logI) + rest * logR);
        if (voidMask && rest < Nanovoid.EPS) {
            fs = 0.0;
        }
        double cvm1 = cv - 1.0;
        double fv = cvm1 * cvm1 + ci * ci;
        double dEta = -mob * (((2.0 * (eta - 1.0)) * fs + (2.0 * eta) * fv) - p[Nanovoid.KE] * lapE);
        double nv = cv + dt * (divV - rec);
        double ni = ci + dt * (divI - rec);
        double ne = eta + dt * dEta;
        nv = Math.abs(nv) < FLUSH_BELOW ? 0.0 : nv;
        ni = Math.abs(ni) < FLUSH_BELOW ? 0.0 : ni;
        ne = Math.abs(ne) < FLUSH_BELOW ? 0.0 : ne;
        if (clamp) {
            nv = Math.min(Math.max(nv, 0.0), 1.0);
            ni = Math.min(Math.max(ni, 0.0), 1.0);
            ne = Math.min(Math.max(ne, 0.0), 1.0);
        }
        next.setAtIndex(D, iv, nv);
        next.setAtIndex(D, ii, ni);
        next.setAtIndex(D, ie, ne);
    }

    @Override
    public boolean has3d() {
        return true;
    }

    @Override
    public void grainGrowthSlices(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                                  long planeStride, long sliceStride, long rowStride, int zFrom, int zTo,
                                  int rowFrom, int rowTo, int colFrom, int nx, double[] ldt, double[] kappa,
                                  double a, double b, double invDx2, boolean clamp) {
        Scalar3d.grainGrowth(cur, next, sumSq, q, planeStride, sliceStride, rowStride, zFrom, zTo, rowFrom, rowTo,
            colFrom, nx, ldt, kappa, a, b, invDx2, clamp);
    }

    @Override
    public void cahnHilliardSlices(MemorySegment cur, MemorySegment next, MemorySegment muSlices, long sliceStride,
                                   long rowStride, int zFrom, int zTo, int rowFrom, int rowTo, int colFrom, int nx,
                                   double mdt, double kappa, double rho, double ca, double cb, double invDx2) {
        Scalar3d.cahnHilliard(cur, next, muSlices, sliceStride, rowStride, zFrom, zTo, rowFrom, rowTo, colFrom, nx, mdt,
            kappa, rho, ca, cb, invDx2);
    }

    @Override
    public void nanovoidSlices(MemorySegment cur, MemorySegment next, MemorySegment muSlices, long planeStride,
                               long sliceStride, long rowStride, int zFrom, int zTo, int rowFrom, int rowTo,
                               int colFrom, int nx, double[] p, boolean conservative, boolean voidMask,
                               boolean clamp) {
        Scalar3d.nanovoid(cur, next, muSlices, planeStride, sliceStride, rowStride, zFrom, zTo, rowFrom, rowTo, colFrom,
            nx, p, conservative, voidMask, clamp);
    }
}
