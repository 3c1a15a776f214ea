package org.lshsmile.core.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.simd.StencilKernels;

/**
 * Cahn-Hilliard spinodal decomposition, PFHub benchmark 1 (physics.md 3.1-3.2):
 * <pre>
 *   F = sum_nodes [ rho (c - ca)^2 (cb - c)^2 + kappa/2 |grad c|^2 ] dx^2
 *   mu = 2 rho (c - ca)(cb - c)(ca + cb - 2c) - kappa lap c,   c' = c + M dt lap mu
 * </pre>
 * with the 5-point Laplacian; the free energy uses central differences, as MEMPHIS did for the
 * published reference numbers this model is tested against. Total c is conserved to round-off for
 * periodic and mirror (no-flux) boundaries.
 */
public final class CahnHilliard implements Model {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final double mobility;
    private final double kappa;
    private final double rho;
    private final double ca;
    private final double cb;

    /** All parameters must be positive and finite, and ca < cb. */
    public CahnHilliard(double mobility, double kappa, double rho, double ca, double cb) {
        check("M", mobility);
        check("kappa", kappa);
        check("rho", rho);
        if (!Double.isFinite(ca) || !Double.isFinite(cb) || !(ca < cb)) {
            throw new IllegalArgumentException("need finite ca < cb, got ca=" + ca + " cb=" + cb);
        }
        this.mobility = mobility;
        this.kappa = kappa;
        this.rho = rho;
        this.ca = ca;
        this.cb = cb;
    }

    /** PFHub benchmark 1: M = 5, kappa = 2, rho = 5, ca = 0.3, cb = 0.7. */
    public static CahnHilliard pfhub1() {
        return new CahnHilliard(5.0, 2.0, 5.0, 0.3, 0.7);
    }

