package org.lshsmile.core.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * Nanovoid evolution under irradiation (Millett et al. 2011, as the Xue group's code uses it;
 * physics.md section 2): fields c_v, c_i, eta; free energy
 * {@code h(eta) f_s + j(eta) f_v + kv/2 |grad c_v|^2 + ki/2 |grad c_i|^2 + ke/2 |grad eta|^2} with
 * {@code h = (eta-1)^2}, {@code j = eta^2}, concentration-dependent mobilities {@code D c / kT},
 * recombination {@code (R_bulk + R_surf eta^2) c_v c_i}, and an Allen-Cahn equation for eta. The
 * update is {@link StencilKernels#nanovoidRows}.
 *
 * <p>Two forms: {@link Form#LITERAL} ({@code M lap mu}, the paper's printed form) and
 * {@link Form#CONSERVATIVE} (flux form with face mobilities, which conserves c_v and c_i when
 * recombination is off and no clamp acts). The clamp of all fields to [0, 1] is on by default and is
 * load-bearing: with these parameters eta's energy is concave in the matrix and eta diverges without it.
 *
 * <p>Optional {@link Sources} (off by default, so runs are deterministic without a seed): cascades, per
 * cell and step {@code P = U2 v_g} where {@code eta < 0.8} and {@code U1 < p_casc}, split as
 * {@code P_v = B P}, {@code P_i = (1-B) P}, {@code P_vi = P_v - P_i}; and thermal noise
 * {@code xi = N(0,1) * amplitude} on each field. They are added after the deterministic update, before
 * the clamp. The random numbers are a counter-based hash of (seed, step, cell, stream), so they do not
 * depend on bands, threads or kernels, and a resumed run draws the same numbers.
 */
public final class Nanovoid implements Model {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final String[] NAMES = {"Ev", "Ei", "kT", "kv", "ki", "ke", "R_bulk", "R_surf", "Dv", "Di", "L"};
    private static final int I_EV = 0;
    private static final int I_EI = 1;
    private static final int I_KT = 2;
    private static final int I_KV = 3;
    private static final int I_KI = 4;
    private static final int I_KE = 5;
    private static final int I_RB = 6;
    private static final int I_RS = 7;
    private static final int I_DV = 8;
    private static final int I_DI = 9;
    private static final int I_L = 10;
    private static final int[] SLOTS = {StencilKernels.Nanovoid.EV, StencilKernels.Nanovoid.EI,
        StencilKernels.Nanovoid.KT, StencilKernels.Nanovoid.KV, StencilKernels.Nanovoid.KI,
        StencilKernels.Nanovoid.KE, StencilKernels.Nanovoid.R_BULK, StencilKernels.Nanovoid.R_SURF,
        StencilKernels.Nanovoid.DV, StencilKernels.Nanovoid.DI, StencilKernels.Nanovoid.L};

    /** How the concentration equations are discretised. */
    public enum Form {
        /** {@code M(c) * lap(mu)}: the paper's form; does not conserve c. */
        LITERAL,
        /** {@code div(M grad mu)} with face mobility (M_a + M_b)/2: conserves c. */
        CONSERVATIVE;

        /** Parses {@code literal} or {@code conservative}. */
        public static Form parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "literal" -> LITERAL;
                case "conservative" -> CONSERVATIVE;
                default -> throw new IllegalArgumentException("unknown form '" + s + "': use literal or conservative");
            };
        }
    }

    /**
     * Random sources.
     *
     * @param seed      seed of the counter-based random stream
     * @param cascades  whether cascade sources act
     * @param pCascade  probability of a cascade per cell and step
     * @param bias      fraction B of a cascade's defects that are vacancies
     * @param vg        cascade strength v_g
     * @param noise     whether thermal noise acts
     * @param amplitude standard deviation of the noise per field, cell and step
     */
    public record Sources(long seed, boolean cascades, double pCascade, double bias, double vg, boolean noise,
                          double amplitude) {

        /** No sources. */
        public static final Sources NONE = new Sources(0, false, 0.01, 0.3, 0.01, false, 0.01);

        /** The group's values (physics.md 2.2, 2.4): p_casc = 0.01, B = 0.3, v_g = 0.01, noise N(0,1)/100. */
        public static Sources standard(long seed, boolean cascades, boolean noise) {
            return new Sources(seed, cascades, 0.01, 0.3, 0.01, noise, 0.01);
        }

        /** Validates the ranges. */
        public Sources {
            if (!(pCascade >= 0 && pCascade <= 1) || !(bias >= 0 && bias <= 1) || !(vg >= 0) || !Double.isFinite(vg)
                || !(amplitude >= 0) || !Double.isFinite(amplitude)) {
                throw new IllegalArgumentException("sources need p_casc and B in [0, 1], v_g and the noise amplitude"
                    + " >= 0 and finite");
            }
        }

        boolean any() {
            return cascades || noise;
        }
    }

    private final double[] values;
    private final Form form;
    private final boolean voidMask;
    private final boolean clamp;
    private final Sources sources;

    private Nanovoid(double[] values, Form form, boolean voidMask, boolean clamp) {
        this(values, form, voidMask, clamp, Sources.NONE);
    }

    private Nanovoid(double[] values, Form form, boolean voidMask, boolean clamp, Sources sources) {
        for (int k = 0; k < NAMES.length; k++) {
            double v = values[k];
            String n = NAMES[k];
            // formation energies may have any sign; rates may be 0 (recombination off); the rest must be > 0
            boolean ok = n.startsWith("E") ? Double.isFinite(v)
                : n.startsWith("R_") ? v >= 0 && Double.isFinite(v) : v > 0 && Double.isFinite(v);
            if (!ok) {
                throw new IllegalArgumentException("parameter " + n + " must be "
                    + (n.startsWith("E") ? "finite" : n.startsWith("R_") ? "non-negative and finite" : "positive and finite")
                    + ", got " + v);
            }
        }
        this.values = values.clone();
        this.form = form;
        this.voidMask = voidMask;
        this.clamp = clamp;
        this.sources = sources;
    }

    /** A copy with these random sources. */
    public Nanovoid with(Sources newSources) {
        return new Nanovoid(values, form, voidMask, clamp, newSources);
    }

    /** The random sources (possibly {@link Sources#NONE}). */
    public Sources sources() {
        return sources;
    }

    /**
     * The Xue group's dimensionless parameters (physics.md 2.4): Ev = Ei = 8, kT = 5, kv = ki = ke = 1,
     * R_bulk = 5, R_surf = 10, Dv = Di = 1, L = 1; void mask on, clamp on.
     */
    public static Nanovoid standard(Form form) {
        return new Nanovoid(new double[] {8, 8, 5, 1, 1, 1, 5, 10, 1, 1, 1}, form, true, true);
    }

    /** A copy with one parameter changed (names: Ev, Ei, kT, kv, ki, ke, R_bulk, R_surf, Dv, Di, L). */
    public Nanovoid with(String name, double value) {
        for (int k = 0; k < NAMES.length; k++) {
            if (NAMES[k].equals(name.trim())) {
                double[] v = values.clone();
                v[k] = value;
                return new Nanovoid(v, form, voidMask, clamp, sources);
            }
        }
        throw new IllegalArgumentException("unknown nanovoid parameter '" + name + "': use " + String.join(", ", NAMES));
    }

    /** A copy with the form, void-interior mask and clamp set. */
    public Nanovoid with(Form newForm, boolean newVoidMask, boolean newClamp) {
        return new Nanovoid(values, newForm, newVoidMask, newClamp, sources);
    }

    /** The discretisation form. */
    public Form form() {
        return form;
    }

    /** Whether f_s and its derivatives are zeroed where 1 - c_v - c_i < 1e-6 (inside a void). */
    public boolean voidMask() {
        return voidMask;
    }

    /** Whether fields are clamped to [0, 1]. */
    public boolean clamp() {
        return clamp;
    }

    /** Parameter by name. */
    public double get(String name) {
        for (int k = 0; k < NAMES.length; k++) {
            if (NAMES[k].equals(name)) {
                return values[k];
            }
        }
        throw new IllegalArgumentException("unknown nanovoid parameter '" + name + "'");
    }

    @Override
    public String name() {
        return "nanovoid";
    }

    @Override
    public int fields() {
        return 3;
    }

    @Override
    public String fieldName(int f) {
        return switch (f) {
            case 0 -> "c_v";
            case 1 -> "c_i";
            case 2 -> "eta";
            default -> throw new IndexOutOfBoundsException("nanovoid has 3 fields, asked for " + f);
        };
    }

    @Override
    public Map<String, Double> parameters() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < NAMES.length; k++) {
            m.put(NAMES[k], values[k]);
        }
        return m;
    }

    /**
     * physics.md 2.7: the Cahn-Hilliard part {@code 2 / ((D/kT) (64 kappa/dx^4 + 16/dx^2))} (mobility at
     * most D/kT, the log curvature tamed by M = D c / kT) and the Allen-Cahn part
     * {@code 2 / (L (8 ke/dx^2 + 2))}; 0.125 for the standard parameters at dx = 1.
     */
    @Override
    public double stableDt(double dx) {
        double d2 = dx * dx;
        double mobility = Math.max(get("Dv"), get("Di")) / get("kT");
        double kappa = Math.max(get("kv"), get("ki"));
        double ch = 2.0 / (mobility * (64.0 * kappa / (d2 * d2) + 16.0 / d2));
        double ac = 2.0 / (get("L") * (8.0 * get("ke") / d2 + 2.0));
        return Math.min(ch, ac);
    }

    @Override
    public long scratchDoubles(Grid grid) {
        return 15 * (grid.is3d() ? grid.sliceStride() : grid.rowStride());
    }

    @Override
    public void stepSlices(StencilKernels kernels, Grid grid, double dt, long step, int zFrom, int zTo,
                           MemorySegment scratch) {
        boolean random = sources.any();
        kernels.nanovoidSlices(grid.current(), grid.next(), scratch, grid.planeStride(), grid.sliceStride(),
            grid.rowStride(), zFrom, zTo, grid.rowStart(), grid.rowStart() + grid.ny(), grid.colStart(), grid.nx(),
            kernelParams(dt, grid.dx()), form == Form.CONSERVATIVE, voidMask, clamp && !random);
        if (random) {
            addSources(grid, dt, step, zFrom, zTo, grid.rowStart(), grid.rowStart() + grid.ny());
        }
    }

    private double[] kernelParams(double dt, double dx) {
        double[] p = new double[StencilKernels.Nanovoid.COUNT];
        for (int k = 0; k < NAMES.length; k++) {
            p[SLOTS[k]] = values[k];
        }
        p[StencilKernels.Nanovoid.DT] = dt;
        p[StencilKernels.Nanovoid.INV_DX2] = 1.0 / (dx * dx);
        return p;
    }

    @Override
    public void stepRows(StencilKernels kernels, Grid grid, double dt, long step, int rowFrom, int rowTo,
                         MemorySegment scratch) {
        boolean random = sources.any();
        // with sources, clamp after adding them, not before
        kernels.nanovoidRows(grid.current(), grid.next(), scratch, grid.planeStride(), grid.rowStride(), rowFrom,
            rowTo, grid.colStart(), grid.nx(), kernelParams(dt, grid.dx()), form == Form.CONSERVATIVE, voidMask,
            clamp && !random);
        if (random) {
            addSources(grid, dt, step, grid.sliceStart(), grid.sliceStart() + 1, rowFrom, rowTo);
        }
    }

    /** Adds the random sources to padded slices [zFrom, zTo), padded rows [rowFrom, rowTo) of next. */
    private void addSources(Grid grid, double dt, long step, int zFrom, int zTo, int rowFrom, int rowTo) {
        MemorySegment cur = grid.current();
        MemorySegment next = grid.next();
        long ps = grid.planeStride();
        for (int zp = zFrom; zp < zTo; zp++) {
            int z = zp - grid.sliceStart();
            for (int r = rowFrom; r < rowTo; r++) {
                int y = r - grid.rowStart();
                for (int x = 0; x < grid.nx(); x++) {
                    long i = grid.index(0, z, y, x);
                    long cell = grid.cellOffset() + ((long) z * grid.ny() + y) * grid.nx() + x;
                    long key = CounterRandom.key(sources.seed(), step, cell);
                    double pv = 0;
                    double pi = 0;
                    if (sources.cascades() && cur.getAtIndex(D, i + 2 * ps) < 0.8
                        && CounterRandom.uniform(key, 0) < sources.pCascade()) {
                        double p = CounterRandom.uniform(key, 1) * sources.vg();
                        pv = sources.bias() * p;
                        pi = (1 - sources.bias()) * p;
                    }
                    double[] add = {pv, pi, pv - pi};
                    for (int f = 0; f < 3; f++) {
                        double xi = sources.noise() ? sources.amplitude() * CounterRandom.gaussian(key, 2 + 2 * f) : 0;
                        long k = i + f * ps;
                        double v = next.getAtIndex(D, k) + dt * (xi + add[f]);
                        if (clamp) {
                            v = Math.min(Math.max(v, 0.0), 1.0);
                        }
                        next.setAtIndex(D, k, v);
                    }
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The operations of {@code ScalarKernels.nanovoidRows}: masked logarithms ({@link Kernels#log}) and
     * mu_v, mu_i at the centre and its 4 direct neighbours (their Laplacians reach the second-order
     * neighbours), the literal or conservative divergence (face mobilities use c at the direct
     * neighbours), recombination, the Allen-Cahn term, the flush; then, with sources, the same
     * {@link CounterRandom} draws as the dense step for cell {@code y * nx + x} (cascades gated by the old
     * eta), and the clamp last; without sources the clamp follows the flush.
     */
    @Override
    public void evalNew(double[] nb, double dt, double dx, long step, int y, int x, int nx, double[] out) {
        final int n = Neighbourhood.SIZE;
        final double kt = values[I_KT];
        final double mv = values[I_DV] / kt;
        final double mi = values[I_DI] / kt;
        final double inv = 1.0 / (dx * dx);
        double muVC = mu(nb, Neighbourhood.CENTER, true, inv, false);
        double muVW = mu(nb, Neighbourhood.W, true, inv, false);
        double muVE = mu(nb, Neighbourhood.E, true, inv, false);
        double muVN = mu(nb, Neighbourhood.N, true, inv, false);
        double muVS = mu(nb, Neighbourhood.S, true, inv, false);
        double muIC = mu(nb, Neighbourhood.CENTER, false, inv, false);
        double muIW = mu(nb, Neighbourhood.W, false, inv, false);
        double muIE = mu(nb, Neighbourhood.E, false, inv, false);
        double muIN = mu(nb, Neighbourhood.N, false, inv, false);
        double muIS = mu(nb, Neighbourhood.S, false, inv, false);
        double cv = nb[Neighbourhood.CENTER];
        double ci = nb[n + Neighbourhood.CENTER];
        double eta = nb[2 * n + Neighbourhood.CENTER];
        boolean conservative = form == Form.CONSERVATIVE;
        double divV = divergence(nb, 0, muVC, muVW, muVE, muVN, muVS, mv, cv, inv, conservative);
        double divI = divergence(nb, n, muIC, muIW, muIE, muIN, muIS, mi, ci, inv, conservative);
        double lapE = Neighbourhood.lap(nb, 2 * n, Neighbourhood.CENTER, inv);
        finish(cv, ci, eta, divV, divI, lapE, dt, step, (long) y * nx + x, out);
    }

    /** Thermal noise of field f for a source key, 0 when noise is off (as {@code addSources} draws it). */
    private double noise(long key, int f) {
        return sources.noise() ? sources.amplitude() * CounterRandom.gaussian(key, 2 + 2 * f) : 0;
    }

    /**
     * mu_v ({@code vacancy}) or mu_i at direct point p, as the dense kernel computes it: of the 2-D
     * {@link Neighbourhood} (CENTER, W, E, N or S; five-point Laplacians) or of the {@link Neighbourhood3d}
     * (also F, B; seven-point, as {@code Scalar3d.nanovoidMuRow}).
     */
    private double mu(double[] nb, int p, boolean vacancy, double inv, boolean threeD) {
        final int n = threeD ? Neighbourhood3d.SIZE : Neighbourhood.SIZE;
        final double eps = StencilKernels.Nanovoid.EPS;
        final double kt = values[I_KT];
        double cv = nb[p];
        double ci = nb[n + p];
        double eta = nb[2 * n + p];
        double em1 = eta - 1.0;
        double h = em1 * em1;
        double j = eta * eta;
        double rest = (1.0 - cv) - ci;
        double lr = Kernels.log(Math.max(rest, eps));
        if (vacancy) {
            double lapV = threeD ? Neighbourhood3d.lap(nb, 0, p, inv) : Neighbourhood.lap(nb, 0, p, inv);
            double dfv = values[I_EV] + kt * (Kernels.log(Math.max(cv, eps)) - lr);
            if (voidMask && rest < eps) {
                dfv = 0.0;
            }
            return (h * dfv + j * (2.0 * (cv - 1.0))) - values[I_KV] * lapV;
        }
        double lapI = threeD ? Neighbourhood3d.lap(nb, n, p, inv) : Neighbourhood.lap(nb, n, p, inv);
        double dfi = values[I_EI] + kt * (Kernels.log(Math.max(ci, eps)) - lr);
        if (voidMask && rest < eps) {
            dfi = 0.0;
        }
        return (h * dfi + j * (2.0 * ci)) - values[I_KI] * lapI;
    }

    /**
     * {@code M c lap(mu)} (literal) or {@code div(M c grad mu)} with face mobilities (conservative) for the
     * concentration whose points start at {@code base}, as {@code ScalarKernels.divergence}.
     */
    private static double divergence(double[] nb, int base, double muC, double muW, double muE, double muN,
                                     double muS, double m, double c, double inv, boolean conservative) {
        if (!conservative) {
            return (m * c) * ((((muW + muE) + (muN + muS)) - 4.0 * muC) * inv);
        }
        double mc = m * c;
        double mw = m * nb[base + Neighbourhood.W];
        double me = m * nb[base + Neighbourhood.E];
        double mn = m * nb[base + Neighbourhood.N];
        double ms = m * nb[base + Neighbourhood.S];
        return ((((mc + me) * (muE - muC)) - ((mw + mc) * (muC - muW)))
            + (((mc + ms) * (muS - muC)) - ((mn + mc) * (muC - muN)))) * (0.5 * inv);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The operations of {@code Scalar3d.nanovoid}: masked logarithms ({@link Kernels#log}) and mu_v, mu_i
     * at the centre and its 6 direct neighbours (seven-point Laplacians that reach all 25 points of the
     * {@link Neighbourhood3d}), the literal or conservative divergence over six faces (face mobilities use
     * c at the direct neighbours), recombination, the Allen-Cahn term with the seven-point Laplacian of
     * eta, the flush; then, with sources, the same {@link CounterRandom} draws as the dense step for
     * {@code cell} (cascades gated by the old eta), and the clamp last; without sources the clamp follows
     * the flush. Reads all 25 points.
     */
    @Override
    public void evalNew3d(double[] nb, double dt, double dx, long step, long cell, double[] out) {
        final int n = Neighbourhood3d.SIZE;
        final double kt = values[I_KT];
        final double mv = values[I_DV] / kt;
        final double mi = values[I_DI] / kt;
        final double inv = 1.0 / (dx * dx);
        boolean conservative = form == Form.CONSERVATIVE;
        double cv = nb[Neighbourhood3d.CENTER];
        double ci = nb[n + Neighbourhood3d.CENTER];
        double eta = nb[2 * n + Neighbourhood3d.CENTER];
        double divV = divergence3d(nb, 0, mu(nb, Neighbourhood3d.CENTER, true, inv, true),
            mu(nb, Neighbourhood3d.W, true, inv, true), mu(nb, Neighbourhood3d.E, true, inv, true),
            mu(nb, Neighbourhood3d.N, true, inv, true), mu(nb, Neighbourhood3d.S, true, inv, true),
            mu(nb, Neighbourhood3d.F, true, inv, true), mu(nb, Neighbourhood3d.B, true, inv, true), mv, cv, inv,
            conservative);
        double divI = divergence3d(nb, n, mu(nb, Neighbourhood3d.CENTER, false, inv, true),
            mu(nb, Neighbourhood3d.W, false, inv, true), mu(nb, Neighbourhood3d.E, false, inv, true),
            mu(nb, Neighbourhood3d.N, false, inv, true), mu(nb, Neighbourhood3d.S, false, inv, true),
            mu(nb, Neighbourhood3d.F, false, inv, true), mu(nb, Neighbourhood3d.B, false, inv, true), mi, ci, inv,
            conservative);
        double lapE = Neighbourhood3d.lap(nb, 2 * n, Neighbourhood3d.CENTER, inv);
        finish(cv, ci, eta, divV, divI, lapE, dt, step, cell, out);
    }

    /**
     * The rest of an element's update once the divergences and the Laplacian of eta are known (2-D and 3-D
     * alike): recombination, the Allen-Cahn term, the flush, the random sources of {@code cell}, the clamp.
     */
    private void finish(double cv, double ci, double eta, double divV, double divI, double lapE, double dt, long step,
                        long cell, double[] out) {
        final double eps = StencilKernels.Nanovoid.EPS;
        final double ev = values[I_EV];
        final double ei = values[I_EI];
        final double kt = values[I_KT];
        final double ke = values[I_KE];
        final double rb = values[I_RB];
        final double rs = values[I_RS];
        final double mob = values[I_L];
        double rec = ((rb + rs * (eta * eta)) * cv) * ci;
        double rest = (1.0 - cv) - ci;
        double lr = Kernels.log(Math.max(rest, eps));
        double fs = (ev * cv + ei * ci) + kt * ((cv * Kernels.log(Math.max(cv, eps))
            + ci * Kernels.log(Math.max(ci, eps))) + rest * lr);
        if (voidMask && rest < eps) {
            fs = 0.0;
        }
        double cvm1 = cv - 1.0;
        double fv = cvm1 * cvm1 + ci * ci;
        double dEta = -mob * (((2.0 * (eta - 1.0)) * fs + (2.0 * eta) * fv) - ke * lapE);
        double nv = cv + dt * (divV - rec);
        double ni = ci + dt * (divI - rec);
        double ne = eta + dt * dEta;
        nv = Math.abs(nv) < StencilKernels.FLUSH_BELOW ? 0.0 : nv;
        ni = Math.abs(ni) < StencilKernels.FLUSH_BELOW ? 0.0 : ni;
        ne = Math.abs(ne) < StencilKernels.FLUSH_BELOW ? 0.0 : ne;
        if (sources.any()) {
            long key = CounterRandom.key(sources.seed(), step, cell);
            double pv = 0;
            double pi = 0;
            if (sources.cascades() && eta < 0.8 && CounterRandom.uniform(key, 0) < sources.pCascade()) {
                double p = CounterRandom.uniform(key, 1) * sources.vg();
                pv = sources.bias() * p;
                pi = (1 - sources.bias()) * p;
            }
            nv = nv + dt * (noise(key, 0) + pv);
            ni = ni + dt * (noise(key, 1) + pi);
            ne = ne + dt * (noise(key, 2) + (pv - pi));
        }
        if (clamp) {
            nv = Math.min(Math.max(nv, 0.0), 1.0);
            ni = Math.min(Math.max(ni, 0.0), 1.0);
            ne = Math.min(Math.max(ne, 0.0), 1.0);
        }
        out[0] = nv;
        out[1] = ni;
        out[2] = ne;
    }

    /**
     * {@code M c lap(mu)} (literal, seven-point) or {@code div(M c grad mu)} over six faces with face
     * mobilities (conservative) for the concentration whose {@link Neighbourhood3d} points start at
     * {@code base}, as {@code Scalar3d.divergence}.
     */
    private static double divergence3d(double[] nb, int base, double muC, double muW, double muE, double muN,
                                       double muS, double muF, double muB, double m, double c, double inv,
                                       boolean conservative) {
        if (!conservative) {
            return (m * c) * (((((muW + muE) + (muN + muS)) - 4.0 * muC) + ((muF + muB) - 2.0 * muC)) * inv);
        }
        double mc = m * c;
        double mw = m * nb[base + Neighbourhood3d.W];
        double me = m * nb[base + Neighbourhood3d.E];
        double mn = m * nb[base + Neighbourhood3d.N];
        double ms = m * nb[base + Neighbourhood3d.S];
        double mf = m * nb[base + Neighbourhood3d.F];
        double mb = m * nb[base + Neighbourhood3d.B];
        return (((((mc + me) * (muE - muC)) - ((mw + mc) * (muC - muW)))
            + (((mc + ms) * (muS - muC)) - ((mn + mc) * (muC - muN))))
            + (((mc + mb) * (muB - muC)) - ((mf + mc) * (muC - muF)))) * (0.5 * inv);
    }

    /** Forward-difference gradients, masked logarithms and the void-interior mask, as in the update. */
    @Override
    public double freeEnergy(Grid grid) {
        grid.refreshHalo();
        MemorySegment s = grid.current();
        long rs = grid.rowStride();
        long ps = grid.planeStride();
        double inv = 1.0 / (grid.dx() * grid.dx());
        double ev = get("Ev");
        double ei = get("Ei");
        double kt = get("kT");
        double[] kappa = {get("kv"), get("ki"), get("ke")};
        double eps = StencilKernels.Nanovoid.EPS;
        long zs = grid.is3d() ? grid.sliceStride() : 0;
        double total = 0;
        for (int z = 0; z < grid.nz(); z++) {
            for (int y = 0; y < grid.ny(); y++) {
                double row = 0;
                for (int x = 0; x < grid.nx(); x++) {
                    long i = grid.index(0, z, y, x);
                    double cv = s.getAtIndex(D, i);
                    double ci = s.getAtIndex(D, i + ps);
                    double eta = s.getAtIndex(D, i + 2 * ps);
                    double rest = 1.0 - cv - ci;
                    double fs = ev * cv + ei * ci + kt * (cv * Math.log(Math.max(cv, eps))
                        + ci * Math.log(Math.max(ci, eps)) + rest * Math.log(Math.max(rest, eps)));
                    if (voidMask && rest < eps) {
                        fs = 0;
                    }
                    double fv = (cv - 1) * (cv - 1) + ci * ci;
                    double e = (eta - 1) * (eta - 1) * fs + eta * eta * fv;
                    for (int f = 0; f < 3; f++) {
                        long k = i + f * ps;
                        double u = s.getAtIndex(D, k);
                        double gx = s.getAtIndex(D, k + 1) - u;
                        double gy = s.getAtIndex(D, k + rs) - u;
                        double gz = zs == 0 ? 0.0 : s.getAtIndex(D, k + zs) - u;
                        e += 0.5 * kappa[f] * (gx * gx + gy * gy + gz * gz) * inv;
                    }
                    row += e;
                }
                total += row;
            }
        }
        return total * grid.dx() * grid.dx() * (grid.is3d() ? grid.dx() : 1.0);
    }

    @Override
    public String toString() {
        return "nanovoid " + form.name().toLowerCase(Locale.ROOT) + " " + parameters() + " voidMask=" + voidMask
            + " clamp=" + clamp + " " + sources;
    }

    /**
     * Initial states of physics.md 2.6 as (3, ny, nx) C-order arrays, positions and radii in cells scaled
     * from the 128 x 128 originals, a cell inside a void when its squared distance to the centre is
     * strictly below r^2 (as the group's code does): {@code v0} one void of radius 7 at the centre (inside c_v = 1, eta = 1,
     * c_i = 6.9e-4; outside c_v = 0.122, c_i = 6.9e-4, eta = 0); {@code v1} one void of radius 10 at the
     * centre, outside c_v = 0.069, c_i = 0.122, eta = 0.1; {@code v2} voids of radius 20 at (32, 32) and 10
     * at (96, 96), inside c_v = 1, c_i = 0, eta = 1, outside c_v = 0.069, c_i = 0.122, eta = 0.
     */
    public static double[] initialState(String name, int ny, int nx) {
        return initialState(name, 1, ny, nx);
    }

    /**
     * The named initial state on an nz x ny x nx grid: in 3-D the voids are spheres centred on the middle
     * slice, scaled by the smallest side; nz = 1 gives the 2-D state.
     */
    public static double[] initialState(String name, int nz, int ny, int nx) {
        if (name == null) {
            throw new IllegalArgumentException("unknown nanovoid initial state 'null': use v0, v1 or v2");
        }
        double scale = Math.min(nz == 1 ? ny : Math.min(nz, ny), nx) / 128.0;
        String n = name.trim().toLowerCase(Locale.ROOT);
        double[][] voids;
        double[] out;
        double[] in;
        switch (n) {
            case "v0" -> {
                voids = new double[][] {{ny / 2.0, nx / 2.0, 7 * scale}};
                out = new double[] {0.122, 6.9e-4, 0};
                in = new double[] {1, 6.9e-4, 1};
            }
            case "v1" -> {
                voids = new double[][] {{ny / 2.0, nx / 2.0, 10 * scale}};
                out = new double[] {0.069, 0.122, 0.1};
                in = new double[] {1, 0, 1};
            }
            case "v2" -> {
                voids = new double[][] {{32 * scale, 32 * scale, 20 * scale}, {96 * scale, 96 * scale, 10 * scale}};
                out = new double[] {0.069, 0.122, 0};
                in = new double[] {1, 0, 1};
            }
            default -> throw new IllegalArgumentException("unknown nanovoid initial state '" + name + "': use v0, v1 or v2");
        }
        return voids(nz, ny, nx, voids, in, out);
    }

    /**
     * Circular voids {@code {centreY, centreX, radius}} (cells) with field values {@code inside} and
     * {@code outside} ({c_v, c_i, eta}), as a (3, ny, nx) C-order array.
     */
    public static double[] voids(int ny, int nx, double[][] voids, double[] inside, double[] outside) {
        return voids(1, ny, nx, voids, inside, outside);
    }

    /** Spherical voids centred on slice nz / 2 (circles when nz = 1), as a (3, nz, ny, nx) C-order array. */
    public static double[] voids(int nz, int ny, int nx, double[][] voids, double[] inside, double[] outside) {
        if (voids == null || inside == null || outside == null || inside.length < 3 || outside.length < 3) {
            throw new IllegalArgumentException("voids need a list of {y, x, radius} and 3 values inside and outside");
        }
        for (double[] c : voids) {
            if (c == null || c.length < 3) {
                throw new IllegalArgumentException("each void needs {centreY, centreX, radius}");
            }
        }
        double[] v = new double[MemoryBudget.heapDoubles(3, (long) nz * ny, nx, "the nanovoid initial state")];
        int plane = nz * ny * nx;
        double cz = nz == 1 ? 0 : nz / 2.0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    boolean hit = false;
                    for (double[] c : voids) {
                        double dy = y - c[0];
                        double dx = x - c[1];
                        double dz = z - cz;
                        hit |= dy * dy + dx * dx + dz * dz < c[2] * c[2];
                    }
                    double[] src = hit ? inside : outside;
                    int cell = (z * ny + y) * nx + x;
                    for (int f = 0; f < 3; f++) {
                        v[f * plane + cell] = src[f];
                    }
                }
            }
        }
        return v;
    }
}
