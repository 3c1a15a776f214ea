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
            for (int c = colFrom; c < colTo; c++) {
                double e0 = cur.getAtIndex(D, row + c);
                double s = e0 * e0;
                for (int f = 1; f < q; f++) {
                    double e = cur.getAtIndex(D, f * planeStride + row + c);
                    s = s + e * e;
                }
                sumSq.setAtIndex(D, c, s);
            }
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
                    double sq = ctr * ctr;
                    double other = sumSq.getAtIndex(D, c) - sq;
                    double bulk = ctr * ((b * sq - a) + 2.0 * other);
                    double v = ctr - lq * (bulk - kq * lap);
                    v = Math.abs(v) < FLUSH_BELOW ? 0.0 : v;
                    if (clamp) {
                        v = Math.min(Math.max(v, 0.0), 1.0);
                    }
                    next.setAtIndex(D, i, v);
                }
            }
        }
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
}
