package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.lshsmile.simd.StencilKernels.Nanovoid;

/**
 * Vector API 3-D kernels along the contiguous x axis: the operations of {@link Scalar3d} in the same
 * order, a vector loop to the loop bound and {@link Scalar3d}'s row code for the tail. Loaded only by
 * {@link VectorKernels}. Each loop is its own small method with its own constants, as in
 * {@link VectorKernels}: in large methods C2 runs out of inlining budget and boxes the vectors.
 */
final class Vector3d {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final ByteOrder LE = ByteOrder.nativeOrder();
    private static final double TINY = StencilKernels.FLUSH_BELOW;

    private Vector3d() {
    }

    private static DoubleVector load(MemorySegment m, long index) {
        return DoubleVector.fromMemorySegment(S, m, index << 3, LE);
    }

    /** Seven-point Laplacian at vector index i (see {@link Scalar3d#lap}). */
    private static DoubleVector lap(MemorySegment m, long i, long rowStride, long sliceStride, DoubleVector ctr,
                                    DoubleVector inv) {
        DoubleVector xy = load(m, i - 1).add(load(m, i + 1)).add(load(m, i - rowStride).add(load(m, i + rowStride)))
            .sub(ctr.mul(4.0));
        DoubleVector zz = load(m, i - sliceStride).add(load(m, i + sliceStride)).sub(ctr.mul(2.0));
        return xy.add(zz).mul(inv);
    }

    private static DoubleVector flush(DoubleVector v) {
        return v.blend(0.0, v.lanewise(VectorOperators.ABS).compare(VectorOperators.LT, TINY));
    }

    static void grainGrowth(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q, long planeStride,
                            long sliceStride, long rowStride, int zFrom, int zTo, int rowFrom, int rowTo,
                            int colFrom, int nx, double[] ldt, double[] kappa, double a, double b, double invDx2,
                            boolean clamp) {
        final int bound = colFrom + S.loopBound(nx);
        for (int z = zFrom; z < zTo; z++) {
            for (int r = rowFrom; r < rowTo; r++) {
                long row = z * sliceStride + r * rowStride;
                VectorKernels.ggSumSqVectors(cur, row, planeStride, q, sumSq, colFrom, bound);
                for (int f = 0; f < q; f++) {
                    grainGrowthField(cur, next, sumSq, f * planeStride + row, sliceStride, rowStride, colFrom, bound,
                        ldt[f], kappa[f], a, b, invDx2, clamp);
                }
                if (bound < colFrom + nx) {
                    Scalar3d.grainGrowthRow(cur, next, sumSq, q, planeStride, sliceStride, rowStride, row, bound,
                        colFrom + nx, ldt, kappa, a, b, invDx2, clamp);
                }
            }
        }
    }

    private static void grainGrowthField(MemorySegment cur, MemorySegment next, MemorySegment sumSq, long base,
                                         long sliceStride, long rowStride, int from, int bound, double lq, double kq,
                                         double a, double b, double invDx2, boolean clamp) {
        final DoubleVector vA = DoubleVector.broadcast(S, a);
        final DoubleVector vB = DoubleVector.broadcast(S, b);
        final DoubleVector vL = DoubleVector.broadcast(S, lq);
        final DoubleVector vK = DoubleVector.broadcast(S, kq);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        for (int c = from; c < bound; c += LANES) {
            long i = base + c;
            DoubleVector ctr = load(cur, i);
            DoubleVector lap = lap(cur, i, rowStride, sliceStride, ctr, vInv);
            DoubleVector sq = ctr.mul(ctr);
            DoubleVector other = load(sumSq, c).sub(sq);
            DoubleVector bulk = ctr.mul(vB.mul(sq).sub(vA).add(other.mul(2.0)));
            DoubleVector v = flush(ctr.sub(vL.mul(bulk.sub(vK.mul(lap)))));
            if (clamp) {
                v = v.max(0.0).min(1.0);
            }
            v.intoMemorySegment(next, i << 3, LE);
        }
    }

