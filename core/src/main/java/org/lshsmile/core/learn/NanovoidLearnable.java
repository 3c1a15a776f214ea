package org.lshsmile.core.learn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.AdjointKernels;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * The nanovoid model's parameters Ev, Ei, kT, kv, ki, ke, R_bulk, R_surf, Dv, Di, L (the order of
 * {@link Nanovoid#parameters()}) and the adjoint of its step, in scalar Java (the {@link AdjointKernels}
 * argument is not used). Both forms, the void-interior mask and the clamp (through {@link #unclamped()}).
 * R_bulk and R_surf are learnable too: like the others they enter the deterministic update (the
 * recombination {@code (R_bulk + R_surf eta^2) c_v c_i}), so their derivatives are exact and cheap; only
 * the random sources (p_casc, B, v_g, noise) stay out, as constants of the step.
 *
 * <p>Identifiable from pairs of states: Ev/kT, Ei/kT, kv/kT, ke/kT, L kT, R_bulk, Dv and Di. Scaling Ev, Ei,
 * kT, kv, ki, ke by s and L by 1/s leaves every term but f_v unchanged, and f_v acts only at void surfaces,
 * so fix kT (the energy unit); ki and R_surf barely act on the group's states (R_surf shows only where a
 * void holds interstitials). Numbers and reasons: {@code core/LEARNING-nanovoid.md}.
 */
final class NanovoidLearnable implements Learnable {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final int EV = 0;
    private static final int EI = 1;
    private static final int KT = 2;
    private static final int KV = 3;
    private static final int KI = 4;
    private static final int KE = 5;
    private static final int RB = 6;
    private static final int RS = 7;
    private static final int DV = 8;
    private static final int DI = 9;
    private static final int L = 10;
    private static final int P = 11;
    /** Rolling three-row buffers in the scratch: mu_v, mu_i, and their adjoints alpha_v, alpha_i. */
    private static final int MU_V = 0;
    private static final int MU_I = 3;
    private static final int AL_V = 6;
    private static final int AL_I = 9;

    private final Nanovoid model;
    private final List<String> names;
    private final double[] values;

    NanovoidLearnable(Nanovoid model) {
        this.model = model;
        this.names = List.copyOf(new ArrayList<>(model.parameters().keySet()));
        this.values = model.parameters().values().stream().mapToDouble(Double::doubleValue).toArray();
        if (names.size() != P) {
            throw new IllegalStateException("nanovoid learnable expects " + P + " parameters, model has " + names);
        }
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public List<String> parameterNames() {
        return names;
    }

    @Override
    public double[] parameterValues() {
        return values.clone();
    }

    @Override
    public Learnable withParameters(double[] v) {
        Learnables.checkLength(v, P, model.name());
        Nanovoid m = model;
        for (int k = 0; k < P; k++) {
            m = m.with(names.get(k), v[k]);
        }
        return new NanovoidLearnable(m);
    }

    /** The same model (form, void mask, sources) with the clamp off; null when the clamp is off. */
    @Override
    public Model unclamped() {
        return model.clamp() ? model.with(model.form(), model.voidMask(), false) : null;
    }

    @Override
    public long adjointScratchDoubles(Grid grid) {
        return 12 * grid.rowStride();
    }

    /**
     * With {@code r = 1 - c_v - c_i}, the masked logs {@code ln u = log(max(u, EPS))} (derivative 0 below
     * EPS), {@code nm = 0} in a masked void cell (f_s and its derivatives are 0 there, so is their
     * derivative) and 1 elsewhere, {@code B = 2(eta-1) f_s + 2 eta f_v - ke lap eta} (so
     * {@code eta' = eta - dt L B}) and {@code R = R_bulk + R_surf eta^2}:
     * <pre>
     *   alpha_v = d(loss)/d(mu_v):  literal  dt (Dv/kT) lap(lam_v c_v)
     *                               conserv. dt (Dv/kT) / (2 dx^2) sum_faces (c_v + c_v,k)(lam_v,k - lam_v)
     *   out_v = lam_v + (mobility term) - dt (lam_v + lam_i) R c_i - dt L lam_eta dB/dc_v
     *           + alpha_v dmu_v/dc_v + alpha_i dmu_i/dc_v - kv lap(alpha_v)
     *   out_eta = lam_eta - dt L lam_eta (2 f_s + 2 f_v) + dt L ke lap(lam_eta) - dt (lam_v + lam_i) 2 R_surf eta c_v c_i
     *           + alpha_v dmu_v/deta + alpha_i dmu_i/deta
     * </pre>
     * where the mobility term is {@code dt (Dv/kT) lam_v lap(mu_v)} (literal) or
     * {@code dt (Dv/kT) / (2 dx^2) sum_faces (lam_v - lam_v,k)(mu_v,k - mu_v)} (conservative); c_i alike. The
     * operators with a periodic or mirror halo are symmetric, so the gather form reads lam, alpha and the
     * state at the neighbours; alpha at a ghost cell, computed from the halo, equals the ghost rule applied to
     * alpha. Parameter derivatives: {@code lam . dF/dtheta} per cell, e.g. {@code dL = -dt lam_eta B},
     * {@code dDv = dt lam_v div_v / Dv}, {@code dkT} collects the logs of mu and f_s and {@code -div/kT} of
     * both mobilities.
     */
    @Override
    public void adjointRows(AdjointKernels kernels, Grid state, MemorySegment lam, MemorySegment out, double dt,
                            long step, int rowFrom, int rowTo, MemorySegment scratch, double[] rowGrad,
                            int rowGradBase) {
        MemorySegment cur = state.current();
        long rs = state.rowStride();
        long ps = state.planeStride();
        int colFrom = state.colStart();
        int nx = state.nx();
        double inv = 1.0 / (state.dx() * state.dx());
        boolean conservative = model.form() == Nanovoid.Form.CONSERVATIVE;
        for (int r = rowFrom - 1; r <= rowTo; r++) {
            muAndAlphaRow(cur, lam, scratch, ps, rs, r, colFrom - 1, colFrom + nx, dt, inv, conservative);
            if (r >= rowFrom + 1) {
                adjointRow(cur, lam, out, scratch, ps, rs, r - 1, colFrom, nx, dt, inv, conservative, rowGrad,
                    (r - 1 - rowGradBase) * P);
            }
        }
    }

    /** mu_v, mu_i (as the forward kernel) and alpha_v, alpha_i of row r, columns [from, to], into their slots. */
    private void muAndAlphaRow(MemorySegment cur, MemorySegment lam, MemorySegment scratch, long ps, long rs, int r,
                               int from, int to, double dt, double inv, boolean conservative) {
        final double eps = StencilKernels.Nanovoid.EPS;
        final double ev = values[EV];
        final double ei = values[EI];
        final double kt = values[KT];
        final double kv = values[KV];
        final double ki = values[KI];
        final double av = dt * values[DV] / kt;
        final double ai = dt * values[DI] / kt;
        final boolean mask = model.voidMask();
        final long row = r * rs;
        final long slot = Math.floorMod(r, 3) * rs;
        for (int c = from; c <= to; c++) {
            long iv = row + c;
            long ii = ps + iv;
            double cv = cur.getAtIndex(D, iv);
            double ci = cur.getAtIndex(D, ii);
            double eta = cur.getAtIndex(D, ii + ps);
            double rest = (1.0 - cv) - ci;
            double lr = Kernels.log(Math.max(rest, eps));
            double dfv = ev + kt * (Kernels.log(Math.max(cv, eps)) - lr);
            double dfi = ei + kt * (Kernels.log(Math.max(ci, eps)) - lr);
            if (mask && rest < eps) {
                dfv = 0.0;
                dfi = 0.0;
            }
            double h = (eta - 1.0) * (eta - 1.0);
            double j = eta * eta;
            scratch.setAtIndex(D, MU_V * rs + slot + c, (h * dfv + j * (2.0 * (cv - 1.0))) - kv * lap(cur, iv, rs, inv));
            scratch.setAtIndex(D, MU_I * rs + slot + c, (h * dfi + j * (2.0 * ci)) - ki * lap(cur, ii, rs, inv));
            scratch.setAtIndex(D, AL_V * rs + slot + c, alpha(cur, lam, iv, rs, av, inv, conservative));
            scratch.setAtIndex(D, AL_I * rs + slot + c, alpha(cur, lam, ii, rs, ai, inv, conservative));
        }
    }

    /** The adjoint of mu at index i: the transpose of the mobility operator applied to lam (a = dt D / kT). */
    private static double alpha(MemorySegment cur, MemorySegment lam, long i, long rs, double a, double inv,
                                boolean conservative) {
        if (!conservative) {
            double l = lam.getAtIndex(D, i) * cur.getAtIndex(D, i);
            double w = lam.getAtIndex(D, i - 1) * cur.getAtIndex(D, i - 1);
            double e = lam.getAtIndex(D, i + 1) * cur.getAtIndex(D, i + 1);
            double n = lam.getAtIndex(D, i - rs) * cur.getAtIndex(D, i - rs);
            double s = lam.getAtIndex(D, i + rs) * cur.getAtIndex(D, i + rs);
            return a * ((((w + e) + (n + s)) - 4.0 * l) * inv);
        }
        double c = cur.getAtIndex(D, i);
        double l = lam.getAtIndex(D, i);
        double sum = (c + cur.getAtIndex(D, i - 1)) * (lam.getAtIndex(D, i - 1) - l)
            + (c + cur.getAtIndex(D, i + 1)) * (lam.getAtIndex(D, i + 1) - l)
            + (c + cur.getAtIndex(D, i - rs)) * (lam.getAtIndex(D, i - rs) - l)
            + (c + cur.getAtIndex(D, i + rs)) * (lam.getAtIndex(D, i + rs) - l);
        return a * sum * (0.5 * inv);
    }

    private static double lap(MemorySegment s, long i, long rs, double inv) {
        return (((s.getAtIndex(D, i - 1) + s.getAtIndex(D, i + 1))
            + (s.getAtIndex(D, i - rs) + s.getAtIndex(D, i + rs))) - 4.0 * s.getAtIndex(D, i)) * inv;
    }

    /** Laplacian of a rolling scratch quantity at column c, rows up, mid, down (slot offsets). */
    private static double lapRows(MemorySegment s, long base, long up, long mid, long down, int c, double inv) {
        return (((s.getAtIndex(D, base + mid + c - 1) + s.getAtIndex(D, base + mid + c + 1))
            + (s.getAtIndex(D, base + up + c) + s.getAtIndex(D, base + down + c))) - 4.0 * s.getAtIndex(D, base + mid + c))
            * inv;
    }

    /**
     * Divergence term {@code m c lap mu} or {@code div(m c grad mu)} divided by m (so the caller scales it),
     * and its adjoint with respect to the local mobility c: {@code [div/m, d(lam div)/dc / m]}.
     */
    private static void mobilityTerms(MemorySegment cur, MemorySegment lam, MemorySegment s, long i, long rs,
                                      long base, long up, long mid, long down, int c, double inv,
                                      boolean conservative, double[] res) {
        double muC = s.getAtIndex(D, base + mid + c);
        double muW = s.getAtIndex(D, base + mid + c - 1);
        double muE = s.getAtIndex(D, base + mid + c + 1);
        double muN = s.getAtIndex(D, base + up + c);
        double muS = s.getAtIndex(D, base + down + c);
        double x = cur.getAtIndex(D, i);
        double l = lam.getAtIndex(D, i);
        if (!conservative) {
            double lapMu = (((muW + muE) + (muN + muS)) - 4.0 * muC) * inv;
            res[0] = x * lapMu;
            res[1] = l * lapMu;
            return;
        }
        double xw = cur.getAtIndex(D, i - 1);
        double xe = cur.getAtIndex(D, i + 1);
        double xn = cur.getAtIndex(D, i - rs);
        double xs = cur.getAtIndex(D, i + rs);
        res[0] = (((x + xe) * (muE - muC) - (xw + x) * (muC - muW))
            + ((x + xs) * (muS - muC) - (xn + x) * (muC - muN))) * (0.5 * inv);
        res[1] = ((l - lam.getAtIndex(D, i - 1)) * (muW - muC) + (l - lam.getAtIndex(D, i + 1)) * (muE - muC)
            + (l - lam.getAtIndex(D, i - rs)) * (muN - muC) + (l - lam.getAtIndex(D, i + rs)) * (muS - muC))
            * (0.5 * inv);
    }

    /** out and parameter sums of row u; mu and alpha rows u-1, u, u+1 are in the scratch. */
    private void adjointRow(MemorySegment cur, MemorySegment lam, MemorySegment out, MemorySegment scratch, long ps,
                            long rs, int u, int colFrom, int nx, double dt, double inv, boolean conservative,
                            double[] rowGrad, int g) {
        final double eps = StencilKernels.Nanovoid.EPS;
        final double ev = values[EV];
        final double ei = values[EI];
        final double kt = values[KT];
        final double kv = values[KV];
        final double ki = values[KI];
        final double ke = values[KE];
        final double rb = values[RB];
        final double rsurf = values[RS];
        final double mv = values[DV] / kt;
        final double mi = values[DI] / kt;
        final double mob = values[L];
        final boolean mask = model.voidMask();
        final long row = u * rs;
        final long up = Math.floorMod(u - 1, 3) * rs;
        final long mid = Math.floorMod(u, 3) * rs;
        final long down = Math.floorMod(u + 1, 3) * rs;
        final double[] tv = new double[2];
        final double[] ti = new double[2];
        double[] sum = new double[P];
        for (int c = colFrom; c < colFrom + nx; c++) {
            long iv = row + c;
            long ii = ps + iv;
            long ie = ps + ii;
            double cv = cur.getAtIndex(D, iv);
            double ci = cur.getAtIndex(D, ii);
            double eta = cur.getAtIndex(D, ie);
            double lv = lam.getAtIndex(D, iv);
            double li = lam.getAtIndex(D, ii);
            double le = lam.getAtIndex(D, ie);
            double rest = (1.0 - cv) - ci;
            double logV = Kernels.log(Math.max(cv, eps));
            double logI = Kernels.log(Math.max(ci, eps));
            double logR = Kernels.log(Math.max(rest, eps));
            // derivatives of the masked logs: 0 where the floor holds
            double pv = cv > eps ? 1.0 / cv : 0.0;
            double pi = ci > eps ? 1.0 / ci : 0.0;
            double pr = rest > eps ? 1.0 / rest : 0.0;
            double nm = mask && rest < eps ? 0.0 : 1.0;
            double dfv = nm * (ev + kt * (logV - logR));
            double dfi = nm * (ei + kt * (logI - logR));
            double ddfvV = nm * kt * (pv + pr);
            double ddfR = nm * kt * pr;
            double ddfiI = nm * kt * (pi + pr);
            double entropy = (cv * logV + ci * logI) + rest * logR;
            double fs = nm * ((ev * cv + ei * ci) + kt * entropy);
            double dfsV = nm * (ev + kt * ((logV + cv * pv) - (logR + rest * pr)));
            double dfsI = nm * (ei + kt * ((logI + ci * pi) - (logR + rest * pr)));
            double fv = (cv - 1.0) * (cv - 1.0) + ci * ci;
            double h = (eta - 1.0) * (eta - 1.0);
            double j = eta * eta;
            double dh = 2.0 * (eta - 1.0);
            double dj = 2.0 * eta;
            double lapV = lap(cur, iv, rs, inv);
            double lapI = lap(cur, ii, rs, inv);
            double lapE = lap(cur, ie, rs, inv);
            double bracket = (dh * fs + dj * fv) - ke * lapE;
            double ld = dt * mob * le;
            double lr = dt * (lv + li);
            double rate = rb + rsurf * j;

            double alV = scratch.getAtIndex(D, AL_V * rs + mid + c);
            double alI = scratch.getAtIndex(D, AL_I * rs + mid + c);
            double lapAlV = lapRows(scratch, AL_V * rs, up, mid, down, c, inv);
            double lapAlI = lapRows(scratch, AL_I * rs, up, mid, down, c, inv);
            mobilityTerms(cur, lam, scratch, iv, rs, MU_V * rs, up, mid, down, c, inv, conservative, tv);
            mobilityTerms(cur, lam, scratch, ii, rs, MU_I * rs, up, mid, down, c, inv, conservative, ti);

            double oV = lv + dt * mv * tv[1] - lr * rate * ci
                + alV * (h * ddfvV + 2.0 * j) + alI * (h * ddfR) - kv * lapAlV
                - ld * (dh * dfsV + dj * (2.0 * (cv - 1.0)));
            double oI = li + dt * mi * ti[1] - lr * rate * cv
                + alV * (h * ddfR) + alI * (h * ddfiI + 2.0 * j) - ki * lapAlI
                - ld * (dh * dfsI + dj * (2.0 * ci));
            double oE = le - ld * (2.0 * fs + 2.0 * fv) + dt * mob * ke * lap(lam, ie, rs, inv)
                - lr * (2.0 * rsurf * eta) * cv * ci
                + alV * (dh * dfv + dj * (2.0 * (cv - 1.0))) + alI * (dh * dfi + dj * (2.0 * ci));
            out.setAtIndex(D, iv, oV);
            out.setAtIndex(D, ii, oI);
            out.setAtIndex(D, ie, oE);

            sum[EV] += nm * (alV * h - ld * dh * cv);
            sum[EI] += nm * (alI * h - ld * dh * ci);
            sum[KT] += nm * ((alV * h * (logV - logR) + alI * h * (logI - logR)) - ld * dh * entropy)
                - dt * (lv * mv * tv[0] + li * mi * ti[0]) / kt;
            sum[KV] -= alV * lapV;
            sum[KI] -= alI * lapI;
            sum[KE] += ld * lapE;
            sum[RB] -= lr * cv * ci;
            sum[RS] -= lr * j * cv * ci;
            sum[DV] += dt * lv * tv[0] / kt;
            sum[DI] += dt * li * ti[0] / kt;
            sum[L] -= dt * le * bracket;
        }
        for (int k = 0; k < P; k++) {
            rowGrad[g + k] += sum[k];
        }
    }
}
