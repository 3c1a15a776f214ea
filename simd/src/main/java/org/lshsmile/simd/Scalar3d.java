package org.lshsmile.simd;

import static org.lshsmile.simd.ScalarKernels.D;

import java.lang.foreign.MemorySegment;
import org.lshsmile.simd.StencilKernels.Nanovoid;

/**
 * The scalar 3-D kernels: the reference operation order {@link Vector3d} follows.
 *
 * <p>Every 3-D Laplacian is the 2-D one with the z pair added before the scaling,
 * {@code ((((w + e) + (n + s)) - 4 c) + ((f + b) - 2 c)) * invDx2}: for a state constant along z the
 * z pair is exactly zero, so such a state evolves with the bits of the 2-D kernels (up to the sign of
 * zeros, which the flush to zero removes).
 *
 * <p>Cahn-Hilliard and nanovoid need mu at the z neighbours, so where the 2-D kernels roll three rows
 * of mu these roll three slices: mu of slice z goes to slot {@code z mod 3} of a scratch of slices.
 */
final class Scalar3d {

    static final double FLUSH_BELOW = StencilKernels.FLUSH_BELOW;

    private Scalar3d() {
    }

    /** The seven-point Laplacian at index i. */
    static double lap(MemorySegment m, long i, long rowStride, long sliceStride, double ctr, double inv) {
        return ((((m.getAtIndex(D, i - 1) + m.getAtIndex(D, i + 1))
            + (m.getAtIndex(D, i - rowStride) + m.getAtIndex(D, i + rowStride))) - 4.0 * ctr)
            + ((m.getAtIndex(D, i - sliceStride) + m.getAtIndex(D, i + sliceStride)) - 2.0 * ctr)) * inv;
    }

    static void grainGrowth(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q, long planeStride,
                            long sliceStride, long rowStride, int zFrom, int zTo, int rowFrom, int rowTo,
                            int colFrom, int nx, double[] ldt, double[] kappa, double a, double b, double invDx2,
                            boolean clamp) {
        for (int z = zFrom; z < zTo; z++) {
            for (int r = rowFrom; r < rowTo; r++) {
                long row = z * sliceStride + r * rowStride;
                grainGrowthRow(cur, next, sumSq, q, planeStride, sliceStride, rowStride, row, colFrom, colFrom + nx,
                    ldt, kappa, a, b, invDx2, clamp);
            }
        }
    }

    /** One row starting at index {@code row}, columns [from, to): sum of squares, then each field. */
    static void grainGrowthRow(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q, long planeStride,
                               long sliceStride, long rowStride, long row, int from, int to, double[] ldt,
                               double[] kappa, double a, double b, double invDx2, boolean clamp) {
        ScalarKernels.sumOfSquares(cur, sumSq, q, planeStride, row, from, to);
        for (int f = 0; f < q; f++) {
            long base = f * planeStride + row;
            double lq = ldt[f];
            double kq = kappa[f];
            for (int c = from; c < to; c++) {
                long i = base + c;
                double ctr = cur.getAtIndex(D, i);
                double lap = lap(cur, i, rowStride, sliceStride, ctr, invDx2);
                next.setAtIndex(D, i, ScalarKernels.grainGrowthValue(ctr, lap, sumSq.getAtIndex(D, c), lq, kq, a, b,
                    clamp));
            }
        }
    }

    /** Offset of slot {@code z mod 3} of a scratch of slices. */
    static long slot(int z, long sliceStride) {
        return Math.floorMod(z, 3) * sliceStride;
    }

    static void cahnHilliard(MemorySegment cur, MemorySegment next, MemorySegment mu, long sliceStride,
                             long rowStride, int zFrom, int zTo, int rowFrom, int rowTo, int colFrom, int nx,
                             double mdt, double kappa, double rho, double ca, double cb, double invDx2) {
        for (int z = zFrom - 1; z <= zTo; z++) {
            for (int r = rowFrom - 1; r <= rowTo; r++) {
                chMuRow(cur, mu, sliceStride, rowStride, z * sliceStride + r * rowStride,
                    slot(z, sliceStride) + r * rowStride, colFrom - 1, colFrom + nx + 1, kappa, rho, ca, cb, invDx2);
            }
            if (z >= zFrom + 1) {
                int u = z - 1;
                for (int r = rowFrom; r < rowTo; r++) {
                    chUpdateRow(cur, next, mu, sliceStride, rowStride, u, r, colFrom, colFrom + nx, mdt, invDx2);
                }
            }
        }
    }

    /** mu of the row at {@code row} (in cur) into {@code out} (in the scratch), columns [from, to). */
    static void chMuRow(MemorySegment cur, MemorySegment mu, long sliceStride, long rowStride, long row, long out,
                        int from, int to, double kappa, double rho, double ca, double cb, double invDx2) {
        double twoRho = 2.0 * rho;
        double sum = ca + cb;
        for (int c = from; c < to; c++) {
            long i = row + c;
            double ctr = cur.getAtIndex(D, i);
            double lap = lap(cur, i, rowStride, sliceStride, ctr, invDx2);
            double df = ((twoRho * (ctr - ca)) * (cb - ctr)) * (sum - 2.0 * ctr);
            mu.setAtIndex(D, out + c, df - kappa * lap);
        }
    }

