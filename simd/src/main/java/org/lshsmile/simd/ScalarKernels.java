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
}
