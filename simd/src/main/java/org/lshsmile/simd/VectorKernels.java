package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded only by {@link Kernels} after it has checked that
 * {@code jdk.incubator.vector} is present, so no incubator type reaches a class that is always loaded.
 * Each kernel: vector loop to {@code loopBound}, scalar tail with the same operation order.
 */
final class VectorKernels implements StencilKernels {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final ByteOrder LE = ByteOrder.nativeOrder();

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public String description() {
        return "Vector API " + S.vectorBitSize() + "-bit, " + LANES + " doubles per vector";
    }

    static int lanes() {
        return LANES;
    }

    private static DoubleVector load(MemorySegment m, long index) {
        return DoubleVector.fromMemorySegment(S, m, index << 3, LE);
    }

    @Override
    public void grainGrowthRows(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                                long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                double[] ldt, double[] kappa, double a, double b, double invDx2, boolean clamp) {
        final int colTo = colFrom + nx;
        final int bound = colFrom + S.loopBound(nx);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vTiny = DoubleVector.broadcast(S, FLUSH_BELOW);
        final DoubleVector vA = DoubleVector.broadcast(S, a);
        final DoubleVector vB = DoubleVector.broadcast(S, b);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        for (int r = rowFrom; r < rowTo; r++) {
            final long row = r * rowStride;
            // Sum of squares over all order parameters once per row: each field's update reads it.
            int c = colFrom;
            for (; c < bound; c += LANES) {
                DoubleVector e0 = load(cur, row + c);
                DoubleVector s = e0.mul(e0);
                for (int f = 1; f < q; f++) {
                    DoubleVector e = load(cur, f * planeStride + row + c);
                    s = s.add(e.mul(e));
                }
                s.intoMemorySegment(sumSq, (long) c << 3, LE);
            }
            for (; c < colTo; c++) {
                double e0 = cur.getAtIndex(ScalarKernels.D, row + c);
                double s = e0 * e0;
                for (int f = 1; f < q; f++) {
                    double e = cur.getAtIndex(ScalarKernels.D, f * planeStride + row + c);
                    s = s + e * e;
                }
                sumSq.setAtIndex(ScalarKernels.D, c, s);
            }
            for (int f = 0; f < q; f++) {
                final long base = f * planeStride + row;
                final double lq = ldt[f];
                final double kq = kappa[f];
                final DoubleVector vL = DoubleVector.broadcast(S, lq);
                final DoubleVector vK = DoubleVector.broadcast(S, kq);
                c = colFrom;
                for (; c < bound; c += LANES) {
                    long i = base + c;
                    DoubleVector ctr = load(cur, i);
                    DoubleVector w = load(cur, i - 1);
                    DoubleVector e = load(cur, i + 1);
                    DoubleVector n = load(cur, i - rowStride);
                    DoubleVector s = load(cur, i + rowStride);
                    DoubleVector lap = w.add(e).add(n.add(s)).sub(vFour.mul(ctr)).mul(vInv);
                    DoubleVector sq = ctr.mul(ctr);
                    DoubleVector other = load(sumSq, c).sub(sq);
                    DoubleVector bulk = ctr.mul(vB.mul(sq).sub(vA).add(vTwo.mul(other)));
                    DoubleVector v = ctr.sub(vL.mul(bulk.sub(vK.mul(lap))));
                    VectorMask<Double> tiny = v.lanewise(VectorOperators.ABS).compare(VectorOperators.LT, vTiny);
                    v = v.blend(vZero, tiny);
                    if (clamp) {
                        v = v.max(vZero).min(vOne);
                    }
                    v.intoMemorySegment(next, i << 3, LE);
                }
                for (; c < colTo; c++) {
                    long i = base + c;
                    double ctr = cur.getAtIndex(ScalarKernels.D, i);
                    double w = cur.getAtIndex(ScalarKernels.D, i - 1);
                    double e = cur.getAtIndex(ScalarKernels.D, i + 1);
                    double n = cur.getAtIndex(ScalarKernels.D, i - rowStride);
                    double s = cur.getAtIndex(ScalarKernels.D, i + rowStride);
                    double lap = (((w + e) + (n + s)) - 4.0 * ctr) * invDx2;
                    double sq = ctr * ctr;
                    double other = sumSq.getAtIndex(ScalarKernels.D, c) - sq;
                    double bulk = ctr * ((b * sq - a) + 2.0 * other);
                    double v = ctr - lq * (bulk - kq * lap);
                    v = Math.abs(v) < FLUSH_BELOW ? 0.0 : v;
                    if (clamp) {
                        v = Math.min(Math.max(v, 0.0), 1.0);
                    }
                    next.setAtIndex(ScalarKernels.D, i, v);
                }
            }
        }
    }