    /** c' = c + mdt * lap(mu) for slice u, row r, columns [from, to); mu slices u-1, u, u+1 are in their slots. */
    static void chUpdateRow(MemorySegment cur, MemorySegment next, MemorySegment mu, long sliceStride,
                            long rowStride, int u, int r, int from, int to, double mdt, double invDx2) {
        long row = u * sliceStride + r * rowStride;
        long mid = slot(u, sliceStride) + r * rowStride;
        long front = slot(u - 1, sliceStride) + r * rowStride;
        long back = slot(u + 1, sliceStride) + r * rowStride;
        for (int c = from; c < to; c++) {
            double m = mu.getAtIndex(D, mid + c);
            double lap = ((((mu.getAtIndex(D, mid + c - 1) + mu.getAtIndex(D, mid + c + 1))
                + (mu.getAtIndex(D, mid + c - rowStride) + mu.getAtIndex(D, mid + c + rowStride))) - 4.0 * m)
                + ((mu.getAtIndex(D, front + c) + mu.getAtIndex(D, back + c)) - 2.0 * m)) * invDx2;
            double v = cur.getAtIndex(D, row + c) + mdt * lap;
            next.setAtIndex(D, row + c, Math.abs(v) < FLUSH_BELOW ? 0.0 : v);
        }
    }

    static void nanovoid(MemorySegment cur, MemorySegment next, MemorySegment scratch, long planeStride,
                         long sliceStride, long rowStride, int zFrom, int zTo, int rowFrom, int rowTo, int colFrom,
                         int nx, double[] p, boolean conservative, boolean voidMask, boolean clamp) {
        for (int z = zFrom - 1; z <= zTo; z++) {
            for (int r = rowFrom - 1; r <= rowTo; r++) {
                long row = z * sliceStride + r * rowStride;
                long out = slot(z, sliceStride) + r * rowStride;
                nanovoidLogRow(cur, scratch, planeStride, sliceStride, row, out, colFrom - 1, colFrom + nx + 1);
                nanovoidMuRow(cur, scratch, planeStride, sliceStride, rowStride, row, out, colFrom - 1,
                    colFrom + nx + 1, p, voidMask);
            }
            if (z >= zFrom + 1) {
                for (int r = rowFrom; r < rowTo; r++) {
                    nanovoidUpdateRow(cur, next, scratch, planeStride, sliceStride, rowStride, z - 1, r, colFrom,
                        colFrom + nx, p, conservative, voidMask, clamp);
                }
            }
        }
    }

    /** The three masked logarithms of the row at {@code row}, columns [from, to), into their slice slots. */
    static void nanovoidLogRow(MemorySegment cur, MemorySegment scratch, long planeStride, long sliceStride,
                               long row, long out, int from, int to) {
        final double eps = Nanovoid.EPS;
        final long lv = ScalarKernels.LOG_V * sliceStride + out;
        final long li = ScalarKernels.LOG_I * sliceStride + out;
        final long lr = ScalarKernels.LOG_R * sliceStride + out;
        for (int c = from; c < to; c++) {
            double cv = cur.getAtIndex(D, row + c);
            double ci = cur.getAtIndex(D, planeStride + row + c);
            double rest = (1.0 - cv) - ci;
            scratch.setAtIndex(D, lv + c, Log.log(Math.max(cv, eps)));
            scratch.setAtIndex(D, li + c, Log.log(Math.max(ci, eps)));
            scratch.setAtIndex(D, lr + c, Log.log(Math.max(rest, eps)));
        }
    }

    /** mu_v and mu_i of the row at {@code row}, columns [from, to), into slots 0-2 and 3-5. */
    static void nanovoidMuRow(MemorySegment cur, MemorySegment scratch, long planeStride, long sliceStride,
                              long rowStride, long row, long out, int from, int to, double[] p, boolean voidMask) {
        final double ev = p[Nanovoid.EV];
        final double ei = p[Nanovoid.EI];
        final double kt = p[Nanovoid.KT];
        final double kv = p[Nanovoid.KV];
        final double ki = p[Nanovoid.KI];
        final double inv = p[Nanovoid.INV_DX2];
        final double eps = Nanovoid.EPS;
        final long slotI = 3 * sliceStride + out;
        final long logV = ScalarKernels.LOG_V * sliceStride + out;
        final long logI = ScalarKernels.LOG_I * sliceStride + out;
        final long logR = ScalarKernels.LOG_R * sliceStride + out;
        for (int c = from; c < to; c++) {
            long iv = row + c;
            long ii = planeStride + iv;
            double cv = cur.getAtIndex(D, iv);
            double ci = cur.getAtIndex(D, ii);
            double eta = cur.getAtIndex(D, 2 * planeStride + iv);
            double lapV = lap(cur, iv, rowStride, sliceStride, cv, inv);
            double lapI = lap(cur, ii, rowStride, sliceStride, ci, inv);
            double em1 = eta - 1.0;
            double h = em1 * em1;
            double j = eta * eta;
            double rest = (1.0 - cv) - ci;
            double lr = scratch.getAtIndex(D, logR + c);
            double dfv = ev + kt * (scratch.getAtIndex(D, logV + c) - lr);
            double dfi = ei + kt * (scratch.getAtIndex(D, logI + c) - lr);
            if (voidMask && rest < eps) {
                dfv = 0.0;
                dfi = 0.0;
            }
            scratch.setAtIndex(D, out + c, (h * dfv + j * (2.0 * (cv - 1.0))) - kv * lapV);
            scratch.setAtIndex(D, slotI + c, (h * dfi + j * (2.0 * ci)) - ki * lapI);
        }
    }

