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
                    s += e * e;
                    w += lam.getAtIndex(D, i) * ldt[f] * e;
                }
                scratch.setAtIndex(D, c, s);
                scratch.setAtIndex(D, rowStride + c, w);
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
     * offset; S and W of the row in scratch rows 0 and 1); adds this range's parameter terms into rowGrad
     * at {@code g} (A, B, L_f, kappa_f). The SIMD kernel runs its tail columns through here.
     */
    static void gradGrowthPlaneRow(MemorySegment eta, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                   long rowStride, long base, int from, int to, double lq, double kq, double a,
                                   double b, double invDx2, double dt, double[] rowGrad, int g, int f, int q) {
        double lk = lq * kq;
        double dA = 0;
        double dB = 0;
        double dL = 0;
        double dK = 0;
        for (int c = from; c < to; c++) {
            long i = base + c;
            double e = eta.getAtIndex(D, i);
            double lapE = (((eta.getAtIndex(D, i - 1) + eta.getAtIndex(D, i + 1))
                + (eta.getAtIndex(D, i - rowStride) + eta.getAtIndex(D, i + rowStride))) - 4.0 * e) * invDx2;
            double l = lam.getAtIndex(D, i);
            double lapL = (((lam.getAtIndex(D, i - 1) + lam.getAtIndex(D, i + 1))
                + (lam.getAtIndex(D, i - rowStride) + lam.getAtIndex(D, i + rowStride))) - 4.0 * l) * invDx2;
            double sq = e * e;
            double other = scratch.getAtIndex(D, c) - sq;
            double bulk = e * ((b * sq - a) + 2.0 * other);
            double dBulk = (3.0 * b * sq - a) + 2.0 * other;
            double cross = 4.0 * e * (scratch.getAtIndex(D, rowStride + c) - l * lq * e);
            out.setAtIndex(D, i, (l * (1.0 - lq * dBulk) - cross) + lk * lapL);
            double le = l * lq * e;
            dA += le;
            dB -= le * sq;
            dL -= l * (bulk - kq * lapE);
            dK += l * lapE;
        }
        rowGrad[g] += dA;
        rowGrad[g + 1] += dB;
        rowGrad[g + 2 + f] += dL * dt;
        rowGrad[g + 2 + q + f] += dK * lq;
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
}