    @Override
    public void cahnHilliardRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                                 int rowFrom, int rowTo, int colFrom, int nx, double mdt, double kappa, double rho,
                                 double ca, double cb, double invDx2) {
        final double twoRho = 2.0 * rho;
        final double sum = ca + cb;
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vTwoRho = DoubleVector.broadcast(S, twoRho);
        final DoubleVector vCa = DoubleVector.broadcast(S, ca);
        final DoubleVector vCb = DoubleVector.broadcast(S, cb);
        final DoubleVector vSum = DoubleVector.broadcast(S, sum);
        final DoubleVector vKappa = DoubleVector.broadcast(S, kappa);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        final DoubleVector vMdt = DoubleVector.broadcast(S, mdt);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vTiny = DoubleVector.broadcast(S, FLUSH_BELOW);
        final int muFrom = colFrom - 1;
        final int muCount = nx + 2;
        final int muBound = muFrom + S.loopBound(muCount);
        final int bound = colFrom + S.loopBound(nx);
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            final long row = r * rowStride;
            final long mu = Math.floorMod(r, 3) * rowStride;
            int c = muFrom;
            for (; c < muBound; c += LANES) {
                long i = row + c;
                DoubleVector ctr = load(cur, i);
                DoubleVector lap = load(cur, i - 1).add(load(cur, i + 1))
                    .add(load(cur, i - rowStride).add(load(cur, i + rowStride))).sub(vFour.mul(ctr)).mul(vInv);
                DoubleVector df = vTwoRho.mul(ctr.sub(vCa)).mul(vCb.sub(ctr)).mul(vSum.sub(vTwo.mul(ctr)));
                df.sub(vKappa.mul(lap)).intoMemorySegment(muRows, (mu + c) << 3, LE);
            }
            for (; c <= colFrom + nx; c++) {
                long i = row + c;
                double ctr = cur.getAtIndex(ScalarKernels.D, i);
                double lap = (((cur.getAtIndex(ScalarKernels.D, i - 1) + cur.getAtIndex(ScalarKernels.D, i + 1))
                    + (cur.getAtIndex(ScalarKernels.D, i - rowStride) + cur.getAtIndex(ScalarKernels.D, i + rowStride)))
                    - 4.0 * ctr) * invDx2;
                double df = ((twoRho * (ctr - ca)) * (cb - ctr)) * (sum - 2.0 * ctr);
                muRows.setAtIndex(ScalarKernels.D, mu + c, df - kappa * lap);
            }
            if (r < rowFrom + 1) {
                continue;
            }
            final int u = r - 1;
            final long urow = u * rowStride;
            final long up = Math.floorMod(u - 1, 3) * rowStride;
            final long mid = Math.floorMod(u, 3) * rowStride;
            final long down = Math.floorMod(u + 1, 3) * rowStride;
            c = colFrom;
            for (; c < bound; c += LANES) {
                DoubleVector m = load(muRows, mid + c);
                DoubleVector lap = load(muRows, mid + c - 1).add(load(muRows, mid + c + 1))
                    .add(load(muRows, up + c).add(load(muRows, down + c))).sub(vFour.mul(m)).mul(vInv);
                DoubleVector v = load(cur, urow + c).add(vMdt.mul(lap));
                VectorMask<Double> tiny = v.lanewise(VectorOperators.ABS).compare(VectorOperators.LT, vTiny);
                v.blend(vZero, tiny).intoMemorySegment(next, (urow + c) << 3, LE);
            }
            ScalarKernels.chUpdateRow(cur, next, muRows, rowStride, u, c, colFrom, nx, mdt, invDx2);
        }
    }
}