    /**
     * {@code M c lap(mu)} (literal) or {@code div(M c grad mu)} with face mobilities (conservative) at
     * concentration index {@code i}; mu at {@code mid}, its slice neighbours at {@code front} and {@code back}.
     */
    static double divergence(MemorySegment cur, MemorySegment mu, long i, long rowStride, long sliceStride,
                             long mid, long front, long back, double m, double c, double inv, boolean conservative) {
        double muC = mu.getAtIndex(D, mid);
        double muW = mu.getAtIndex(D, mid - 1);
        double muE = mu.getAtIndex(D, mid + 1);
        double muN = mu.getAtIndex(D, mid - rowStride);
        double muS = mu.getAtIndex(D, mid + rowStride);
        double muF = mu.getAtIndex(D, front);
        double muB = mu.getAtIndex(D, back);
        if (!conservative) {
            return (m * c) * (((((muW + muE) + (muN + muS)) - 4.0 * muC) + ((muF + muB) - 2.0 * muC)) * inv);
        }
        double mc = m * c;
        double mw = m * cur.getAtIndex(D, i - 1);
        double me = m * cur.getAtIndex(D, i + 1);
        double mn = m * cur.getAtIndex(D, i - rowStride);
        double ms = m * cur.getAtIndex(D, i + rowStride);
        double mf = m * cur.getAtIndex(D, i - sliceStride);
        double mb = m * cur.getAtIndex(D, i + sliceStride);
        return (((((mc + me) * (muE - muC)) - ((mw + mc) * (muC - muW)))
            + (((mc + ms) * (muS - muC)) - ((mn + mc) * (muC - muN))))
            + (((mc + mb) * (muB - muC)) - ((mf + mc) * (muC - muF)))) * (0.5 * inv);
    }

    /** The update of slice u, row r, columns [from, to), from mu slices u-1, u, u+1. */
    static void nanovoidUpdateRow(MemorySegment cur, MemorySegment next, MemorySegment scratch, long planeStride,
                                  long sliceStride, long rowStride, int u, int r, int from, int to, double[] p,
                                  boolean conservative, boolean voidMask, boolean clamp) {
        final double kt = p[Nanovoid.KT];
        final double mv = p[Nanovoid.DV] / kt;
        final double mi = p[Nanovoid.DI] / kt;
        final double inv = p[Nanovoid.INV_DX2];
        final long row = u * sliceStride + r * rowStride;
        final long vMid = slot(u, sliceStride) + r * rowStride;
        final long vFront = slot(u - 1, sliceStride) + r * rowStride;
        final long vBack = slot(u + 1, sliceStride) + r * rowStride;
        final long iOff = 3 * sliceStride;
        for (int c = from; c < to; c++) {
            long iv = row + c;
            long ii = planeStride + iv;
            long ie = 2 * planeStride + iv;
            double cv = cur.getAtIndex(D, iv);
            double ci = cur.getAtIndex(D, ii);
            double eta = cur.getAtIndex(D, ie);
            double divV = divergence(cur, scratch, iv, rowStride, sliceStride, vMid + c, vFront + c, vBack + c, mv,
                cv, inv, conservative);
            double divI = divergence(cur, scratch, ii, rowStride, sliceStride, iOff + vMid + c, iOff + vFront + c,
                iOff + vBack + c, mi, ci, inv, conservative);
            double lapE = lap(cur, ie, rowStride, sliceStride, eta, inv);
            ScalarKernels.nanovoidStore(next, iv, ii, ie, cv, ci, eta, divV, divI, lapE,
                scratch.getAtIndex(D, ScalarKernels.LOG_V * sliceStride + vMid + c),
                scratch.getAtIndex(D, ScalarKernels.LOG_I * sliceStride + vMid + c),
                scratch.getAtIndex(D, ScalarKernels.LOG_R * sliceStride + vMid + c), p, voidMask, clamp);
        }
    }
}