    static void cahnHilliard(MemorySegment cur, MemorySegment next, MemorySegment mu, long sliceStride,
                             long rowStride, int zFrom, int zTo, int rowFrom, int rowTo, int colFrom, int nx,
                             double mdt, double kappa, double rho, double ca, double cb, double invDx2) {
        final int muFrom = colFrom - 1;
        final int muBound = muFrom + S.loopBound(nx + 2);
        final int bound = colFrom + S.loopBound(nx);
        for (int z = zFrom - 1; z <= zTo; z++) {
            for (int r = rowFrom - 1; r <= rowTo; r++) {
                long row = z * sliceStride + r * rowStride;
                long out = Scalar3d.slot(z, sliceStride) + r * rowStride;
                int c = chMuVectors(cur, mu, sliceStride, rowStride, row, out, muFrom, muBound, kappa, rho, ca, cb,
                    invDx2);
                Scalar3d.chMuRow(cur, mu, sliceStride, rowStride, row, out, c, colFrom + nx + 1, kappa, rho, ca, cb,
                    invDx2);
            }
            if (z >= zFrom + 1) {
                for (int r = rowFrom; r < rowTo; r++) {
                    int c = chUpdateVectors(cur, next, mu, sliceStride, rowStride, z - 1, r, colFrom, bound, mdt,
                        invDx2);
                    Scalar3d.chUpdateRow(cur, next, mu, sliceStride, rowStride, z - 1, r, c, colFrom + nx, mdt,
                        invDx2);
                }
            }
        }
    }

    private static int chMuVectors(MemorySegment cur, MemorySegment mu, long sliceStride, long rowStride, long row,
                                   long out, int from, int bound, double kappa, double rho, double ca, double cb,
                                   double invDx2) {
        final DoubleVector vTwoRho = DoubleVector.broadcast(S, 2.0 * rho);
        final DoubleVector vCa = DoubleVector.broadcast(S, ca);
        final DoubleVector vCb = DoubleVector.broadcast(S, cb);
        final DoubleVector vSum = DoubleVector.broadcast(S, ca + cb);
        final DoubleVector vKappa = DoubleVector.broadcast(S, kappa);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        int c = from;
        for (; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector ctr = load(cur, i);
            DoubleVector lap = lap(cur, i, rowStride, sliceStride, ctr, vInv);
            DoubleVector df = vTwoRho.mul(ctr.sub(vCa)).mul(vCb.sub(ctr)).mul(vSum.sub(ctr.mul(2.0)));
            df.sub(vKappa.mul(lap)).intoMemorySegment(mu, (out + c) << 3, LE);
        }
        return c;
    }

    private static int chUpdateVectors(MemorySegment cur, MemorySegment next, MemorySegment mu, long sliceStride,
                                       long rowStride, int u, int r, int from, int bound, double mdt, double invDx2) {
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        final DoubleVector vMdt = DoubleVector.broadcast(S, mdt);
        final long row = u * sliceStride + r * rowStride;
        final long mid = Scalar3d.slot(u, sliceStride) + r * rowStride;
        final long front = Scalar3d.slot(u - 1, sliceStride) + r * rowStride;
        final long back = Scalar3d.slot(u + 1, sliceStride) + r * rowStride;
        int c = from;
        for (; c < bound; c += LANES) {
            DoubleVector m = load(mu, mid + c);
            DoubleVector xy = load(mu, mid + c - 1).add(load(mu, mid + c + 1))
                .add(load(mu, mid + c - rowStride).add(load(mu, mid + c + rowStride))).sub(m.mul(4.0));
            DoubleVector zz = load(mu, front + c).add(load(mu, back + c)).sub(m.mul(2.0));
            DoubleVector v = load(cur, row + c).add(vMdt.mul(xy.add(zz).mul(vInv)));
            flush(v).intoMemorySegment(next, (row + c) << 3, LE);
        }
        return c;
    }

