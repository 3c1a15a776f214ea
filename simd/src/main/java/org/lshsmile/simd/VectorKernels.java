package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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

    /**
     * Lanes 1..L-1 of a vector then lane 0 of the next: the east neighbours {@code x[c+1..c+L]} from the aligned
     * vectors at c and c + L. With interior rows 64-byte aligned, a load at c + 1 crosses a cache line for every
     * 512-bit vector (a split load, two load slots on this machine); a two-vector permute reuses loads the loop
     * makes anyway: about a tenth off the grain-growth step at 128^2 (bench/README.md; bits unchanged: values
     * are only moved).
     */
    static final VectorShuffle<Double> EAST = VectorShuffle.iota(S, 1, 1, false);

    /** Lane L-1 of the previous vector, then lanes 0..L-2: the west neighbours {@code x[c-1..c+L-2]}. */
    static final VectorShuffle<Double> WEST = VectorShuffle.iota(S, LANES - 1, 1, false);

    @Override
    public void grainGrowthRows(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                                long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                double[] ldt, double[] kappa, double a, double b, double invDx2, boolean clamp) {
        final int colTo = colFrom + nx;
        final int bound = colFrom + S.loopBound(nx);
        for (int r = rowFrom; r < rowTo; r++) {
            final long row = r * rowStride;
            // Sum of squares over all order parameters once per row: each field's update reads it.
            ggSumSqVectors(cur, row, planeStride, q, sumSq, colFrom, bound);
            ggSumSqTail(cur, row, planeStride, q, sumSq, bound, colTo);
            for (int f = 0; f < q; f++) {
                final long base = f * planeStride + row;
                ggFieldVectors(cur, base - rowStride, base, base + rowStride, sumSq, next, base, colFrom, bound,
                    ldt[f], kappa[f], a, b, invDx2, clamp);
                ggFieldTail(cur, base - rowStride, base, base + rowStride, sumSq, next, base, bound, colTo,
                    ldt[f], kappa[f], a, b, invDx2, clamp);
            }
        }
    }

    /** Whenever the vector length divides {@link #PAIR_ROW_MULTIPLE}: whole padded rows are whole vectors. */
    @Override
    public boolean hasGrainGrowthPairs() {
        return PAIR_ROW_MULTIPLE % LANES == 0;
    }

    @Override
    public void grainGrowthPairRows(MemorySegment cur, MemorySegment next, MemorySegment scratch, int q,
                                    long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                    double[] ldt, double[] kappa, double a, double b, double invDx2,
                                    boolean clamp) {
        final int colTo = colFrom + nx;
        final int bound = colFrom + S.loopBound(nx);
        // The first step covers every vector of a padded row, halo and padding columns included: the whole
        // vectors around columns colFrom-1 .. colFrom+nx, no scalar tail. Values outside those columns are
        // never read by the second step.
        final int whole = (int) rowStride;
        final MemorySegment sumSq = scratch.asSlice(0, rowStride * Double.BYTES);
        final MemorySegment ring = scratch.asSlice(rowStride * Double.BYTES);
        final long fieldRing = 3 * rowStride;
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            final long row = r * rowStride;
            final long slot = Math.floorMod(r, 3) * rowStride;
            ggSumSqVectors(cur, row, planeStride, q, sumSq, 0, whole);
            for (int f = 0; f < q; f++) {
                final long base = f * planeStride + row;
                ggFieldVectors(cur, base - rowStride, base, base + rowStride, sumSq, ring, f * fieldRing + slot, 0,
                    whole, ldt[f], kappa[f], a, b, invDx2, clamp);
            }
            if (r > rowFrom) {
                // the first step now holds rows r-2, r-1, r: the second step of row r-1
                final int u = r - 1;
                final long north = Math.floorMod(u - 1, 3) * rowStride;
                final long mid = Math.floorMod(u, 3) * rowStride;
                final long south = slot;
                final long out = u * rowStride;
                ggSumSqVectors(ring, mid, fieldRing, q, sumSq, colFrom, bound);
                ggSumSqTail(ring, mid, fieldRing, q, sumSq, bound, colTo);
                for (int f = 0; f < q; f++) {
                    final long fr = f * fieldRing;
                    ggFieldVectors(ring, fr + north, fr + mid, fr + south, sumSq, next, f * planeStride + out,
                        colFrom, bound, ldt[f], kappa[f], a, b, invDx2, clamp);
                    ggFieldTail(ring, fr + north, fr + mid, fr + south, sumSq, next, f * planeStride + out, bound,
                        colTo, ldt[f], kappa[f], a, b, invDx2, clamp);
                }
            }
        }
    }

    /**
     * Sums of squares over the q fields of one row, vectors [from, bound): field f's value at column c is at
     * {@code row + f * fieldStride + c} of src; the sum goes to column c of sumSq.
     */
    static void ggSumSqVectors(MemorySegment src, long row, long fieldStride, int q, MemorySegment sumSq,
                                       int from, int bound) {
        for (int c = from; c < bound; c += LANES) {
            DoubleVector e0 = load(src, row + c);
            DoubleVector s = e0.mul(e0);
            for (int f = 1; f < q; f++) {
                DoubleVector e = load(src, f * fieldStride + row + c);
                s = s.add(e.mul(e));
            }
            s.intoMemorySegment(sumSq, (long) c << 3, LE);
        }
    }

    /** {@link #ggSumSqVectors} for the columns [c, colTo) left after the vectors, one at a time. */
    private static void ggSumSqTail(MemorySegment src, long row, long fieldStride, int q, MemorySegment sumSq,
                                    int c, int colTo) {
        for (; c < colTo; c++) {
            double e0 = src.getAtIndex(ScalarKernels.D, row + c);
            double s = e0 * e0;
            for (int f = 1; f < q; f++) {
                double e = src.getAtIndex(ScalarKernels.D, f * fieldStride + row + c);
                s = s + e * e;
            }
            sumSq.setAtIndex(ScalarKernels.D, c, s);
        }
    }

    /**
     * One field's update over the whole vectors [from, bound) of a row: the field's rows north of, at and
     * south of the updated one start at {@code north}, {@code mid} and {@code south} of src (rows of a grid
     * plane, or slots of the pair kernel's ring), the sum of squares at column c of sumSq; the result goes to
     * {@code out + c} of dst.
     */
    private static void ggFieldVectors(MemorySegment src, long north, long mid, long south, MemorySegment sumSq,
                                       MemorySegment dst, long out, int from, int bound, double lq, double kq,
                                       double a, double b, double invDx2, boolean clamp) {
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vTiny = DoubleVector.broadcast(S, FLUSH_BELOW);
        final DoubleVector vA = DoubleVector.broadcast(S, a);
        final DoubleVector vB = DoubleVector.broadcast(S, b);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        final DoubleVector vL = DoubleVector.broadcast(S, lq);
        final DoubleVector vK = DoubleVector.broadcast(S, kq);
        // west and east by permutes of the vectors before, at and after c (see EAST)
        DoubleVector before = load(src, mid + from - LANES);
        DoubleVector at = load(src, mid + from);
        for (int c = from; c < bound; c += LANES) {
            DoubleVector ctr = at;
            DoubleVector after = load(src, mid + c + LANES);
            DoubleVector w = before.rearrange(WEST, ctr);
            DoubleVector e = ctr.rearrange(EAST, after);
            DoubleVector n = load(src, north + c);
            DoubleVector s = load(src, south + c);
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
            v.intoMemorySegment(dst, (out + c) << 3, LE);
            before = ctr;
            at = after;
        }
    }

    /** {@link #ggFieldVectors} for the columns [c, colTo) left after the vectors, one at a time. */
    private static void ggFieldTail(MemorySegment src, long north, long mid, long south, MemorySegment sumSq,
                                    MemorySegment dst, long out, int c, int colTo, double lq, double kq, double a,
                                    double b, double invDx2, boolean clamp) {
        for (; c < colTo; c++) {
            double ctr = src.getAtIndex(ScalarKernels.D, mid + c);
            double w = src.getAtIndex(ScalarKernels.D, mid + c - 1);
            double e = src.getAtIndex(ScalarKernels.D, mid + c + 1);
            double n = src.getAtIndex(ScalarKernels.D, north + c);
            double s = src.getAtIndex(ScalarKernels.D, south + c);
            double lap = (((w + e) + (n + s)) - 4.0 * ctr) * invDx2;
            double sq = ctr * ctr;
            double other = sumSq.getAtIndex(ScalarKernels.D, c) - sq;
            double bulk = ctr * ((b * sq - a) + 2.0 * other);
            double v = ctr - lq * (bulk - kq * lap);
            v = Math.abs(v) < FLUSH_BELOW ? 0.0 : v;
            if (clamp) {
                v = Math.min(Math.max(v, 0.0), 1.0);
            }
            dst.setAtIndex(ScalarKernels.D, out + c, v);
        }
    }

    @Override
    public void cahnHilliardRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                                 int rowFrom, int rowTo, int colFrom, int nx, double mdt, double kappa, double rho,
                                 double ca, double cb, double invDx2) {
        final double twoRho = 2.0 * rho;
        final double sum = ca + cb;
        // mu is needed on columns colFrom-1 .. colFrom+nx; the vectors start a whole vector early, at the aligned
        // colFrom - L, so that every load of the row but the permuted neighbours is cache-line aligned (a 512-bit
        // load 8 bytes off crosses a line: two load slots). The LANES-1 extra values left of colFrom-1 come from
        // the halo and the padding and are never read.
        final int muFrom = colFrom - LANES;
        final int muBound = muFrom + S.loopBound(nx + 1 + LANES);
        final int bound = colFrom + S.loopBound(nx);
        // mu of row r lives in slot r mod ring; updating rows [u0, u1) needs mu of rows u0-1 .. u1, so a block
        // is ring - 2 rows (1 with the contract's three rows: the row-by-row order of the scalar kernel).
        final int ring = (int) Math.min(CH_MAX_RING, muRows.byteSize() / (rowStride * Double.BYTES));
        final int block = ring - 2;
        chMuBlock(cur, muRows, rowStride, rowFrom - 1, rowFrom + 1, ring, muFrom, muBound, colFrom + nx, kappa, twoRho,
            ca, cb, sum, invDx2);
        for (int u0 = rowFrom; u0 < rowTo; u0 += block) {
            int u1 = Math.min(rowTo, u0 + block);
            chMuBlock(cur, muRows, rowStride, u0 + 1, u1 + 1, ring, muFrom, muBound, colFrom + nx, kappa, twoRho, ca, cb,
                sum, invDx2);
            chUpdateBlock(cur, next, muRows, rowStride, u0, u1, ring, colFrom, bound, colFrom + nx, mdt, invDx2);
        }
    }

    /**
     * Most rows of mu the SIMD Cahn-Hilliard kernel keeps: blocks of 32 rows. Each block's two loops run in
     * one call each (their constants broadcast once per block, not per row: at 128 columns what a row costs
     * besides its cells weighs); the loops live in methods of their own because in one large method C2 ran out
     * of inlining budget and fell back to allocating vector loads (2x slower than scalar).
     */
    private static final int CH_MAX_RING = 34;

    private static void chMuBlock(MemorySegment cur, MemorySegment muRows, long rowStride, int rFrom, int rTo,
                                  int ring, int from, int bound, int last, double kappa, double twoRho, double ca,
                                  double cb, double sum, double invDx2) {
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vTwoRho = DoubleVector.broadcast(S, twoRho);
        final DoubleVector vCa = DoubleVector.broadcast(S, ca);
        final DoubleVector vCb = DoubleVector.broadcast(S, cb);
        final DoubleVector vSum = DoubleVector.broadcast(S, sum);
        final DoubleVector vKappa = DoubleVector.broadcast(S, kappa);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        for (int r = rFrom; r < rTo; r++) {
            final long row = r * rowStride;
            final long mu = Math.floorMod(r, ring) * rowStride;
            // One slice per row read or written, so each load is base + 8c (+/- 8) with one pointer per row. With
            // row + c offsets into the whole segments the unrolled loop spilled its per-row address sums to the
            // stack and reloaded them for every load (SIMD / native 1.7-2.0 before, see bench/README.md).
            final MemorySegment north = cur.asSlice((row - rowStride) << 3);
            final MemorySegment mid = cur.asSlice(row << 3);
            final MemorySegment south = cur.asSlice((row + rowStride) << 3);
            final MemorySegment out = muRows.asSlice(mu << 3);
            int c = from;
            DoubleVector before = load(cur, row + c - LANES);
            DoubleVector at = load(mid, c);
            for (; c < bound; c += LANES) {
                DoubleVector ctr = at;
                DoubleVector after = load(mid, c + LANES);
                DoubleVector lap = before.rearrange(WEST, ctr).add(ctr.rearrange(EAST, after))
                    .add(load(north, c).add(load(south, c))).sub(vFour.mul(ctr)).mul(vInv);
                before = ctr;
                at = after;
                DoubleVector df = vTwoRho.mul(ctr.sub(vCa)).mul(vCb.sub(ctr)).mul(vSum.sub(vTwo.mul(ctr)));
                df.sub(vKappa.mul(lap)).intoMemorySegment(out, (long) c << 3, LE);
            }
            chMuTail(cur, muRows, row, mu, rowStride, c, last, kappa, twoRho, ca, cb, sum, invDx2);
        }
    }

    // The column tails repeat ScalarKernels' row loops on purpose: calling those (hot, profiled over whole rows
    // by the scalar kernel) from the block loops made the SIMD step about a tenth slower at 128^2 and 512^2.
    private static void chMuTail(MemorySegment cur, MemorySegment muRows, long row, long mu, long rowStride, int c,
                                 int last, double kappa, double twoRho, double ca, double cb, double sum,
                                 double invDx2) {
        for (; c <= last; c++) {
            long i = row + c;
            double ctr = cur.getAtIndex(ScalarKernels.D, i);
            double lap = (((cur.getAtIndex(ScalarKernels.D, i - 1) + cur.getAtIndex(ScalarKernels.D, i + 1))
                + (cur.getAtIndex(ScalarKernels.D, i - rowStride) + cur.getAtIndex(ScalarKernels.D, i + rowStride)))
                - 4.0 * ctr) * invDx2;
            double df = ((twoRho * (ctr - ca)) * (cb - ctr)) * (sum - 2.0 * ctr);
            muRows.setAtIndex(ScalarKernels.D, mu + c, df - kappa * lap);
        }
    }

    private static void chUpdateBlock(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                                      int uFrom, int uTo, int ring, int from, int bound, int colTo, double mdt,
                                      double invDx2) {
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vInv = DoubleVector.broadcast(S, invDx2);
        final DoubleVector vMdt = DoubleVector.broadcast(S, mdt);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vTiny = DoubleVector.broadcast(S, FLUSH_BELOW);
        for (int u = uFrom; u < uTo; u++) {
            final long urow = u * rowStride;
            final long upOff = Math.floorMod(u - 1, ring) * rowStride;
            final long midOff = Math.floorMod(u, ring) * rowStride;
            final long downOff = Math.floorMod(u + 1, ring) * rowStride;
            final MemorySegment up = muRows.asSlice(upOff << 3);
            final MemorySegment mid = muRows.asSlice(midOff << 3);
            final MemorySegment down = muRows.asSlice(downOff << 3);
            final MemorySegment in = cur.asSlice(urow << 3);
            final MemorySegment out = next.asSlice(urow << 3);
            int c = from;
            DoubleVector before = load(mid, c - LANES);
            DoubleVector at = load(mid, c);
            for (; c < bound; c += LANES) {
                DoubleVector m = at;
                DoubleVector after = load(mid, c + LANES);
                DoubleVector lap = before.rearrange(WEST, m).add(m.rearrange(EAST, after))
                    .add(load(up, c).add(load(down, c))).sub(vFour.mul(m)).mul(vInv);
                before = m;
                at = after;
                DoubleVector v = load(in, c).add(vMdt.mul(lap));
                VectorMask<Double> tiny = v.lanewise(VectorOperators.ABS).compare(VectorOperators.LT, vTiny);
                v.blend(vZero, tiny).intoMemorySegment(out, (long) c << 3, LE);
            }
            chUpdateTail(cur, next, muRows, urow, upOff, midOff, downOff, c, colTo, mdt, invDx2);
        }
    }

    private static void chUpdateTail(MemorySegment cur, MemorySegment next, MemorySegment muRows, long row, long up,
                                     long mid, long down, int c, int colTo, double mdt, double invDx2) {
        for (; c < colTo; c++) {
            double m = muRows.getAtIndex(ScalarKernels.D, mid + c);
            double lap = (((muRows.getAtIndex(ScalarKernels.D, mid + c - 1) + muRows.getAtIndex(ScalarKernels.D, mid + c + 1))
                + (muRows.getAtIndex(ScalarKernels.D, up + c) + muRows.getAtIndex(ScalarKernels.D, down + c))) - 4.0 * m) * invDx2;
            double v = cur.getAtIndex(ScalarKernels.D, row + c) + mdt * lap;
            next.setAtIndex(ScalarKernels.D, row + c, Math.abs(v) < FLUSH_BELOW ? 0.0 : v);
        }
    }

    @Override
    public void nanovoidRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long planeStride,
                             long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double[] p,
                             boolean conservative, boolean voidMask, boolean clamp) {
        // aligned vectors from colFrom - L, as in cahnHilliardRows
        final int muFrom = colFrom - LANES;
        final int muBound = muFrom + S.loopBound(nx + 1 + LANES);
        final int bound = colFrom + S.loopBound(nx);
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            nanovoidLogVectors(cur, muRows, planeStride, rowStride, r, 0, muFrom, muBound);
            nanovoidLogVectors(cur, muRows, planeStride, rowStride, r, 1, muFrom, muBound);
            int l = nanovoidLogVectors(cur, muRows, planeStride, rowStride, r, 2, muFrom, muBound);
            ScalarKernels.nanovoidLogRow(cur, muRows, planeStride, rowStride, r, l, colFrom + nx);
            int c = nanovoidMuVectors(cur, muRows, planeStride, rowStride, r, muFrom, muBound, p, voidMask);
            ScalarKernels.nanovoidMuRow(cur, muRows, planeStride, rowStride, r, c, colFrom, nx, p, voidMask);
            if (r >= rowFrom + 1) {
                c = nanovoidUpdateVectors(cur, next, muRows, planeStride, rowStride, r - 1, colFrom, bound, p,
                    conservative, voidMask, clamp);
                ScalarKernels.nanovoidUpdateRow(cur, next, muRows, planeStride, rowStride, r - 1, c, colFrom, nx, p,
                    conservative, voidMask, clamp);
            }
        }
    }

    private static DoubleVector lap(MemorySegment m, long i, long rowStride, DoubleVector ctr, DoubleVector four,
                                    DoubleVector inv) {
        return load(m, i - 1).add(load(m, i + 1)).add(load(m, i - rowStride).add(load(m, i + rowStride)))
            .sub(four.mul(ctr)).mul(inv);
    }

    /**
     * Vector part of ScalarKernels.nanovoidLogRow for one quantity ({@code which}: 0 ln c_v, 1 ln c_i,
     * 2 ln(1 - c_v - c_i)); returns the first column left for the scalar tail. The logarithm (the same
     * operations in the same order as {@link Log#log}) is written out in the loop, not called: C2 left
     * such a helper out of line and boxed the vectors crossing the call.
     */
    static int nanovoidLogVectors(MemorySegment cur, MemorySegment scratch, long planeStride, long rowStride,
                                          int r, int which, int from, int bound) {
        final long slot = Math.floorMod(r, 3) * rowStride;
        final long out = (which == 0 ? ScalarKernels.LOG_V : which == 1 ? ScalarKernels.LOG_I : ScalarKernels.LOG_R)
            * rowStride + slot;
        return logVectors(cur, scratch, planeStride, r * rowStride, out, which, from, bound);
    }

    /**
     * The loop of {@link #nanovoidLogVectors} on absolute offsets: the row starts at {@code row} in
     * {@code cur}, its logarithms go to {@code out + c} in {@code scratch} (the 3-D kernels use it too).
     */
    static int logVectors(MemorySegment cur, MemorySegment scratch, long planeStride, long row, long out, int which,
                          int from, int bound) {
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        int c = from;
        for (; c < bound; c += LANES) {
            DoubleVector cv = load(cur, row + c);
            DoubleVector ci = load(cur, planeStride + row + c);
            DoubleVector u = which == 0 ? cv : which == 1 ? ci : vOne.sub(cv).sub(ci);
            DoubleVector x = u.max(vEps);
            LongVector bits = x.reinterpretAsLongs();
            DoubleVector k = (DoubleVector) bits.lanewise(VectorOperators.LSHR, 52).sub(1023L)
                .convert(VectorOperators.L2D, 0);
            DoubleVector m = bits.and(Log.MANTISSA).or(Log.ONE_BITS).reinterpretAsDoubles();
            VectorMask<Double> big = m.compare(VectorOperators.GT, Log.SQRT2);
            m = m.blend(m.mul(0.5), big);
            k = k.blend(k.add(1.0), big);
            DoubleVector f = m.sub(1.0);
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            DoubleVector t1 = w.mul(w.mul(w.mul(Log.LG6).add(Log.LG4)).add(Log.LG2));
            DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(Log.LG7).add(Log.LG5)).add(Log.LG3)).add(Log.LG1));
            DoubleVector hfsq = f.mul(f).mul(0.5);
            DoubleVector y = k.mul(Log.LN2_HI).sub(hfsq.sub(s.mul(hfsq.add(t2.add(t1))).add(k.mul(Log.LN2_LO)))
                .sub(f));
            // NaN and +infinity pass through, as in the scalar twin
            y.blend(x, x.compare(VectorOperators.LT, Double.POSITIVE_INFINITY).not())
                .intoMemorySegment(scratch, (out + c) << 3, LE);
        }
        return c;
    }

    /** Vector part of ScalarKernels.nanovoidMuRow; returns the first column left for the scalar tail. */
    static int nanovoidMuVectors(MemorySegment cur, MemorySegment muRows, long planeStride, long rowStride,
                                         int r, int from, int bound, double[] p, boolean voidMask) {
        final DoubleVector vEv = DoubleVector.broadcast(S, p[Nanovoid.EV]);
        final DoubleVector vEi = DoubleVector.broadcast(S, p[Nanovoid.EI]);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final DoubleVector vKv = DoubleVector.broadcast(S, p[Nanovoid.KV]);
        final DoubleVector vKi = DoubleVector.broadcast(S, p[Nanovoid.KI]);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final long row = r * rowStride;
        final long slotV = Math.floorMod(r, 3) * rowStride;
        final long slotI = (3 + Math.floorMod(r, 3)) * rowStride;
        final long logV = ScalarKernels.LOG_V * rowStride + slotV;
        final long logI = ScalarKernels.LOG_I * rowStride + slotV;
        final long logR = ScalarKernels.LOG_R * rowStride + slotV;
        int c = from;
        for (; c < bound; c += LANES) {
            long iv = row + c;
            long ii = planeStride + iv;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, ii);
            DoubleVector eta = load(cur, 2 * planeStride + iv);
            DoubleVector lapV = lap(cur, iv, rowStride, cv, vFour, vInv);
            DoubleVector lapI = lap(cur, ii, rowStride, ci, vFour, vInv);
            DoubleVector em1 = eta.sub(vOne);
            DoubleVector h = em1.mul(em1);
            DoubleVector j = eta.mul(eta);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector lr = load(muRows, logR + c);
            DoubleVector dfv = vEv.add(vKt.mul(load(muRows, logV + c).sub(lr)));
            DoubleVector dfi = vEi.add(vKt.mul(load(muRows, logI + c).sub(lr)));
            if (voidMask) {
                VectorMask<Double> inVoid = rest.compare(VectorOperators.LT, vEps);
                dfv = dfv.blend(vZero, inVoid);
                dfi = dfi.blend(vZero, inVoid);
            }
            h.mul(dfv).add(j.mul(vTwo.mul(cv.sub(vOne)))).sub(vKv.mul(lapV))
                .intoMemorySegment(muRows, (slotV + c) << 3, LE);
            h.mul(dfi).add(j.mul(vTwo.mul(ci))).sub(vKi.mul(lapI))
                .intoMemorySegment(muRows, (slotI + c) << 3, LE);
        }
        return c;
    }

    /**
     * Vector part of ScalarKernels.nanovoidUpdateRow; returns the first column left for the scalar tail.
     * Split into one method per output field: as one method, C2's inlining budget ran out and the vector
     * loads fell back to allocating Java code.
     */
    private static int nanovoidUpdateVectors(MemorySegment cur, MemorySegment next, MemorySegment muRows,
                                             long planeStride, long rowStride, int u, int from, int bound, double[] p,
                                             boolean conservative, boolean voidMask, boolean clamp) {
        final long row = u * rowStride;
        final long up = Math.floorMod(u - 1, 3) * rowStride;
        final long mid = Math.floorMod(u, 3) * rowStride;
        final long down = Math.floorMod(u + 1, 3) * rowStride;
        final double kt = p[Nanovoid.KT];
        nanovoidConcentrationVectors(cur, next, muRows, planeStride, rowStride, row, 0, mid, up, down, from, bound,
            p[Nanovoid.DV] / kt, p, conservative, clamp);
        nanovoidConcentrationVectors(cur, next, muRows, planeStride, rowStride, row, 1, mid + 3 * rowStride,
            up + 3 * rowStride, down + 3 * rowStride, from, bound, p[Nanovoid.DI] / kt, p, conservative, clamp);
        return nanovoidEtaVectors(cur, next, muRows, planeStride, rowStride, row, mid, from, bound, p, voidMask,
            clamp);
    }

    /** c' = c + dt (div - R) for species plane {@code f} (0 = c_v, 1 = c_i) with mu slots mid/up/down. */
    private static void nanovoidConcentrationVectors(MemorySegment cur, MemorySegment next, MemorySegment muRows,
                                                     long planeStride, long rowStride, long row, int f, long mid,
                                                     long up, long down, int from, int bound, double mobility,
                                                     double[] p, boolean conservative, boolean clamp) {
        if (conservative) {
            nanovoidConcentrationConservative(cur, next, muRows, planeStride, rowStride, row, f, mid, up, down, from,
                bound, mobility, p, clamp);
        } else {
            nanovoidConcentrationLiteral(cur, next, muRows, planeStride, rowStride, row, f, mid, up, down, from, bound,
                mobility, p, clamp);
        }
    }

    /**
     * c' = c + dt (div - R) for species plane {@code f} (0 = c_v, 1 = c_i) with mu slots mid/up/down, flux form
     * (conservative). One method per form, not a flag: with both forms through one loop, the form that ran
     * second in a JVM stepped 4x slower (0.84 against 0.20 ms per step at 128^2, conservative after literal).
     */
    private static void nanovoidConcentrationConservative(MemorySegment cur, MemorySegment next, MemorySegment muRows,
                                                          long planeStride, long rowStride, long row, int f, long mid,
                                                          long up, long down, int from, int bound, double mobility,
                                                          double[] p, boolean clamp) {
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vRb = DoubleVector.broadcast(S, p[Nanovoid.R_BULK]);
        final DoubleVector vRs = DoubleVector.broadcast(S, p[Nanovoid.R_SURF]);
        final DoubleVector vM = DoubleVector.broadcast(S, mobility);
        final DoubleVector vHalfInv = DoubleVector.broadcast(S, 0.5 * p[Nanovoid.INV_DX2]);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vTiny = DoubleVector.broadcast(S, FLUSH_BELOW);
        final long own = f * planeStride;
        DoubleVector concBefore = load(cur, own + row + from - LANES);
        DoubleVector concAfter;
        DoubleVector muBefore = load(muRows, mid + from - LANES);
        DoubleVector muAt = load(muRows, mid + from);
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, planeStride + iv);
            DoubleVector eta = load(cur, 2 * planeStride + iv);
            DoubleVector conc = f == 0 ? cv : ci;
            DoubleVector mu = muAt;
            DoubleVector muAfter = load(muRows, mid + c + LANES);
            // written out, not a helper call: C2 compiled such a helper on its own and then would not
            // inline it, so the vectors crossing the call were boxed (24 bytes per element-step)
            long i = own + iv;
            concAfter = load(cur, i + LANES);
            // west and east neighbours by permutes (see EAST)
            DoubleVector mc = vM.mul(conc);
            DoubleVector mw = vM.mul(concBefore.rearrange(WEST, conc));
            DoubleVector me = vM.mul(conc.rearrange(EAST, concAfter));
            DoubleVector mn = vM.mul(load(cur, i - rowStride));
            DoubleVector ms = vM.mul(load(cur, i + rowStride));
            DoubleVector muW = muBefore.rearrange(WEST, mu);
            DoubleVector muE = mu.rearrange(EAST, muAfter);
            concBefore = conc;
            muBefore = mu;
            muAt = muAfter;
            DoubleVector muN = load(muRows, up + c);
            DoubleVector muS = load(muRows, down + c);
            DoubleVector x = mc.add(me).mul(muE.sub(mu)).sub(mw.add(mc).mul(mu.sub(muW)));
            DoubleVector y = mc.add(ms).mul(muS.sub(mu)).sub(mn.add(mc).mul(mu.sub(muN)));
            DoubleVector div = x.add(y).mul(vHalfInv);
            DoubleVector rec = vRb.add(vRs.mul(eta.mul(eta))).mul(cv).mul(ci);
            DoubleVector v = conc.add(vDt.mul(div.sub(rec)));
            v = v.blend(vZero, v.lanewise(VectorOperators.ABS).compare(VectorOperators.LT, vTiny));
            if (clamp) {
                v = v.max(vZero).min(vOne);
            }
            v.intoMemorySegment(next, (own + iv) << 3, LE);
        }
    }

    /** As {@link #nanovoidConcentrationConservative}, with div = M c lap(mu) (the literal form). */
    private static void nanovoidConcentrationLiteral(MemorySegment cur, MemorySegment next, MemorySegment muRows,
                                                     long planeStride, long rowStride, long row, int f, long mid,
                                                     long up, long down, int from, int bound, double mobility,
                                                     double[] p, boolean clamp) {
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vRb = DoubleVector.broadcast(S, p[Nanovoid.R_BULK]);
        final DoubleVector vRs = DoubleVector.broadcast(S, p[Nanovoid.R_SURF]);
        final DoubleVector vM = DoubleVector.broadcast(S, mobility);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vTiny = DoubleVector.broadcast(S, FLUSH_BELOW);
        final long own = f * planeStride;
        DoubleVector muBefore = load(muRows, mid + from - LANES);
        DoubleVector muAt = load(muRows, mid + from);
        for (int c = from; c < bound; c += LANES) {
            long iv = row + c;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, planeStride + iv);
            DoubleVector eta = load(cur, 2 * planeStride + iv);
            DoubleVector conc = f == 0 ? cv : ci;
            DoubleVector mu = muAt;
            DoubleVector muAfter = load(muRows, mid + c + LANES);
            // west and east of mu by permutes (see EAST)
            DoubleVector lapMu = muBefore.rearrange(WEST, mu).add(mu.rearrange(EAST, muAfter))
                .add(load(muRows, up + c).add(load(muRows, down + c))).sub(vFour.mul(mu)).mul(vInv);
            muBefore = mu;
            muAt = muAfter;
            DoubleVector div = vM.mul(conc).mul(lapMu);
            DoubleVector rec = vRb.add(vRs.mul(eta.mul(eta))).mul(cv).mul(ci);
            DoubleVector v = conc.add(vDt.mul(div.sub(rec)));
            v = v.blend(vZero, v.lanewise(VectorOperators.ABS).compare(VectorOperators.LT, vTiny));
            if (clamp) {
                v = v.max(vZero).min(vOne);
            }
            v.intoMemorySegment(next, (own + iv) << 3, LE);
        }
    }

    /** eta' = eta + dt (-L (2 (eta-1) f_s + 2 eta f_v - ke lap eta)); returns the first column left. */
    private static int nanovoidEtaVectors(MemorySegment cur, MemorySegment next, MemorySegment scratch,
                                          long planeStride, long rowStride, long row, long mid, int from, int bound,
                                          double[] p, boolean voidMask, boolean clamp) {
        final long logV = ScalarKernels.LOG_V * rowStride + mid;
        final long logI = ScalarKernels.LOG_I * rowStride + mid;
        final long logR = ScalarKernels.LOG_R * rowStride + mid;
        final DoubleVector vDt = DoubleVector.broadcast(S, p[Nanovoid.DT]);
        final DoubleVector vEv = DoubleVector.broadcast(S, p[Nanovoid.EV]);
        final DoubleVector vEi = DoubleVector.broadcast(S, p[Nanovoid.EI]);
        final DoubleVector vKt = DoubleVector.broadcast(S, p[Nanovoid.KT]);
        final DoubleVector vKe = DoubleVector.broadcast(S, p[Nanovoid.KE]);
        final DoubleVector vNegL = DoubleVector.broadcast(S, -p[Nanovoid.L]);
        final DoubleVector vInv = DoubleVector.broadcast(S, p[Nanovoid.INV_DX2]);
        final DoubleVector vEps = DoubleVector.broadcast(S, Nanovoid.EPS);
        final DoubleVector vOne = DoubleVector.broadcast(S, 1.0);
        final DoubleVector vTwo = DoubleVector.broadcast(S, 2.0);
        final DoubleVector vFour = DoubleVector.broadcast(S, 4.0);
        final DoubleVector vZero = DoubleVector.zero(S);
        final DoubleVector vTiny = DoubleVector.broadcast(S, FLUSH_BELOW);
        int c = from;
        for (; c < bound; c += LANES) {
            long iv = row + c;
            long ie = 2 * planeStride + iv;
            DoubleVector cv = load(cur, iv);
            DoubleVector ci = load(cur, planeStride + iv);
            DoubleVector eta = load(cur, ie);
            DoubleVector lapE = lap(cur, ie, rowStride, eta, vFour, vInv);
            DoubleVector rest = vOne.sub(cv).sub(ci);
            DoubleVector lr = load(scratch, logR + c);
            DoubleVector fs = vEv.mul(cv).add(vEi.mul(ci)).add(vKt.mul(
                cv.mul(load(scratch, logV + c)).add(ci.mul(load(scratch, logI + c))).add(rest.mul(lr))));
            if (voidMask) {
                fs = fs.blend(vZero, rest.compare(VectorOperators.LT, vEps));
            }
            DoubleVector cvm1 = cv.sub(vOne);
            DoubleVector fv = cvm1.mul(cvm1).add(ci.mul(ci));
            DoubleVector dEta = vNegL.mul(vTwo.mul(eta.sub(vOne)).mul(fs).add(vTwo.mul(eta).mul(fv))
                .sub(vKe.mul(lapE)));
            DoubleVector ne = eta.add(vDt.mul(dEta));
            ne = ne.blend(vZero, ne.lanewise(VectorOperators.ABS).compare(VectorOperators.LT, vTiny));
            if (clamp) {
                ne = ne.max(vZero).min(vOne);
            }
            ne.intoMemorySegment(next, ie << 3, LE);
        }
        return c;
    }

    @Override
    public boolean has3d() {
        return true;
    }

    @Override
    public void grainGrowthSlices(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q,
                                  long planeStride, long sliceStride, long rowStride, int zFrom, int zTo,
                                  int rowFrom, int rowTo, int colFrom, int nx, double[] ldt, double[] kappa,
                                  double a, double b, double invDx2, boolean clamp) {
        Vector3d.grainGrowth(cur, next, sumSq, q, planeStride, sliceStride, rowStride, zFrom, zTo, rowFrom, rowTo,
            colFrom, nx, ldt, kappa, a, b, invDx2, clamp);
    }

    @Override
    public void cahnHilliardSlices(MemorySegment cur, MemorySegment next, MemorySegment muSlices, long sliceStride,
                                   long rowStride, int zFrom, int zTo, int rowFrom, int rowTo, int colFrom, int nx,
                                   double mdt, double kappa, double rho, double ca, double cb, double invDx2) {
        Vector3d.cahnHilliard(cur, next, muSlices, sliceStride, rowStride, zFrom, zTo, rowFrom, rowTo, colFrom, nx, mdt,
            kappa, rho, ca, cb, invDx2);
    }

    @Override
    public void nanovoidSlices(MemorySegment cur, MemorySegment next, MemorySegment muSlices, long planeStride,
                               long sliceStride, long rowStride, int zFrom, int zTo, int rowFrom, int rowTo,
                               int colFrom, int nx, double[] p, boolean conservative, boolean voidMask,
                               boolean clamp) {
        Vector3d.nanovoid(cur, next, muSlices, planeStride, sliceStride, rowStride, zFrom, zTo, rowFrom, rowTo, colFrom,
            nx, p, conservative, voidMask, clamp);
    }
}