    private static void check(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("parameter " + name + " must be a positive finite number, got " + v);
        }
    }

    /**
     * A copy with one parameter changed: {@code M}, {@code kappa}, {@code rho}, {@code ca} or {@code cb}.
     */
    public CahnHilliard with(String name, double value) {
        return switch (name.trim()) {
            case "M" -> new CahnHilliard(value, kappa, rho, ca, cb);
            case "kappa" -> new CahnHilliard(mobility, value, rho, ca, cb);
            case "rho" -> new CahnHilliard(mobility, kappa, value, ca, cb);
            case "ca" -> new CahnHilliard(mobility, kappa, rho, value, cb);
            case "cb" -> new CahnHilliard(mobility, kappa, rho, ca, value);
            default -> throw new IllegalArgumentException("unknown cahn-hilliard parameter '" + name
                + "': use M, kappa, rho, ca or cb");
        };
    }

    /**
     * The PFHub benchmark 1 initial condition on nodes {@code x_i = i dx}, {@code i = 1..nx} (1-based, as
     * MEMPHIS used; 0-based nodes give F(0) = 319.0938 instead of 319.0994), C order (y, x):
     * {@code c0 + eps [cos(0.105x)cos(0.11y) + (cos(0.13x)cos(0.087y))^2 + cos(0.025x-0.15y)cos(0.07x-0.02y)]}.
     */
    public static double[] pfhub1Initial(int ny, int nx, double dx, double c0, double eps) {
        double[] v = new double[MemoryBudget.heapDoubles(1, ny, nx, "the pfhub-1 initial state")];
        for (int j = 0; j < ny; j++) {
            double y = (j + 1) * dx;
            for (int i = 0; i < nx; i++) {
                double x = (i + 1) * dx;
                double t2 = Math.cos(0.13 * x) * Math.cos(0.087 * y);
                v[j * nx + i] = c0 + eps * (Math.cos(0.105 * x) * Math.cos(0.11 * y) + t2 * t2
                    + Math.cos(0.025 * x - 0.15 * y) * Math.cos(0.07 * x - 0.02 * y));
            }
        }
        return v;
    }

    /**
     * A 3-D extension of {@link #pfhub1Initial} (ours: PFHub benchmark 1 is 2-D): the 2-D pattern in (x, y)
     * plus {@code eps cos(0.09 z) cos(0.12 x + 0.05 y)} with {@code z_k = (k + 1) dx}, C order (z, y, x). The
     * mean stays near c0 and every slice differs, so the state is truly 3-D.
     */
    public static double[] pfhub1Initial3d(int nz, int ny, int nx, double dx, double c0, double eps) {
        if (nz < 1) {
            throw new IllegalArgumentException("nz must be >= 1, got " + nz);
        }
        double[] plane = pfhub1Initial(ny, nx, dx, c0, eps);
        MemoryBudget.heapDoubles(1, (long) nz * ny, nx, "the 3-D PFHub initial state");
        double[] v = new double[nz * ny * nx];
        for (int k = 0; k < nz; k++) {
            double z = (k + 1) * dx;
            for (int j = 0; j < ny; j++) {
                double y = (j + 1) * dx;
                for (int i = 0; i < nx; i++) {
                    double x = (i + 1) * dx;
                    v[(k * ny + j) * nx + i] = plane[j * nx + i] + eps * Math.cos(0.09 * z) * Math.cos(0.12 * x + 0.05 * y);
                }
            }
        }
        return v;
    }

    @Override
    public String name() {
        return "cahn-hilliard";
    }

    @Override
    public int fields() {
        return 1;
    }

    @Override
    public String fieldName(int f) {
        return "c";
    }

    @Override
    public Map<String, Double> parameters() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("M", mobility);
        m.put("kappa", kappa);
        m.put("rho", rho);
        m.put("ca", ca);
        m.put("cb", cb);
        return m;
    }

    /**
     * physics.md 3.2: {@code dt < 2 / (M (64 kappa/dx^4 + 8 f''max/dx^2))} with
     * {@code f''max = 2 rho (cb - ca)^2}, the largest curvature of the double well over [ca, cb]
     * (0.0028 for benchmark 1 at dx = 1).
     */
    @Override
    public double stableDt(double dx) {
        double d2 = dx * dx;
        double fpp = 2.0 * rho * (cb - ca) * (cb - ca);
        return 2.0 / (mobility * (64.0 * kappa / (d2 * d2) + 8.0 * fpp / d2));
    }

    @Override
    public long scratchDoubles(Grid grid) {
        if (grid.is3d()) {
            return 3 * grid.sliceStride();
        }
        // 2-D: room for the SIMD kernel's blocks of mu rows, up to 64 KB (34 rows of 128 columns, 3 at 2048)
        long rows = Math.max(3, Math.min(34, 65536 / (grid.rowStride() * Double.BYTES)));
        return rows * grid.rowStride();
    }

    @Override
    public void stepSlices(StencilKernels kernels, Grid grid, double dt, long step, int zFrom, int zTo,
                           MemorySegment scratch) {
        kernels.cahnHilliardSlices(grid.current(), grid.next(), scratch, grid.sliceStride(), grid.rowStride(), zFrom,
            zTo, grid.rowStart(), grid.rowStart() + grid.ny(), grid.colStart(), grid.nx(), mobility * dt, kappa, rho,
            ca, cb, 1.0 / (grid.dx() * grid.dx()));
    }

    /** Fourth order: the bound scales with the square of the Laplacian's largest eigenvalue, (8/12)^2 in 3-D. */
    @Override
    public double stableDt(double dx, int dims) {
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("dims must be 2 or 3, got " + dims);
        }
        return dims == 3 ? stableDt(dx) * (4.0 / 9.0) : stableDt(dx);
    }

    @Override
    public void stepRows(StencilKernels kernels, Grid grid, double dt, long step, int rowFrom, int rowTo,
                         MemorySegment scratch) {
        kernels.cahnHilliardRows(grid.current(), grid.next(), scratch, grid.rowStride(), rowFrom, rowTo,
            grid.colStart(), grid.nx(), mobility * dt, kappa, rho, ca, cb, 1.0 / (grid.dx() * grid.dx()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The operations of {@code ScalarKernels.cahnHilliardRows}: mu at the centre and its 4 direct
     * neighbours (their Laplacians reach the second-order neighbours), then {@code c + M dt lap(mu)} and
     * the flush. No random sources, so {@code step}, {@code y}, {@code x} and {@code nx} are unused.
     */
    @Override
    public void evalNew(double[] nb, double dt, double dx, long step, int y, int x, int nx, double[] out) {
        double inv = 1.0 / (dx * dx);
        double mdt = mobility * dt;
        double muC = mu(nb, Neighbourhood.CENTER, inv, false);
        double muW = mu(nb, Neighbourhood.W, inv, false);
        double muE = mu(nb, Neighbourhood.E, inv, false);
        double muN = mu(nb, Neighbourhood.N, inv, false);
        double muS = mu(nb, Neighbourhood.S, inv, false);
        double lap = (((muW + muE) + (muN + muS)) - 4.0 * muC) * inv;
        double v = nb[Neighbourhood.CENTER] + mdt * lap;
        out[0] = Math.abs(v) < StencilKernels.FLUSH_BELOW ? 0.0 : v;
    }

    /**
     * mu at direct point p, as the dense kernel computes it: of the 2-D {@link Neighbourhood} (CENTER, W, E, N
     * or S) with the five-point Laplacian, or of the {@link Neighbourhood3d} (also F, B) with the seven-point
     * one ({@code Scalar3d.chMuRow}).
     */
    private double mu(double[] nb, int p, double inv, boolean threeD) {
        double twoRho = 2.0 * rho;
        double sum = ca + cb;
        double ctr = nb[p];
        double lap = threeD ? Neighbourhood3d.lap(nb, 0, p, inv) : Neighbourhood.lap(nb, 0, p, inv);
        double df = ((twoRho * (ctr - ca)) * (cb - ctr)) * (sum - 2.0 * ctr);
        return df - kappa * lap;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The operations of {@code Scalar3d.cahnHilliard}: mu at the centre and its 6 direct neighbours
     * (seven-point Laplacians that reach all 25 points of the {@link Neighbourhood3d}), then
     * {@code c + M dt lap(mu)} with the seven-point Laplacian of mu, and the flush. Reads all 25 points. No
     * random sources, so {@code step} and {@code cell} are unused.
     */
    @Override
    public void evalNew3d(double[] nb, double dt, double dx, long step, long cell, double[] out) {
        double inv = 1.0 / (dx * dx);
        double mdt = mobility * dt;
        double muC = mu(nb, Neighbourhood3d.CENTER, inv, true);
        double muW = mu(nb, Neighbourhood3d.W, inv, true);
        double muE = mu(nb, Neighbourhood3d.E, inv, true);
        double muN = mu(nb, Neighbourhood3d.N, inv, true);
        double muS = mu(nb, Neighbourhood3d.S, inv, true);
        double muF = mu(nb, Neighbourhood3d.F, inv, true);
        double muB = mu(nb, Neighbourhood3d.B, inv, true);
        double lap = ((((muW + muE) + (muN + muS)) - 4.0 * muC) + ((muF + muB) - 2.0 * muC)) * inv;
        double v = nb[Neighbourhood3d.CENTER] + mdt * lap;
        out[0] = Math.abs(v) < StencilKernels.FLUSH_BELOW ? 0.0 : v;
    }

    @Override
    public double freeEnergy(Grid grid) {
        grid.refreshHalo();
        MemorySegment s = grid.current();
        long rs = grid.rowStride();
        double inv2dx = 1.0 / (2.0 * grid.dx());
        long zs = grid.is3d() ? grid.sliceStride() : 0;
        double total = 0;
        for (int z = 0; z < grid.nz(); z++) {
            for (int y = 0; y < grid.ny(); y++) {
                double row = 0;
                for (int x = 0; x < grid.nx(); x++) {
                    long i = grid.index(0, z, y, x);
                    double c = s.getAtIndex(D, i);
                    double gx = (s.getAtIndex(D, i + 1) - s.getAtIndex(D, i - 1)) * inv2dx;
                    double gy = (s.getAtIndex(D, i + rs) - s.getAtIndex(D, i - rs)) * inv2dx;
                    double gz = zs == 0 ? 0.0 : (s.getAtIndex(D, i + zs) - s.getAtIndex(D, i - zs)) * inv2dx;
                    double a = c - ca;
                    double b = cb - c;
                    row += rho * a * a * b * b + 0.5 * kappa * (gx * gx + gy * gy + gz * gz);
                }
                total += row;
            }
        }
        return total * grid.dx() * grid.dx() * (grid.is3d() ? grid.dx() : 1.0);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "cahn-hilliard M=%g kappa=%g rho=%g ca=%g cb=%g", mobility, kappa, rho, ca, cb);
    }
}
