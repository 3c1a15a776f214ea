package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API projections. Loaded only by {@link ProjectionKernels} after it has checked that
 * {@code jdk.incubator.vector} is present, so no incubator type reaches a class that is always loaded.
 *
 * <p>The 8 lane accumulators of {@link Projections} are one 512-bit, two 256-bit or four 128-bit
 * vectors; the reduction's halving folds are whole-vector adds, then lane extractions. The width is
 * chosen once per {@link #project} call and each width has its own loop with constant species, so
 * the hot loops hold no dispatch and every vector op is intrinsified.
 */
final class VectorProjections implements Projections {

    private static final VectorSpecies<Double> S8 = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Double> S4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Double> S2 = DoubleVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.nativeOrder();

    private final int width;

    /** Projections at the widest of 8, 4, 2 doubles that the CPU's preferred species holds. */
    VectorProjections() {
        this(lanes() >= 8 ? 8 : lanes() >= 4 ? 4 : 2);
    }

    /** Projections with vectors of {@code width} doubles: 2, 4 or 8 (tests run every width). */
    VectorProjections(int width) {
        if (width != 2 && width != 4 && width != 8) {
            throw new IllegalArgumentException("vector width must be 2, 4 or 8 doubles, not " + width);
        }
        this.width = width;
    }

    /** Doubles per vector of the preferred species. */
    static int lanes() {
        return DoubleVector.SPECIES_PREFERRED.length();
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public String description() {
        return "Vector API " + (64 * width) + "-bit, " + width + " doubles per vector, " + CHUNK
            + " lane accumulators";
    }

    @Override
    public double dot(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
        return switch (width) {
            case 8 -> dot8(a, aIndex, x, xIndex, d);
            case 4 -> dot4(a, aIndex, x, xIndex, d);
            default -> dot2(a, aIndex, x, xIndex, d);
        };
    }

    @Override
    public void project(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n, long dxs,
                        double invR, MemorySegment outCodes) {
        switch (width) {
            case 8 -> project8(a, b, rows, d, ds, x, n, dxs, invR, outCodes);
            case 4 -> project4(a, b, rows, d, ds, x, n, dxs, invR, outCodes);
            default -> project2(a, b, rows, d, ds, x, n, dxs, invR, outCodes);
        }
    }

    // Three copies of the same loop: a species held in a field is not a JIT constant, and a
    // non-constant species makes every vector op fall back to allocating Java code.

    private static void project8(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n,
                                 long dxs, double invR, MemorySegment outCodes) {
        for (int i = 0; i < n; i++) {
            long xi = i * dxs;
            long out = (long) i * rows;
            for (int j = 0; j < rows; j++) {
                double s = dot8(a, j * ds, x, xi, d);
                outCodes.setAtIndex(ScalarProjections.I, out + j,
                    (int) Math.floor((s + b.getAtIndex(ScalarProjections.D, j)) * invR));
            }
        }
    }

    private static void project4(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n,
                                 long dxs, double invR, MemorySegment outCodes) {
        for (int i = 0; i < n; i++) {
            long xi = i * dxs;
            long out = (long) i * rows;
            for (int j = 0; j < rows; j++) {
                double s = dot4(a, j * ds, x, xi, d);
                outCodes.setAtIndex(ScalarProjections.I, out + j,
                    (int) Math.floor((s + b.getAtIndex(ScalarProjections.D, j)) * invR));
            }
        }
    }

    private static void project2(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n,
                                 long dxs, double invR, MemorySegment outCodes) {
        for (int i = 0; i < n; i++) {
            long xi = i * dxs;
            long out = (long) i * rows;
            for (int j = 0; j < rows; j++) {
                double s = dot2(a, j * ds, x, xi, d);
                outCodes.setAtIndex(ScalarProjections.I, out + j,
                    (int) Math.floor((s + b.getAtIndex(ScalarProjections.D, j)) * invR));
            }
        }
    }

    private static DoubleVector load(VectorSpecies<Double> s, MemorySegment m, long index) {
        return DoubleVector.fromMemorySegment(s, m, index << 3, LE);
    }

    /** The sequential tail of {@link Projections}' order, added to the reduced lanes. */
    private static double tail(double s, MemorySegment a, long aIndex, MemorySegment x, long xIndex, int m, int d) {
        double t = s;
        for (int k = m; k < d; k++) {
            t = t + a.getAtIndex(ScalarProjections.D, aIndex + k) * x.getAtIndex(ScalarProjections.D, xIndex + k);
        }
        return t;
    }

    private static double dot8(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
        final int m = S8.loopBound(d);
        DoubleVector acc = DoubleVector.zero(S8);
        for (int k = 0; k < m; k += CHUNK) {
            acc = acc.add(load(S8, a, aIndex + k).mul(load(S8, x, xIndex + k)));
        }
        // Lane extraction, not reduceLanes: the order of reduceLanes(ADD) on doubles is unspecified.
        double s = ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
            + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
        return tail(s, a, aIndex, x, xIndex, m, d);
    }

    private static double dot4(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
        final int m = d - d % CHUNK;
        DoubleVector acc0 = DoubleVector.zero(S4);
        DoubleVector acc1 = DoubleVector.zero(S4);
        for (int k = 0; k < m; k += CHUNK) {
            long pa = aIndex + k;
            long px = xIndex + k;
            acc0 = acc0.add(load(S4, a, pa).mul(load(S4, x, px)));
            acc1 = acc1.add(load(S4, a, pa + 4).mul(load(S4, x, px + 4)));
        }
        DoubleVector t = acc0.add(acc1);
        double s = (t.lane(0) + t.lane(2)) + (t.lane(1) + t.lane(3));
        return tail(s, a, aIndex, x, xIndex, m, d);
    }

    private static double dot2(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
        final int m = d - d % CHUNK;
        DoubleVector acc0 = DoubleVector.zero(S2);
        DoubleVector acc1 = DoubleVector.zero(S2);
        DoubleVector acc2 = DoubleVector.zero(S2);
        DoubleVector acc3 = DoubleVector.zero(S2);
        for (int k = 0; k < m; k += CHUNK) {
            long pa = aIndex + k;
            long px = xIndex + k;
            acc0 = acc0.add(load(S2, a, pa).mul(load(S2, x, px)));
            acc1 = acc1.add(load(S2, a, pa + 2).mul(load(S2, x, px + 2)));
            acc2 = acc2.add(load(S2, a, pa + 4).mul(load(S2, x, px + 4)));
            acc3 = acc3.add(load(S2, a, pa + 6).mul(load(S2, x, px + 6)));
        }
        DoubleVector u = acc0.add(acc2).add(acc1.add(acc3));
        double s = u.lane(0) + u.lane(1);
        return tail(s, a, aIndex, x, xIndex, m, d);
    }
}
