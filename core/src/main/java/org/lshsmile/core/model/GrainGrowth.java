package org.lshsmile.core.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.simd.StencilKernels;

/**
 * Fan-Chen grain growth with Q non-conserved order parameters (physics.md section 1), the Jacobi
 * update of the LSH-SMILE paper:
 * <pre>
 *   eta_q' = eta_q - L_q dt ( -A eta_q + B eta_q^3 + 2 eta_q sum_{r != q} eta_r^2 - kappa_q lap eta_q )
 * </pre>
 * Free energy: {@code F = dx^2 sum_cells [ sum_q (-A/2 eta_q^2 + B/4 eta_q^4) + sum_{q<r} eta_q^2 eta_r^2
 * + sum_q kappa_q/2 |grad eta_q|^2 ]} with forward-difference gradients, the exact Lyapunov function of
 * the discrete update (it decreases every step below the stable dt, with no clamp active).
 */
public final class GrainGrowth implements Model {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final int q;
    private final double[] mobility;
    private final double[] kappa;
    private final double a;
    private final double b;
    private final boolean clamp;

    /**
     * @param mobility L_i per order parameter (positive)
     * @param kappa    kappa_i per order parameter (positive)
     * @param a        A (positive)
     * @param b        B (positive)
     * @param clamp    clamp each field to [0, 1] after every step
     */
    public GrainGrowth(double[] mobility, double[] kappa, double a, double b, boolean clamp) {
        if (mobility == null || kappa == null || mobility.length == 0 || mobility.length != kappa.length) {
            throw new IllegalArgumentException("L and kappa need one value per order parameter, same length");
        }
        for (int i = 0; i < mobility.length; i++) {
            requirePositive("L_" + (i + 1), mobility[i]);
            requirePositive("kappa_" + (i + 1), kappa[i]);
        }
        requirePositive("A", a);
        requirePositive("B", b);
        this.q = mobility.length;
        this.mobility = mobility.clone();
        this.kappa = kappa.clone();
        this.a = a;
        this.b = b;
        this.clamp = clamp;
    }

    /** Q order parameters with the same L, kappa. */
    public static GrainGrowth uniform(int q, double mobility, double kappa, double a, double b, boolean clamp) {
        if (q < 1 || q > 4096) {
            throw new IllegalArgumentException("order parameters must be in [1, 4096], got " + q);
        }
        double[] l = new double[q];
        double[] k = new double[q];
        Arrays.fill(l, mobility);
        Arrays.fill(k, kappa);
        return new GrainGrowth(l, k, a, b, clamp);
    }

    /** The paper's parameters: L = 5, kappa = 0.1, A = B = 1, no clamp. */
    public static GrainGrowth paper(int q) {
        return uniform(q, 5.0, 0.1, 1.0, 1.0, false);
    }

