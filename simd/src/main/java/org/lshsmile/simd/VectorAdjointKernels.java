package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API adjoint kernels. The adjoint values written per cell follow {@link ScalarAdjointKernels}'
 * operation order, so they are bitwise equal to the scalar ones; the parameter sums of a row are kept in
 * one vector accumulator per parameter and reduced at the row's end, a different summation order, so
 * they agree with the scalar sums to rounding (1e-12 relative in the tests), not bitwise.
 */
final class VectorAdjointKernels implements AdjointKernels {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final ByteOrder LE = ByteOrder.nativeOrder();

    @Override
    public String name() {
        return "simd";
    }

    private static DoubleVector load(MemorySegment m, long index) {
        return DoubleVector.fromMemorySegment(S, m, index << 3, LE);
    }

    @Override
    public void grainGrowthAdjointRows(MemorySegment eta, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                       int q, long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom,
                                       int nx, double[] ldt, double[] kappa, double a, double b, double invDx2,
                                       double dt, double[] rowGrad, int rowGradBase) {
        final int colTo = colFrom + nx;
        final int bound = colFrom + S.loopBound(nx);
        final int p = AdjointKernels.grainGrowthParameters(q);
        for (int r = rowFrom; r < rowTo; r++) {
            final long row = r * rowStride;
            int c = colFrom;
            // S and W once per row: every field's adjoint reads both.
            for (; c < bound; c += LANES) {
                DoubleVector s = DoubleVector.zero(S);
                DoubleVector w = DoubleVector.zero(S);
                for (int f = 0; f < q; f++) {
                    long i = f * planeStride + row + c;
                    DoubleVector e = load(eta, i);
                    s = s.add(e.mul(e));
                    w = w.add(load(lam, i).mul(ldt[f]).mul(e));
                }
                s.intoMemorySegment(scratch, (long) c << 3, LE);
                w.intoMemorySegment(scratch, (rowStride + c) << 3, LE);
            }
            for (; c < colTo; c++) {
                double s = 0;
                double w = 0;
                for (int f = 0; f < q; f++) {
                    long i = f * planeStride + row + c;
                    double e = eta.getAtIndex(ScalarKernels.D, i);
                    s += e * e;
                    w += lam.getAtIndex(ScalarKernels.D, i) * ldt[f] * e;
                }
                scratch.setAtIndex(ScalarKernels.D, c, s);
                scratch.setAtIndex(ScalarKernels.D, rowStride + c, w);
            }
            final int g = (r - rowGradBase) * p;
            for (int f = 0; f < q; f++) {
                planeRow(eta, lam, out, scratch, rowStride, f * planeStride + row, colFrom, bound, ldt[f], kappa[f], a,
                    b, invDx2, dt, rowGrad, g, f, q);
                ScalarAdjointKernels.gradGrowthPlaneRow(eta, lam, out, scratch, rowStride, f * planeStride + row, bound,
                    colTo, ldt[f], kappa[f], a, b, invDx2, dt, rowGrad, g, f, q);
            }
        }
    }