    static void nanovoid(MemorySegment cur, MemorySegment next, MemorySegment scratch, long planeStride,
                         long sliceStride, long rowStride, int zFrom, int zTo, int rowFrom, int rowTo, int colFrom,
                         int nx, double[] p, boolean conservative, boolean voidMask, boolean clamp) {
        final int muFrom = colFrom - 1;
        final int muTo = colFrom + nx + 1;
        final int muBound = muFrom + S.loopBound(nx + 2);
        final int bound = colFrom + S.loopBound(nx);
        for (int z = zFrom - 1; z <= zTo; z++) {
            for (int r = rowFrom - 1; r <= rowTo; r++) {
                long row = z * sliceStride + r * rowStride;
                long out = Scalar3d.slot(z, sliceStride) + r * rowStride;
                VectorKernels.logVectors(cur, scratch, planeStride, row, ScalarKernels.LOG_V * sliceStride + out, 0,
                    muFrom, muBound);
                VectorKernels.logVectors(cur, scratch, planeStride, row, ScalarKernels.LOG_I * sliceStride + out, 1,
                    muFrom, muBound);
                int c = VectorKernels.logVectors(cur, scratch, planeStride, row,
                    ScalarKernels.LOG_R * sliceStride + out, 2, muFrom, muBound);
                Scalar3d.nanovoidLogRow(cur, scratch, planeStride, sliceStride, row, out, c, muTo);
                c = nanovoidMuVectors(cur, scratch, planeStride, sliceStride, rowStride, row, out, muFrom, muBound, p,
                    voidMask);
                Scalar3d.nanovoidMuRow(cur, scratch, planeStride, sliceStride, rowStride, row, out, c, muTo, p,
                    voidMask);
            }
            if (z >= zFrom + 1) {
                for (int r = rowFrom; r < rowTo; r++) {
                    int c = nanovoidUpdateVectors(cur, next, scratch, planeStride, sliceStride, rowStride, z - 1, r,
                        colFrom, bound, p, conservative, voidMask, clamp);
                    Scalar3d.nanovoidUpdateRow(cur, next, scratch, planeStride, sliceStride, rowStride, z - 1, r, c,
                        colFrom + nx, p, conservative, voidMask, clamp);
                }
            }
        }
    }