    private static void requirePositive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("parameter " + name + " must be a positive finite number, got " + v);
        }
    }

    /**
     * A copy with one parameter changed. Names: {@code L}, {@code kappa} (all grains), {@code L_i},
     * {@code kappa_i} (grain i, 1-based), {@code A}, {@code B}.
     */
    public GrainGrowth with(String name, double value) {
        double[] l = mobility.clone();
        double[] k = kappa.clone();
        double na = a;
        double nb = b;
        String n = name.trim();
        if (n.equals("L")) {
            Arrays.fill(l, value);
        } else if (n.equals("kappa")) {
            Arrays.fill(k, value);
        } else if (n.equals("A")) {
            na = value;
        } else if (n.equals("B")) {
            nb = value;
        } else if (n.startsWith("L_") || n.startsWith("kappa_")) {
            int i = parseIndex(n);
            if (n.startsWith("L_")) {
                l[i] = value;
            } else {
                k[i] = value;
            }
        } else {
            throw new IllegalArgumentException("unknown grain-growth parameter '" + name
                + "': use L, kappa, A, B, L_i or kappa_i (i = 1.." + q + ")");
        }
        return new GrainGrowth(l, k, na, nb, clamp);
    }

    private int parseIndex(String n) {
        String idx = n.substring(n.indexOf('_') + 1);
        try {
            int i = Integer.parseInt(idx);
            if (i >= 1 && i <= q) {
                return i - 1;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("parameter '" + n + "': grain index must be 1.." + q);
    }

    /** A copy with the clamp switched on or off. */
    public GrainGrowth withClamp(boolean on) {
        return new GrainGrowth(mobility, kappa, a, b, on);
    }

    /** Number of order parameters Q. */
    public int orderParameters() {
        return q;
    }

    /** L_i (1-based i). */
    public double mobility(int i) {
        return mobility[i - 1];
    }

    /** kappa_i (1-based i). */
    public double kappa(int i) {
        return kappa[i - 1];
    }

    /** A. */
    public double a() {
        return a;
    }

    /** B. */
    public double b() {
        return b;
    }

    /** Whether fields are clamped to [0, 1]. */
    public boolean clamp() {
        return clamp;
    }

    @Override
    public String name() {
        return "grain-growth";
    }

    @Override
    public int fields() {
        return q;
    }

    @Override
    public String fieldName(int f) {
        return "eta_" + (f + 1);
    }

    @Override
    public Map<String, Double> parameters() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("A", a);
        m.put("B", b);
        for (int i = 0; i < q; i++) {
            m.put("L_" + (i + 1), mobility[i]);
        }
        for (int i = 0; i < q; i++) {
            m.put("kappa_" + (i + 1), kappa[i]);
        }
        return m;
    }

    /**
     * physics.md 1.4: {@code dt < 2 / (L (8 kappa / dx^2 + 2))}, the 5-point Laplacian's most negative
     * eigenvalue -8/dx^2 plus the bulk curvature f0'' <= 2 A (2 for A = B = 1), taken over the grains.
     */
    @Override
    public double stableDt(double dx) {
        double worst = Double.POSITIVE_INFINITY;
        for (int i = 0; i < q; i++) {
            double bound = 2.0 / (mobility[i] * (8.0 * kappa[i] / (dx * dx) + 2.0 * a));
            worst = Math.min(worst, bound);
        }
        return worst;
    }

    @Override
    public long scratchDoubles(Grid grid) {
        return grid.rowStride();
    }

    @Override
    public void stepRows(StencilKernels kernels, Grid grid, double dt, long step, int rowFrom, int rowTo,
                         MemorySegment scratch) {
        double inv = 1.0 / (grid.dx() * grid.dx());
        kernels.grainGrowthRows(grid.current(), grid.next(), scratch, q, grid.planeStride(), grid.rowStride(),
            rowFrom, rowTo, grid.colStart(), grid.nx(), mobilityTimes(dt), kappa, a, b, inv, clamp);
    }

    /** {@code L_i * dt} for every grain. */
    private double[] mobilityTimes(double dt) {
        double[] ldt = new double[q];
        for (int i = 0; i < q; i++) {
            ldt[i] = mobility[i] * dt;
        }
        return ldt;
    }

    /** The update reads the direct neighbours only, so two steps fit in the grid's halo of width 2. */
    @Override
    public boolean hasPairStep(StencilKernels kernels, Grid grid) {
        return kernels.hasGrainGrowthPairs() && !grid.is3d()
            && grid.rowStride() % StencilKernels.PAIR_ROW_MULTIPLE == 0;
    }

    /** The first step's rolling three rows per grain and one row of sums of squares. */
    @Override
    public long pairScratchDoubles(Grid grid) {
        return (3L * q + 1) * grid.rowStride();
    }

    @Override
    public void stepRowsPair(StencilKernels kernels, Grid grid, double dt, long step, int rowFrom, int rowTo,
                             MemorySegment scratch) {
        double inv = 1.0 / (grid.dx() * grid.dx());
        kernels.grainGrowthPairRows(grid.current(), grid.next(), scratch, q, grid.planeStride(), grid.rowStride(),
            rowFrom, rowTo, grid.colStart(), grid.nx(), mobilityTimes(dt), kappa, a, b, inv, clamp);
    }

    @Override
    public void stepSlices(StencilKernels kernels, Grid grid, double dt, long step, int zFrom, int zTo,
                           MemorySegment scratch) {
        double[] ldt = mobilityTimes(dt);
        double inv = 1.0 / (grid.dx() * grid.dx());
        kernels.grainGrowthSlices(grid.current(), grid.next(), scratch, q, grid.planeStride(), grid.sliceStride(),
            grid.rowStride(), zFrom, zTo, grid.rowStart(), grid.rowStart() + grid.ny(), grid.colStart(), grid.nx(),
            ldt, kappa, a, b, inv, clamp);
    }

    /** The centre and its 4 direct neighbours: the update needs only a 5-point Laplacian. */
    @Override
    public int evalPoints() {
        return 5;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The operations of {@code ScalarKernels.grainGrowthRows}: sum of squares over the order
     * parameters in field order, 5-point Laplacian, flush, then the clamp when on. No random sources, so
     * {@code step}, {@code y}, {@code x} and {@code nx} are unused.
     */
    @Override
    public void evalNew(double[] nb, double dt, double dx, long step, int y, int x, int nx, double[] out) {
        evalCell(nb, false, dt, dx, out);
    }

    /** The 3-D update of {@link #evalNew}: the seven-point Laplacian of {@code Scalar3d}, then the same cell update. */
    @Override
    public void evalNew3d(double[] nb, double dt, double dx, long step, long cell, double[] out) {
        evalCell(nb, true, dt, dx, out);
    }

    @Override
    public int evalPoints3d() {
        return Neighbourhood3d.DIRECT;
    }

    /** One element's update from its 2-D {@link Neighbourhood} or its {@link Neighbourhood3d}. */
    private void evalCell(double[] nb, boolean threeD, double dt, double dx, double[] out) {
        final int n = threeD ? Neighbourhood3d.SIZE : Neighbourhood.SIZE;
        double inv = 1.0 / (dx * dx);
        double e0 = nb[0]; // CENTER is point 0 of both neighbourhoods
        double sumSq = e0 * e0;
        for (int f = 1; f < q; f++) {
            double e = nb[f * n];
            sumSq = sumSq + e * e;
        }
        for (int f = 0; f < q; f++) {
            int base = f * n;
            double lq = mobility[f] * dt;
            double kq = kappa[f];
            double ctr = nb[base];
            double lap = threeD ? Neighbourhood3d.lap(nb, base, Neighbourhood3d.CENTER, inv)
                : Neighbourhood.lap(nb, base, Neighbourhood.CENTER, inv);
            double sq = ctr * ctr;
            double other = sumSq - sq;
            double bulk = ctr * ((b * sq - a) + 2.0 * other);
            double v = ctr - lq * (bulk - kq * lap);
            v = Math.abs(v) < StencilKernels.FLUSH_BELOW ? 0.0 : v;
            if (clamp) {
                v = Math.min(Math.max(v, 0.0), 1.0);
            }
            out[f] = v;
        }
    }

    @Override
    public double freeEnergy(Grid grid) {
        grid.refreshHalo();
        MemorySegment s = grid.current();
        long rs = grid.rowStride();
        double inv = 1.0 / (grid.dx() * grid.dx());
        long zs = grid.is3d() ? grid.sliceStride() : 0;
        double total = 0;
        for (int z = 0; z < grid.nz(); z++) {
            for (int y = 0; y < grid.ny(); y++) {
                double rowSum = 0;
                for (int x = 0; x < grid.nx(); x++) {
                    double bulk = 0;
                    double sumSq = 0;
                    double pairs = 0;
                    double grad = 0;
                    for (int f = 0; f < q; f++) {
                        long i = grid.index(f, z, y, x);
                        double e = s.getAtIndex(D, i);
                        double e2 = e * e;
                        bulk += -0.5 * a * e2 + 0.25 * b * e2 * e2;
                        pairs += e2 * sumSq;
                        sumSq += e2;
                        double gx = s.getAtIndex(D, i + 1) - e;
                        double gy = s.getAtIndex(D, i + rs) - e;
                        double gz = zs == 0 ? 0.0 : s.getAtIndex(D, i + zs) - e;
                        grad += 0.5 * kappa[f] * (gx * gx + gy * gy + gz * gz) * inv;
                    }
                    rowSum += bulk + pairs + grad;
                }
                total += rowSum;
            }
        }
        return total * grid.dx() * grid.dx() * (grid.is3d() ? grid.dx() : 1.0);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "grain-growth Q=%d A=%g B=%g L=%s kappa=%s clamp=%b", q, a, b,
            Arrays.toString(mobility), Arrays.toString(kappa), clamp);
    }
}