    /**
     * The vector part of one plane's row, columns {@code [from, bound)}. Its own method: with the whole row
     * loop in one method C2 hit NodeCountInliningCutoff, left vector loads out of line and boxed them (9x slower).
     */
    private static void planeRow(MemorySegment eta, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                 long rowStride, long base, int from, int bound, double lq, double kq, double a,
                                 double b, double invDx2, double dt, double[] rowGrad, int g, int f, int q) {
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vThree = DoubleVector.broadcast(S, 3.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vA = DoubleVector.broadcast(S, a);
        final DoubleVector vB = DoubleVector.broadcast(S, b);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        final DoubleVector vL = DoubleVector.broadcast(S, lq);
        final DoubleVector vK = DoubleVector.broadcast(S, kq);
        final DoubleVector vLK = DoubleVector.broadcast(S, lq * kq);
        DoubleVector accA = DoubleVector.zero(S);
        DoubleVector accB = DoubleVector.zero(S);
        DoubleVector accL = DoubleVector.zero(S);
        DoubleVector accK = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long i = base + c;
            // Laplacians written out, not in a helper: a helper C2 leaves out of line boxes its vectors.
            DoubleVector e = load(eta, i);
            DoubleVector lapE = load(eta, i - 1).add(load(eta, i + 1))
                .add(load(eta, i - rowStride).add(load(eta, i + rowStride))).sub(vFour.mul(e)).mul(vInv);
            DoubleVector l = load(lam, i);
            DoubleVector lapL = load(lam, i - 1).add(load(lam, i + 1))
                .add(load(lam, i - rowStride).add(load(lam, i + rowStride))).sub(vFour.mul(l)).mul(vInv);
            DoubleVector sq = e.mul(e);
            DoubleVector other = load(scratch, c).sub(sq);
            DoubleVector bulk = e.mul(vB.mul(sq).sub(vA).add(vTwo.mul(other)));
            DoubleVector dBulk = vThree.mul(vB).mul(sq).sub(vA).add(vTwo.mul(other));
            DoubleVector cross = vFour.mul(e).mul(load(scratch, rowStride + c).sub(l.mul(vL).mul(e)));
            l.mul(vOne.sub(vL.mul(dBulk))).sub(cross).add(vLK.mul(lapL)).intoMemorySegment(out, i << 3, LE);
            DoubleVector le = l.mul(vL).mul(e);
            accA = accA.add(le);
            accB = accB.sub(le.mul(sq));
            accL = accL.sub(l.mul(bulk.sub(vK.mul(lapE))));
            accK = accK.add(l.mul(lapE));
        }
        rowGrad[g] += accA.reduceLanes(VectorOperators.ADD);
        rowGrad[g + 1] += accB.reduceLanes(VectorOperators.ADD);
        rowGrad[g + 2 + f] += accL.reduceLanes(VectorOperators.ADD) * dt;
        rowGrad[g + 2 + q + f] += accK.reduceLanes(VectorOperators.ADD) * lq;
    }