    private static int nanovoidMuVectors(MemorySegment cur, MemorySegment scratch, long planeStride,
                                         long sliceStride, long rowStride, long row, long out, int from, int bound,
                                         double[] p, boolean voidMask) {
        final DoubleVector vEv = DoubleVector.broadcast(S, p[Nanovoid.EV]);
        final DoubleVector vEi = DoubleVector.broadcast(S, p[Nanovoid.EI]);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final DoubleVector vKv = DoubleVector.broadcast(S, p[Nanovoid.KV]);
        final DoubleVector vKi = DoubleVector.broadcast(S, p[Nanovoid.KI]);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final long slotI = 3 * sliceStride + out;
        final long logV = ScalarKernels.LOG_V * sliceStride + out;
        final long logI = ScalarKernels.LOG_I * sliceStride + out;
        final long logR = ScalarKernels.LOG_R * sliceStride + out;
        int c = from;
        for (; c < bound; c += LANES) {
            long iv = row + c;
            long ii = planeStride + iv;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ii);
            DoubleVector eta = load(cur, 2 * planeStride + iv);
            DoubleVector lapV = lap(cur, iv, rowStride, sliceStride, cv, vInv);
            DoubleVector lapI = lap(cur, ii, rowStride, sliceStride, ci, vInv);
            DoubleVector em1 = eta.sub(vOne);
            DoubleVector h = em1.mul(em1);
            DoubleVector j = eta.mul(eta);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector lr = load(scratch, logR + c);
            DoubleVector dfv = vEv.add(vKt.mul(load(scratch, logV + c).sub(lr)));
            DoubleVector dfi = vEi.add(vKt.mul(load(scratch, logI + c).sub(lr)));
            if (voidMask) {
                var inVoid = rest.compare(VectorOperators.LT, Nanovoid.EPS);
                dfv = dfv.blend(0.0, inVoid);
                dfi = dfi.blend(0.0, inVoid);
            }
            h.mul(dfv).add(j.mul(cv.sub(vOne).mul(2.0))).sub(vKv.mul(lapV))
                .intoMemorySegment(scratch, (out + c) << 3, LE);
            h.mul(dfi).add(j.mul(ci.mul(2.0))).sub(vKi.mul(lapI))
                .intoMemorySegment(scratch, (slotI + c) << 3, LE);
        }
        return c;
    }

    private static int nanovoidUpdateVectors(MemorySegment cur, MemorySegment next, MemorySegment scratch,
                                             long planeStride, long sliceStride, long rowStride, int u, int r,
                                             int from, int bound, double[] p, boolean conservative, boolean voidMask,
                                             boolean clamp) {
        final long row = u * sliceStride + r * rowStride;
        final long mid = Scalar3d.slot(u, sliceStride) + r * rowStride;
        final long front = Scalar3d.slot(u - 1, sliceStride) + r * rowStride;
        final long back = Scalar3d.slot(u + 1, sliceStride) + r * rowStride;
        final long iOff = 3 * sliceStride;
        final double kt = p[Nanovoid.KT];
        if (conservative) {
            concentrationConservative(cur, next, scratch, planeStride, sliceStride, rowStride, row, 0, mid, front,
                back, from, bound, p[Nanovoid.DV] / kt, p, clamp);
            concentrationConservative(cur, next, scratch, planeStride, sliceStride, rowStride, row, 1, iOff + mid,
                iOff + front, iOff + back, from, bound, p[Nanovoid.DI] / kt, p, clamp);
        } else {
            concentrationLiteral(cur, next, scratch, planeStride, sliceStride, rowStride, row, 0, mid, front, back,
                from, bound, p[Nanovoid.DV] / kt, p, clamp);
            concentrationLiteral(cur, next, scratch, planeStride, sliceStride, rowStride, row, 1, iOff + mid,
                iOff + front, iOff + back, from, bound, p[Nanovoid.DI] / kt, p, clamp);
        }
        return eta(cur, next, scratch, planeStride, sliceStride, rowStride, row, mid, from, bound, p, voidMask, clamp);
    }

    /** c' = c + dt (div - R), flux form, for species plane f with mu at mid and its slice neighbours. */
    private static void concentrationConservative(MemorySegment cur, MemorySegment next, MemorySegment mu,
                                                  long planeStride, long sliceStride, long rowStride, long row,
                                                  int f, long mid, long front, long back, int from, int bound,
                                                  double mobility, double[] p, boolean clamp) {
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vRb = DoubleVector.broadcast(S, p[Nanovoid.R_BULK]);
        final DoubleVector vRs = DoubleVector.broadcast(S, p[Nanovoid.R_SURF]);
        final DoubleVector vM = DoubleVector.broadcast(S, mobility);
        final DoubleVector vHalfInv = DoubleVector.broadcast(S, 0.5 * p[Nanovoid.INV_DX2]);
        final long own = f * planeStride;
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            long i = own + iv;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, planeStride + iv);
            DoubleVector eta = load(cur, 2 * planeStride + iv);
            DoubleVector conc = f == 0 ? cv : ci;
            DoubleVector muC = load(mu, mid + c);
            DoubleVector mc = vM.mul(conc);
            DoubleVector x = mc.add(vM.mul(load(cur, i + 1))).mul(load(mu, mid + c + 1).sub(muC))
                .sub(vM.mul(load(cur, i - 1)).add(mc).mul(muC.sub(load(mu, mid + c - 1))));
            DoubleVector y = mc.add(vM.mul(load(cur, i + rowStride))).mul(load(mu, mid + c + rowStride).sub(muC))
                .sub(vM.mul(load(cur, i - rowStride)).add(mc).mul(muC.sub(load(mu, mid + c - rowStride))));
            DoubleVector zz = mc.add(vM.mul(load(cur, i + sliceStride))).mul(load(mu, back + c).sub(muC))
                .sub(vM.mul(load(cur, i - sliceStride)).add(mc).mul(muC.sub(load(mu, front + c))));
            DoubleVector div = x.add(y).add(zz).mul(vHalfInv);
            DoubleVector rec = vRb.add(vRs.mul(eta.mul(eta))).mul(cv).mul(ci);
            DoubleVector v = flush(conc.add(vDt.mul(div.sub(rec))));
            if (clamp) {
                v = v.max(0.0).min(1.0);
            }
            v.intoMemorySegment(next, i << 3, LE);
        }
    }

    /** As {@link #concentrationConservative} with div = M c lap(mu) (the literal form). */
    private static void concentrationLiteral(MemorySegment cur, MemorySegment next, MemorySegment mu,
                                             long planeStride, long sliceStride, long rowStride, long row, int f,
                                             long mid, long front, long back, int from, int bound, double mobility,
                                             double[] p, boolean clamp) {
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vRb = DoubleVector.broadcast(S, p[Nanovoid.R_BULK]);
        final DoubleVector vRs = DoubleVector.broadcast(S, p[Nanovoid.R_SURF]);
        final DoubleVector vM = DoubleVector.broadcast(S, mobility);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final long own = f * planeStride;
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, planeStride + iv);
            DoubleVector eta = load(cur, 2 * planeStride + iv);
            DoubleVector conc = f == 0 ? cv : ci;
            DoubleVector m = load(mu, mid + c);
            DoubleVector xy = load(mu, mid + c - 1).add(load(mu, mid + c + 1))
                .add(load(mu, mid + c - rowStride).add(load(mu, mid + c + rowStride))).sub(m.mul(4.0));
            DoubleVector zz = load(mu, front + c).add(load(mu, back + c)).sub(m.mul(2.0));
            DoubleVector div = vM.mul(conc).mul(xy.add(zz).mul(vInv));
            DoubleVector rec = vRb.add(vRs.mul(eta.mul(eta))).mul(cv).mul(ci);
            DoubleVector v = flush(conc.add(vDt.mul(div.sub(rec))));
            if (clamp) {
                v = v.max(0.0).min(1.0);
            }
            v.intoMemorySegment(next, (own + iv) << 3, LE);
        }
    }

    /** eta' = eta + dt (-L (2 (eta-1) f_s + 2 eta f_v - ke lap eta)); returns the first column left. */
    private static int eta(MemorySegment cur, MemorySegment next, MemorySegment scratch, long planeStride,
                           long sliceStride, long rowStride, long row, long mid, int from, int bound, double[] p,
                           boolean voidMask, boolean clamp) {
        final long logV = ScalarKernels.LOG_V * sliceStride + mid;
        final long logI = ScalarKernels.LOG_I * sliceStride + mid;
        final long logR = ScalarKernels.LOG_R * sliceStride + mid;
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vEv = DoubleVector.broadcast(S, p[Nanovoid.EV]);
        final DoubleVector vEi = DoubleVector.broadcast(S, p[Nanovoid.EI]);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final DoubleVector vKe = DoubleVector.broadcast(S, p[Nanovoid.KE]);
        final DoubleVector vNegL = DoubleVector.broadcast(S, -p[Nanovoid.L]);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        int c = from;
        for (; c < bound; c += LANES) {
            long iv = row + c;
            long ie = 2 * planeStride + iv;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, planeStride + iv);
            DoubleVector eta = load(cur, ie);
            DoubleVector lapE = lap(cur, ie, rowStride, sliceStride, eta, vInv);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector lr = load(scratch, logR + c);
            DoubleVector fs = vEv.mul(cv).add(vEi.mul(ci)).add(vKt.mul(
                cv.mul(load(scratch, logV + c)).add(ci.mul(load(scratch, logI + c))).add(rest.mul(lr))));
            if (voidMask) {
                fs = fs.blend(0.0, rest.compare(VectorOperators.LT, Nanovoid.EPS));
            }
            DoubleVector cvm1 = cv.sub(vOne);
            DoubleVector fv = cvm1.mul(cvm1).add(ci.mul(ci));
            DoubleVector dEta = vNegL.mul(eta.sub(vOne).mul(2.0).mul(fs).add(eta.mul(2.0).mul(fv))
                .sub(vKe.mul(lapE)));
            DoubleVector ne = flush(eta.add(vDt.mul(dEta)));
            if (clamp) {
                ne = ne.max(0.0).min(1.0);
            }
            ne.intoMemorySegment(next, ie << 3, LE);
        }
        return c;
    }
}
