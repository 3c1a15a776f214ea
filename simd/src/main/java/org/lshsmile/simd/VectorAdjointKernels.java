package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.lshsmile.simd.StencilKernels.Nanovoid;

/**
 * Vector API adjoint kernels. The adjoint values written per cell follow {@link ScalarAdjointKernels}'
 * operation order, so they are bitwise equal to the scalar ones; the parameter sums of a row are kept in
 * one vector accumulator per parameter and reduced at the row's end, a different summation order, so
 * they agree with the scalar sums to rounding (1e-12 relative in the tests), not bitwise. Where the scalar
 * kernel fuses a multiply-add ({@link Math#fma}) this one does too ({@code fma}): one rounding, the same bits.
 *
 * <p>Loops are kept short, one method each, with stencils written out: C2 inlines a method's Vector API
 * calls only up to NodeCountInliningCutoff, and past it (a loop with more than about ten vector loads and
 * thirty operations) it left loads out of line and boxed the vectors, several times slower. Column tails
 * run through the scalar kernels' row helpers.
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
            // T = 2 S - A and -4 W once per row: every field's adjoint reads both.
            final DoubleVector vA = DoubleVector.broadcast(S, a);
            for (; c < bound; c += LANES) {
                DoubleVector s = DoubleVector.zero(S);
                DoubleVector w = DoubleVector.zero(S);
                for (int f = 0; f < q; f++) {
                    long i = f * planeStride + row + c;
                    DoubleVector e = load(eta, i);
                    s = e.fma(e, s);
                    w = load(lam, i).mul(ldt[f]).fma(e, w);
                }
                s.mul(2.0).sub(vA).intoMemorySegment(scratch, (long) c << 3, LE);
                w.mul(-4.0).intoMemorySegment(scratch, (rowStride + c) << 3, LE);
            }
            for (; c < colTo; c++) {
                double s = 0;
                double w = 0;
                for (int f = 0; f < q; f++) {
                    long i = f * planeStride + row + c;
                    double e = eta.getAtIndex(ScalarKernels.D, i);
                    s = Math.fma(e, e, s);
                    w = Math.fma(lam.getAtIndex(ScalarKernels.D, i) * ldt[f], e, w);
                }
                scratch.setAtIndex(ScalarKernels.D, c, 2.0 * s - a);
                scratch.setAtIndex(ScalarKernels.D, rowStride + c, -4.0 * w);
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
     * The vector part of one plane's row, columns {@code [from, bound)}, in
     * {@link ScalarAdjointKernels#gradGrowthPlaneRow}'s operations (fused multiply-adds, 19 per cell). Its own
     * method: with the whole row loop in one method C2 hit NodeCountInliningCutoff, left vector loads out of
     * line and boxed them (9x slower).
     */
    private static void planeRow(MemorySegment eta, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                 long rowStride, long base, int from, int bound, double lq, double kq, double a,
                                 double b, double invDx2, double dt, double[] rowGrad, int g, int f, int q) {
        final DoubleVector vMinusFour = DoubleVector.broadcast(S, -4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        final DoubleVector vB32 = DoubleVector.broadcast(S, 3.0 * b - 2.0);
        final DoubleVector vMinusL = DoubleVector.broadcast(S, -lq);
        final DoubleVector vL4 = DoubleVector.broadcast(S, 4.0 * lq);
        final DoubleVector vLK = DoubleVector.broadcast(S, lq * kq);
        final DoubleVector vB2 = DoubleVector.broadcast(S, b - 2.0);
        DoubleVector acc1 = DoubleVector.zero(S);
        DoubleVector acc3 = DoubleVector.zero(S);
        DoubleVector accBulk = DoubleVector.zero(S);
        DoubleVector accLap = DoubleVector.zero(S);
        // west and east of lam by permutes of the vectors before, at and after c (VectorKernels.EAST says why)
        DoubleVector before = load(lam, base + from - LANES);
        DoubleVector at = load(lam, base + from);
        for (int c = from; c < bound; c += LANES) {
            long i = base + c;
            // the Laplacian written out, not in a helper: a helper C2 leaves out of line boxes its vectors
            DoubleVector e = load(eta, i);
            DoubleVector l = at;
            DoubleVector after = load(lam, i + LANES);
            DoubleVector lapL = vMinusFour.fma(l, before.rearrange(VectorKernels.WEST, l)
                .add(l.rearrange(VectorKernels.EAST, after))
                .add(load(lam, i - rowStride).add(load(lam, i + rowStride)))).mul(vInv);
            before = l;
            at = after;
            DoubleVector sq = e.mul(e);
            DoubleVector t = load(scratch, c);
            DoubleVector d = vB32.fma(sq, t);
            DoubleVector le = l.mul(e);
            DoubleVector o = vMinusL.fma(l.mul(d), l);
            o = e.fma(vL4.fma(le, load(scratch, rowStride + c)), o);
            vLK.fma(lapL, o).intoMemorySegment(out, i << 3, LE);
            acc1 = acc1.add(le);
            acc3 = le.fma(sq, acc3);
            accBulk = le.fma(vB2.fma(sq, t), accBulk);
            accLap = e.fma(lapL, accLap);
        }
        // as ScalarAdjointKernels.gradGrowthPlaneRow: the kappa and L terms from eta lap(lam), one stencil per cell
        double p3 = acc3.reduceLanes(VectorOperators.ADD);
        double dLap = accLap.reduceLanes(VectorOperators.ADD);
        rowGrad[g] += lq * acc1.reduceLanes(VectorOperators.ADD);
        rowGrad[g + 1] -= lq * p3;
        rowGrad[g + 2 + f] += (kq * dLap - accBulk.reduceLanes(VectorOperators.ADD)) * dt;
        rowGrad[g + 2 + q + f] += dLap * lq;
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
                chOutVectors(c, lam, out, scratch, rowStride, r - 1, colFrom, bound, kappa, rho, ca, cb, invDx2,
                    rowGrad, g);
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

    /* Nanovoid: scratch rows beyond the scalar kernel's, for one row u (not rolling). */

    /** (lam_v Dv/kT) div_v per cell, then dt ((lam_v Dv/kT) div_v + (lam_i Di/kT) div_i) / kT (for dkT). */
    private static final int NV_KT_V = 21;
    /** (lam_i Di/kT) div_i per cell. */
    private static final int NV_KT_I = 22;
    /** {@code 2 (eta-1) f_s + 2 eta f_v} per cell, for dL. */
    private static final int NV_B = 23;
    /** The x-direction half of the conservative flux divergence, per cell. */
    private static final int NV_H = 24;

    /**
     * Per row: the forward kernel's log and mu passes, alpha, then the adjoint row as a chain of short loops.
     * Why so many: C2 inlines a method's Vector API calls only up to NodeCountInliningCutoff, and a loop
     * with more than about ten vector loads and thirty operations passed it, left loads out of line and
     * boxed vectors. Each field's out is built in the scalar kernel's operation order, its partial results kept
     * in {@code out} or the scratch between the loops (a stored double is the same double), so the result is
     * bitwise equal.
     */
    @Override
    public void nanovoidAdjointRows(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                    long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                    double[] p, boolean conservative, boolean voidMask, double[] rowGrad,
                                    int rowGradBase) {
        final int muFrom = colFrom - 1;
        final int muTo = colFrom + nx + 1;
        final int muBound = muFrom + S.loopBound(nx + 2);
        final int colTo = colFrom + nx;
        final int bound = colFrom + S.loopBound(nx);
        final long ps = planeStride;
        final long rs = rowStride;
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            VectorKernels.nanovoidLogVectors(cur, scratch, ps, rs, r, 0, muFrom, muBound);
            VectorKernels.nanovoidLogVectors(cur, scratch, ps, rs, r, 1, muFrom, muBound);
            int c = VectorKernels.nanovoidLogVectors(cur, scratch, ps, rs, r, 2, muFrom, muBound);
            ScalarKernels.nanovoidLogRow(cur, scratch, ps, rs, r, c, colTo);
            c = VectorKernels.nanovoidMuVectors(cur, scratch, ps, rs, r, muFrom, muBound, p, voidMask);
            ScalarKernels.nanovoidMuRow(cur, scratch, ps, rs, r, c, colFrom, nx, p, voidMask);
            nvAlphaVectors(cur, lam, scratch, ps, rs, r, 0, muFrom, muBound, p, conservative);
            nvAlphaVectors(cur, lam, scratch, ps, rs, r, 1, muFrom, muBound, p, conservative);
            ScalarAdjointKernels.nvAlphaRow(cur, lam, scratch, ps, rs, r, muBound, muTo, p, conservative);
            if (r >= rowFrom + 1) {
                int u = r - 1;
                int g = (u - rowGradBase) * NANOVOID_PARAMETERS;
                for (int f = 0; f < 2; f++) {
                    if (conservative) {
                        nvFluxAdjoint(lam, out, scratch, ps, rs, u, f, colFrom, bound, p);
                        nvFluxX(cur, scratch, ps, rs, u, f, colFrom, bound);
                        nvFluxTerms(cur, lam, scratch, ps, rs, u, f, colFrom, bound, p, rowGrad, g);
                    } else {
                        nvLiteralMobility(cur, lam, out, scratch, ps, rs, u, f, colFrom, bound, p, rowGrad, g);
                    }
                    nvKappaSum(cur, scratch, ps, rs, u, f, colFrom, bound, p, rowGrad, g);
                    nvSpeciesLocal(cur, lam, out, scratch, ps, rs, u, f, colFrom, bound, p, voidMask);
                    nvSpeciesStencil(out, scratch, ps, rs, u, f, colFrom, bound, p);
                    nvSpeciesFinal(cur, lam, out, scratch, ps, rs, u, f, colFrom, bound, p, voidMask);
                }
                nvEtaFree(cur, lam, out, scratch, ps, rs, u, colFrom, bound, p, voidMask);
                nvEtaCoupling(cur, lam, out, ps, rs, u, colFrom, bound, p, rowGrad, g);
                nvEtaChemical(cur, out, scratch, ps, rs, u, colFrom, bound, p, voidMask);
                nvEtaSums(cur, lam, scratch, ps, rs, u, colFrom, bound, p, rowGrad, g);
                nvFormationSums(cur, lam, scratch, ps, rs, u, colFrom, bound, p, voidMask, rowGrad, g);
                nvMobilityKt(scratch, rs, colFrom, bound, p);
                nvKtSum(cur, lam, scratch, ps, rs, u, colFrom, bound, p, voidMask, rowGrad, g);
                ScalarAdjointKernels.nvAdjointRow(cur, lam, out, scratch, ps, rs, u, bound, colTo, p, conservative,
                    voidMask, rowGrad, g);
            }
        }
    }

    /** alpha of species f (0 = v, 1 = i), row r, columns {@code [from, bound)}: ScalarAdjointKernels.alpha. */
    private static void nvAlphaVectors(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long ps, long rs,
                                       int r, int f, int from, int bound, double[] p, boolean conservative) {
        final double a = p[Nanovoid.DT] * p[f == 0 ? Nanovoid.DV : Nanovoid.DI] / p[Nanovoid.KT];
        final long row = f * ps + r * rs;
        final long dst = (f == 0 ? ScalarAdjointKernels.NV_AL_V : ScalarAdjointKernels.NV_AL_I) * rs
            + Math.floorMod(r, 3) * rs;
        // one loop per form, each its own method: a form switch in the loop cost profile traps and recompiles
        if (conservative) {
            nvAlphaFlux(cur, lam, scratch, rs, row, dst, from, bound, a, p[Nanovoid.INV_DX2]);
        } else {
            nvAlphaLiteral(cur, lam, scratch, rs, row, dst, from, bound, a, p[Nanovoid.INV_DX2]);
        }
    }

    /** Literal alpha: {@code a lap(lam c)}, columns {@code [from, bound)} of the row at {@code row}. */
    private static void nvAlphaLiteral(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long rs, long row,
                                       long dst, int from, int bound, double a, double inv) {
        final DoubleVector vA = DoubleVector.broadcast(S, a);
        final DoubleVector vInv = DoubleVector.broadcast(S, inv);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector l = load(lam, i).mul(load(cur, i));
            DoubleVector w = load(lam, i - 1).mul(load(cur, i - 1));
            DoubleVector e = load(lam, i + 1).mul(load(cur, i + 1));
            DoubleVector n = load(lam, i - rs).mul(load(cur, i - rs));
            DoubleVector s = load(lam, i + rs).mul(load(cur, i + rs));
            vA.mul(w.add(e).add(n.add(s)).sub(vFour.mul(l)).mul(vInv)).intoMemorySegment(scratch, (dst + c) << 3, LE);
        }
    }

    /** Conservative alpha: {@code a sum_faces (c + c_k)(lam_k - lam) / (2 dx^2)}, columns {@code [from, bound)}. */
    private static void nvAlphaFlux(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long rs, long row,
                                    long dst, int from, int bound, double a, double inv) {
        final DoubleVector vA = DoubleVector.broadcast(S, a);
        final DoubleVector vHalfInv = DoubleVector.broadcast(S, 0.5 * inv);
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector x = load(cur, i);
            DoubleVector l = load(lam, i);
            DoubleVector sum = x.add(load(cur, i - 1)).mul(load(lam, i - 1).sub(l))
                .add(x.add(load(cur, i + 1)).mul(load(lam, i + 1).sub(l)))
                .add(x.add(load(cur, i - rs)).mul(load(lam, i - rs).sub(l)))
                .add(x.add(load(cur, i + rs)).mul(load(lam, i + rs).sub(l)));
            vA.mul(sum).mul(vHalfInv).intoMemorySegment(scratch, (dst + c) << 3, LE);
        }
    }

    /**
     * Literal form, species f, row u: {@code out_f = lam_f + dt m_f lam_f lap(mu_f)}; dD_f; the dkT mobility
     * term per cell into scratch row NV_KT_V + f.
     */
    private static void nvLiteralMobility(MemorySegment cur, MemorySegment lam, MemorySegment out,
                                          MemorySegment scratch, long ps, long rs, int u, int f, int from, int bound,
                                          double[] p, double[] rowGrad, int g) {
        final double kt = p[Nanovoid.KT];
        final double dt = p[Nanovoid.DT];
        final double m = p[f == 0 ? Nanovoid.DV : Nanovoid.DI] / kt;
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vDtM = DoubleVector.broadcast(S, dt * m);
        final DoubleVector vM = DoubleVector.broadcast(S, m);
        final DoubleVector vDt = DoubleVector.broadcast(S, dt);
        final DoubleVector vKt = DoubleVector.broadcast(S, kt);
        final long row = f * ps + u * rs;
        final long mu = f * 3L * rs;
        final long muUp = mu + Math.floorMod(u - 1, 3) * rs;
        final long muMid = mu + Math.floorMod(u, 3) * rs;
        final long muDown = mu + Math.floorMod(u + 1, 3) * rs;
        final long kRow = (NV_KT_V + f) * rs;
        DoubleVector accD = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector l = load(lam, i);
            DoubleVector lapMu = load(scratch, muMid + c - 1).add(load(scratch, muMid + c + 1))
                .add(load(scratch, muUp + c).add(load(scratch, muDown + c))).sub(vFour.mul(load(scratch, muMid + c)))
                .mul(vInv);
            DoubleVector t0 = load(cur, i).mul(lapMu);
            l.add(vDtM.mul(l.mul(lapMu))).intoMemorySegment(out, i << 3, LE);
            accD = accD.add(vDt.mul(l).mul(t0).div(vKt));
            l.mul(vM).mul(t0).intoMemorySegment(scratch, (kRow + c) << 3, LE);
        }
        rowGrad[g + (f == 0 ? ScalarAdjointKernels.NV_DV : ScalarAdjointKernels.NV_DI)] +=
            accD.reduceLanes(VectorOperators.ADD);
    }

    /** Conservative form, species f, row u: {@code out_f = lam_f + dt m_f (adjoint of the flux divergence)}. */
    private static void nvFluxAdjoint(MemorySegment lam, MemorySegment out, MemorySegment scratch, long ps, long rs,
                                      int u, int f, int from, int bound, double[] p) {
        final double m = p[f == 0 ? Nanovoid.DV : Nanovoid.DI] / p[Nanovoid.KT];
        final DoubleVector vHalfInv = DoubleVector.broadcast(S, 0.5 * p[Nanovoid.INV_DX2]);
        final DoubleVector vDtM = DoubleVector.broadcast(S, p[Nanovoid.DT] * m);
        final long row = f * ps + u * rs;
        final long mu = f * 3L * rs;
        final long muUp = mu + Math.floorMod(u - 1, 3) * rs;
        final long muMid = mu + Math.floorMod(u, 3) * rs;
        final long muDown = mu + Math.floorMod(u + 1, 3) * rs;
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector l = load(lam, i);
            DoubleVector muC = load(scratch, muMid + c);
            DoubleVector t1 = l.sub(load(lam, i - 1)).mul(load(scratch, muMid + c - 1).sub(muC))
                .add(l.sub(load(lam, i + 1)).mul(load(scratch, muMid + c + 1).sub(muC)))
                .add(l.sub(load(lam, i - rs)).mul(load(scratch, muUp + c).sub(muC)))
                .add(l.sub(load(lam, i + rs)).mul(load(scratch, muDown + c).sub(muC)))
                .mul(vHalfInv);
            l.add(vDtM.mul(t1)).intoMemorySegment(out, i << 3, LE);
        }
    }

    /** Conservative form, species f, row u: the x-direction half of the flux divergence into scratch row NV_H. */
    private static void nvFluxX(MemorySegment cur, MemorySegment scratch, long ps, long rs, int u, int f, int from,
                                int bound) {
        final long row = f * ps + u * rs;
        final long muMid = f * 3L * rs + Math.floorMod(u, 3) * rs;
        final long hRow = NV_H * rs;
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector x = load(cur, i);
            DoubleVector muC = load(scratch, muMid + c);
            x.add(load(cur, i + 1)).mul(load(scratch, muMid + c + 1).sub(muC))
                .sub(load(cur, i - 1).add(x).mul(muC.sub(load(scratch, muMid + c - 1))))
                .intoMemorySegment(scratch, (hRow + c) << 3, LE);
        }
    }

    /**
     * Conservative form, species f, row u: the flux divergence (its x half from NV_H), dD_f, and the dkT
     * mobility term per cell into scratch row NV_KT_V + f.
     */
    private static void nvFluxTerms(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long ps, long rs,
                                    int u, int f, int from, int bound, double[] p, double[] rowGrad, int g) {
        final double kt = p[Nanovoid.KT];
        final double dt = p[Nanovoid.DT];
        final double m = p[f == 0 ? Nanovoid.DV : Nanovoid.DI] / kt;
        final DoubleVector vHalfInv = DoubleVector.broadcast(S, 0.5 * p[Nanovoid.INV_DX2]);
        final DoubleVector vM = DoubleVector.broadcast(S, m);
        final DoubleVector vDt = DoubleVector.broadcast(S, dt);
        final DoubleVector vKt = DoubleVector.broadcast(S, kt);
        final long row = f * ps + u * rs;
        final long mu = f * 3L * rs;
        final long muUp = mu + Math.floorMod(u - 1, 3) * rs;
        final long muMid = mu + Math.floorMod(u, 3) * rs;
        final long muDown = mu + Math.floorMod(u + 1, 3) * rs;
        final long hRow = NV_H * rs;
        final long kRow = (NV_KT_V + f) * rs;
        DoubleVector accD = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector x = load(cur, i);
            DoubleVector muC = load(scratch, muMid + c);
            DoubleVector y = x.add(load(cur, i + rs)).mul(load(scratch, muDown + c).sub(muC))
                .sub(load(cur, i - rs).add(x).mul(muC.sub(load(scratch, muUp + c))));
            DoubleVector t0 = load(scratch, hRow + c).add(y).mul(vHalfInv);
            DoubleVector l = load(lam, i);
            accD = accD.add(vDt.mul(l).mul(t0).div(vKt));
            l.mul(vM).mul(t0).intoMemorySegment(scratch, (kRow + c) << 3, LE);
        }
        rowGrad[g + (f == 0 ? ScalarAdjointKernels.NV_DV : ScalarAdjointKernels.NV_DI)] +=
            accD.reduceLanes(VectorOperators.ADD);
    }

    /** Species f, row u: dk_f = -alpha_f lap(c_f). */
    private static void nvKappaSum(MemorySegment cur, MemorySegment scratch, long ps, long rs, int u, int f, int from,
                                   int bound, double[] p, double[] rowGrad, int g) {
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final long row = f * ps + u * rs;
        final long al = (f == 0 ? ScalarAdjointKernels.NV_AL_V : ScalarAdjointKernels.NV_AL_I) * rs
            + Math.floorMod(u, 3) * rs;
        DoubleVector accK = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector lapX = load(cur, i - 1).add(load(cur, i + 1)).add(load(cur, i - rs).add(load(cur, i + rs)))
                .sub(vFour.mul(load(cur, i))).mul(vInv);
            accK = accK.sub(load(scratch, al + c).mul(lapX));
        }
        rowGrad[g + (f == 0 ? ScalarAdjointKernels.NV_KV : ScalarAdjointKernels.NV_KI)] +=
            accK.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Species f, row u, after the mobility loop: {@code out_f -= dt (lam_v + lam_i) R c_other}, then the
     * alpha_v and alpha_i terms of dmu/dc_f (the parts without a stencil).
     */
    private static void nvSpeciesLocal(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                       long ps, long rs, int u, int f, int from, int bound, double[] p,
                                       boolean voidMask) {
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        final VectorMask<Double> isV = S.maskAll(f == 0);
        // the switches as masks, not branches: a branch in the loop cost C2 profile traps and recompiles
        final VectorMask<Double> masked = S.maskAll(voidMask);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vRb = DoubleVector.broadcast(S, p[Nanovoid.R_BULK]);
        final DoubleVector vRs = DoubleVector.broadcast(S, p[Nanovoid.R_SURF]);
        final long row = u * rs;
        final long own = f * ps;
        final long mid = Math.floorMod(u, 3) * rs;
        final long alV = ScalarAdjointKernels.NV_AL_V * rs + mid;
        final long alI = ScalarAdjointKernels.NV_AL_I * rs + mid;
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ps + iv);
            DoubleVector eta = load(cur, 2 * ps + iv);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector x = ci.blend(cv, isV);
            DoubleVector pf = vZero.blend(vOne.div(x), x.compare(VectorOperators.GT, vEps));
            DoubleVector pr = vZero.blend(vOne.div(rest), rest.compare(VectorOperators.GT, vEps));
            DoubleVector nm = vOne.blend(vZero, rest.compare(VectorOperators.LT, vEps).and(masked));
            DoubleVector nmkt = nm.mul(vKt);
            DoubleVector em1 = eta.sub(vOne);
            DoubleVector h = em1.mul(em1);
            DoubleVector j = eta.mul(eta);
            DoubleVector ownTerm = h.mul(nmkt.mul(pf.add(pr))).add(vTwo.mul(j));
            DoubleVector crossTerm = h.mul(nmkt.mul(pr));
            DoubleVector lr = vDt.mul(load(lam, iv).add(load(lam, ps + iv)));
            DoubleVector rate = vRb.add(vRs.mul(j));
            load(out, own + iv).sub(lr.mul(rate).mul(cv.blend(ci, isV)))
                .add(load(scratch, alV + c).mul(crossTerm.blend(ownTerm, isV)))
                .add(load(scratch, alI + c).mul(ownTerm.blend(crossTerm, isV)))
                .intoMemorySegment(out, (own + iv) << 3, LE);
        }
    }

    /** Species f, row u, after nvSpeciesLocal: {@code out_f -= k_f lap(alpha_f)}. */
    private static void nvSpeciesStencil(MemorySegment out, MemorySegment scratch, long ps, long rs, int u, int f,
                                         int from, int bound, double[] p) {
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vK = DoubleVector.broadcast(S, p[f == 0 ? Nanovoid.KV : Nanovoid.KI]);
        final long row = f * ps + u * rs;
        final long al = f == 0 ? ScalarAdjointKernels.NV_AL_V * rs : ScalarAdjointKernels.NV_AL_I * rs;
        final long alUp = al + Math.floorMod(u - 1, 3) * rs;
        final long alMid = al + Math.floorMod(u, 3) * rs;
        final long alDown = al + Math.floorMod(u + 1, 3) * rs;
        for (int c = from; c < bound; c += LANES) {
            long i = row + c;
            DoubleVector lapAl = load(scratch, alMid + c - 1).add(load(scratch, alMid + c + 1))
                .add(load(scratch, alUp + c).add(load(scratch, alDown + c))).sub(vFour.mul(load(scratch, alMid + c)))
                .mul(vInv);
            load(out, i).sub(vK.mul(lapAl)).intoMemorySegment(out, i << 3, LE);
        }
    }

    /** Species f, row u, last: {@code out_f -= dt L lam_eta dB/dc_f}. */
    private static void nvSpeciesFinal(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                       long ps, long rs, int u, int f, int from, int bound, double[] p,
                                       boolean voidMask) {
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        final VectorMask<Double> isV = S.maskAll(f == 0);
        final DoubleVector vShift = DoubleVector.broadcast(S, f == 0 ? 1.0 : 0.0);
        // the switches as masks, not branches: a branch in the loop cost C2 profile traps and recompiles
        final VectorMask<Double> masked = S.maskAll(voidMask);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final DoubleVector vE = DoubleVector.broadcast(S, p[f == 0 ? Nanovoid.EV : Nanovoid.EI]);
        final DoubleVector vDtMob = DoubleVector.broadcast(S, p[Nanovoid.DT] * p[Nanovoid.L]);
        final long row = u * rs;
        final long own = f * ps;
        final long mid = Math.floorMod(u, 3) * rs;
        final long logF = (f == 0 ? ScalarKernels.LOG_V : ScalarKernels.LOG_I) * rs + mid;
        final long logR = ScalarKernels.LOG_R * rs + mid;
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ps + iv);
            DoubleVector eta = load(cur, 2 * ps + iv);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector x = ci.blend(cv, isV);
            DoubleVector pf = vZero.blend(vOne.div(x), x.compare(VectorOperators.GT, vEps));
            DoubleVector pr = vZero.blend(vOne.div(rest), rest.compare(VectorOperators.GT, vEps));
            DoubleVector nm = vOne.blend(vZero, rest.compare(VectorOperators.LT, vEps).and(masked));
            DoubleVector dfs = nm.mul(vE.add(vKt.mul(load(scratch, logF + c).add(x.mul(pf))
                .sub(load(scratch, logR + c).add(rest.mul(pr))))));
            DoubleVector dh = vTwo.mul(eta.sub(vOne));
            DoubleVector dj = vTwo.mul(eta);
            DoubleVector ld = vDtMob.mul(load(lam, 2 * ps + iv));
            // d f_v / d c_f: 2 (c_v - 1), or 2 (c_i - 0), which is 2 c_i to the bit
            DoubleVector dFv = vTwo.mul(x.sub(vShift));
            load(out, own + iv).sub(ld.mul(dh.mul(dfs).add(dj.mul(dFv)))).intoMemorySegment(out, (own + iv) << 3, LE);
        }
    }

    /**
     * eta, row u, first: {@code out_eta = lam_eta - dt L lam_eta (2 f_s + 2 f_v)}; {@code 2 (eta-1) f_s + 2 eta f_v}
     * per cell into scratch row NV_B.
     */
    private static void nvEtaFree(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch,
                                  long ps, long rs, int u, int from, int bound, double[] p, boolean voidMask) {
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        // the switches as masks, not branches: a branch in the loop cost C2 profile traps and recompiles
        final VectorMask<Double> masked = S.maskAll(voidMask);
        final DoubleVector vEv = DoubleVector.broadcast(S, p[Nanovoid.EV]);
        final DoubleVector vEi = DoubleVector.broadcast(S, p[Nanovoid.EI]);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final DoubleVector vDtMob = DoubleVector.broadcast(S, p[Nanovoid.DT] * p[Nanovoid.L]);
        final long row = u * rs;
        final long mid = Math.floorMod(u, 3) * rs;
        final long logV = ScalarKernels.LOG_V * rs + mid;
        final long logI = ScalarKernels.LOG_I * rs + mid;
        final long logR = ScalarKernels.LOG_R * rs + mid;
        final long bRow = NV_B * rs;
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            long ie = 2 * ps + iv;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ps + iv);
            DoubleVector eta = load(cur, ie);
            DoubleVector le = load(lam, ie);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector nm = vOne.blend(vZero, rest.compare(VectorOperators.LT, vEps).and(masked));
            DoubleVector entropy = cv.mul(load(scratch, logV + c)).add(ci.mul(load(scratch, logI + c)))
                .add(rest.mul(load(scratch, logR + c)));
            DoubleVector fs = nm.mul(vEv.mul(cv).add(vEi.mul(ci)).add(vKt.mul(entropy)));
            DoubleVector cvm1 = cv.sub(vOne);
            DoubleVector fv = cvm1.mul(cvm1).add(ci.mul(ci));
            DoubleVector ld = vDtMob.mul(le);
            le.sub(ld.mul(vTwo.mul(fs).add(vTwo.mul(fv)))).intoMemorySegment(out, ie << 3, LE);
            vTwo.mul(eta.sub(vOne)).mul(fs).add(vTwo.mul(eta).mul(fv)).intoMemorySegment(scratch, (bRow + c) << 3, LE);
        }
    }

    /**
     * eta, row u, second: {@code out_eta += dt L ke lap(lam_eta) - dt (lam_v + lam_i) 2 R_surf eta c_v c_i};
     * dR_bulk and dR_surf.
     */
    private static void nvEtaCoupling(MemorySegment cur, MemorySegment lam, MemorySegment out, long ps, long rs,
                                      int u, int from, int bound, double[] p, double[] rowGrad, int g) {
        final double dt = p[Nanovoid.DT];
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vDt = DoubleVector.broadcast(S, dt);
        final DoubleVector vDtMobKe = DoubleVector.broadcast(S, dt * p[Nanovoid.L] * p[Nanovoid.KE]);
        final DoubleVector vTwoRs = DoubleVector.broadcast(S, 2.0 * p[Nanovoid.R_SURF]);
        final long row = u * rs;
        DoubleVector accRb = DoubleVector.zero(S);
        DoubleVector accRs = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            long ie = 2 * ps + iv;
            DoubleVector lapLe = load(lam, ie - 1).add(load(lam, ie + 1))
                .add(load(lam, ie - rs).add(load(lam, ie + rs))).sub(vFour.mul(load(lam, ie))).mul(vInv);
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ps + iv);
            DoubleVector eta = load(cur, ie);
            DoubleVector lr = vDt.mul(load(lam, iv).add(load(lam, ps + iv)));
            load(out, ie).add(vDtMobKe.mul(lapLe)).sub(lr.mul(vTwoRs.mul(eta)).mul(cv).mul(ci))
                .intoMemorySegment(out, ie << 3, LE);
            accRb = accRb.sub(lr.mul(cv).mul(ci));
            accRs = accRs.sub(lr.mul(eta.mul(eta)).mul(cv).mul(ci));
        }
        rowGrad[g + ScalarAdjointKernels.NV_RB] += accRb.reduceLanes(VectorOperators.ADD);
        rowGrad[g + ScalarAdjointKernels.NV_RS] += accRs.reduceLanes(VectorOperators.ADD);
    }

    /** eta, row u, last: {@code out_eta += alpha_v dmu_v/deta + alpha_i dmu_i/deta}. */
    private static void nvEtaChemical(MemorySegment cur, MemorySegment out, MemorySegment scratch, long ps, long rs,
                                      int u, int from, int bound, double[] p, boolean voidMask) {
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        // the switches as masks, not branches: a branch in the loop cost C2 profile traps and recompiles
        final VectorMask<Double> masked = S.maskAll(voidMask);
        final DoubleVector vEv = DoubleVector.broadcast(S, p[Nanovoid.EV]);
        final DoubleVector vEi = DoubleVector.broadcast(S, p[Nanovoid.EI]);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final long row = u * rs;
        final long mid = Math.floorMod(u, 3) * rs;
        final long logV = ScalarKernels.LOG_V * rs + mid;
        final long logI = ScalarKernels.LOG_I * rs + mid;
        final long logR = ScalarKernels.LOG_R * rs + mid;
        final long alV = ScalarAdjointKernels.NV_AL_V * rs + mid;
        final long alI = ScalarAdjointKernels.NV_AL_I * rs + mid;
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            long ie = 2 * ps + iv;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ps + iv);
            DoubleVector eta = load(cur, ie);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector nm = vOne.blend(vZero, rest.compare(VectorOperators.LT, vEps).and(masked));
            DoubleVector lr = load(scratch, logR + c);
            DoubleVector dfv = nm.mul(vEv.add(vKt.mul(load(scratch, logV + c).sub(lr))));
            DoubleVector dfi = nm.mul(vEi.add(vKt.mul(load(scratch, logI + c).sub(lr))));
            DoubleVector dh = vTwo.mul(eta.sub(vOne));
            DoubleVector dj = vTwo.mul(eta);
            load(out, ie).add(load(scratch, alV + c).mul(dh.mul(dfv).add(dj.mul(vTwo.mul(cv.sub(vOne))))))
                .add(load(scratch, alI + c).mul(dh.mul(dfi).add(dj.mul(vTwo.mul(ci)))))
                .intoMemorySegment(out, ie << 3, LE);
        }
    }

    /** Row u: dke and dL (the bracket's first part from scratch row NV_B). */
    private static void nvEtaSums(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long ps, long rs,
                                  int u, int from, int bound, double[] p, double[] rowGrad, int g) {
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vDtMob = DoubleVector.broadcast(S, p[Nanovoid.DT] * p[Nanovoid.L]);
        final DoubleVector vKe = DoubleVector.broadcast(S, p[Nanovoid.KE]);
        final long row = 2 * ps + u * rs;
        final long bRow = NV_B * rs;
        DoubleVector accKe = DoubleVector.zero(S);
        DoubleVector accL = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long ie = row + c;
            DoubleVector lapE = load(cur, ie - 1).add(load(cur, ie + 1)).add(load(cur, ie - rs).add(load(cur, ie + rs)))
                .sub(vFour.mul(load(cur, ie))).mul(vInv);
            DoubleVector le = load(lam, ie);
            accKe = accKe.add(vDtMob.mul(le).mul(lapE));
            accL = accL.sub(vDt.mul(le).mul(load(scratch, bRow + c).sub(vKe.mul(lapE))));
        }
        rowGrad[g + ScalarAdjointKernels.NV_KE] += accKe.reduceLanes(VectorOperators.ADD);
        rowGrad[g + ScalarAdjointKernels.NV_L] += accL.reduceLanes(VectorOperators.ADD);
    }

    /** Row u: dEv and dEi. */
    private static void nvFormationSums(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long ps, long rs,
                                        int u, int from, int bound, double[] p, boolean voidMask, double[] rowGrad,
                                        int g) {
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        // the switches as masks, not branches: a branch in the loop cost C2 profile traps and recompiles
        final VectorMask<Double> masked = S.maskAll(voidMask);
        final DoubleVector vDtMob = DoubleVector.broadcast(S, p[Nanovoid.DT] * p[Nanovoid.L]);
        final long row = u * rs;
        final long mid = Math.floorMod(u, 3) * rs;
        final long alV = ScalarAdjointKernels.NV_AL_V * rs + mid;
        final long alI = ScalarAdjointKernels.NV_AL_I * rs + mid;
        DoubleVector accEv = DoubleVector.zero(S);
        DoubleVector accEi = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ps + iv);
            DoubleVector em1 = load(cur, 2 * ps + iv).sub(vOne);
            DoubleVector h = em1.mul(em1);
            DoubleVector nm = vOne.blend(vZero, vOne.sub(cv).sub(ci).compare(VectorOperators.LT, vEps).and(masked));
            DoubleVector ldh = vDtMob.mul(load(lam, 2 * ps + iv)).mul(vTwo.mul(em1));
            accEv = accEv.add(nm.mul(load(scratch, alV + c).mul(h).sub(ldh.mul(cv))));
            accEi = accEi.add(nm.mul(load(scratch, alI + c).mul(h).sub(ldh.mul(ci))));
        }
        rowGrad[g + ScalarAdjointKernels.NV_EV] += accEv.reduceLanes(VectorOperators.ADD);
        rowGrad[g + ScalarAdjointKernels.NV_EI] += accEi.reduceLanes(VectorOperators.ADD);
    }

    /** The mobilities' part of dkT per cell, {@code dt (NV_KT_V + NV_KT_I) / kT}, into row NV_KT_V. */
    private static void nvMobilityKt(MemorySegment scratch, long rs, int from, int bound, double[] p) {
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final long ktV = NV_KT_V * rs;
        final long ktI = NV_KT_I * rs;
        for (int c = from; c < bound; c += LANES) {
            vDt.mul(load(scratch, ktV + c).add(load(scratch, ktI + c))).div(vKt)
                .intoMemorySegment(scratch, (ktV + c) << 3, LE);
        }
    }

    /** Row u: dkT (the mobilities' part from row NV_KT_V, see nvMobilityKt). */
    private static void nvKtSum(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long ps, long rs, int u,
                                int from, int bound, double[] p, boolean voidMask, double[] rowGrad, int g) {
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        // the switches as masks, not branches: a branch in the loop cost C2 profile traps and recompiles
        final VectorMask<Double> masked = S.maskAll(voidMask);
        final DoubleVector vDtMob = DoubleVector.broadcast(S, p[Nanovoid.DT] * p[Nanovoid.L]);
        final long row = u * rs;
        final long mid = Math.floorMod(u, 3) * rs;
        final long logV = ScalarKernels.LOG_V * rs + mid;
        final long logI = ScalarKernels.LOG_I * rs + mid;
        final long logR = ScalarKernels.LOG_R * rs + mid;
        final long alV = ScalarAdjointKernels.NV_AL_V * rs + mid;
        final long alI = ScalarAdjointKernels.NV_AL_I * rs + mid;
        final long ktV = NV_KT_V * rs;
        DoubleVector accKt = DoubleVector.zero(S);
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ps + iv);
            DoubleVector em1 = load(cur, 2 * ps + iv).sub(vOne);
            DoubleVector h = em1.mul(em1);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector nm = vOne.blend(vZero, rest.compare(VectorOperators.LT, vEps).and(masked));
            DoubleVector ldh = vDtMob.mul(load(lam, 2 * ps + iv)).mul(vTwo.mul(em1));
            DoubleVector lgV = load(scratch, logV + c);
            DoubleVector lgI = load(scratch, logI + c);
            DoubleVector lgR = load(scratch, logR + c);
            DoubleVector entropy = cv.mul(lgV).add(ci.mul(lgI)).add(rest.mul(lgR));
            DoubleVector energy = load(scratch, alV + c).mul(h).mul(lgV.sub(lgR))
                .add(load(scratch, alI + c).mul(h).mul(lgI.sub(lgR)));
            accKt = accKt.add(nm.mul(energy.sub(ldh.mul(entropy))).sub(load(scratch, ktV + c)));
        }
        rowGrad[g + ScalarAdjointKernels.NV_KT] += accKt.reduceLanes(VectorOperators.ADD);
    }
}
