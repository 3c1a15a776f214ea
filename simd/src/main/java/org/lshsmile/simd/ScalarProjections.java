package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the projections: the reference summation order of {@link Projections}. */
final class ScalarProjections implements Projections {

    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "scalar Java, " + CHUNK + " lane accumulators";
    }

    @Override
    public double dot(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
        return dotScalar(a, aIndex, x, xIndex, d);
    }

    /**
     * The reference dot product. The 8 lane accumulators are locals rather than an array: same
     * order, and the JIT keeps them in registers.
     */
    static double dotScalar(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
        final int m = d - d % CHUNK;
        double l0 = 0.0;
        double l1 = 0.0;
        double l2 = 0.0;
        double l3 = 0.0;
        double l4 = 0.0;
        double l5 = 0.0;
        double l6 = 0.0;
        double l7 = 0.0;
        for (int k = 0; k < m; k += CHUNK) {
            long pa = aIndex + k;
            long px = xIndex + k;
            l0 = l0 + a.getAtIndex(D, pa) * x.getAtIndex(D, px);
            l1 = l1 + a.getAtIndex(D, pa + 1) * x.getAtIndex(D, px + 1);
            l2 = l2 + a.getAtIndex(D, pa + 2) * x.getAtIndex(D, px + 2);
            l3 = l3 + a.getAtIndex(D, pa + 3) * x.getAtIndex(D, px + 3);
            l4 = l4 + a.getAtIndex(D, pa + 4) * x.getAtIndex(D, px + 4);
            l5 = l5 + a.getAtIndex(D, pa + 5) * x.getAtIndex(D, px + 5);
            l6 = l6 + a.getAtIndex(D, pa + 6) * x.getAtIndex(D, px + 6);
            l7 = l7 + a.getAtIndex(D, pa + 7) * x.getAtIndex(D, px + 7);
        }
        double s = ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
        for (int k = m; k < d; k++) {
            s = s + a.getAtIndex(D, aIndex + k) * x.getAtIndex(D, xIndex + k);
        }
        return s;
    }

    @Override
    public void project(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n, long dxs,
                        double invR, MemorySegment outCodes) {
        for (int i = 0; i < n; i++) {
            long xi = i * dxs;
            long out = (long) i * rows;
            for (int j = 0; j < rows; j++) {
                double s = dotScalar(a, j * ds, x, xi, d);
                outCodes.setAtIndex(I, out + j, (int) Math.floor((s + b.getAtIndex(D, j)) * invR));
            }
        }
    }
}