    @Override
    public void cahnHilliardAdjointRows(MemorySegment c, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                        long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double m,
                                        double dt, double kappa, double rho, double ca, double cb, double invDx2,
                                        double[] rowGrad, int rowGradBase) {
        final int muFrom = colFrom - 1;
        final int muTo = colFrom + nx + 1;
        final int muBound = muFrom + S.loopBound(nx + 2);
        final int colTo = colFrom + nx;
        final int bound = colFrom + S.loopBound(nx);
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            chMuVectors(c, lam, scratch, rowStride, r, muFrom, muBound, m, kappa, rho, ca, cb, invDx2);
            ScalarAdjointKernels.chMuRow(c, lam, scratch, rowStride, r, muBound, muTo, m, kappa, rho, ca, cb, invDx2);
            if (r >= rowFrom + 1) {
                int g = (r - 1 - rowGradBase) * CAHN_HILLIARD_PARAMETERS;
                chOutVectors(c, lam, out, scratch, rowStride, r - 1, colFrom, bound, kappa, rho, ca, cb, invDx2, rowGrad,
                    g);
                chSumVectors(c, lam, scratch, rowStride, r - 1, colFrom, bound, dt, invDx2, rowGrad, g);
                ScalarAdjointKernels.chAdjointRow(c, lam, out, scratch, rowStride, r - 1, bound, colTo, dt, kappa, rho,
                    ca, cb, invDx2, rowGrad, g);
            }
        }
    }

    /** Vector part of ScalarAdjointKernels.chMuRow: mu and lamMu of row r, columns {@code [from, bound)}. */
    private static void chMuVectors(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long rowStride, int r,
                                    int from, int bound, double m, double kappa, double rho, double ca, double cb,
                                    double invDx2) {
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vTwoRho = DoubleVector.broadcast(S, 2.0 * rho);
        final DoubleVector vCa = DoubleVector.broadcast(S, ca);
        final DoubleVector vCb = DoubleVector.broadcast(S, cb);
        final DoubleVector vSum = DoubleVector.broadcast(S, ca + cb);
        final DoubleVector vKappa = DoubleVector.broadcast(S, kappa);
        final DoubleVector vM = DoubleVector.broadcast(S, m);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        final long row = r * rowStride;
        final long slot = Math.floorMod(r, 3) * rowStride;
        final long muSlot = 3 * rowStride + slot;
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector ctr = load(cur, i);
            DoubleVector lapC = load(cur, i - 1).add(load(cur, i + 1))
                .add(load(cur, i - rowStride).add(load(cur, i + rowStride))).sub(vFour.mul(ctr)).mul(vInv);
            DoubleVector df = vTwoRho.mul(ctr.sub(vCa)).mul(vCb.sub(ctr)).mul(vSum.sub(vTwo.mul(ctr)));
            df.sub(vKappa.mul(lapC)).intoMemorySegment(scratch, (muSlot + c) << 3, LE);
            DoubleVector l = load(lam, i);
            DoubleVector lapL = load(lam, i - 1).add(load(lam, i + 1))
                .add(load(lam, i - rowStride).add(load(lam, i + rowStride))).sub(vFour.mul(l)).mul(vInv);
            vM.mul(lapL).intoMemorySegment(scratch, (slot + c) << 3, LE);
        }
    }

    /**
     * Vector part of ScalarAdjointKernels.chAdjointRow, columns {@code [from, bound)}: out and drho. Split from
     * {@link #chSumVectors}: as one loop C2 hit NodeCountInliningCutoff and left vector loads out of line.
     */
    private static void chOutVectors(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                     long rowStride, int r, int from, int bound, double kappa, double rho, double ca,
                                     double cb, double inv, double[] rowGrad, int g) {
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vTwoRho = DoubleVector.broadcast(S, 2.0 * rho);
        final DoubleVector vCa = DoubleVector.broadcast(S, ca);
        final DoubleVector vCb = DoubleVector.broadcast(S, cb);
        final DoubleVector vSum = DoubleVector.broadcast(S, ca + cb);
        final DoubleVector vKappa = DoubleVector.broadcast(S, kappa);
        final DoubleVector vInv = DoubleVector.broadcast(S, inv);
        final long row = r * rowStride;
        final long up = Math.floorMod(r - 1, 3) * rowStride;
        final long mid = Math.floorMod(r, 3) * rowStride;
        final long down = Math.floorMod(r + 1, 3) * rowStride;
        DoubleVector accR = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            // stencils written out: C2 leaves a vector helper out of line and boxes what crosses the call
            DoubleVector lm = load(scratch, mid + c);
            DoubleVector lapLm = load(scratch, mid + c - 1).add(load(scratch, mid + c + 1))
                .add(load(scratch, up + c).add(load(scratch, down + c))).sub(vFour.mul(lm)).mul(vInv);
            long i = row + c;
            DoubleVector x = load(cur, i);
            DoubleVector u = x.sub(vCa);
            DoubleVector v = vCb.sub(x);
            DoubleVector w = vSum.sub(vTwo.mul(x));
            DoubleVector dg = vTwoRho.mul(v.mul(w).sub(u.mul(w)).sub(vTwo.mul(u.mul(v))));
            load(lam, i).add(dg.mul(lm)).sub(vKappa.mul(lapLm)).intoMemorySegment(out, i << 3, LE);
            accR = accR.add(lm.mul(vTwo.mul(u).mul(v)).mul(w));
        }
        rowGrad[g + 2] += accR.reduceLanes(VectorOperators.ADD);
    }

    /** Vector part of ScalarAdjointKernels.chAdjointRow, columns {@code [from, bound)}: dM and dkappa. */
    private static void chSumVectors(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long rowStride,
                                     int r, int from, int bound, double dt, double inv, double[] rowGrad, int g) {
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, inv);
        final long row = r * rowStride;
        final long mid = Math.floorMod(r, 3) * rowStride;
        final long mu = 3 * rowStride;
        final long muUp = mu + Math.floorMod(r - 1, 3) * rowStride;
        final long muMid = mu + mid;
        final long muDown = mu + Math.floorMod(r + 1, 3) * rowStride;
        DoubleVector accM = DoubleVector.zero(S);
        DoubleVector accK = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            DoubleVector muC = load(scratch, muMid + c);
            DoubleVector lapMu = load(scratch, muMid + c - 1).add(load(scratch, muMid + c + 1))
                .add(load(scratch, muUp + c).add(load(scratch, muDown + c))).sub(vFour.mul(muC)).mul(vInv);
            long i = row + c;
            DoubleVector x = load(cur, i);
            DoubleVector lapC = load(cur, i - 1).add(load(cur, i + 1))
                .add(load(cur, i - rowStride).add(load(cur, i + rowStride))).sub(vFour.mul(x)).mul(vInv);
            accM = accM.add(load(lam, i).mul(lapMu));
            accK = accK.sub(load(scratch, mid + c).mul(lapC));
        }
        rowGrad[g] += accM.reduceLanes(VectorOperators.ADD) * dt;
        rowGrad[g + 1] += accK.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void nanovoidAdjointRows(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                    long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                    double[] p, boolean conservative, boolean voidMask, double[] rowGrad,
                                    int rowGradBase) {
        new ScalarAdjointKernels().nanovoidAdjointRows(cur, lam, out, scratch, planeStride, rowStride, rowFrom, rowTo,
            colFrom, nx, p, conservative, voidMask, rowGrad, rowGradBase);
    }
}
